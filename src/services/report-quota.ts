import { formatLocal, localDate, localPeriod } from '../domain/calendar.js';
import { RetryLater } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import type { ServiceContext } from './context.js';
import { countReports } from '../store/violations-repo.js';

/**
 * An enterprise's reports a day, whichever way they come (a report, or an arrival confirmed on a
 * code no filing has): over the limit, 429 until the region's midnight. The caller holds the
 * enterprise's lock, so reports sent together are counted one after the other.
 */
export async function assertReportQuota(trx: Db, uscc: string, now: Date, tz: string, limit: number): Promise<void> {
  const [from, to] = localPeriod(now, tz, 'day');
  if ((await countReports(trx, uscc, new Date(from), new Date(to))) < limit) return;
  throw new RetryLater(Math.max(1, Math.ceil((to - now.getTime()) / 1000)), 'report_quota', {
    limit,
    day: localDate(now, tz),
    next: formatLocal(to, tz),
  });
}

/** REPORT_DAILY_LIMIT, as configured (10 when a context leaves it out). */
export const reportDailyLimit = (ctx: Pick<ServiceContext, 'reportDailyLimit'>): number => ctx.reportDailyLimit ?? 10;
