import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { addDays, dayBounds, formatLocal, localDate, localPeriod } from '../domain/calendar.js';
import { loadFactRows } from '../store/filings-repo.js';
import { capDecision, factQueryFor, factsFor, visitAlone } from './filing-decision.js';
import { newId } from '../domain/codes.js';
import {
  drawEnterprises,
  drawPairs,
  drawRecordHash,
  drawSample,
  populationHash,
  populationJson,
  populationNeeded,
  sampleSize,
  sha256,
  MAX_DRAW_RATIO,
  MIN_DRAW_POPULATION,
  type DrawnAssignment,
  type PopulationMember,
} from '../domain/draw.js';
import { AppError, forbidden, notFound, type ErrorDetail } from '../domain/errors.js';
import type { MessageKey } from '../domain/messages.js';
import { inRegions, type Principal } from '../domain/principal.js';
import type {
  DrawInputsView,
  DrawListQueryT,
  DrawPlanCreateBody,
  DrawPlanStopBody,
  DrawPlanView,
  DrawSummaryView,
  DrawVerificationView,
  DrawView,
  PageOf,
} from '../domain/schemas.js';
import { findAgency } from '../store/agencies-repo.js';
import type { Db } from '../store/db.js';
import * as repo from '../store/draws-repo.js';
import { lockJob } from '../store/locks.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { pageOf, timeCursor } from './pagination.js';
import { assertAgencyActive } from './agency-active.js';

// Random inspections (双随机): a plan says whom an agency draws from and how many; each draw is
// committed first (the SHA-256 of a fresh seed is published), then made by the daily draw job
// from the recorded, sorted population, and its seed revealed. Drawn assignments are what a
// `random` filing must name (rule random.drawn). Draws, assignments and results are public.

const ALGORITHM = [
  'SHA-256("<seed>:<n>") blocks read as big-endian uint32; below(k) by rejection;',
  'per stratum (sorted) a partial Fisher-Yates over its members in population order, quotas by largest remainder;',
  'then per drawn enterprise a pair (a = below(n), b = below(n-1), b >= a -> b+1) redrawn while it is the pair to avoid.',
  'Source: src/domain/draw.ts',
].join(' ');

/** An agency draws within its own jurisdiction: its division code without the trailing zero pairs (210000 is Liaoning, 21). */
const jurisdictionOf = (region: string) => region.replace(/(00)+$/, '') || region;

const refused = (key: MessageKey, params: Record<string, string | number>, detail: ErrorDetail) =>
  new AppError('validation_failed', key, params, [detail]);

function planView(p: repo.PlanRecord, next: repo.DrawRecord | null): DrawPlanView {
  return {
    id: p.id,
    agencyId: p.agencyId,
    name: p.name,
    filter: p.filter,
    ratio: p.ratio,
    size: p.size,
    excludeInspectedWithinDays: p.excludeInspectedWithinDays,
    includeNoDisturb: p.includeNoDisturb,
    periodDays: p.periodDays,
    everyDays: p.everyDays,
    nextDrawOn: p.nextDrawOn,
    createdAt: p.createdAt.toISOString(),
    nextDraw: next && !p.stoppedAt ? { id: next.id, seedHash: next.seedHash, committedAt: next.committedAt.toISOString() } : null,
    stopped: p.stoppedAt ? { at: p.stoppedAt.toISOString(), reason: p.stopReason ?? '' } : null,
  };
}

function summaryView(h: repo.DrawHead): DrawSummaryView {
  return {
    id: h.id,
    planId: h.planId,
    planName: h.planName,
    agency: { id: h.agencyId, name: h.agencyName },
    filter: h.filter,
    status: h.status,
    seedHash: h.seedHash,
    // the seed stays secret until the draw is made: that is what the published hash commits to
    seed: h.status === 'drawn' ? h.seed : null,
    committedAt: h.committedAt.toISOString(),
    drawnAt: h.drawnAt?.toISOString() ?? null,
    drawDay: h.drawDay,
    target: h.target,
    populationSize: h.populationSize,
    populationHash: h.populationHash,
    assignments: h.assignments,
  };
}

/** The recorded population as members, or none when it is not even JSON any more (a tampered record). */
function recordedMembers(population: string | null): PopulationMember[] {
  try {
    return (JSON.parse(population ?? '[]') as [string, string][]).map(([uscc, stratum]) => ({ uscc, stratum }));
  } catch {
    return [];
  }
}

export function createDrawService(ctx: ServiceContext) {
  /** The enterprises a plan draws from now, sorted by USCC (code-unit order), and how many were left out and why. */
  /**
   * Of these enterprises, those the agency may not inspect again in the year of `at`: a random
   * visit there would be blocked by an annual cap (its system's visits counted), so the draw
   * leaves them out rather than assign a visit the rules must then refuse. Only visits that have
   * begun count here (a filing far ahead, which could be cancelled after the draw, shields no one);
   * only enterprises the system visited that year can have reached a cap; the rules decide for those.
   */
  async function capReached(db: Db, agencyId: string, usccs: string[], at: Date, now: Date): Promise<Set<string>> {
    const [from, to] = localPeriod(at, ctx.tz, 'year');
    const visited = await repo.visitedBySystem(db, agencyId, new Date(from), new Date(Math.min(to, now.getTime())));
    const inputs = usccs
      .filter((u) => visited.has(u))
      .map((enterpriseUscc) =>
        visitAlone({ agencyId, enterpriseUscc, type: 'random', plannedStart: at, plannedEnd: new Date(at.getTime() + 3_600_000) }),
      );
    if (!inputs.length) return new Set();
    const sets = ctx.rules.active();
    const evalCtx = { now: at, tz: ctx.tz };
    const rows = await loadFactRows(db, factQueryFor(sets, inputs, evalCtx, { lock: false }));
    rows.history = rows.history.filter((h) => Date.parse(h.plannedStart) <= now.getTime());
    const out = new Set<string>();
    for (const input of inputs) {
      if (capDecision(sets, input, factsFor(input, rows), evalCtx, ctx.log).outcome === 'block') out.add(input.enterpriseUscc);
    }
    return out;
  }

  async function population(
    db: Db,
    plan: { agencyId: string; filter: repo.DrawFilter; excludeDays: number; includeNoDisturb: boolean },
    now: Date,
    periodStart: Date,
  ) {
    const candidates = await repo.candidateEnterprises(db, plan.filter);
    const recent =
      plan.excludeDays > 0
        ? await repo.recentlyVisited(db, plan.agencyId, new Date(now.getTime() - plan.excludeDays * 86_400_000), now)
        : new Set<string>();
    // an enterprise this agency still has an open drawn assignment for is not drawn again
    const assigned = await repo.openlyAssigned(db, plan.agencyId);
    const classes = plan.filter.riskClasses;
    const members: PopulationMember[] = [];
    const regions = new Map<string, string>();
    const excluded = { recentlyInspected: 0, noDisturb: 0, openAssignment: 0, capReached: 0, rotationImpossible: 0 };
    const eligible: typeof candidates = [];
    for (const e of candidates) {
      const stratum = e.riskClass ?? 'unknown';
      if (classes && !classes.includes(stratum as (typeof classes)[number])) continue;
      if (e.noDisturb && !plan.includeNoDisturb) excluded.noDisturb++;
      else if (recent.has(e.uscc)) excluded.recentlyInspected++;
      else if (assigned.has(e.uscc)) excluded.openAssignment++;
      else eligible.push(e);
    }
    const capped = await capReached(
      db,
      plan.agencyId,
      eligible.map((e) => e.uscc),
      periodStart,
      now,
    );
    for (const e of eligible) {
      if (capped.has(e.uscc)) {
        excluded.capReached++;
        continue;
      }
      members.push({ uscc: e.uscc, stratum: e.riskClass ?? 'unknown' });
      regions.set(e.uscc, e.region);
    }
    // code-unit order, whatever the database's collation (byte order, "C", is the same for these
    // ASCII codes): anyone re-running the draw sorts the same way
    if (!members.every((m, i) => i === 0 || members[i - 1]!.uscc < m.uscc))
      members.sort((a, b) => (a.uscc < b.uscc ? -1 : a.uscc > b.uscc ? 1 : 0));
    return { members, excluded, regions };
  }

  /** A new draw of the plan with a fresh secret seed; its hash goes on the audit chain, which `verify` holds the draw to. */
  async function commit(trx: Db, plan: repo.PlanRecord, now: Date, actor: string): Promise<repo.DrawRecord> {
    const seed = randomBytes(32).toString('hex');
    const draw = await repo.insertCommittedDraw(trx, {
      id: newId('drw'),
      planId: plan.id,
      agencyId: plan.agencyId,
      seed,
      seedHash: sha256(seed),
      committedAt: now,
    });
    await record(trx, {
      chain: chains.agency(plan.agencyId),
      at: now,
      actor,
      action: 'draw.committed',
      entityType: 'draw',
      entityId: draw.id,
      payload: { planId: plan.id, seedHash: draw.seedHash, filter: plan.filter },
    });
    return draw;
  }

  /** Makes a committed draw: records what it is made from, draws, reveals the seed. */
  async function make(trx: Db, plan: repo.PlanRecord, draw: repo.DrawRecord, day: string, now: Date, actor: string) {
    const periodStart = new Date(dayBounds(day, ctx.tz)[0]);
    const { members, excluded, regions } = await population(
      trx,
      {
        agencyId: plan.agencyId,
        filter: plan.filter,
        excludeDays: plan.excludeInspectedWithinDays,
        includeNoDisturb: plan.includeNoDisturb,
      },
      now,
      // the period cannot begin before the draw is made
      new Date(Math.max(periodStart.getTime(), now.getTime())),
    );
    const periodEnd = new Date(dayBounds(addDays(day, plan.periodDays), ctx.tz)[0]);
    const inspectors = await repo.certifiedPool(trx, plan.agencyId, addDays(day, plan.periodDays - 1));
    const { target } = sampleSize(members.length, plan);
    if (inspectors.length < 3 && target > 0)
      throw new Error(
        `draw ${draw.id}: the agency has ${inspectors.length} certified inspectors valid through the period; ` +
          'a draw that rotates pairs needs at least 3',
      );
    // which enterprises are drawn does not depend on the pairs to avoid (the pairs come after, from
    // the same stream): so the last pair is looked up for the drawn enterprises only
    const { stream, drawn: chosen } = drawEnterprises({ seed: draw.seed ?? '', population: members, target });
    const avoid: Record<string, string[]> = {};
    // a pair is avoided when both were on the last visit; if every inspector of the pool was, no
    // pair could rotate, so none is avoided for that enterprise (and the draw says so)
    for (const last of await repo.lastVisitPairs(
      trx,
      plan.agencyId,
      chosen.map((m) => m.uscc),
      now,
    )) {
      if (inspectors.some((i) => !last.inspectorIds.includes(i))) avoid[last.uscc] = [...last.inspectorIds].sort();
      else excluded.rotationImpossible++;
    }
    const drawn = drawPairs(stream, chosen, inspectors, avoid);
    // serialized once: recorded as this text, hashed as this text
    const recordedPopulation = populationJson(members);
    const recordedHash = sha256(recordedPopulation);
    await repo.recordMadeDraw(
      trx,
      { id: draw.id, agencyId: plan.agencyId, periodStart, periodEnd },
      {
        drawnAt: now,
        drawDay: day,
        target,
        population: recordedPopulation,
        populationSize: members.length,
        populationHash: recordedHash,
        pool: inspectors,
        avoid,
        excluded,
      },
      drawn.map((d, i) => ({
        id: newId('asg'),
        seq: i + 1,
        uscc: d.uscc,
        region: regions.get(d.uscc) ?? '',
        stratum: d.stratum,
        inspectorIds: d.inspectorIds,
      })),
    );
    const recordHash = drawRecordHash({
      populationHash: recordedHash,
      agencyId: plan.agencyId,
      periodStart,
      periodEnd,
      pool: inspectors,
      avoid,
      target,
      assignments: drawn,
    });
    await record(trx, {
      chain: chains.agency(plan.agencyId),
      at: now,
      // the job, or whoever drew it now
      actor,
      action: 'draw.made',
      entityType: 'draw',
      entityId: draw.id,
      payload: {
        planId: plan.id,
        seedHash: draw.seedHash,
        seed: draw.seed,
        populationHash: recordedHash,
        recordHash,
        target,
        assignments: drawn.length,
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
      },
    });
    // checked now, from what was just recorded, by the code a recheck runs: the public check of
    // the draw reads this instead of making the draw again
    const made = await repo.findDraw(trx, draw.id);
    if (made) await repo.saveVerification(trx, draw.id, await check(trx, made, 'draw', now, recordedPopulation));
    return { id: draw.id, planId: plan.id, populationSize: members.length, assignments: drawn.length };
  }

  /**
   * Draws one due plan in a transaction of its own, so that nothing else waits for more than one
   * plan's draw: its committed draw is made, and a repeating plan's next one committed. 409 when
   * the plan is stopped, not due on `day`, or (`strict`) has no committed draw.
   */
  function drawPlan(planId: string, agencyId: string, day: string, now: Date, actor: string, strict: boolean) {
    return ctx.db.transaction().execute(async (trx) => {
      // one draw of an agency at a time (the job, a "draw now", a stop): two at once could each
      // assign an enterprise the other has just assigned
      await lockJob(trx, 'draw', agencyId);
      const plan = await repo.findPlan(trx, planId, { forUpdate: true });
      if (!plan) throw notFound('draw plan', planId);
      if (plan.stoppedAt) throw new AppError('conflict', 'draw_plan_stopped', { at: formatLocal(plan.stoppedAt, ctx.tz) });
      // only a draw due on the day or before: drawing a plan's later draws early would let the
      // caller draw again and again until it liked what came out
      if (plan.nextDrawOn === null || plan.nextDrawOn > day) {
        if (!strict) throw new AppError('conflict', 'draw_not_waiting', { id: planId });
        // "draw now" says why not: a one-off plan drawn already, or a period drawn / not yet due
        if (plan.nextDrawOn !== null) throw new AppError('conflict', 'draw_now_not_due', { date: plan.nextDrawOn });
        const [last] = await repo.listDrawHeads(trx, { planId, after: null, limit: 1 });
        throw new AppError('conflict', 'draw_now_done', { at: last?.drawnAt ? formatLocal(last.drawnAt, ctx.tz) : '—' });
      }
      const draw = await repo.lockCommittedDraw(trx, plan.id);
      if (!draw && strict) throw new AppError('conflict', 'draw_now_uncommitted', { id: planId });
      if (draw && strict) {
        // refused with a reason rather than failing inside the draw (which the job logs and retries)
        const pool = await repo.certifiedPool(trx, plan.agencyId, addDays(day, plan.periodDays - 1));
        if (pool.length < 3) throw new AppError('conflict', 'draw_pool_small', { n: pool.length });
      }
      const made = draw ? await make(trx, plan, draw, day, now, actor) : null;
      const next = plan.everyDays ? addDays(day, plan.everyDays) : null;
      await repo.setNextDrawOn(trx, plan.id, next);
      if (next) await commit(trx, plan, now, actor);
      return made;
    });
  }

  /** Re-runs a made draw from its recorded seed and population and compares it with what was recorded and audited. */
  async function check(db: Db, d: repo.DrawRecord, by: 'draw' | 'recheck', at: Date, text?: string): Promise<DrawVerificationView> {
    const recordedText = text ?? (await repo.populationText(db, d.populationRef));
    const population = recordedMembers(recordedText);
    let recomputed: DrawnAssignment[] = [];
    try {
      recomputed = drawSample({ seed: d.seed ?? '', population, target: d.target ?? 0, pool: d.pool, avoid: d.avoid });
    } catch {
      // a recorded pool or population no draw could have come from: nothing is recomputed
    }
    const recorded = await repo.recordedAssignments(db, d.id);
    // what the audit trail (hash-chained; `audit verify`) says was committed and made
    const audited = await repo.drawAuditPayloads(db, d.id);
    const committed = (audited.get('draw.committed') ?? {}) as { seedHash?: string };
    const made = (audited.get('draw.made') ?? {}) as {
      populationHash?: string;
      recordHash?: string;
      periodStart?: string;
      periodEnd?: string;
    };
    const key = (uscc: string, ids: string[]) => `${uscc} ${[...ids].sort().join('+')}`;
    let firstDifference: DrawVerificationView['firstDifference'] = null;
    for (let i = 0; i < Math.max(recorded.length, recomputed.length); i++) {
      const r = recorded[i];
      const c = recomputed[i];
      const rk = r ? key(r.uscc, r.inspectorIds) : null;
      const ck = c ? key(c.uscc, c.inspectorIds) : null;
      if (rk !== ck) {
        firstDifference = { seq: i + 1, recorded: rk, recomputed: ck };
        break;
      }
    }
    const seedMatchesCommitment = sha256(d.seed ?? '') === d.seedHash && committed.seedHash === d.seedHash;
    const sorted = population.every((m, i) => i === 0 || population[i - 1]!.uscc < m.uscc);
    const populationMatchesHash =
      recordedText !== null &&
      sha256(recordedText) === d.populationHash &&
      populationHash(population) === d.populationHash &&
      made.populationHash === d.populationHash &&
      sorted;
    const first = recorded[0];
    const onePeriod = recorded.every(
      (a) =>
        a.agencyId === first?.agencyId &&
        a.periodStart.getTime() === first.periodStart.getTime() &&
        a.periodEnd.getTime() === first.periodEnd.getTime(),
    );
    const recordMatchesAudit =
      made.recordHash !== undefined &&
      onePeriod &&
      drawRecordHash({
        populationHash: d.populationHash ?? '',
        agencyId: first?.agencyId ?? d.agencyId,
        periodStart: first?.periodStart ?? new Date(made.periodStart ?? 0),
        periodEnd: first?.periodEnd ?? new Date(made.periodEnd ?? 0),
        pool: d.pool,
        avoid: d.avoid,
        target: d.target ?? 0,
        assignments: recorded.map((a) => ({ uscc: a.uscc, stratum: a.stratum, inspectorIds: a.inspectorIds })),
      }) === made.recordHash;
    return {
      drawId: d.id,
      matches: seedMatchesCommitment && populationMatchesHash && firstDifference === null && recordMatchesAudit,
      seedMatchesCommitment,
      populationMatchesHash,
      assignmentsMatch: firstDifference === null,
      recordMatchesAudit,
      recorded: recorded.length,
      recomputed: recomputed.length,
      firstDifference,
      checked: { at: at.toISOString(), by },
    };
  }

  async function canManage(p: Principal, agencyId: string): Promise<{ region: string }> {
    const agency = await findAgency(ctx.db, agencyId);
    if (!agency) throw notFound('agency', agencyId, [{ path: '/agencyId', key: 'no_such_agency' }]);
    // the agency never designs its own random draw: admins and supervisors of its regions do
    const ok = p.role === 'admin' || (p.role === 'supervisor' && inRegions(agency.region, p.regions));
    if (!ok) throw forbidden(p.role);
    return agency;
  }

  async function drawn(id: string): Promise<repo.DrawRecord> {
    const d = await repo.findDraw(ctx.db, id);
    if (!d) throw notFound('draw', id);
    if (d.status !== 'drawn') throw new AppError('conflict', 'draw_not_made', { id });
    return d;
  }

  return {
    /** A plan, checked against its population and the agency's inspectors now, and its first draw committed. */
    async createPlan(p: Principal, body: DrawPlanCreateBody, claim?: IdempotencyClaim): Promise<DrawPlanView> {
      const agency = await canManage(p, body.agencyId);
      await assertAgencyActive(ctx.db, body.agencyId);
      const jurisdiction = jurisdictionOf(agency.region);
      if (body.filter.region !== undefined && !body.filter.region.startsWith(jurisdiction)) {
        throw refused(
          'draw_outside_jurisdiction',
          { region: body.filter.region, jurisdiction },
          { path: '/filter/region', key: 'within_jurisdiction', params: { jurisdiction } },
        );
      }
      // without a region, the agency's own jurisdiction, never the whole country
      const filter = { ...body.filter, region: body.filter.region ?? jurisdiction };
      if ((body.ratio === undefined) === (body.size === undefined))
        throw refused('validation_failed', {}, { path: '/ratio', key: 'ratio_or_size' });
      if (body.ratio !== undefined && body.ratio > MAX_DRAW_RATIO) {
        throw refused(
          'draw_above_cap',
          { max: `${MAX_DRAW_RATIO * 100}%`, asked: `${Math.round(body.ratio * 1000) / 10}%` },
          { path: '/ratio', key: 'at_most', params: { max: MAX_DRAW_RATIO } },
        );
      }
      const now = ctx.clock.now();
      const today = localDate(now, ctx.tz);
      const firstDrawOn = body.schedule?.firstDrawOn ?? today;
      if (firstDrawOn < today) throw refused('validation_failed', {}, { path: '/schedule/firstDrawOn', key: 'today_or_later' });
      const periodDays = body.periodDays ?? 30;
      // the checks that need no population first: how many plans the agency has, its inspectors;
      // then the population, counted only as far as the plan needs
      const maxPlans = ctx.drawMaxActivePlans ?? 10;
      const atMostPlans = async (db: Db) => {
        if ((await repo.activePlanCount(db, body.agencyId)) >= maxPlans)
          throw new AppError('conflict', 'draw_plans_at_most', { max: maxPlans }, [
            { path: '/agencyId', key: 'active_plans_at_most', params: { max: maxPlans } },
          ]);
      };
      await atMostPlans(ctx.db);
      const pool = await repo.certifiedPool(ctx.db, body.agencyId, addDays(firstDrawOn, periodDays - 1));
      if (pool.length < 3) throw refused('draw_pool_small', { n: pool.length }, { path: '/agencyId', key: 'needs_three_inspectors' });
      const needed = populationNeeded(body);
      const excludeDays = body.excludeInspectedWithinDays ?? 0;
      const counted = await repo.countEligible(ctx.db, {
        agencyId: body.agencyId,
        filter,
        includeNoDisturb: body.includeNoDisturb ?? false,
        since: excludeDays > 0 ? new Date(now.getTime() - excludeDays * 86_400_000) : null,
        until: now,
        atMost: needed,
      });
      // the refusal says what the plan needs, never how many there are: a narrow filter (one
      // risk class of one village) would otherwise tell the size of its stratum
      if (counted < needed) {
        const path =
          body.size !== undefined && needed > MIN_DRAW_POPULATION ? '/size' : needed > MIN_DRAW_POPULATION ? '/ratio' : '/filter';
        throw refused('draw_population_small', { min: needed }, { path, key: 'population_at_least', params: { min: needed } });
      }
      return transact(ctx.db, claim, async (trx) => {
        // two plans made at once for one agency are counted one after the other
        await lockJob(trx, 'draw-plans', body.agencyId);
        await atMostPlans(trx);
        const plan = await repo.insertPlan(trx, {
          id: newId('dpl'),
          agencyId: body.agencyId,
          name: body.name,
          filter,
          ratio: body.ratio ?? null,
          size: body.size ?? null,
          excludeInspectedWithinDays: body.excludeInspectedWithinDays ?? 0,
          includeNoDisturb: body.includeNoDisturb ?? false,
          periodDays,
          everyDays: body.schedule?.everyDays ?? null,
          nextDrawOn: firstDrawOn,
          createdAt: now,
          createdBy: p.keyId,
          stoppedAt: null,
          stopReason: null,
        });
        const draw = await commit(trx, plan, now, p.keyId);
        return { ...planView(plan, draw), population: { atLeast: needed } };
      });
    },

    /**
     * Makes a plan's committed draw now (admin, or a supervisor of the agency's regions), instead
     * of waiting for the hourly job: its seed hash was published when it was committed, so drawing
     * earlier changes nothing anyone can check. 409 when the plan is stopped or has no draw waiting.
     */
    async drawNow(p: Principal, id: string): Promise<DrawView> {
      const plan0 = await repo.findPlan(ctx.db, id);
      if (!plan0) throw notFound('draw plan', id);
      await canManage(p, plan0.agencyId).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'forbidden' && p.role === 'supervisor') throw notFound('draw plan', id);
        throw err;
      });
      // a deactivated agency is drawn for no more: its assignments could never be filed
      await assertAgencyActive(ctx.db, plan0.agencyId);
      const now = ctx.clock.now();
      const made = await drawPlan(plan0.id, plan0.agencyId, localDate(now, ctx.tz), now, p.keyId, true);
      const drawId = made?.id ?? '';
      return this.get(drawId);
    },

    /** Stops a plan (admin, or a supervisor of the agency's regions): it draws no more, and says why; audited. */
    async stopPlan(p: Principal, id: string, body: DrawPlanStopBody): Promise<DrawPlanView> {
      const plan0 = await repo.findPlan(ctx.db, id);
      if (!plan0) throw notFound('draw plan', id);
      await canManage(p, plan0.agencyId).catch((err: unknown) => {
        // a plan outside the caller's regions is reported as missing
        if (err instanceof AppError && err.code === 'forbidden' && p.role === 'supervisor') throw notFound('draw plan', id);
        throw err;
      });
      return ctx.db.transaction().execute(async (trx) => {
        // one at a time with the agency's draws: a plan is stopped before or after a draw, never during
        await lockJob(trx, 'draw', plan0.agencyId);
        const plan = await repo.findPlan(trx, id, { forUpdate: true });
        if (!plan) throw notFound('draw plan', id);
        if (plan.stoppedAt) throw new AppError('conflict', 'draw_plan_stopped', { at: formatLocal(plan.stoppedAt, ctx.tz) });
        const at = ctx.clock.now();
        const stopped = await repo.stopPlan(trx, id, at, body.reason, p.keyId);
        await record(trx, {
          chain: chains.agency(plan.agencyId),
          at,
          actor: p.keyId,
          action: 'draw_plan.stopped',
          entityType: 'draw_plan',
          entityId: id,
          payload: { reason: body.reason },
        });
        return planView(stopped, null);
      });
    },

    /** The plans a principal may see (an agency its own, a supervisor its regions'), each with its committed draw. */
    async listPlans(p: Principal): Promise<DrawPlanView[]> {
      const plans = await repo.listPlans(ctx.db, {
        ...(p.role === 'agency' ? { agencyId: p.agencyId ?? '' } : {}),
        ...(p.role === 'supervisor' ? { regions: p.regions } : {}),
      });
      const pending = await repo.committedDraws(
        ctx.db,
        plans.map((x) => x.id),
      );
      return plans.map((x) => planView(x, pending.find((d) => d.planId === x.id) ?? null));
    },

    /**
     * The draw job: every plan due on the day draws from its committed seed, and the next draw of a
     * repeating plan is committed; each plan in a transaction of its own, so that a scan waits at
     * most for one plan's draw, never for all of them. Safe to run twice: a plan drawn already is
     * no longer due.
     */
    async runDue(day: string, now: Date): Promise<Record<string, unknown>> {
      const made: Awaited<ReturnType<typeof make>>[] = [];
      const failed: { planId: string; error: string }[] = [];
      for (const plan of await repo.duePlans(ctx.db, day)) {
        // between two plans, whatever else is waiting goes first: requests that came in meanwhile
        // (an embedded database answers in-process, so without this turn of the event loop a
        // scan would still wait for every plan)
        await setImmediate();
        try {
          const out = await drawPlan(plan.id, plan.agencyId, day, now, 'draw-job', false);
          if (out) made.push(out);
        } catch (err) {
          // stopped, or drawn by someone else, since the list was read
          if (err instanceof AppError && err.code === 'conflict') continue;
          // one plan that cannot be drawn (its inspectors' credentials lapsed, say) does not hold up
          // the others: its transaction is undone, it stays due, and is tried again next hour
          const error = err instanceof Error ? err.message : String(err);
          ctx.log.warn({ planId: plan.id, error }, 'a draw could not be made; it stays due');
          failed.push({ planId: plan.id, error });
        }
      }
      return { draws: made, failed };
    },

    /** Public, newest first: each draw without its assignments (GET /draws/:id has them). */
    async list(q: DrawListQueryT): Promise<PageOf<DrawSummaryView>> {
      const limit = q.limit ?? 50;
      const heads = await repo.listDrawHeads(ctx.db, {
        ...(q.agency ? { agencyId: q.agency } : {}),
        ...(q.plan ? { planId: q.plan } : {}),
        after: timeCursor(q.cursor),
        limit: limit + 1,
      });
      return pageOf(heads, limit, summaryView, (h) => [h.committedAt.toISOString(), h.id]);
    },

    /** Public: the plan, the commitment, once drawn the seed and the assignments with their filings and results. */
    async get(id: string): Promise<DrawView> {
      // not the recorded population (megabytes for a large draw): /inputs serves it
      const head = await repo.findDrawHead(ctx.db, id);
      if (!head) throw notFound('draw', id);
      const assignments = await repo.assignmentsOf(ctx.db, id);
      const names = await repo.inspectorNames(ctx.db, [...new Set(assignments.flatMap((a) => a.inspectorIds))]);
      return {
        ...summaryView(head),
        excluded: head.excluded,
        assignments: assignments.map((a) => ({
          id: a.id,
          seq: a.seq,
          enterprise: { uscc: a.uscc, name: a.enterpriseName },
          stratum: a.stratum,
          inspectors: a.inspectorIds.map((i) => ({ id: i, name: names.get(i) ?? '' })),
          periodStart: a.periodStart.toISOString(),
          periodEnd: a.periodEnd.toISOString(),
          status: a.status,
          filing: a.filing,
          result: a.result ? { ...a.result, conductedAt: a.result.conductedAt.toISOString() } : null,
        })),
      };
    },

    /**
     * Once drawn, everything needed to make the draw again elsewhere, for supervisors: the
     * population carries every enterprise's risk class and, by what it leaves out, the agency's
     * recent visits, and the pairs to avoid name who made them; none of that is public. Anyone
     * may have the draw re-run and checked (`verify`).
     */
    async inputs(p: Principal, id: string): Promise<DrawInputsView> {
      const d = await repo.findDraw(ctx.db, id);
      if (!d) throw notFound('draw', id);
      if (p.role === 'supervisor') {
        const agency = await findAgency(ctx.db, d.agencyId);
        if (!agency || !inRegions(agency.region, p.regions)) throw notFound('draw', id);
      }
      if (d.status !== 'drawn') throw new AppError('conflict', 'draw_not_made', { id });
      return {
        drawId: d.id,
        seed: d.seed ?? '',
        target: d.target ?? 0,
        population: recordedMembers(await repo.populationText(ctx.db, d.populationRef)).map((m) => [m.uscc, m.stratum]),
        pool: d.pool,
        avoid: d.avoid,
        algorithm: ALGORITHM,
      };
    },

    /**
     * Public: the check of a made draw kept with it, made when the draw was made (or at its latest
     * recheck); a read, never a re-run. A draw made before checks were kept is checked once, here.
     */
    async verify(id: string): Promise<DrawVerificationView> {
      const d = await repo.drawCheck(ctx.db, id);
      if (!d) throw notFound('draw', id);
      if (d.status !== 'drawn') throw new AppError('conflict', 'draw_not_made', { id });
      return d.verification ?? this.recheck(id);
    },

    /** Re-runs a made draw now (an admin, the CLI) and keeps the result as the draw's check. */
    async recheck(id: string): Promise<DrawVerificationView> {
      const d = await drawn(id);
      const v = await check(ctx.db, d, 'recheck', ctx.clock.now());
      await repo.saveVerification(ctx.db, id, v);
      return v;
    },

    /** An agency's drawn visits still to be filed, soonest deadline first (its filing form offers them). */
    openAssignments: (agencyId: string, now: Date): Promise<repo.OpenAssignment[]> => repo.openAssignmentsOf(ctx.db, agencyId, now),

    /** The sweep: assignments whose period ended unfiled expire (each raises draw_not_executed once). */
    expireUnfiled: (trx: Db, now: Date): Promise<repo.ExpiredAssignment[]> => repo.expireAssignments(trx, now),
  };
}
export type DrawService = ReturnType<typeof createDrawService>;
