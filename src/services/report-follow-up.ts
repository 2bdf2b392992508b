import { formatLocal } from '../domain/calendar.js';
import { AppError, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { PageOf, ReportFollowUpView, ReportListQueryT, SatisfactionCreateBody } from '../domain/schemas.js';
import { violationStatusNames, type ViolationStatus } from '../domain/violation.js';
import type { Db } from '../store/db.js';
import { lockEnterprise } from '../store/locks.js';
import type { ViolationRow } from '../store/tables.js';
import { changesOf, findViolation, insertReportRating, listOwnReports, reportRatingsOf } from '../store/violations-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { pageOf, timeCursor } from './pagination.js';

// An enterprise follows what it reported (我的反映): where each report stands, the supervisor's
// reply (the note of the latest status change; every change keeps its own), and, once the report
// is closed, its rating of how it was handled on the national five levels. A rating is given once
// and not changed: the county's 满意率 counts what was said when the case closed, as its hotline does.

export const reportAuditActions = { rated: 'report.rated' } as const;

/** Closed (办结): the handling is over, so it can be rated. */
const CLOSED: readonly string[] = ['resolved', 'dismissed'];

type Change = Awaited<ReturnType<typeof changesOf>>[number];
type Rating = Awaited<ReturnType<typeof reportRatingsOf>>[number];

function followUpView(
  v: ViolationRow & { registered_agency_name?: string | null },
  changes: Change[],
  rating: Rating | undefined,
): ReportFollowUpView {
  const last = changes.at(-1);
  const acknowledged = changes.find((c) => c.to_status === 'acknowledged');
  const closed = changes.find((c) => CLOSED.includes(c.to_status));
  return {
    id: v.id,
    kind: v.kind as ReportFollowUpView['kind'],
    status: v.status as ViolationStatus,
    occurredAt: v.occurred_at.toISOString(),
    raisedAt: v.raised_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
    agencyId: v.agency_id,
    agencyName: v.registered_agency_name ?? v.agency_name,
    filingId: v.filing_id,
    description: v.description,
    conductRuleIds: v.conduct_rule_ids,
    hotline: v.hotline && v.hotline_ticket ? { line: v.hotline as '12345' | '8890', ticket: v.hotline_ticket } : null,
    reply: last ? { note: last.note, at: last.at.toISOString(), status: last.to_status as ViolationStatus } : null,
    acknowledgedAt: acknowledged ? acknowledged.at.toISOString() : null,
    closedAt: closed ? closed.at.toISOString() : null,
    canRate: CLOSED.includes(v.status) && !rating,
    satisfaction: rating ? { rating: rating.rating, comment: rating.comment, givenAt: rating.given_at.toISOString() } : null,
  };
}

export function createReportFollowUpService(ctx: ServiceContext) {
  async function views(db: Db, rows: (ViolationRow & { registered_agency_name?: string | null })[]) {
    const ids = rows.map((r) => r.id);
    const [changes, ratings] = await Promise.all([changesOf(db, ids), reportRatingsOf(db, ids)]);
    const byId = new Map<string, Change[]>();
    for (const c of changes) (byId.get(c.violation_id) ?? byId.set(c.violation_id, []).get(c.violation_id)!).push(c);
    const rated = new Map(ratings.map((r) => [r.violation_id, r]));
    return (v: ViolationRow & { registered_agency_name?: string | null }) => followUpView(v, byId.get(v.id) ?? [], rated.get(v.id));
  }

  /** The report, if it is one this enterprise sent; another's is not there for it (404). */
  async function own(db: Db, p: Principal, id: string, forUpdate = false): Promise<ViolationRow> {
    const v = await findViolation(db, id, { forUpdate });
    if (!v || v.source !== 'report' || !p.uscc || v.enterprise_uscc !== p.uscc) throw notFound('report', id);
    return v;
  }

  return {
    /** The enterprise's own reports, newest first. */
    async list(p: Principal, q: ReportListQueryT): Promise<PageOf<ReportFollowUpView>> {
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      const rows = await listOwnReports(
        ctx.db,
        p.uscc ?? '',
        { status: q.status },
        {
          limit: limit + 1,
          after: after ? { raisedAt: after.at, id: after.id } : null,
        },
      );
      const view = await views(ctx.db, rows.slice(0, limit));
      return pageOf(rows, limit, view, (r) => [r.raised_at.toISOString(), r.id]);
    },

    /**
     * The enterprise rates how its report was handled: only its own, only once closed (resolved or
     * dismissed: before that there is no handling to judge), once.
     */
    async rate(p: Principal, id: string, body: SatisfactionCreateBody, claim?: IdempotencyClaim): Promise<ReportFollowUpView> {
      const uscc = (await own(ctx.db, p, id)).enterprise_uscc ?? '';
      const now = ctx.clock.now();
      return transact(ctx.db, claim, async (trx) => {
        // the enterprise's lock (its audit chain's) also serializes two ratings of one report
        await lockEnterprise(trx, uscc);
        const v = await own(trx, p, id, true);
        if (!CLOSED.includes(v.status))
          throw new AppError('conflict', 'report_rating_not_closed', { status: violationStatusNames[v.status as ViolationStatus] });
        const before = (await reportRatingsOf(trx, [id]))[0];
        if (before) throw new AppError('conflict', 'report_rating_exists', { at: formatLocal(before.given_at, ctx.tz) });
        const row = await insertReportRating(trx, {
          violation_id: v.id,
          enterprise_uscc: uscc,
          agency_id: v.agency_id,
          region: v.region,
          rating: body.rating,
          comment: body.comment ?? null,
          given_at: now,
          given_by: p.keyId,
        });
        if (!row) throw new AppError('conflict', 'report_rating_exists', { at: formatLocal(now, ctx.tz) });
        await record(
          trx,
          {
            chain: chains.enterprise(uscc),
            at: now,
            actor: p.keyId,
            action: reportAuditActions.rated,
            entityType: 'violation',
            entityId: v.id,
            payload: { rating: body.rating, agencyId: v.agency_id },
          },
          { lockHeld: true },
        );
        return (await views(trx, [v]))(v);
      });
    },
  };
}
export type ReportFollowUpService = ReturnType<typeof createReportFollowUpService>;
