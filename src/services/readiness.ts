import { AppError } from '../domain/errors.js';
import { setsInForce } from '../rules/evaluate.js';
import { pingDatabase } from '../store/db.js';
import type { ServiceContext } from './context.js';

export function createReadinessService(ctx: ServiceContext) {
  return {
    /** Ready: the database answers and rule sets are loaded. Checked afresh on every probe. */
    async check(): Promise<{ status: 'ready'; database: string; ruleSets: number }> {
      try {
        await pingDatabase(ctx.db);
        ctx.health.succeeded();
      } catch (err) {
        ctx.health.failed(err);
        throw new AppError('unavailable', 'unavailable', { reason: { 'zh-CN': '数据库暂时无法连接', en: 'the database cannot be reached' } });
      }
      // ready to decide filings: at least one set in force today (enabled, within its dates)
      const count = setsInForce(ctx.rules.active(), { now: ctx.clock.now(), tz: ctx.tz }).length;
      if (count === 0) throw new AppError('unavailable', 'rules_unavailable');
      return { status: 'ready', database: ctx.storeKind, ruleSets: count };
    },
  };
}
