import { sql } from 'kysely';
import type { ServiceContext } from './context.js';
import { createFilingService } from './filings.js';
import { createGroundService } from './grounds.js';
import { createIdempotencyService } from './idempotency.js';
import { createKeyService } from './keys.js';
import { createNoticeService } from './notices.js';
import { createReadinessService } from './readiness.js';
import { createReportFollowUpService } from './report-follow-up.js';
import { createRegistryService } from './registry.js';
import { createDelivery } from './delivery.js';
import { createDigestService } from './digests.js';
import { createDrawService } from './draws.js';
import { createJobRunner } from './jobs.js';
import { createSweep } from './sweep.js';
import { createVerificationService } from './verification.js';
import { createViolationService } from './violations.js';
import { createWebSessions } from './web-sessions.js';
import { createAccountService } from './accounts.js';

export function createServices(ctx: ServiceContext) {
  const digests = createDigestService(ctx);
  const delivery = createDelivery(ctx, ctx.outbound, digests);
  const draws = createDrawService(ctx);
  const sweep = createSweep(ctx, draws);
  const jobs = createJobRunner(ctx, {
    digest: {
      run: (trx, day) => digests.generate(trx, day, { mail: !!ctx.outbound.smtpUrl, webhook: !!ctx.outbound.webhookUrl }),
      // the group robots' rows are queued here, after the commit, beside the mail and webhook rows
      after: async (day) => ({ robots: await delivery.queueRobots(day), ...(await delivery.deliver(day)) }),
    },
    sweep: {
      run: async (trx, _hour, now) => ({ ...(await sweep(trx, now)) }),
      // digest deliveries a failure or a crash left unsent in the last week
      after: async () => ({ redelivered: await delivery.retryRecent(7), urgent: await delivery.notifyUrgent() }),
    },
    // one transaction per plan, not one for the whole run: a scan never waits behind every plan's draw
    draw: { runAlone: (hour, now) => draws.runDue(hour.slice(0, 10), now) },
  });
  const keys = createKeyService(ctx);
  const filings = createFilingService(ctx);
  const accounts = createAccountService(ctx, keys);
  return {
    digests,
    draws,
    delivery,
    jobs,
    ctx,
    rulesets: {
      active: () => ctx.rules.active(),
      /** Reloads this process's rule sets, then tells every other process on the database to reload its own. */
      async reload() {
        const sets = await ctx.rules.reload();
        await sql`select pg_notify('rules_changed', ${ctx.instanceId ?? ''})`.execute(ctx.db);
        return sets;
      },
    },
    keys,
    accounts,
    webSessions: createWebSessions(ctx, keys, accounts),
    registry: createRegistryService(ctx),
    grounds: createGroundService(ctx),
    filings,
    notices: createNoticeService(ctx, filings),
    verification: createVerificationService(ctx),
    violations: createViolationService(ctx),
    reports: createReportFollowUpService(ctx),
    idempotency: createIdempotencyService(ctx),
    readiness: createReadinessService(ctx),
  };
}
export type Services = ReturnType<typeof createServices>;
