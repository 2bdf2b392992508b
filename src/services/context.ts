import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Metrics } from '../metrics.js';
import type { DeliveryConfig } from './delivery.js';
import type { WorkdayCalendar } from '../domain/workdays.js';
import type { DatabaseHealth } from '../store/availability.js';
import type { Db } from '../store/db.js';
import type { RuleSetRegistry } from './rulesets.js';
import type { VerifyCache } from './verify-cache.js';
import type { ReplicaReads } from './replica-reads.js';
import type { ChangeFeed } from '../store/change-feed.js';

/** What every use case may touch; built once in runtime.ts (or a test) and passed down. */
export interface ServiceContext {
  db: Db;
  rules: RuleSetRegistry;
  clock: Clock;
  log: Logger;
  tz: string;
  publicUrl: string;
  /** PUBLIC_URL is this machine's address under NODE_ENV=production: the notice page warns (its QR code would not work) */
  publicUrlUnreachable?: boolean;
  /** SESSION_SECRET, or null: web sessions then sign with a secret kept in the database */
  sessionSecret?: string | null;
  storeKind: 'postgres' | 'pglite';
  /** whether the database is reachable; outages are logged once each */
  health: DatabaseHealth;
  verifyCache: VerifyCache;
  /** reads that decide nothing, on a standby when DATABASE_READ_URL is set (unset: all on ctx.db) */
  reads?: ReplicaReads;
  /** PRC working days, for deadlines counted in working days (overdue results, disclosure) */
  workdays: WorkdayCalendar;
  metrics: Metrics;
  /** this process (runtime), to tell its own notifications from others' */
  instanceId?: string;
  /** changes made by any process (filings, keys, rule reloads), heard by this one; unset: this process only */
  changes?: ChangeFeed;
  /** where digests go: SMTP, webhook (unset = not sent) */
  outbound: DeliveryConfig;
  /** REPORT_MAX_AGE_DAYS: how far back a report may date a visit (default 730) */
  reportMaxAgeDays?: number;
  /** REPORT_DAILY_LIMIT: reports one enterprise may send per calendar day in TZ_REGION (default 10) */
  reportDailyLimit?: number;
  /** DRAW_MAX_ACTIVE_PLANS: plans an agency may have that will still draw (default 10) */
  drawMaxActivePlans?: number;
}
