import { AppError } from '../domain/errors.js';
import { reasons } from '../domain/messages.js';
import { setsInForce } from '../rules/evaluate.js';
import { pingDatabase } from '../store/db.js';
import type { ServiceContext } from './context.js';
import { within } from './replica-reads.js';

export function createReadinessService(ctx: ServiceContext) {
  return {
    /**
     * Ready: the database answers and rule sets are loaded. Checked afresh on every probe. With no
     * primary answering but a standby that does, still ready (`writes: false`): a load balancer
     * must keep sending scans, which a standby answers; what writes answers 503 by itself.
     */
    async check(): Promise<{ status: 'ready'; database: string; ruleSets: number; writes: boolean }> {
      // the pool reports the ping's outcome to the database health itself
      let writes = true;
      try {
        // a primary that stopped answering must not hold the probe for the pool's minute (as long
        // as a new connection may take; PGlite's one connection may be busy with a job for longer)
        await (ctx.storeKind === 'postgres' ? within(5_000, pingDatabase(ctx.db)) : pingDatabase(ctx.db));
      } catch {
        if (!ctx.reads || !(await ctx.reads.standbyAnswers()))
          throw new AppError('unavailable', 'unavailable', { reason: reasons.databaseAway });
        writes = false;
      }
      // ready to decide filings: at least one set in force today (enabled, within its dates)
      const count = setsInForce(ctx.rules.active(), { now: ctx.clock.now(), tz: ctx.tz }).length;
      if (count === 0) throw new AppError('unavailable', 'rules_unavailable');
      return { status: 'ready', database: ctx.storeKind, ruleSets: count, writes };
    },
  };
}
