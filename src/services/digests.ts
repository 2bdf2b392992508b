import { addDays, dayBounds, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import { AppError } from '../domain/errors.js';
import { periodFor } from '../domain/jobs.js';
import { sql } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { DigestSummaryView, DigestView, ScorecardView } from '../domain/schemas.js';
import type { Db } from '../store/db.js';
import { reportRates, type ReportFacts } from '../domain/report-rates.js';
import {
  agencyAggregates,
  dailyTrend,
  dayActivity,
  drawsOfDay,
  mostInspected,
  reportFacts,
  reportFloods,
  type Window,
} from '../store/digest-queries.js';
import { rootOfDay } from '../store/audit-repo.js';
import { findSucceededRun } from '../store/job-runs-repo.js';
import { digestRecipients } from '../store/keys-repo.js';
import type { ServiceContext } from './context.js';
import { dateRange } from './pagination.js';
import { sealAuditDay } from './audit.js';
import { activeAuditKeyring } from './audit-keyring.js';
import { scorecardEntries } from './scorecards.js';
import { reportDailyLimit } from './report-quota.js';
import { readForList } from './replica-reads.js';

// The nightly digest: for a day in TZ_REGION and each supervisor scope, what went wrong and who
// did what, stored once and delivered once per address. A scope is a supervisor key's regions
// (division-code prefixes), kept as one text so that keys with the same regions share a digest.

export const scopeKey = (regions: string[]) => [...regions].sort().join(',');
const scopeRegions = (scope: string) => (scope ? scope.split(',') : []);
const scopeOf = (p: Principal) => (p.role === 'supervisor' ? scopeKey(p.regions) : '');

export function createDigestService(ctx: ServiceContext) {
  // the reports' rates as they stand now (answers given later are not in a stored digest)
  const rates = (asOf: Date) => (reports: ReportFacts[]) => reportRates(reports, asOf, ctx.tz, ctx.workdays);

  async function scorecard(db: Db, w: Window): Promise<ScorecardView> {
    return {
      from: w.from.toISOString(),
      to: w.to.toISOString(),
      regions: w.regions,
      agencies: scorecardEntries(await agencyAggregates(db, w), rates(ctx.clock.now())),
    };
  }

  /** Reports received in the window, in total and per agency (most first), with their rates. */
  async function reportHandling(db: Db, w: Window, names: Map<string, string>): Promise<NonNullable<DigestView['reportHandling']>> {
    const asOf = ctx.clock.now();
    const facts = await reportFacts(db, w);
    const byAgency = new Map<string, ReportFacts[]>();
    for (const { agencyId, ...f } of facts) if (agencyId) (byAgency.get(agencyId) ?? byAgency.set(agencyId, []).get(agencyId)!).push(f);
    const missing = [...byAgency.keys()].filter((id) => !names.has(id));
    if (missing.length)
      for (const a of await db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', missing).execute()) names.set(a.id, a.name);
    return {
      from: w.from.toISOString(),
      to: w.to.toISOString(),
      asOf: asOf.toISOString(),
      total: rates(asOf)(facts),
      byAgency: [...byAgency]
        .map(([agencyId, f]) => ({ agencyId, agencyName: names.get(agencyId) ?? agencyId, ...rates(asOf)(f) }))
        .sort((a, b) => b.received - a.received || a.agencyId.localeCompare(b.agencyId)),
    };
  }

  async function compute(db: Db, day: string, regions: string[]): Promise<DigestView> {
    const [from, to] = dayBounds(day, ctx.tz);
    const w: Window = { from: new Date(from), to: new Date(to), regions };
    const month: Window = { from: new Date(dayBounds(addDays(day, -29), ctx.tz)[0]), to: w.to, regions };
    const [activity, card, top, trend, draws, auditRoot] = await Promise.all([
      dayActivity(db, w),
      scorecard(db, w),
      mostInspected(db, month),
      dailyTrend(db, month, ctx.tz),
      drawsOfDay(db, day, regions),
      rootOfDay(db, day),
    ]);
    // an enterprise with half its daily quota of reports or more is listed; `quotaReached` once it used it all
    const quota = reportDailyLimit(ctx);
    const floods = await reportFloods(db, w, Math.max(1, Math.ceil(quota / 2)));
    const names = new Map(card.agencies.map((a) => [a.agencyId, a.agencyName]));
    const handling = await reportHandling(db, month, new Map(names));
    const byDay = new Map(trend.map((d) => [d.day, d]));
    const byAgency = new Map<
      string,
      { agencyId: string | null; agencyName: string | null; total: number; byKind: Record<string, number> }
    >();
    const newByKind: Record<string, number> = {};
    let newTotal = 0;
    for (const v of activity.newViolations) {
      newTotal += v.n;
      newByKind[v.kind] = (newByKind[v.kind] ?? 0) + v.n;
      const key = v.agencyId ?? '';
      const a = byAgency.get(key) ?? {
        agencyId: v.agencyId,
        agencyName: v.agencyId ? (names.get(v.agencyId) ?? null) : null,
        total: 0,
        byKind: {},
      };
      a.total += v.n;
      a.byKind[v.kind] = (a.byKind[v.kind] ?? 0) + v.n;
      byAgency.set(key, a);
    }
    return {
      date: day,
      timeZone: ctx.tz,
      regions,
      generatedAt: ctx.clock.now().toISOString(),
      violations: {
        newTotal,
        newByKind,
        newByAgency: [...byAgency.values()].sort((a, b) => b.total - a.total),
        openByAge: Object.fromEntries(activity.openByAge.map((b) => [b.bucket, b.n])),
      },
      attempts: { blocked: activity.blocked, warned: activity.warned, blockedByRule: activity.blockedByRule },
      mostInspected: top,
      draws,
      scorecard: card.agencies,
      // every one of the 30 days, quiet ones as zeros, so that a chart's days are evenly spaced
      trend: Array.from({ length: 30 }, (_, i) => addDays(day, i - 29)).map((d) => byDay.get(d) ?? { day: d, filings: 0, violations: 0 }),
      reportFloods: floods.map((f) => ({ ...f, quotaReached: f.reports >= quota })),
      reportHandling: handling,
      auditRoot,
    };
  }

  /** The stored digest of a day and scope, computed and stored first if it is not there yet. */
  async function stored(db: Db, day: string, scope: string): Promise<DigestView> {
    const row = await db.selectFrom('digests').select('content').where('day', '=', day).where('scope', '=', scope).executeTakeFirst();
    if (row) return row.content as DigestView;
    const content = await compute(db, day, scopeRegions(scope));
    await db
      .insertInto('digests')
      .values({ day, scope, regions: scopeRegions(scope), content: JSON.stringify(content), created_at: ctx.clock.now() })
      .onConflict((oc) => oc.columns(['day', 'scope']).doNothing())
      .execute();
    // another process may have stored it first: answer with what is stored, so every reader sees one digest
    const again = await db
      .selectFrom('digests')
      .select('content')
      .where('day', '=', day)
      .where('scope', '=', scope)
      .executeTakeFirstOrThrow();
    return again.content as DigestView;
  }

  return {
    scopeOf,
    stored,

    /**
     * The digest job for a day: one digest per scope (everywhere, and every supervisor key's
     * regions), and one delivery per mail address (with every scope of its keys) and per
     * webhook, to be sent after the commit.
     */
    async generate(trx: Db, day: string, channels: { mail: boolean; webhook: boolean }): Promise<Record<string, unknown>> {
      // the day's root first, so that every digest of the day carries it out of the database
      await sealAuditDay(trx, activeAuditKeyring(), day, ctx.clock.now());
      const recipients = await digestRecipients(trx, ctx.clock.now());
      const scopes = new Set<string>(['']);
      const byAddress = new Map<string, Set<string>>();
      for (const r of recipients) {
        const scope = scopeKey(r.regions);
        scopes.add(scope);
        const address = r.email.toLowerCase();
        (byAddress.get(address) ?? byAddress.set(address, new Set()).get(address)!).add(scope);
      }
      for (const scope of scopes) await stored(trx, day, scope);
      const deliveries = [
        ...(channels.mail
          ? [...byAddress].map(([address, s]) => ({ channel: 'mail' as const, recipient: address, scopes: [...s].sort() }))
          : []),
        ...(channels.webhook ? [{ channel: 'webhook' as const, recipient: 'WEBHOOK_URL', scopes: [''] }] : []),
      ];
      if (deliveries.length) {
        await trx
          .insertInto('digest_deliveries')
          .values(
            deliveries.map((d) => ({
              id: newId('dlv'),
              day,
              channel: d.channel,
              recipient: d.recipient,
              scopes: d.scopes,
              status: 'pending' as const,
            })),
          )
          .onConflict((oc) => oc.columns(['day', 'channel', 'recipient']).doNothing())
          .execute();
      }
      return {
        digests: scopes.size,
        mails: deliveries.filter((d) => d.channel === 'mail').length,
        webhooks: deliveries.filter((d) => d.channel === 'webhook').length,
      };
    },

    async get(p: Principal, day: string): Promise<DigestView> {
      // the same days a digest job may be run for, and only once it has run: a read does not make
      // the day's digest ahead of the job (a key made later gets its scope's digest made then)
      const period = periodFor('digest', ctx.clock.now(), ctx.tz, day);
      if (!(await findSucceededRun(ctx.db, 'digest', period))) throw new AppError('not_found', 'digest_not_ready', { date: period });
      return stored(ctx.db, period, scopeOf(p));
    },

    /** Today so far, in the principal's scope, computed now and not stored (the dashboard). */
    async live(p: Principal): Promise<DigestView> {
      return readForList(ctx, (db) => compute(db, localDate(ctx.clock.now(), ctx.tz), p.role === 'supervisor' ? p.regions : []));
    },

    async list(p: Principal, limit = 60): Promise<DigestSummaryView[]> {
      const rows = await ctx.db
        .selectFrom('digests')
        .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'regions', 'content', 'created_at'])
        .where('scope', '=', scopeOf(p))
        .orderBy('day', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => {
        const d = r.content as DigestView;
        return {
          date: r.day,
          regions: r.regions,
          generatedAt: r.created_at.toISOString(),
          newViolations: d.violations.newTotal,
          blocked: d.attempts.blocked,
        };
      });
    },

    async scorecard(p: Principal, fromText: string, toText: string): Promise<ScorecardView> {
      const { from, to } = dateRange(fromText, toText) as { from: Date; to: Date };
      if (to.getTime() - from.getTime() > 366 * 86_400_000)
        throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/to', key: 'scorecard_max_days' }]);
      return readForList(ctx, (db) => scorecard(db, { from, to, regions: p.role === 'supervisor' ? p.regions : [] }));
    },
  };
}
export type DigestService = ReturnType<typeof createDigestService>;
