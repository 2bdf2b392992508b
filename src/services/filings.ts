import { AppError, notFound } from '../domain/errors.js';
import { nextStatus, type FilingStatus, type FilingType, type Purpose, type ResultOutcome } from '../domain/filing.js';
import { inRegions, type Principal } from '../domain/principal.js';
import type { CancelCreateBody, FilingCreateBody, FilingListQueryT, FilingView, PageOf, ResultCreateBody } from '../domain/schemas.js';
import { validateUscc } from '../domain/uscc.js';
import type { Decision } from '../rules/decision.js';
import { applicableSets, evaluate } from '../rules/evaluate.js';
import { priorFromRow, type Facts, type FilingInput } from '../rules/facts.js';
import type { Db } from '../store/db.js';
import {
  findDecision,
  findFiling,
  findFilingForUpdate,
  listFilings,
  loadFactRows,
  type FactRows,
  markCancelled,
  markCompleted,
} from '../store/filings-repo.js';
import { lockEnterprise } from '../store/locks.js';
import type { FilingRow } from '../store/tables.js';
import { chains, record } from './audit.js';
import { factQueryFor, FilingBatcher } from './filing-batches.js';
import type { ServiceContext } from './context.js';
import { decodeCursor, pageOf } from './pagination.js';

const uniq = <T>(xs: T[]) => [...new Set(xs)];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function filingView(f: FilingRow, publicUrl: string, decisionOutcome: string): FilingView {
  return {
    id: f.id,
    filingNo: f.filing_no,
    verifyCode: f.verify_code,
    verifyUrl: `${publicUrl}/v/${f.verify_code}`,
    status: f.status as FilingStatus,
    agencyId: f.agency_id,
    enterpriseUscc: f.enterprise_uscc,
    region: f.region,
    type: f.type as FilingType,
    itemCodes: f.item_codes,
    inspectorIds: f.inspector_ids,
    jointAgencyIds: f.joint_agency_ids,
    plannedStart: f.planned_start.toISOString(),
    plannedEnd: f.planned_end.toISOString(),
    onSite: f.on_site,
    reason: f.reason,
    onSiteJustification: f.on_site_justification,
    purpose: f.purpose as Purpose,
    requiresLegalRepresentative: f.requires_legal_representative,
    filedAt: f.filed_at.toISOString(),
    arrivedAt: iso(f.arrived_at),
    result:
      f.result_outcome && f.conducted_at
        ? { outcome: f.result_outcome as ResultOutcome, conductedAt: f.conducted_at.toISOString(), summary: f.result_summary ?? '' }
        : null,
    cancelledAt: iso(f.cancelled_at),
    cancelReason: f.cancel_reason,
    decisionOutcome: decisionOutcome === 'warn' ? 'warn' : 'allow',
  };
}

/** Which filings a principal may see. Admin: all; agency: its own; enterprise: about itself; supervisor: its regions. */
export function canSee(p: Principal, f: Pick<FilingRow, 'agency_id' | 'enterprise_uscc' | 'region'>): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'agency':
      return f.agency_id === p.agencyId;
    case 'enterprise':
      return f.enterprise_uscc === p.uscc;
    case 'supervisor':
      return inRegions(f.region, p.regions);
  }
}

function toInput(agencyId: string, body: FilingCreateBody): FilingInput {
  const plannedStart = new Date(body.plannedStart);
  const plannedEnd = new Date(body.plannedEnd);
  if (plannedEnd.getTime() <= plannedStart.getTime()) {
    throw new AppError('validation_failed', 'date_order', { from: 'plannedStart', to: 'plannedEnd' }, [
      { path: '/plannedEnd', message: 'must be after plannedStart' },
    ]);
  }
  const jointAgencyIds = uniq(body.jointAgencyIds ?? []);
  if (jointAgencyIds.includes(agencyId)) {
    throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/jointAgencyIds', message: 'must not name the filing agency itself' }]);
  }
  return {
    agencyId,
    enterpriseUscc: validateUscc(body.enterpriseUscc),
    type: body.type,
    itemCodes: uniq(body.itemCodes),
    inspectorIds: uniq(body.inspectorIds),
    plannedStart,
    plannedEnd,
    onSite: body.onSite ?? true,
    reason: body.reason?.trim() ? body.reason.trim() : null,
    onSiteJustification: body.onSiteJustification?.trim() ? body.onSiteJustification.trim() : null,
    jointAgencyIds,
    purpose: body.purpose ?? 'inspection',
    requiresLegalRepresentative: body.requiresLegalRepresentative ?? false,
  };
}

export function createFilingService(ctx: ServiceContext) {
  /** This filing's facts from rows loaded for it (or its batch); refuses references that do not exist or are not this agency's to use. */
  function factsFor(input: FilingInput, rows: FactRows): Facts {
    const enterprise = rows.enterprises.find((e) => e.uscc === input.enterpriseUscc);
    if (!enterprise) {
      throw new AppError('not_found', 'not_found', { what: 'enterprise', id: input.enterpriseUscc }, [{ path: '/enterpriseUscc', message: 'not registered' }]);
    }
    const known = new Set(rows.agencies.map((a) => a.id));
    input.jointAgencyIds.forEach((id, i) => {
      if (!known.has(id)) throw new AppError('not_found', 'not_found', { what: 'agency', id }, [{ path: `/jointAgencyIds/${i}`, message: 'no such agency' }]);
    });
    const allowed = new Set([input.agencyId, ...input.jointAgencyIds]);
    const inspectors = input.inspectorIds.map((id, i) => {
      const inspector = rows.inspectors.find((x) => x.id === id);
      if (!inspector) throw new AppError('not_found', 'not_found', { what: 'inspector', id }, [{ path: `/inspectorIds/${i}`, message: 'no such inspector' }]);
      if (!allowed.has(inspector.agencyId)) {
        throw new AppError('validation_failed', 'agency_mismatch', { what: 'inspector', id }, [
          { path: `/inspectorIds/${i}`, message: 'belongs to an agency that is neither the filing agency nor a joint agency' },
        ]);
      }
      return inspector;
    });
    return {
      agency: rows.agencies.find((a) => a.id === input.agencyId) ?? null,
      jointAgencies: rows.agencies.filter((a) => input.jointAgencyIds.includes(a.id)),
      inspectors,
      enterprise,
      history: rows.history.filter((h) => h.enterpriseUscc === input.enterpriseUscc).map(priorFromRow),
    };
  }

  function decide(input: FilingInput, facts: Facts): Decision {
    const evalCtx = { now: ctx.clock.now(), tz: ctx.tz };
    const sets = ctx.rules.active();
    // Never allow by default: with no rule set in force there is nothing to check against.
    if (applicableSets(sets, facts.enterprise.region, evalCtx).length === 0) {
      ctx.log.error({ region: facts.enterprise.region }, 'no rule set applies; refusing to decide');
      throw new AppError('unavailable', 'rules_unavailable');
    }
    try {
      return evaluate(sets, input, facts, evalCtx);
    } catch (err) {
      ctx.log.error({ err }, 'rule evaluation failed');
      throw new AppError('unavailable', 'unavailable', { reason: 'rule evaluation failed' });
    }
  }

  // Every filing is decided and written in a transaction holding its enterprise's lock, so caps
  // hold under concurrency; see FilingBatcher for how concurrent filings share transactions.
  const batches = new FilingBatcher(ctx, (input, rows) => {
    const facts = factsFor(input, rows);
    return { decision: decide(input, facts), region: facts.enterprise.region };
  });

  function requireAgency(p: Principal): string {
    if (p.role !== 'agency' || !p.agencyId) throw new AppError('forbidden', 'forbidden', { role: p.role });
    return p.agencyId;
  }

  async function loadVisible(p: Principal, id: string): Promise<FilingRow> {
    const f = await findFiling(ctx.db, id);
    // Someone else's filing is reported as missing: its existence is not theirs to learn.
    if (!f || !canSee(p, f)) throw notFound('filing', id);
    return f;
  }

  async function withDecision(f: FilingRow): Promise<{ filing: FilingView; decision: Decision }> {
    const decision = await findDecision(ctx.db, f.decision_id);
    return { filing: filingView(f, ctx.publicUrl, decision.outcome), decision };
  }

  /** Lifecycle changes by the filing agency: lock, check the transition, write, audit; returns the changed row. */
  async function transition(
    p: Principal,
    id: string,
    action: 'record_result' | 'cancel',
    apply: (trx: Db, f: FilingRow) => Promise<{ row: FilingRow; payload: Record<string, unknown> }>,
  ): Promise<FilingView> {
    const agencyId = requireAgency(p);
    const f0 = await loadVisible(p, id);
    const changed = await ctx.db.transaction().execute(async (trx) => {
      await lockEnterprise(trx, f0.enterprise_uscc);
      const f = await findFilingForUpdate(trx, id);
      if (!f || f.agency_id !== agencyId) throw notFound('filing', id);
      nextStatus(f.status as FilingStatus, action);
      const { row, payload } = await apply(trx, f);
      await record(
        trx,
        { chain: chains.enterprise(f.enterprise_uscc), at: ctx.clock.now(), actor: p.keyId, action: `filing.${action}`, entityType: 'filing', entityId: id, payload },
        { lockHeld: true },
      );
      return row;
    });
    ctx.verifyCache.evict(f0.verify_code);
    return (await withDecision(changed)).filing;
  }

  return {
    async check(p: Principal, body: FilingCreateBody): Promise<Decision> {
      const input = toInput(requireAgency(p), body);
      const rows = await loadFactRows(ctx.db, factQueryFor([input]), false);
      return decide(input, factsFor(input, rows));
    },

    /** Decided and written under the enterprise's lock (FilingBatcher); a block is recorded as an attempt. */
    async file(p: Principal, body: FilingCreateBody): Promise<{ filing: FilingView; decision: Decision }> {
      const input = toInput(requireAgency(p), body);
      const outcome = await batches.submit({ input, body, actor: p.keyId });
      // Thrown after the commit: the blocked attempt is on record.
      if (outcome.blocked) throw new AppError('rule_blocked', 'rule_blocked', {}, [], { decision: outcome.decision });
      return { filing: filingView(outcome.row, ctx.publicUrl, outcome.decision.outcome), decision: outcome.decision };
    },

    async get(p: Principal, id: string): Promise<{ filing: FilingView; decision: Decision }> {
      return withDecision(await loadVisible(p, id));
    },

    async list(p: Principal, q: FilingListQueryT): Promise<PageOf<FilingView>> {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, (v): v is [string, string] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'));
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && to <= from) {
        throw new AppError('validation_failed', 'date_order', { from: 'from', to: 'to' }, [{ path: '/to', message: 'must be after from' }]);
      }
      const enterprise = q.enterprise ? validateUscc(q.enterprise) : undefined;
      // The principal's scope narrows the filter; a filter outside it finds nothing.
      if ((p.role === 'agency' && q.agency && q.agency !== p.agencyId) || (p.role === 'enterprise' && enterprise && enterprise !== p.uscc)) {
        return { items: [], nextCursor: null };
      }
      const rows = await listFilings(
        ctx.db,
        {
          agencyId: p.role === 'agency' ? (p.agencyId ?? '') : q.agency,
          uscc: p.role === 'enterprise' ? (p.uscc ?? '') : enterprise,
          regions: p.role === 'supervisor' ? p.regions : undefined,
          status: q.status,
          from,
          to,
        },
        { limit: limit + 1, after: after ? { filedAt: new Date(after[0]), id: after[1] } : null },
      );
      return pageOf(rows, limit, (r) => filingView(r, ctx.publicUrl, r.decision_outcome), (r) => [r.filed_at.toISOString(), r.id]);
    },

    async recordResult(p: Principal, id: string, body: ResultCreateBody): Promise<FilingView> {
      const conductedAt = new Date(body.conductedAt);
      if (conductedAt.getTime() > ctx.clock.now().getTime() + 5 * 60_000) {
        throw new AppError('validation_failed', 'conducted_in_future', {}, [{ path: '/conductedAt', message: 'in the future' }]);
      }
      return transition(p, id, 'record_result', async (trx) => {
        const row = await markCompleted(trx, id, { outcome: body.outcome, conductedAt, summary: body.summary });
        return { row, payload: { outcome: body.outcome, conductedAt: body.conductedAt, summary: body.summary } };
      });
    },

    async cancel(p: Principal, id: string, body: CancelCreateBody): Promise<FilingView> {
      return transition(p, id, 'cancel', async (trx) => {
        const row = await markCancelled(trx, id, ctx.clock.now(), body.reason);
        return { row, payload: { reason: body.reason } };
      });
    },
  };
}
export type FilingService = ReturnType<typeof createFilingService>;
