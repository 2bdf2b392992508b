import { dayBounds, formatLocal, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import type { Localized } from '../domain/i18n.js';
import { AppError, notFound } from '../domain/errors.js';
import { conductList, entities, statusNames } from '../domain/messages.js';
import { inRegions, type Principal } from '../domain/principal.js';
import type {
  AttemptListQueryT,
  AttemptView,
  FeedbackCreateBody,
  FeedbackViewT,
  PageOf,
  ReportCreateBody,
  ViolationBulkUpdateBody,
  ViolationCreateBody,
  ViolationDetailView,
  ViolationListQueryT,
  ViolationUpdateBody,
  ViolationView,
} from '../domain/schemas.js';
import { validateUscc } from '../domain/uscc.js';
import { nextViolationStatus, violationAuditActions, violationStatusNames, type ViolationStatus } from '../domain/violation.js';
import { findAgency } from '../store/agencies-repo.js';
import { listAttempts } from '../store/attempts-repo.js';
import type { Db } from '../store/db.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import { findFeedback, insertFeedback } from '../store/feedback-repo.js';
import { findFiling } from '../store/filings-repo.js';
import { lockEnterprise } from '../store/locks.js';
import type { FilingRow, ViolationRow } from '../store/tables.js';
import {
  changeViolationStatus,
  findSameReport,
  agencyIdByName,
  findViolation,
  findViolationsForUpdate,
  insertViolation,
  listViolations,
  reportRatingsOf,
  violationHistory,
  type NewViolation,
  type ReportSubject,
} from '../store/violations-repo.js';
import { chains, record } from './audit.js';
import { assertReportQuota, reportDailyLimit } from './report-quota.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import type { ServiceContext } from './context.js';
import { canSeeFiling } from './filing-records.js';
import { dateRange, pageOf, timeCursor } from './pagination.js';
import { readForList } from './replica-reads.js';

// The supervisors' side: violations raised by rules, jobs, enterprises and supervisors, worked
// from open to resolved or dismissed; the enterprises' reports and ratings; blocked attempts and
// warned filings. An enterprise's report is never shown to the agency it is about.

export function violationView(v: ViolationRow): ViolationView {
  return {
    id: v.id,
    kind: v.kind as ViolationView['kind'],
    status: v.status as ViolationStatus,
    source: v.source as ViolationView['source'],
    agencyId: v.agency_id,
    agencyName: v.agency_name,
    enterpriseUscc: v.enterprise_uscc,
    region: v.region,
    filingId: v.filing_id,
    occurredAt: v.occurred_at.toISOString(),
    raisedAt: v.raised_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
    description: v.description,
    conductRuleIds: v.conduct_rule_ids,
    hotline: v.hotline && v.hotline_ticket ? { line: v.hotline as '12345' | '8890', ticket: v.hotline_ticket } : null,
    evidence: Array.isArray(v.evidence) ? (v.evidence as string[]) : [],
    details: (v.details ?? {}) as Record<string, unknown>,
    statusNote: v.status_note,
  };
}

/** The audit chain a violation's events go on: its enterprise's, else its agency's. */
const chainOf = (v: Pick<ViolationRow, 'enterprise_uscc' | 'agency_id'>) =>
  v.enterprise_uscc ? chains.enterprise(v.enterprise_uscc) : chains.agency(v.agency_id ?? '');

export function createViolationService(ctx: ServiceContext) {
  /**
   * Conduct items by rule id, with what each forbids (the rule's message), from every active rule
   * set: an enterprise anywhere may name them.
   */
  function conductItems(): { id: string; message: Localized; title?: Localized }[] {
    const items = new Map<string, { message: Localized; title?: Localized }>();
    for (const s of ctx.rules.active())
      for (const r of s.file.rules)
        if (r.kind === 'conduct' && r.enabled !== false && !items.has(r.id))
          items.set(r.id, { message: r.message, ...(r.title ? { title: r.title } : {}) });
    return [...items].map(([id, item]) => ({ id, ...item })).sort((a, b) => a.id.localeCompare(b.id));
  }
  const conductIds = () => conductItems().map((i) => i.id);

  function checkConduct(kind: string, ids: string[] | undefined): string[] {
    const known = conductIds();
    const given = ids ?? [];
    if (kind !== 'conduct' && kind !== 'rating' && given.length) {
      throw new AppError('validation_failed', 'validation_failed', {}, [
        { path: '/conductRuleIds', key: 'conduct_items_for_conduct_only' },
      ]);
    }
    const unknown = given.filter((id) => !known.includes(id));
    if (unknown.length) {
      throw new AppError(
        'validation_failed',
        'conduct_unknown',
        { ids: unknown.join(', '), known: conductList(conductItems()) },
        unknown.map((id) => ({ path: `/conductRuleIds/${given.indexOf(id)}`, key: 'no_such_conduct_item' as const, params: { id } })),
      );
    }
    if (kind === 'conduct' && !given.length) {
      throw new AppError('validation_failed', 'conduct_required', { known: conductList(conductItems()) }, [
        { path: '/conductRuleIds', key: 'conduct_item_required' },
      ]);
    }
    return given;
  }

  /**
   * When it happened: not in the future, and not further back than the county accepts reports
   * for (REPORT_MAX_AGE_DAYS, 730 by default). That limit is the county's choice: no statute sets
   * one for complaints about officials' conduct.
   */
  const maxAgeDays = ctx.reportMaxAgeDays ?? 730;
  function occurred(at: string, path: string): Date {
    const d = new Date(at);
    const now = ctx.clock.now().getTime();
    if (d.getTime() > now + 5 * 60_000) throw new AppError('validation_failed', 'report_in_future', {}, [{ path, key: 'in_future' }]);
    if (d.getTime() < now - maxAgeDays * 86_400_000)
      throw new AppError('validation_failed', 'report_too_old', { days: maxAgeDays }, [
        { path, key: 'older_than_days', params: { days: maxAgeDays } },
      ]);
    return d;
  }

  async function visible(p: Principal, id: string, db: Db = ctx.db, forUpdate = false): Promise<ViolationRow> {
    const v = await findViolation(db, id, { forUpdate });
    if (!v) throw notFound('violation', id);
    if (p.role === 'supervisor' && !inRegions(v.region, p.regions)) {
      // a violation of one of the supervisor's agencies, wherever it happened, is the supervisor's too
      const agency = v.agency_id ? await findAgency(db, v.agency_id) : null;
      if (!agency || !inRegions(agency.region, p.regions)) throw notFound('violation', id);
    }
    return v;
  }

  async function raise<T>(
    v: NewViolation,
    actor: string,
    action: string,
    claim: IdempotencyClaim | undefined,
    answer: (row: ViolationRow) => T,
    /** checks made under the enterprise's lock, before the insert (an enterprise's report quota) */
    before?: (trx: Db) => Promise<void>,
  ): Promise<T> {
    return transact(ctx.db, claim, async (trx) => {
      if (before && v.enterpriseUscc) {
        await lockEnterprise(trx, v.enterpriseUscc);
        await before(trx);
      }
      const row = await insertViolation(trx, v);
      await record(
        trx,
        {
          chain: chainOf(row),
          at: v.raisedAt,
          actor,
          action,
          entityType: 'violation',
          entityId: row.id,
          payload: {
            kind: row.kind,
            source: row.source,
            filingId: row.filing_id,
            agencyId: row.agency_id,
            conductRuleIds: row.conduct_rule_ids,
          },
        },
        { lockHeld: !!(before && v.enterpriseUscc) },
      );
      return answer(row);
    });
  }

  /** One violation's status change, with its history line and its audit event (a PATCH, or one of a bulk change). */
  async function changeOne(trx: Db, p: Principal, v: ViolationRow, body: ViolationUpdateBody, at: Date): Promise<ViolationRow> {
    const to = nextViolationStatus(v.status as ViolationStatus, body.status);
    const row = await changeViolationStatus(trx, v.id, { from: v.status, to, note: body.note, actor: p.keyId, at });
    await record(trx, {
      chain: chainOf(row),
      at,
      actor: p.keyId,
      action: violationAuditActions.changed,
      entityType: 'violation',
      entityId: v.id,
      payload: { from: v.status, to, note: body.note },
    });
    return row;
  }

  /**
   * An enterprise sends at most REPORT_DAILY_LIMIT reports a calendar day (TZ_REGION), and the
   * same report once: one sender cannot bury the others' reports under its own. Run under the
   * enterprise's lock, so that two reports sent together are counted one after the other.
   */
  const dailyLimit = reportDailyLimit(ctx);
  async function admitReport(trx: Db, r: ReportSubject & { occurredAt: Date }, now: Date): Promise<void> {
    await assertReportQuota(trx, r.uscc, now, ctx.tz, dailyLimit);
    const [dayFrom, dayTo] = dayBounds(localDate(r.occurredAt, ctx.tz), ctx.tz);
    const same = await findSameReport(trx, { ...r, day: [new Date(dayFrom), new Date(dayTo)] });
    if (same) {
      throw new AppError('conflict', 'report_duplicate', { id: same.id, at: formatLocal(same.raised_at, ctx.tz) }, [], {
        violationId: same.id,
      });
    }
  }

  async function detail(p: Principal, id: string): Promise<ViolationDetailView> {
    const v = await visible(p, id);
    const history = await violationHistory(ctx.db, id);
    // a report's handling, as the enterprise that sent it rated it (我的反映)
    const rated = v.source === 'report' ? (await reportRatingsOf(ctx.db, [id]))[0] : undefined;
    return {
      ...violationView(v),
      history: history.map((h) => ({
        at: h.at.toISOString(),
        actor: h.actor,
        from: h.from_status as ViolationStatus,
        to: h.to_status as ViolationStatus,
        note: h.note,
      })),
      ...(rated ? { satisfaction: { rating: rated.rating, comment: rated.comment, givenAt: rated.given_at.toISOString() } } : {}),
    };
  }

  return {
    conductIds,
    conductItems,

    /** The enterprise's own rating of one of its filings, if it gave one. */
    async ratingOf(p: Principal, filingId: string): Promise<{ rating: number; givenAt: Date } | null> {
      const f = await findFiling(ctx.db, filingId);
      if (!f || f.enterprise_uscc !== p.uscc) return null;
      const r = await findFeedback(ctx.db, filingId);
      return r ? { rating: r.rating, givenAt: r.given_at } : null;
    },

    async list(p: Principal, q: ViolationListQueryT): Promise<PageOf<ViolationView>> {
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      const rows = await readForList(ctx, (db) =>
        listViolations(
          db,
          {
            regions: p.role === 'supervisor' ? p.regions : undefined,
            status: q.status,
            kind: q.kind,
            source: q.source,
            agencyId: q.agency,
            uscc: q.enterprise ? validateUscc(q.enterprise, '/enterprise') : undefined,
            ...dateRange(q.from, q.to),
          },
          { limit: limit + 1, after: after ? { raisedAt: after.at, id: after.id } : null },
        ),
      );
      return pageOf(rows, limit, violationView, (r) => [r.raised_at.toISOString(), r.id]);
    },

    get: detail,

    /** A supervisor's own finding, e.g. from an undercover check (明察暗访), with its evidence. */
    async raiseBySupervisor(p: Principal, body: ViolationCreateBody, claim?: IdempotencyClaim): Promise<ViolationView> {
      const occurredAt = occurred(body.occurredAt, '/occurredAt');
      const conduct = checkConduct(body.kind, body.conductRuleIds);
      const agency = await findAgency(ctx.db, body.agencyId);
      if (!agency) throw notFound('agency', body.agencyId, [{ path: '/agencyId', key: 'no_such_agency' }]);
      let filing: FilingRow | null = null;
      if (body.filingId) {
        filing = await findFiling(ctx.db, body.filingId);
        if (!filing || !canSeeFiling(p, filing))
          throw notFound('filing', body.filingId, [{ path: '/filingId', key: 'no_such_filing_in_regions' }]);
        if (filing.agency_id !== agency.id && !filing.joint_agency_ids.includes(agency.id)) {
          throw new AppError('validation_failed', 'agency_not_on_filing', { agency: agency.id, filing: filing.id }, [
            { path: '/agencyId', key: 'agency_not_on_this_filing', params: { agency: agency.id } },
          ]);
        }
      }
      const uscc = filing?.enterprise_uscc ?? (body.enterpriseUscc ? validateUscc(body.enterpriseUscc, '/enterpriseUscc') : null);
      if (filing && body.enterpriseUscc && validateUscc(body.enterpriseUscc, '/enterpriseUscc') !== filing.enterprise_uscc) {
        throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/enterpriseUscc', key: 'not_the_filing_enterprise' }]);
      }
      const enterprise = uscc ? await findEnterprise(ctx.db, uscc) : null;
      if (uscc && !enterprise) throw notFound('enterprise', uscc, [{ path: '/enterpriseUscc', key: 'no_such_enterprise' }]);
      const region = enterprise?.region ?? agency.region;
      // both must be the supervisor's: a violation counts against the agency (its scorecard, a veto)
      if (p.role === 'supervisor') {
        if (!inRegions(agency.region, p.regions))
          throw new AppError('forbidden', 'region_outside_scope', { what: entities.agency, id: agency.id });
        if (enterprise && !inRegions(enterprise.region, p.regions))
          throw new AppError('forbidden', 'region_outside_scope', { what: entities.enterprise, id: enterprise.uscc });
      }
      const now = ctx.clock.now();
      return raise(
        {
          id: newId('vio'),
          kind: body.kind,
          source: 'supervisor',
          agencyId: agency.id,
          enterpriseUscc: uscc,
          region,
          filingId: filing?.id ?? null,
          details: {},
          occurredAt,
          raisedAt: now,
          raisedBy: p.keyId,
          description: body.description,
          conductRuleIds: conduct,
          evidence: body.evidence ?? [],
        },
        p.keyId,
        violationAuditActions.raised,
        claim,
        violationView,
      );
    },

    async change(p: Principal, id: string, body: ViolationUpdateBody): Promise<ViolationDetailView> {
      const v0 = await visible(p, id);
      // a finding counts against its agency (scorecard, veto): only a supervisor of the agency's
      // regions decides it, as only they may raise one against it
      if (p.role === 'supervisor' && v0.agency_id) {
        const agency = await findAgency(ctx.db, v0.agency_id);
        if (agency && !inRegions(agency.region, p.regions))
          throw new AppError('forbidden', 'region_outside_scope', { what: entities.agency, id: agency.id });
      }
      await ctx.db.transaction().execute(async (trx) => {
        const v = await visible(p, id, trx, true);
        await changeOne(trx, p, v, body, ctx.clock.now());
      });
      return detail(p, id);
    },

    /**
     * The same change to many violations (a flood of reports dismissed at once), all or none: each
     * is checked and recorded as its own PATCH would be, with its own history line and audit event.
     */
    async changeMany(p: Principal, body: ViolationBulkUpdateBody): Promise<{ changed: number; items: ViolationView[] }> {
      const ids = [...new Set(body.ids)];
      return ctx.db.transaction().execute(async (trx) => {
        const rows = new Map((await findViolationsForUpdate(trx, ids)).map((v) => [v.id, v]));
        const agencies = new Map<string, { region: string } | null>();
        const agencyOf = async (id: string | null) => {
          if (!id) return null;
          if (!agencies.has(id)) agencies.set(id, await findAgency(trx, id));
          return agencies.get(id) ?? null;
        };
        const missing: number[] = [];
        const refused: { i: number; from: string }[] = [];
        for (const [i, id] of ids.entries()) {
          const v = rows.get(id);
          if (!v) {
            missing.push(i);
            continue;
          }
          if (p.role === 'supervisor') {
            const agency = await agencyOf(v.agency_id);
            // the supervisor decides what counts against its own regions' agencies (as with a PATCH)
            const seen = inRegions(v.region, p.regions) || (!!agency && inRegions(agency.region, p.regions));
            const decides = !agency || inRegions(agency.region, p.regions);
            if (!seen || !decides) {
              missing.push(i);
              continue;
            }
          }
          try {
            nextViolationStatus(v.status as ViolationStatus, body.status);
          } catch {
            refused.push({ i, from: v.status });
          }
        }
        if (missing.length) {
          const first = ids[missing[0] ?? 0] ?? '';
          throw notFound(
            'violation',
            first,
            missing.map((i) => ({ path: `/ids/${i}`, key: 'no_such_violation_in_regions' as const })),
          );
        }
        if (refused.length) {
          throw new AppError(
            'conflict',
            'violations_bulk_refused',
            { count: refused.length, status: violationStatusNames[body.status] },
            refused.map(({ i, from }) => ({
              path: `/ids/${i}`,
              key: 'status_does_not_allow' as const,
              params: { from: violationStatusNames[from as ViolationStatus], to: violationStatusNames[body.status] },
            })),
          );
        }
        const at = ctx.clock.now();
        const items: ViolationView[] = [];
        for (const id of ids) {
          const v = rows.get(id);
          if (v) items.push(violationView(await changeOne(trx, p, v, body, at)));
        }
        return { changed: items.length, items };
      });
    },

    /** An enterprise reports a visit nobody filed, or conduct; it may carry a hotline ticket (12345/8890). */
    async report(p: Principal, body: ReportCreateBody, claim?: IdempotencyClaim): Promise<{ violationId: string }> {
      const uscc = p.uscc ?? '';
      const occurredAt = occurred(body.occurredAt, '/occurredAt');
      const conduct = checkConduct(body.kind, body.conductRuleIds);
      if (!body.agencyId && !body.agencyName && !body.filingId)
        throw new AppError('validation_failed', 'report_agency_required', {}, [{ path: '/agencyId', key: 'say_which_agency' }]);
      let filing: FilingRow | null = null;
      if (body.filingId) {
        filing = await findFiling(ctx.db, body.filingId);
        if (!filing || filing.enterprise_uscc !== uscc)
          throw notFound('filing', body.filingId, [{ path: '/filingId', key: 'no_such_filing_of_yours' }]);
      }
      if (filing && body.agencyId && body.agencyId !== filing.agency_id && !filing.joint_agency_ids.includes(body.agencyId)) {
        throw new AppError('validation_failed', 'agency_not_on_filing', { agency: body.agencyId, filing: filing.id }, [
          { path: '/agencyId', key: 'not_an_agency_on_filing' },
        ]);
      }
      // an agency named rather than chosen is that agency, when its name says so unambiguously
      const named = !body.agencyId && !filing && body.agencyName ? await agencyIdByName(ctx.db, body.agencyName) : null;
      const agencyId = body.agencyId ?? filing?.agency_id ?? named;
      if (agencyId && !(await findAgency(ctx.db, agencyId)))
        throw notFound('agency', agencyId, [{ path: '/agencyId', key: 'no_such_agency_name_it' }]);
      const enterprise = await findEnterprise(ctx.db, uscc);
      if (!enterprise) throw notFound('enterprise', uscc);
      const now = ctx.clock.now();
      const same = {
        uscc,
        kind: body.kind,
        filingId: filing?.id ?? null,
        agencyId,
        agencyName: body.agencyName ?? null,
        occurredAt,
        conductRuleIds: conduct,
      };
      return raise(
        {
          id: newId('vio'),
          kind: body.kind,
          source: 'report',
          agencyId,
          agencyName: body.agencyName ?? null,
          enterpriseUscc: uscc,
          region: enterprise.region,
          filingId: filing?.id ?? null,
          details: {},
          occurredAt,
          raisedAt: now,
          raisedBy: p.keyId,
          description: body.description,
          conductRuleIds: conduct,
          hotline: body.hotline ?? null,
        },
        p.keyId,
        violationAuditActions.reported,
        claim,
        (row) => ({ violationId: row.id }),
        (trx) => admitReport(trx, same, now),
      );
    },

    /** 好差评: once per completed filing, by its enterprise; conduct items named raise a conduct violation. */
    async rate(p: Principal, filingId: string, body: FeedbackCreateBody, claim?: IdempotencyClaim): Promise<FeedbackViewT> {
      const f = await findFiling(ctx.db, filingId);
      if (!f || f.enterprise_uscc !== p.uscc) throw notFound('filing', filingId);
      if (f.status !== 'completed')
        throw new AppError('conflict', 'feedback_not_completed', { status: statusNames[f.status as keyof typeof statusNames] });
      const conduct = checkConduct('rating', body.conductRuleIds);
      const now = ctx.clock.now();
      return transact(ctx.db, claim, async (trx) => {
        // the enterprise's lock (its audit chain's) also serializes two ratings of one filing
        await lockEnterprise(trx, f.enterprise_uscc);
        const before = await findFeedback(trx, f.id);
        if (before) throw new AppError('conflict', 'feedback_exists', { at: formatLocal(before.given_at, ctx.tz) });
        let violationId: string | null = null;
        if (conduct.length) {
          const v = await insertViolation(trx, {
            id: newId('vio'),
            kind: 'conduct',
            source: 'feedback',
            agencyId: f.agency_id,
            enterpriseUscc: f.enterprise_uscc,
            region: f.region,
            filingId: f.id,
            details: { rating: body.rating },
            occurredAt: f.conducted_at ?? now,
            raisedAt: now,
            raisedBy: p.keyId,
            description: body.comment ?? null,
            conductRuleIds: conduct,
          });
          violationId = v.id;
        }
        const row = await insertFeedback(trx, {
          filing_id: f.id,
          enterprise_uscc: f.enterprise_uscc,
          agency_id: f.agency_id,
          region: f.region,
          rating: body.rating,
          conduct_rule_ids: conduct,
          comment: body.comment ?? null,
          violation_id: violationId,
          given_at: now,
          given_by: p.keyId,
        });
        if (!row) throw new AppError('conflict', 'feedback_exists', { at: formatLocal(now, ctx.tz) });
        await record(
          trx,
          {
            chain: chains.enterprise(f.enterprise_uscc),
            at: now,
            actor: p.keyId,
            action: violationAuditActions.rated,
            entityType: 'filing',
            entityId: f.id,
            payload: { rating: body.rating, conductRuleIds: conduct, violationId },
          },
          { lockHeld: true },
        );
        return {
          filingId: row.filing_id,
          rating: row.rating,
          conductRuleIds: row.conduct_rule_ids,
          comment: row.comment,
          givenAt: row.given_at.toISOString(),
          violationId: row.violation_id,
        };
      });
    },

    async attempts(p: Principal, q: AttemptListQueryT): Promise<PageOf<AttemptView>> {
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      const rows = await listAttempts(
        ctx.db,
        {
          kind: q.kind,
          regions: p.role === 'supervisor' ? p.regions : undefined,
          agencyId: q.agency,
          uscc: q.enterprise ? validateUscc(q.enterprise, '/enterprise') : undefined,
          finding: q.finding,
          ...dateRange(q.from, q.to),
        },
        { limit: limit + 1, after },
      );
      return pageOf(
        rows,
        limit,
        (r) => ({
          kind: r.kind,
          id: r.id,
          agencyId: r.agency_id,
          enterpriseUscc: r.enterprise_uscc,
          region: r.region,
          at: r.at.toISOString(),
          filingNo: r.filing_no,
          decision: r.decision,
        }),
        (r) => [r.at.toISOString(), r.id],
      );
    },
  };
}
export type ViolationService = ReturnType<typeof createViolationService>;
