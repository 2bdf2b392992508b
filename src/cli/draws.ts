import type { Command } from 'commander';
import { ExitCode, type Cli } from './shared.js';

export function registerDraws(program: Command, { io, withRuntime }: Cli): void {
  program
    .command('draws')
    .description('random draws (双随机)')
    .command('verify <id>')
    .description('re-run a draw now from its recorded seed and population, say whether it matches, and keep that as its public check')
    .action(async (id: string) => {
      const v = await withRuntime((rt) => rt.services.draws.recheck(id));
      io.out(`draw ${v.drawId}: ${v.matches ? 'MATCHES' : 'DOES NOT MATCH'}`);
      io.out(`  seed matches its published hash: ${v.seedMatchesCommitment ? 'yes' : 'NO'}`);
      io.out(`  population matches its hash:     ${v.populationMatchesHash ? 'yes' : 'NO'}`);
      io.out(`  record matches the audit trail:  ${v.recordMatchesAudit ? 'yes' : 'NO'}`);
      const d = v.firstDifference;
      const difference = `first difference at #${d?.seq}: recorded ${d?.recorded ?? '-'}, recomputed ${d?.recomputed ?? '-'}`;
      io.out(`  assignments (${v.recorded} recorded, ${v.recomputed} recomputed): ${v.assignmentsMatch ? 'the same' : difference}`);
      if (!v.matches) throw new ExitCode(1);
    });
}
