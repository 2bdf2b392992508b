import type { Command } from 'commander';
import { verifyAuditTrail } from '../services/audit.js';
import { ExitCode, type Cli } from './shared.js';

export function registerAudit(program: Command, { io, withRuntime }: Cli): void {
  program
    .command('audit')
    .description('audit trail')
    .command('verify')
    .description('recompute every hash chain and name the first broken link')
    .action(async () => {
      const r = await withRuntime((rt) => verifyAuditTrail(rt.store.db));
      if (r.ok) {
        io.out(`audit trail intact: ${r.events} events in ${r.chains} chains`);
        return;
      }
      const b = r.broken!;
      io.err(`audit trail BROKEN at chain "${b.chain}", sequence ${b.seq} (event id ${b.eventId}): ${b.reason}`);
      io.err(`${r.events - 1} events before it verified.`);
      throw new ExitCode(1);
    });
}
