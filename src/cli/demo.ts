import type { Command } from 'commander';
import { seedDemo } from '../services/demo.js';
import { CLI_ACTOR, ExitCode, type Cli } from './shared.js';

export function registerDemo(program: Command, { io, withRuntime }: Cli): void {
  program
    .command('demo')
    .description('demo data')
    .command('seed')
    .description('load a small Xifeng-like registry: agencies with items and inspectors, a few hundred enterprises, and keys')
    .option('--enterprises <n>', 'how many enterprises', '300')
    .action(async (o: { enterprises: string }) => {
      const n = Number(o.enterprises);
      if (!Number.isInteger(n) || n < 0 || n > 100_000) {
        io.err('--enterprises must be a whole number from 0 to 100000');
        throw new ExitCode(2);
      }
      const r = await withRuntime((rt) => seedDemo(rt.services, CLI_ACTOR, n));
      for (const a of r.agencies) io.out(`agency  ${a.id}  ${a.code}  ${a.name}${a.key ? `  key ${a.key}` : '  (existed)'}`);
      io.out(`enterprises: ${r.enterprisesCreated} created, ${r.enterprisesTotal} in 211223`);
      if (r.supervisorKey) io.out(`supervisor key (region 211223): ${r.supervisorKey}`);
      if (r.enterpriseSample?.key)
        io.out(`enterprise key (${r.enterpriseSample.uscc} ${r.enterpriseSample.name}): ${r.enterpriseSample.key}`);
      if (r.agencies.some((a) => a.key)) io.out('Keys are shown this once; only their hashes are stored.');
    });
}
