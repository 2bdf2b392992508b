import { sql } from 'kysely';
import { findGround } from '../store/grounds-repo.js';
import { findAgency } from '../store/agencies-repo.js';
import { inRegions, type Principal } from '../domain/principal.js';
import { AppError, forbidden, notFound } from '../domain/errors.js';
import { assertCancellable, auditActions, nextStatus, type FilingStatus, type LifecycleAction } from '../domain/filing.js';
import { formatLocal } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import type {
  CancelCreateBody,
  FilingCreateBody,
  FilingListQueryT,
  FilingView,
  JointResponseBody,
  PageOf,
  ResultCreateBody,
} from '../domain/schemas.js';
import { statusNames } from '../domain/messages.js';
import { validateUscc } from '../domain/uscc.js';
import type { Decision } from '../domain/decision.js';
import type { FilingInput } from '../rules/facts.js';
import type { Db } from '../store/db.js';
import {
  findDecision,
  findFiling,
  filingRefs,
  findFilingForUpdate,
  listFilings,
  loadFactRows,
  markCancelled,
  markCompleted,
  writeFilingBatch,
} from '../store/filings-repo.js';
import { lockEnterprise } from '../store/locks.js';
import { arrivalsOf, insertJointResponse, jointResponsesOf } from '../store/visits-repo.js';
import type { FilingRow } from '../store/tables.js';
import { chains, record, signHeads } from './audit.js';
import type { ServiceContext } from './context.js';
import { raiseUnfiledVisit } from './unfiled-visits.js';
import { assertAgencyActive } from './agency-active.js';
import { decisionForAgency } from './decision-redaction.js';
import { insertViolationsOnce } from '../store/violations-repo.js';
import { GroupCommit, type BatchItem, type Settled } from './filing-batches.js';
import { capDecision, decide, factQueryFor, factsFor, toInput, toStoredInput, visitAlone } from './filing-decision.js';
import { groundFor } from '../rules/grounds.js';
import {
  appendWrite,
  blockedError,
  canSeeFiling,
  emptyWrite,
  filingRecords,
  filingView,
  storedError,
  type FilingOutcome,
} from './filing-records.js';
import { replayOf, transact, type IdempotencyClaim } from './idempotency.js';
import { dateRange, pageOf, timeCursor } from './pagination.js';
import { readForList } from './replica-reads.js';

export { filingView };

/**
 * Which filings a principal may see. Admin: all; agency: those it leads or is a joint agency of
 * (a joint visit counts toward its own cap, so it must be able to see it); enterprise: about
 * itself; supervisor: its regions.
 */

interface PendingFiling extends BatchItem {
  input: FilingInput;
  body: unknown;
  actor: string;
  claim: IdempotencyClaim | undefined;
}

export function createFilingService(ctx: ServiceContext) {
  const evalCtx = (now: Date) => ({ now, tz: ctx.tz });

  /**
   * One transaction for a batch of filings: every enterprise's lock (and every Idempotency-Key's)
   * and all facts in one call, each filing decided, everything written in one statement.
   */
  async function fileBatch(trx: Db, items: PendingFiling[]): Promise<Settled<FilingOutcome>[]> {
    const sets = ctx.rules.active();
    const claims = items.flatMap((i) => (i.claim ? [{ principalId: i.claim.principalId, key: i.claim.key }] : []));
    const query = factQueryFor(
      sets,
      items.map((i) => i.input),
      evalCtx(ctx.clock.now()),
      { lock: true, idempotency: claims, numbers: items.length },
    );
    const rows = await loadFactRows(trx, query);
    // decided and stamped when the locks are held, however long they took to get
    const at = ctx.clock.now();
    const write = emptyWrite();
    const results = items.map((item, n): Settled<FilingOutcome> => {
      const claim = item.claim;
      const stored = claim && rows.idempotency.find((r) => r.principalId === claim.principalId && r.key === claim.key);
      if (claim && stored) {
        // the key's answer committed while this request waited for its lock: replay it, or 409
        // if this request's body is another (and store nothing: the first answer stays)
        try {
          return { ok: true, value: { kind: 'replay', replay: replayOf(stored, claim) } };
        } catch (error) {
          return { ok: false, error };
        }
      }
      try {
        const facts = factsFor(item.input, rows);
        const started = performance.now();
        const decision = decide(sets, item.input, facts, evalCtx(at), ctx.log);
        ctx.metrics.ruleEvaluation.observe((performance.now() - started) / 1000);
        const seq = rows.numbers[n] as number;
        const built = filingRecords(item.input, decision, facts.enterprise.region, {
          at,
          tz: ctx.tz,
          publicUrl: ctx.publicUrl,
          actor: item.actor,
          body: item.body,
          seq,
          claim,
          groundId: groundFor(item.input, facts, ctx.tz).ground?.id ?? null,
          shown: decisionForAgency(decision, facts.history, item.input.agencyId, ctx.tz),
        });
        appendWrite(write, built.write);
        return { ok: true, value: built.outcome };
      } catch (error) {
        // a client error is this request's answer: stored with the batch, replayed on retry
        if (claim && error instanceof AppError && error.status < 500) write.idempotency.push(storedError(error, claim));
        return { ok: false, error };
      }
    });
    await signHeads(trx, await writeFilingBatch(trx, write));
    for (const item of items)
      if (item.claim && write.idempotency.some((r) => r.principalId === item.claim?.principalId && r.key === item.claim.key))
        item.claim.saved = true;
    return results;
  }

  // Every filing is decided and written in a transaction holding its enterprise's lock, so caps
  // hold under concurrency; filings for different enterprises that arrive together share it.
  const batches = new GroupCommit<PendingFiling, FilingOutcome>(ctx.db, ctx.log, fileBatch, (err) => ctx.health.failed(err));

  /**
   * The caps a joint agency would break by accepting this visit: the filing decided as if that
   * agency had filed it alone, the visit itself left out of the history, and only the rules that
   * hold an agency to its own cap kept.
   */
  async function jointCapDecision(trx: Db, f: FilingRow, agencyId: string, at: Date): Promise<Decision> {
    const sets = ctx.rules.active();
    const input = visitAlone({ ...toStoredInput(f), agencyId });
    const rows = await loadFactRows(trx, factQueryFor(sets, [input], evalCtx(at), { lock: false }));
    rows.history = rows.history.filter((h) => h.id !== f.id);
    return capDecision(sets, input, factsFor(input, rows), evalCtx(at), ctx.log);
  }

  function requireAgency(p: Principal): string {
    if (p.role !== 'agency' || !p.agencyId) throw forbidden(p.role);
    return p.agencyId;
  }

  async function loadVisible(p: Principal, id: string): Promise<FilingRow> {
    const f = await findFiling(ctx.db, id);
    // Someone else's filing is reported as missing: its existence is not theirs to learn.
    if (!f) throw notFound('filing', id);
    if (canSeeFiling(p, f)) return f;
    // a supervisor sees its regions' agencies' filings wherever the enterprise is
    if (p.role === 'supervisor') {
      const agency = await findAgency(ctx.db, f.agency_id);
      if (agency && inRegions(agency.region, p.regions)) return f;
    }
    throw notFound('filing', id);
  }

  async function withDecision(f: FilingRow): Promise<{ filing: FilingView; decision: Decision }> {
    const decision = await findDecision(ctx.db, f.decision_id);
    return { filing: filingView(f, ctx.publicUrl, decision.outcome), decision };
  }

  /** One filing as its page shows it: with every arrival and each joint agency's answer. */
  async function detailed(f: FilingRow): Promise<{ filing: FilingView; decision: Decision }> {
    const [base, arrivals, responses] = await Promise.all([withDecision(f), arrivalsOf(ctx.db, f.id), jointResponsesOf(ctx.db, f.id)]);
    const answered = new Map(responses.map((r) => [r.agency_id, r]));
    base.filing.arrivals = arrivals.map((a) => ({
      by: a.by_role,
      at: a.at.toISOString(),
      withinWindow: a.within_window,
      violationId: a.violation_id,
    }));
    base.filing.jointAgencies = f.joint_agency_ids.map((agencyId) => {
      const r = answered.get(agencyId);
      return { agencyId, status: r?.status ?? 'pending', at: r?.at.toISOString() ?? null, reason: r?.reason ?? null };
    });
    return base;
  }

  /** Lifecycle changes by the filing agency: lock, check the transition, write, audit; answers with the changed filing. */
  async function transition(
    p: Principal,
    id: string,
    action: Exclude<LifecycleAction, 'arrive'>,
    claim: IdempotencyClaim | undefined,
    apply: (trx: Db, f: FilingRow) => Promise<{ row: FilingRow; payload: Record<string, unknown> }>,
  ): Promise<FilingView> {
    const agencyId = requireAgency(p);
    await assertAgencyActive(ctx.db, agencyId);
    const f0 = await loadVisible(p, id);
    const view = await transact(ctx.db, claim, async (trx) => {
      await lockEnterprise(trx, f0.enterprise_uscc);
      const f = await findFilingForUpdate(trx, id);
      if (!f) throw notFound('filing', id);
      // a joint agency sees the filing; only the agency that filed it records its result or cancels it
      if (f.agency_id !== agencyId) throw new AppError('forbidden', 'lead_agency_only');
      nextStatus(f.status as FilingStatus, action);
      const { row, payload } = await apply(trx, f);
      await record(
        trx,
        {
          chain: chains.enterprise(f.enterprise_uscc),
          at: ctx.clock.now(),
          actor: p.keyId,
          action: auditActions[action],
          entityType: 'filing',
          entityId: id,
          payload,
        },
        { lockHeld: true },
      );
      return filingView(row, ctx.publicUrl, (await findDecision(trx, row.decision_id)).outcome);
    });
    ctx.verifyCache.evict(f0.verify_code);
    return view;
  }

  return {
    async check(p: Principal, body: FilingCreateBody): Promise<Decision> {
      const input = toInput(requireAgency(p), body);
      const now = ctx.clock.now();
      const sets = ctx.rules.active();
      const rows = await loadFactRows(ctx.db, factQueryFor(sets, [input], evalCtx(now), { lock: false }));
      const facts = factsFor(input, rows);
      return decisionForAgency(decide(sets, input, facts, evalCtx(now), ctx.log), facts.history, input.agencyId, ctx.tz);
    },

    /** Decided and written under the enterprise's lock (GroupCommit); a block is recorded as an attempt. */
    async file(p: Principal, body: FilingCreateBody, claim?: IdempotencyClaim): Promise<{ filing: FilingView; decision: Decision }> {
      const input = toInput(requireAgency(p), body);
      const exclusive = [`enterprise:${input.enterpriseUscc}`, ...(claim ? [`idempotency:${claim.principalId}\n${claim.key}`] : [])];
      const outcome = await batches.submit({ input, body, actor: p.keyId, claim, exclusive });
      if (outcome.kind === 'replay') throw outcome.replay;
      // Thrown after the commit: the blocked attempt is on record.
      ctx.metrics.filings.inc({ outcome: outcome.decision.outcome });
      if (outcome.kind === 'blocked') throw blockedError(outcome.decision);
      return { filing: filingView(outcome.row, ctx.publicUrl, outcome.decision.outcome), decision: outcome.decision };
    },

    async get(p: Principal, id: string): Promise<{ filing: FilingView; decision: Decision }> {
      const d = await detailed(await loadVisible(p, id));
      if (p.role !== 'agency' || !p.agencyId) return d;
      // an agency reads its filing's decision as it was answered: other agencies' filings as agency and day
      const refs = await filingRefs(ctx.db, [...new Set(d.decision.findings.flatMap((f) => f.evidence))]);
      return { ...d, decision: decisionForAgency(d.decision, refs, p.agencyId, ctx.tz) };
    },

    async list(p: Principal, q: FilingListQueryT): Promise<PageOf<FilingView>> {
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      const { from, to } = dateRange(q.from, q.to);
      const enterprise = q.enterprise ? validateUscc(q.enterprise, '/enterprise') : undefined;
      // The principal's scope narrows the filter; a filter outside it finds nothing.
      if (
        (p.role === 'agency' && q.agency && q.agency !== p.agencyId) ||
        (p.role === 'enterprise' && enterprise && enterprise !== p.uscc)
      ) {
        return { items: [], nextCursor: null };
      }
      const rows = await readForList(ctx, (db) =>
        listFilings(
          db,
          {
            agencyId: p.role === 'agency' ? (p.agencyId ?? '') : q.agency,
            includeJoint: true,
            uscc: p.role === 'enterprise' ? (p.uscc ?? '') : enterprise,
            regions: p.role === 'supervisor' ? p.regions : undefined,
            status: q.status,
            finding: q.finding,
            from,
            to,
          },
          { limit: limit + 1, after: after ? { filedAt: after.at, id: after.id } : null },
        ),
      );
      return pageOf(
        rows,
        limit,
        (r) => filingView(r, ctx.publicUrl, r.decision_outcome),
        (r) => [r.filed_at.toISOString(), r.id],
      );
    },

    async recordResult(p: Principal, id: string, body: ResultCreateBody, claim?: IdempotencyClaim): Promise<FilingView> {
      const conductedAt = new Date(body.conductedAt);
      const now = ctx.clock.now();
      if (conductedAt.getTime() > now.getTime() + 5 * 60_000) {
        throw new AppError('validation_failed', 'conducted_in_future', {}, [{ path: '/conductedAt', key: 'in_future' }]);
      }
      return transition(p, id, 'record_result', claim, async (trx, f) => {
        // before its start a visit that will not happen is cancelled, not recorded as not conducted
        if (body.outcome === 'not_conducted' && now.getTime() < f.planned_start.getTime()) {
          throw new AppError('conflict', 'not_conducted_before_start', { start: formatLocal(f.planned_start, ctx.tz) }, [
            { path: '/outcome', key: 'not_started_cancel_instead' },
          ]);
        }
        // while the window is open the enterprise may still confirm the visit: that it did not take
        // place is said once the window has closed, not before (else a visit could be recorded
        // away before the enterprise scans)
        if (body.outcome === 'not_conducted' && now.getTime() <= f.planned_end.getTime()) {
          throw new AppError('conflict', 'not_conducted_window_open', { end: formatLocal(f.planned_end, ctx.tz) }, [
            { path: '/outcome', key: 'window_still_open' },
          ]);
        }
        // a visit cannot have been made under a filing before the filing existed (an emergency is
        // filed after it began: not before its start)
        const earliest = Math.min(f.filed_at.getTime(), f.planned_start.getTime());
        if (conductedAt.getTime() < earliest) {
          throw new AppError('validation_failed', 'conducted_before_filing', { at: formatLocal(earliest, ctx.tz) }, [
            { path: '/conductedAt', key: 'before_filing_made' },
          ]);
        }
        // the enterprise said the inspectors came: the visit took place, and not before they came
        const arrivals = await arrivalsOf(trx, f.id);
        const confirmed = arrivals.find((a) => a.by_role === 'enterprise');
        if (body.outcome === 'not_conducted' && confirmed) {
          throw new AppError('conflict', 'confirmed_visit', { at: formatLocal(confirmed.at, ctx.tz) }, [
            { path: '/outcome', key: 'enterprise_confirmed_arrival' },
          ]);
        }
        const first = arrivals[0];
        if (first && conductedAt.getTime() < first.at.getTime()) {
          throw new AppError('validation_failed', 'conducted_before_arrival', { at: formatLocal(first.at, ctx.tz) }, [
            { path: '/conductedAt', key: 'before_arrival' },
          ]);
        }
        const row = await markCompleted(trx, id, { outcome: body.outcome, conductedAt, summary: body.summary });
        // conducted outside the filed window: recorded as it happened, and raised for supervisors,
        // as an arrival outside it is (else a visit made now could be put on next year's filing)
        const violationId = body.outcome === 'not_conducted' ? null : await raiseUnfiledVisit(trx, f, conductedAt, 'conductedAt', now);
        // a drawn inspection that did not take place was not carried out, whatever was filed for it
        if (body.outcome === 'not_conducted' && f.draw_assignment_id) {
          await insertViolationsOnce(trx, [
            {
              id: newId('vio'),
              kind: 'draw_not_executed',
              agencyId: f.agency_id,
              enterpriseUscc: f.enterprise_uscc,
              region: f.region,
              filingId: f.id,
              raisedAt: now,
              occurredAt: conductedAt,
              details: { assignmentId: f.draw_assignment_id, outcome: 'not_conducted' },
              dedupeKey: `draw_not_executed:${f.draw_assignment_id}`,
            },
          ]);
        }
        return { row, payload: { outcome: body.outcome, conductedAt: body.conductedAt, summary: body.summary, violationId } };
      });
    },

    /**
     * A joint agency answers for itself. Accepting puts the visit on its record, so it is checked
     * against its own annual cap (its system's visits counted) and refused with the decision when
     * the cap is used up; declining says why. Until it accepts, the visit counts for the lead only.
     */
    async respondJoint(
      p: Principal,
      id: string,
      answer: 'accepted' | 'declined',
      body: JointResponseBody,
    ): Promise<{ filing: FilingView; decision: Decision | null }> {
      const agencyId = requireAgency(p);
      await assertAgencyActive(ctx.db, agencyId);
      const f0 = await loadVisible(p, id);
      if (!f0.joint_agency_ids.includes(agencyId)) throw new AppError('forbidden', 'not_joint_agency');
      let refused: Decision | null = null;
      const result = await ctx.db.transaction().execute(async (trx) => {
        await lockEnterprise(trx, f0.enterprise_uscc);
        const f = await findFilingForUpdate(trx, id);
        if (!f) throw notFound('filing', id);
        if (f.status === 'cancelled' || f.status === 'completed')
          throw new AppError('conflict', 'joint_closed', { status: statusNames[f.status] });
        if ((await jointResponsesOf(trx, id)).some((r) => r.agency_id === agencyId)) throw new AppError('conflict', 'joint_answered');
        const at = ctx.clock.now();
        let decision: Decision | null = null;
        // a case rests on a ground: a joint agency joins it only if that ground is its too (assigned to it, or to none)
        if (answer === 'accepted' && f.ground_id) {
          const g = await findGround(trx, f.ground_id);
          if (g && g.agency_ids.length > 0 && !g.agency_ids.includes(agencyId)) throw new AppError('conflict', 'joint_ground_not_assigned');
        }
        if (answer === 'accepted') {
          decision = await jointCapDecision(trx, f, agencyId, at);
          if (decision.outcome === 'block') {
            refused = decision;
            return null;
          }
        }
        await insertJointResponse(trx, {
          filing_id: id,
          agency_id: agencyId,
          status: answer,
          reason: body.reason ?? null,
          decision_id: null,
          at,
          actor: p.keyId,
        });
        // the card changes (the joint agency and its officers) while the filing's row does not:
        // every process (and the standby rule, services/replica-reads.ts) is told, at commit
        await sql`select pg_notify('filing_changed', ${f.verify_code})`.execute(trx);
        await record(
          trx,
          {
            chain: chains.enterprise(f.enterprise_uscc),
            at,
            actor: p.keyId,
            action: answer === 'accepted' ? 'filing.joint_accepted' : 'filing.joint_declined',
            entityType: 'filing',
            entityId: id,
            payload: { agencyId, reason: body.reason ?? null, findings: decision?.findings.map((x) => x.ruleId) ?? [] },
          },
          { lockHeld: true },
        );
        return decision;
      });
      if (refused) throw blockedError(refused, 'joint_blocked');
      ctx.verifyCache.evict(f0.verify_code);
      const shown = await detailed((await findFiling(ctx.db, id)) ?? f0);
      return { filing: shown.filing, decision: result };
    },

    async cancel(p: Principal, id: string, body: CancelCreateBody, claim?: IdempotencyClaim): Promise<FilingView> {
      return transition(p, id, 'cancel', claim, async (trx, f) => {
        const now = ctx.clock.now();
        assertCancellable(f.planned_start, now, ctx.tz);
        const row = await markCancelled(trx, id, now, body.reason);
        // a cancelled random inspection leaves its drawn assignment to be carried out (or to expire)
        if (f.draw_assignment_id)
          await trx
            .updateTable('draw_assignments')
            .set({ status: 'open', filing_id: null })
            .where('id', '=', f.draw_assignment_id)
            .where('filing_id', '=', f.id)
            .execute();
        return { row, payload: { reason: body.reason } };
      });
    },
  };
}
