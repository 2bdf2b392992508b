import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createWorkdayCalendar } from './domain/workdays.js';
import { publicUrlUnreachable } from './domain/public-url.js';
import { createApp } from './http/app.js';
import type { AuditKeyring } from './domain/audit-signing.js';
import { auditKeyringFor, useAuditKeyring } from './services/audit-keyring.js';
import { createServices, type Services } from './services/index.js';
import { RuleSetRegistry } from './services/rulesets.js';
import { localChangeFeed, postgresChangeFeed } from './store/change-feed.js';
import { migrateToLatest, openStore, type Store } from './store/db.js';
import { VerifyCache } from './services/verify-cache.js';
import { ReplicaReads } from './services/replica-reads.js';
import { createMetrics } from './metrics.js';
import { startScheduler } from './services/scheduler.js';

export const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface Runtime {
  app: Express;
  services: Services;
  store: Store;
  /** the key that signs the audit trail's heads and roots (and checks them) */
  auditKeyring: AuditKeyring;
  close(): Promise<void>;
}

/**
 * The composition root: open the store, migrate, load rules, wire services and the HTTP app.
 * The server, the CLI and the tests all start the product through here. On PGlite the data
 * folder is locked for this process (a second one refuses to start, see store/data-dir-lock.ts).
 */
export async function startRuntime(
  config: Config,
  log: Logger,
  opts: {
    clock?: Clock;
    dataDir?: string;
    onQuery?: (sql: string, ms: number) => void;
    /** the command line: no start-up hints */
    quiet?: boolean;
    /** run the scheduled jobs in this process (the server, when SCHEDULER=on) */
    scheduler?: boolean;
    /** the server's process metrics (memory, event loop, GC) in /metrics; a test's runtimes share a process */
    processMetrics?: boolean;
  } = {},
): Promise<Runtime> {
  const closers: (() => Promise<void>)[] = [];
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    readUrl: config.databaseReadUrl,
    dataDir: opts.dataDir ?? config.dataDir,
    poolSize: config.pgPoolSize,
    queryTimeoutMs: config.pgQueryTimeoutMs,
    log,
    ...(opts.onQuery ? { onQuery: opts.onQuery } : {}),
  });
  try {
    const applied = await migrateToLatest(store.db);
    if (applied.length) log.info({ migrations: applied }, 'migrations applied');
    // before anything is written: the key that signs must be the one that signed this trail
    const auditKeyring = await auditKeyringFor(store.db, config, log);
    useAuditKeyring(auditKeyring);
    const feed = config.databaseUrl ? postgresChangeFeed(config.databaseUrl, log) : localChangeFeed();
    closers.push(() => feed.close());
    const rules = new RuleSetRegistry(config.rulesDir, log);
    await rules.reload();
    const instanceId = randomUUID();
    const metrics = createMetrics({ defaults: !!opts.processMetrics });
    const reads = new ReplicaReads(store.db, store.replica, store.health, feed, log, (from) => metrics.reads.inc({ from }));
    // a reload made through another process (API or SIGHUP there) reloads this one's rules from its RULES_DIR
    feed.subscribe(
      (from) => {
        if (from !== instanceId)
          rules.reload().catch((err: unknown) => log.error({ err }, 'rule reload announced by another process was refused here'));
      },
      () => undefined,
      'rules',
    );
    const services = createServices({
      db: store.db,
      rules,
      clock: opts.clock ?? systemClock,
      log,
      tz: config.tzRegion,
      publicUrl: config.publicUrl,
      publicUrlUnreachable: publicUrlUnreachable(config.publicUrl, config.production),
      sessionSecret: config.sessionSecret,
      storeKind: store.kind,
      health: store.health,
      verifyCache: new VerifyCache(feed, (code) => reads.changedHere(code)),
      reads,
      changes: feed,
      instanceId,
      workdays: createWorkdayCalendar((year) =>
        log.warn({ year }, 'no published PRC holiday calendar for this year: counting Monday to Friday as working days'),
      ),
      metrics,
      reportMaxAgeDays: config.reportMaxAgeDays,
      reportDailyLimit: config.reportDailyLimit,
      drawMaxActivePlans: config.drawMaxActivePlans,
      outbound: {
        smtpUrl: config.smtpUrl,
        digestFrom: config.digestFrom,
        webhookUrl: config.webhookUrl,
        webhookSecret: config.webhookSecret,
        webhookRetryBaseMs: config.webhookRetryBaseMs,
        dingtalkWebhook: config.dingtalkWebhook,
        dingtalkSecret: config.dingtalkSecret,
        wecomWebhook: config.wecomWebhook,
      },
    });
    closers.push(async () => {
      await services.jobs.drain();
      services.delivery.close();
    });
    if (config.bootstrapAdminKey && (await services.keys.ensureBootstrapAdmin(config.bootstrapAdminKey))) {
      log.info('bootstrap admin key registered');
    } else if (!opts.quiet && !(await services.keys.adminExists())) {
      log.warn(
        'no admin key exists yet: start with BOOTSTRAP_ADMIN_KEY=<24+ random characters>, ' +
          'or stop the service and run `npm run cli -- keys create --role admin --name <you>`',
      );
    }
    const app = createApp({
      services,
      log,
      bodyLimit: config.bodyLimit,
      verifyRateLimit: config.verifyRateLimit,
      authFailureLimit: config.authFailureLimit,
      metricsToken: config.metricsToken,
      drawPlanRateLimit: config.drawPlanRateLimit,
      trustProxy: config.trustProxy,
      version,
    });
    if (opts.scheduler) {
      const scheduler = startScheduler(
        services.jobs,
        { tz: config.tzRegion, digest: config.digestSchedule, sweep: config.sweepSchedule, draw: config.drawSchedule },
        log,
      );
      // stopped first: no new run starts while the running ones finish
      closers.unshift(() => scheduler.stop());
      if (config.dingtalkWebhook || config.wecomWebhook) {
        // urgent violations reach the group robots within a minute (the hourly sweep catches up what this missed)
        let urgent: Promise<unknown> = Promise.resolve();
        const timer = setInterval(() => {
          urgent = urgent
            .then(() => services.delivery.notifyUrgent())
            .catch((err: unknown) => log.error({ err }, 'sending urgent violations to the group robots failed'));
        }, 60_000);
        timer.unref();
        closers.unshift(async () => {
          clearInterval(timer);
          await urgent;
        });
      }
    }
    const close = async () => {
      for (const c of closers) await c().catch(() => undefined);
      await store.close();
    };
    return { app, services, store, auditKeyring, close };
  } catch (err) {
    for (const c of closers) await c().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
