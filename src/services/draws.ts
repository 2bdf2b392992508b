import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { addDays, dayBounds, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import {
  drawEnterprises,
  drawPairs,
  drawRecordHash,
  drawSample,
  populationHash,
  populationJson,
  sampleSize,
  sha256,
  MAX_DRAW_RATIO,
  type DrawnAssignment,
  type PopulationMember,
} from '../domain/draw.js';
import type { Localized } from '../domain/i18n.js';
import { AppError, forbidden, notFound } from '../domain/errors.js';
import type { FilingStatus, ResultOutcome } from '../domain/filing.js';
import { inRegions, type Principal } from '../domain/principal.js';
import type {
  DrawInputsView,
  DrawListQueryT,
  DrawPlanCreateBody,
  DrawPlanView,
  DrawSummaryView,
  DrawVerificationView,
  DrawView,
  PageOf,
} from '../domain/schemas.js';
import { findAgency } from '../store/agencies-repo.js';
import { lockJob } from '../store/locks.js';
import type { Db } from '../store/db.js';
import type { Selectable } from 'kysely';
import type { DrawPlansTable, DrawsTable } from '../store/tables.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import { transact, type IdempotencyClaim } from './idempotency.js';
import { pageOf, timeCursor } from './pagination.js';

// Random inspections (双随机): a plan says whom an agency draws from and how many; each draw is
// committed first (the SHA-256 of a fresh seed is published), then made by the daily draw job
// from the recorded, sorted population, and its seed revealed. Drawn assignments are what a
// `random` filing must name (rule random.drawn). Draws, assignments and results are public.

type PlanRow = Selectable<DrawPlansTable>;
type DrawRow = Selectable<DrawsTable>;
type Filter = DrawPlanCreateBody['filter'];

const ALGORITHM =
  'SHA-256("<seed>:<n>") blocks read as big-endian uint32; below(k) by rejection; per stratum (sorted) a partial Fisher-Yates over its members in population order, quotas by largest remainder; then per drawn enterprise a pair (a = below(n), b = below(n-1), b >= a -> b+1) redrawn while it is the pair to avoid. Source: src/domain/draw.ts';

function planView(p: PlanRow, next: DrawRow | null): DrawPlanView {
  return {
    id: p.id,
    agencyId: p.agency_id,
    name: p.name,
    filter: p.filter as Filter,
    ratio: p.ratio,
    size: p.size,
    excludeInspectedWithinDays: p.exclude_inspected_within_days,
    includeNoDisturb: p.include_no_disturb,
    periodDays: p.period_days,
    everyDays: p.every_days,
    nextDrawOn: p.next_draw_on ? String(p.next_draw_on).slice(0, 10) : null,
    createdAt: p.created_at.toISOString(),
    nextDraw: next ? { id: next.id, seedHash: next.seed_hash, committedAt: next.committed_at.toISOString() } : null,
  };
}

export function createDrawService(ctx: ServiceContext) {
  /** The enterprises a plan draws from now, sorted by USCC (code-unit order), and how many were left out and why. */
  async function population(db: Db, plan: { agencyId: string; filter: Filter; excludeDays: number; includeNoDisturb: boolean }, now: Date) {
    // one row of four arrays: a hundred thousand enterprises cost one array parse each, not a row object each
    const agg = await sql<{ usccs: string[] | null; classes: (string | null)[] | null; quiet: boolean[] | null; regions: string[] | null }>`
      select array_agg(uscc order by uscc collate "C") as usccs, array_agg(risk_class order by uscc collate "C") as classes,
        array_agg(no_disturb order by uscc collate "C") as quiet, array_agg(region order by uscc collate "C") as regions
      from enterprises
      where (${plan.filter.region ?? null}::text is null or region like ${`${plan.filter.region ?? ''}%`})
        and (${plan.filter.industry ?? null}::text is null or industry = ${plan.filter.industry ?? null})`.execute(db);
    const a = agg.rows[0];
    const rows = (a?.usccs ?? []).map((uscc, i) => ({
      uscc,
      risk_class: a?.classes?.[i] ?? null,
      no_disturb: a?.quiet?.[i] ?? false,
      region: a?.regions?.[i] ?? '',
    }));
    const recent = new Set<string>();
    if (plan.excludeDays > 0) {
      // visits this agency made in the last N days: on site, begun, neither cancelled nor recorded
      // as not conducted (a filing far ahead, or a desk review, shields no one from a draw)
      const since = new Date(now.getTime() - plan.excludeDays * 86_400_000);
      const r = await sql<{ enterprise_uscc: string }>`
        select distinct enterprise_uscc from filings
        where agency_id = ${plan.agencyId} and on_site and status <> 'cancelled' and result_outcome is distinct from 'not_conducted'
          and planned_start >= ${since} and planned_start <= ${now}`.execute(db);
      for (const x of r.rows) recent.add(x.enterprise_uscc);
    }
    // an enterprise this agency still has an open drawn assignment for is not drawn again
    const open = await db
      .selectFrom('draw_assignments')
      .select('enterprise_uscc')
      .distinct()
      .where('agency_id', '=', plan.agencyId)
      .where('status', '=', 'open')
      .execute();
    const assigned = new Set(open.map((x) => x.enterprise_uscc));
    const classes = plan.filter.riskClasses;
    const members: PopulationMember[] = [];
    const regions = new Map<string, string>();
    const excluded = { recentlyInspected: 0, noDisturb: 0, openAssignment: 0, rotationImpossible: 0 };
    for (const e of rows) {
      const stratum = e.risk_class ?? 'unknown';
      if (classes && !classes.includes(stratum as (typeof classes)[number])) continue;
      if (e.no_disturb && !plan.includeNoDisturb) {
        excluded.noDisturb++;
        continue;
      }
      if (recent.has(e.uscc)) {
        excluded.recentlyInspected++;
        continue;
      }
      if (assigned.has(e.uscc)) {
        excluded.openAssignment++;
        continue;
      }
      members.push({ uscc: e.uscc, stratum });
      regions.set(e.uscc, e.region);
    }
    // code-unit order, whatever the database's collation (byte order, "C", is the same for these
    // ASCII codes): anyone re-running the draw sorts the same way
    if (!members.every((m, i) => i === 0 || members[i - 1]!.uscc < m.uscc))
      members.sort((a, b) => (a.uscc < b.uscc ? -1 : a.uscc > b.uscc ? 1 : 0));
    return { members, excluded, regions };
  }

  /** Certified inspectors of the agency valid through the last day of the period, sorted by id. */
  async function pool(db: Db, agencyId: string, lastDay: string): Promise<string[]> {
    const rows = await db
      .selectFrom('inspectors')
      .select('id')
      .where('agency_id', '=', agencyId)
      .where('valid_until', '>=', lastDay)
      .execute();
    return rows.map((r) => r.id).sort();
  }

  /** A new draw of the plan with a fresh secret seed; its hash goes on the audit chain, which `verify` holds the draw to. */
  async function commit(trx: Db, plan: PlanRow, now: Date, actor: string): Promise<DrawRow> {
    const seed = randomBytes(32).toString('hex');
    const draw = await trx
      .insertInto('draws')
      .values({
        id: newId('drw'),
        plan_id: plan.id,
        agency_id: plan.agency_id,
        status: 'committed',
        seed_hash: sha256(seed),
        seed,
        committed_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await record(trx, {
      chain: chains.agency(plan.agency_id),
      at: now,
      actor,
      action: 'draw.committed',
      entityType: 'draw',
      entityId: draw.id,
      payload: { planId: plan.id, seedHash: draw.seed_hash, filter: plan.filter },
    });
    return draw;
  }

  const refuse = (
    key: 'draw_population_empty' | 'draw_above_cap' | 'draw_pool_small' | 'draw_sample_empty',
    params: Record<string, string | number>,
    path: string,
    message: Localized,
  ) => new AppError('validation_failed', key, params, [{ path, message }]);

  /** Makes a committed draw: records what it is made from, draws, reveals the seed. */
  async function make(trx: Db, plan: PlanRow, draw: DrawRow, day: string, now: Date) {
    const { members, excluded, regions } = await population(
      trx,
      {
        agencyId: plan.agency_id,
        filter: plan.filter as Filter,
        excludeDays: plan.exclude_inspected_within_days,
        includeNoDisturb: plan.include_no_disturb,
      },
      now,
    );
    const periodStart = new Date(dayBounds(day, ctx.tz)[0]);
    const periodEnd = new Date(dayBounds(addDays(day, plan.period_days), ctx.tz)[0]);
    const inspectors = await pool(trx, plan.agency_id, addDays(day, plan.period_days - 1));
    const { target } = sampleSize(members.length, plan);
    if (inspectors.length < 3 && target > 0)
      throw new Error(
        `draw ${draw.id}: the agency has ${inspectors.length} certified inspectors valid through the period; a draw that rotates pairs needs at least 3`,
      );
    // which enterprises are drawn does not depend on the pairs to avoid (the pairs come after, from
    // the same stream): so the last pair is looked up for the drawn enterprises only
    const { stream, drawn: chosenMembers } = drawEnterprises({ seed: draw.seed ?? '', population: members, target });
    const chosen = chosenMembers.map((m) => m.uscc);
    const avoid: Record<string, string[]> = {};
    if (chosen.length) {
      const last = await sql<{ enterprise_uscc: string; inspector_ids: string[] }>`
        select distinct on (enterprise_uscc) enterprise_uscc, inspector_ids from filings
        where enterprise_uscc = any(${chosen}::text[]) and agency_id = ${plan.agency_id} and status <> 'cancelled' and planned_start < ${now}
        order by enterprise_uscc, planned_start desc`.execute(trx);
      // a pair is avoided when both were on the last visit; if every inspector of the pool was,
      // no pair could rotate, so none is avoided for that enterprise (and the draw says so)
      for (const r of last.rows) {
        if (inspectors.some((i) => !r.inspector_ids.includes(i))) avoid[r.enterprise_uscc] = [...r.inspector_ids].sort();
        else excluded.rotationImpossible++;
      }
    }
    const drawn = drawPairs(stream, chosenMembers, inspectors, avoid);
    if (drawn.length) {
      // one JSON parameter: thousands of rows as bind parameters cost more than the draw itself
      const rows = drawn.map((d, i) => ({
        id: newId('asg'),
        seq: i + 1,
        enterprise_uscc: d.uscc,
        region: regions.get(d.uscc) ?? '',
        stratum: d.stratum,
        inspector_ids: d.inspectorIds,
      }));
      await sql`
        insert into draw_assignments (id, draw_id, seq, agency_id, enterprise_uscc, region, stratum, inspector_ids, period_start, period_end, status)
        select x.id, ${draw.id}, x.seq, ${plan.agency_id}, x.enterprise_uscc, x.region, x.stratum, x.inspector_ids, ${periodStart}, ${periodEnd}, 'open'
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id text, seq int, enterprise_uscc text, region text, stratum text, inspector_ids text[])`.execute(
        trx,
      );
    }
    // serialized once: recorded as this text, hashed as this text
    const recordedPopulation = populationJson(members);
    const recordedHash = sha256(recordedPopulation);
    await trx
      .updateTable('draws')
      .set({
        status: 'drawn',
        drawn_at: now,
        draw_day: day,
        target,
        population: recordedPopulation,
        population_size: members.length,
        population_hash: recordedHash,
        pool: inspectors,
        avoid: JSON.stringify(avoid),
        excluded: JSON.stringify(excluded),
      })
      .where('id', '=', draw.id)
      .execute();
    const recordHash = drawRecordHash({
      populationHash: recordedHash,
      agencyId: plan.agency_id,
      periodStart,
      periodEnd,
      pool: inspectors,
      avoid,
      target,
      assignments: drawn,
    });
    await record(trx, {
      chain: chains.agency(plan.agency_id),
      at: now,
      actor: 'draw-job',
      action: 'draw.made',
      entityType: 'draw',
      entityId: draw.id,
      payload: {
        planId: plan.id,
        seedHash: draw.seed_hash,
        seed: draw.seed,
        populationHash: recordedHash,
        recordHash,
        target,
        assignments: drawn.length,
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
      },
    });
    return { id: draw.id, planId: plan.id, populationSize: members.length, assignments: drawn.length };
  }

  /** An agency draws within its own jurisdiction: its division code without the trailing zero pairs (210000 is Liaoning, 21). */
  const jurisdictionOf = (region: string) => region.replace(/(00)+$/, '') || region;

  async function canManage(p: Principal, agencyId: string): Promise<{ region: string }> {
    const agency = await findAgency(ctx.db, agencyId);
    if (!agency)
      throw notFound('agency', agencyId, [{ path: '/agencyId', message: { 'zh-CN': '没有这个执法主体', en: 'no such agency' } }]);
    const ok =
      p.role === 'admin' ||
      (p.role === 'agency' && p.agencyId === agencyId) ||
      (p.role === 'supervisor' && inRegions(agency.region, p.regions));
    if (!ok) throw forbidden(p.role);
    return agency;
  }

  async function loadDraw(db: Db, id: string): Promise<DrawRow> {
    const d = await db.selectFrom('draws').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) throw notFound('draw', id);
    return d;
  }

  /** A draw with its plan and agency and how many it drew: what the list shows, and the head of one draw. */
  const heads = () =>
    ctx.db
      .selectFrom('draws as d')
      .innerJoin('draw_plans as p', 'p.id', 'd.plan_id')
      .innerJoin('agencies as ag', 'ag.id', 'd.agency_id')
      .select([
        'd.id',
        'd.plan_id',
        'p.name as plan_name',
        'ag.id as agency_id',
        'ag.name as agency_name',
        'p.filter',
        'd.status',
        'd.seed_hash',
        'd.seed',
        'd.committed_at',
        'd.drawn_at',
        'd.draw_day',
        'd.target',
        'd.population_size',
        'd.population_hash',
      ])
      .select((eb) =>
        eb
          .selectFrom('draw_assignments as x')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('x.draw_id', '=', 'd.id')
          .as('assignments'),
      );
  type HeadRow = Awaited<ReturnType<ReturnType<typeof heads>['executeTakeFirstOrThrow']>>;
  const headView = (r: HeadRow): DrawSummaryView => ({
    id: r.id,
    planId: r.plan_id,
    planName: r.plan_name,
    agency: { id: r.agency_id, name: r.agency_name },
    filter: r.filter as Filter,
    status: r.status,
    seedHash: r.seed_hash,
    // the seed stays secret until the draw is made: that is what the published hash commits to
    seed: r.status === 'drawn' ? r.seed : null,
    committedAt: r.committed_at.toISOString(),
    drawnAt: r.drawn_at?.toISOString() ?? null,
    drawDay: r.draw_day ? String(r.draw_day).slice(0, 10) : null,
    target: r.target,
    populationSize: r.population_size,
    populationHash: r.population_hash,
    assignments: Number(r.assignments ?? 0),
  });

  /** Public: the plan, the commitment, once drawn the seed and the assignments with their filings and results. */
  async function getDraw(id: string): Promise<DrawView> {
    // not the recorded population (megabytes for a large draw): /inputs serves it
    const d = await heads().select('d.excluded').where('d.id', '=', id).executeTakeFirst();
    if (!d) throw notFound('draw', id);
    const assignments = await ctx.db
      .selectFrom('draw_assignments as a')
      .innerJoin('enterprises as e', 'e.uscc', 'a.enterprise_uscc')
      .leftJoin('filings as f', 'f.id', 'a.filing_id')
      .select([
        'a.id',
        'a.seq',
        'a.enterprise_uscc',
        'e.name as enterprise_name',
        'a.stratum',
        'a.inspector_ids',
        'a.period_start',
        'a.period_end',
        'a.status',
        'f.id as filing_id',
        'f.filing_no',
        'f.status as filing_status',
        'f.result_outcome',
        'f.conducted_at',
        'f.result_summary',
      ])
      .where('a.draw_id', '=', id)
      .orderBy('a.seq')
      .execute();
    const inspectorIds = [...new Set(assignments.flatMap((a) => a.inspector_ids))];
    const names = new Map(
      (inspectorIds.length
        ? await ctx.db.selectFrom('inspectors').select(['id', 'name']).where('id', 'in', inspectorIds).execute()
        : []
      ).map((i) => [i.id, i.name]),
    );
    return {
      ...headView(d),
      excluded: (d.excluded as Record<string, number> | null) ?? null,
      assignments: assignments.map((a) => ({
        id: a.id,
        seq: a.seq,
        enterprise: { uscc: a.enterprise_uscc, name: a.enterprise_name },
        stratum: a.stratum,
        inspectors: a.inspector_ids.map((i) => ({ id: i, name: names.get(i) ?? '' })),
        periodStart: a.period_start.toISOString(),
        periodEnd: a.period_end.toISOString(),
        status: a.status,
        filing:
          a.filing_id && a.filing_no && a.filing_status
            ? { id: a.filing_id, filingNo: a.filing_no, status: a.filing_status as FilingStatus }
            : null,
        result:
          a.result_outcome && a.conducted_at
            ? { outcome: a.result_outcome as ResultOutcome, conductedAt: a.conducted_at.toISOString(), summary: a.result_summary ?? '' }
            : null,
      })),
    };
  }

  return {
    async createPlan(p: Principal, body: DrawPlanCreateBody, claim?: IdempotencyClaim): Promise<DrawPlanView> {
      const agency = await canManage(p, body.agencyId);
      const jurisdiction = jurisdictionOf(agency.region);
      if (body.filter.region !== undefined && !body.filter.region.startsWith(jurisdiction)) {
        throw new AppError('validation_failed', 'draw_outside_jurisdiction', { region: body.filter.region, jurisdiction }, [
          { path: '/filter/region', message: { 'zh-CN': `须在 ${jurisdiction} 之内`, en: `within ${jurisdiction}` } },
        ]);
      }
      // without a region, the agency's own jurisdiction, never the whole country
      body = { ...body, filter: { ...body.filter, region: body.filter.region ?? jurisdiction } };
      if ((body.ratio === undefined) === (body.size === undefined)) {
        throw new AppError('validation_failed', 'validation_failed', {}, [
          { path: '/ratio', message: { 'zh-CN': 'ratio 与 size 只能填一项', en: 'give either ratio or size' } },
        ]);
      }
      if (body.ratio !== undefined && body.ratio > MAX_DRAW_RATIO)
        throw refuse('draw_above_cap', { max: `${MAX_DRAW_RATIO * 100}%`, asked: `${Math.round(body.ratio * 1000) / 10}%` }, '/ratio', {
          'zh-CN': `不能超过 ${MAX_DRAW_RATIO}`,
          en: `at most ${MAX_DRAW_RATIO}`,
        });
      const now = ctx.clock.now();
      const today = localDate(now, ctx.tz);
      const firstDrawOn = body.schedule?.firstDrawOn ?? today;
      if (firstDrawOn < today)
        throw new AppError('validation_failed', 'validation_failed', {}, [
          { path: '/schedule/firstDrawOn', message: { 'zh-CN': '须为今天或以后的日期', en: 'a day from today on' } },
        ]);
      const periodDays = body.periodDays ?? 30;
      const { members } = await population(
        ctx.db,
        {
          agencyId: body.agencyId,
          filter: body.filter,
          excludeDays: body.excludeInspectedWithinDays ?? 0,
          includeNoDisturb: body.includeNoDisturb ?? false,
        },
        now,
      );
      if (!members.length)
        throw refuse('draw_population_empty', {}, '/filter', {
          'zh-CN': '排除之后没有符合条件的企业',
          en: 'no enterprise matches the filter after exclusions',
        });
      const { target, cap } = sampleSize(members.length, body);
      if (body.size !== undefined && body.size > cap)
        throw refuse('draw_above_cap', { max: cap, asked: body.size }, '/size', {
          'zh-CN': `${members.length} 家中最多 ${cap} 家`,
          en: `at most ${cap} of ${members.length}`,
        });
      if (target < 1)
        throw refuse('draw_sample_empty', { n: members.length }, body.ratio !== undefined ? '/ratio' : '/size', {
          'zh-CN': '抽取结果将为空',
          en: 'the sample would be empty',
        });
      const inspectors = await pool(ctx.db, body.agencyId, addDays(firstDrawOn, periodDays - 1));
      if (inspectors.length < 3)
        throw refuse('draw_pool_small', { n: inspectors.length }, '/agencyId', {
          'zh-CN': '该执法主体至少需要 3 名持证执法人员',
          en: 'the agency needs at least 3 certified inspectors',
        });
      return transact(ctx.db, claim, async (trx) => {
        const plan = await trx
          .insertInto('draw_plans')
          .values({
            id: newId('dpl'),
            agency_id: body.agencyId,
            name: body.name,
            filter: JSON.stringify(body.filter),
            ratio: body.ratio ?? null,
            size: body.size ?? null,
            exclude_inspected_within_days: body.excludeInspectedWithinDays ?? 0,
            include_no_disturb: body.includeNoDisturb ?? false,
            period_days: periodDays,
            every_days: body.schedule?.everyDays ?? null,
            next_draw_on: firstDrawOn,
            created_at: now,
            created_by: p.keyId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const draw = await commit(trx, plan, now, p.keyId);
        return { ...planView(plan, draw), population: { size: members.length, cap, target } };
      });
    },

    async listPlans(p: Principal): Promise<DrawPlanView[]> {
      let q = ctx.db
        .selectFrom('draw_plans')
        .innerJoin('agencies', 'agencies.id', 'draw_plans.agency_id')
        .selectAll('draw_plans')
        .select('agencies.region');
      if (p.role === 'agency') q = q.where('draw_plans.agency_id', '=', p.agencyId ?? '');
      if (p.role === 'supervisor' && p.regions.length)
        q = q.where(sql<boolean>`agencies.region like any(${p.regions.map((r) => `${r}%`)}::text[])`);
      const plans = await q.orderBy('draw_plans.created_at', 'desc').limit(500).execute();
      const pending = plans.length
        ? await ctx.db
            .selectFrom('draws')
            .selectAll()
            .where('status', '=', 'committed')
            .where(
              'plan_id',
              'in',
              plans.map((x) => x.id),
            )
            .execute()
        : [];
      return plans.map((x) => planView(x, pending.find((d) => d.plan_id === x.id) ?? null));
    },

    /** The draw job: every plan due on the day draws from its committed seed, and the next draw of a repeating plan is committed. */
    async runDue(trx: Db, day: string, now: Date): Promise<Record<string, unknown>> {
      // one draw run at a time, whatever hour each is for: two would draw the same committed draw
      await lockJob(trx, 'draw', '*');
      const plans = await trx.selectFrom('draw_plans').selectAll().where('next_draw_on', '<=', day).orderBy('id').execute();
      const made: Awaited<ReturnType<typeof make>>[] = [];
      const failed: { planId: string; error: string }[] = [];
      for (const plan of plans) {
        const draw = await trx
          .selectFrom('draws')
          .selectAll()
          .where('plan_id', '=', plan.id)
          .where('status', '=', 'committed')
          .forUpdate()
          .executeTakeFirst();
        if (draw) {
          // one plan that cannot be drawn (its inspectors' credentials lapsed, say) does not hold up
          // the others: it is undone to a savepoint, stays due, and is tried again next hour
          await sql`savepoint draw_plan`.execute(trx);
          try {
            made.push(await make(trx, plan, draw, day, now));
            await sql`release savepoint draw_plan`.execute(trx);
          } catch (err) {
            await sql`rollback to savepoint draw_plan`.execute(trx);
            const error = err instanceof Error ? err.message : String(err);
            ctx.log.warn({ planId: plan.id, drawId: draw.id, error }, 'a draw could not be made; it stays due');
            failed.push({ planId: plan.id, error });
            continue;
          }
        }
        const next = plan.every_days ? addDays(day, plan.every_days) : null;
        await trx.updateTable('draw_plans').set({ next_draw_on: next }).where('id', '=', plan.id).execute();
        if (next) await commit(trx, plan, now, 'draw-job');
      }
      return { draws: made, failed };
    },

    /** Public, newest first: each draw without its assignments (GET /draws/:id has them). */
    async list(q: DrawListQueryT): Promise<PageOf<DrawSummaryView>> {
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      let query = heads();
      if (q.agency) query = query.where('d.agency_id', '=', q.agency);
      if (q.plan) query = query.where('d.plan_id', '=', q.plan);
      if (after) query = query.where(sql<boolean>`(d.committed_at, d.id) < (${after.at}, ${after.id})`);
      const rows = await query
        .orderBy('d.committed_at', 'desc')
        .orderBy('d.id', 'desc')
        .limit(limit + 1)
        .execute();
      return pageOf(rows, limit, headView, (r) => [r.committed_at.toISOString(), r.id]);
    },

    get: getDraw,

    /**
     * Once drawn, everything needed to make the draw again elsewhere, for supervisors: the
     * population carries every enterprise's risk class and, by what it leaves out, the agency's
     * recent visits, and the pairs to avoid name who made them; none of that is public. Anyone
     * may have the draw re-run and checked (`verify`).
     */
    async inputs(p: Principal, id: string): Promise<DrawInputsView> {
      const d = await loadDraw(ctx.db, id);
      if (p.role === 'supervisor') {
        const agency = await findAgency(ctx.db, d.agency_id);
        if (!agency || !inRegions(agency.region, p.regions)) throw notFound('draw', id);
      }
      if (d.status !== 'drawn') throw new AppError('conflict', 'draw_not_made', { id });
      return {
        drawId: d.id,
        seed: d.seed ?? '',
        target: d.target ?? 0,
        population: JSON.parse(d.population ?? '[]') as [string, string][],
        pool: d.pool ?? [],
        avoid: (d.avoid as Record<string, string[]>) ?? {},
        algorithm: ALGORITHM,
      };
    },

    /** Re-runs a draw from its recorded seed and population and compares it with what was recorded. */
    async verify(id: string): Promise<DrawVerificationView> {
      const d = await loadDraw(ctx.db, id);
      if (d.status !== 'drawn') throw new AppError('conflict', 'draw_not_made', { id });
      let population: PopulationMember[] = [];
      try {
        population = (JSON.parse(d.population ?? '[]') as [string, string][]).map(([uscc, stratum]) => ({ uscc, stratum }));
      } catch {
        // a recorded population that is not even JSON any more does not match anything
      }
      const pool = d.pool ?? [];
      const avoid = (d.avoid as Record<string, string[]> | null) ?? {};
      let recomputed: DrawnAssignment[] = [];
      try {
        recomputed = drawSample({ seed: d.seed ?? '', population, target: d.target ?? 0, pool, avoid });
      } catch {
        // a recorded pool or population no draw could have come from: nothing is recomputed
      }
      const recorded = await ctx.db
        .selectFrom('draw_assignments')
        .select(['seq', 'enterprise_uscc', 'stratum', 'inspector_ids', 'agency_id', 'period_start', 'period_end'])
        .where('draw_id', '=', id)
        .orderBy('seq')
        .execute();
      // what the audit trail (hash-chained; `audit verify`) says was committed and made
      const events = await ctx.db
        .selectFrom('audit_events')
        .select(['action', 'payload'])
        .where('entity_type', '=', 'draw')
        .where('entity_id', '=', id)
        .orderBy('id')
        .execute();
      const payloadOf = (action: string) =>
        (events.find((e) => e.action === action)?.payload ?? {}) as {
          seedHash?: string;
          populationHash?: string;
          recordHash?: string;
          periodStart?: string;
          periodEnd?: string;
        };
      const committed = payloadOf('draw.committed');
      const made = payloadOf('draw.made');
      const key = (uscc: string, ids: string[]) => `${uscc} ${[...ids].sort().join('+')}`;
      let firstDifference: DrawVerificationView['firstDifference'] = null;
      for (let i = 0; i < Math.max(recorded.length, recomputed.length); i++) {
        const r = recorded[i];
        const c = recomputed[i];
        const rk = r ? key(r.enterprise_uscc, r.inspector_ids) : null;
        const ck = c ? key(c.uscc, c.inspectorIds) : null;
        if (rk !== ck) {
          firstDifference = { seq: i + 1, recorded: rk, recomputed: ck };
          break;
        }
      }
      const seedMatchesCommitment = sha256(d.seed ?? '') === d.seed_hash && committed.seedHash === d.seed_hash;
      const populationMatchesHash =
        sha256(d.population ?? '') === d.population_hash &&
        populationHash(population) === d.population_hash &&
        made.populationHash === d.population_hash;
      const sorted = population.every((m, i) => i === 0 || population[i - 1]!.uscc < m.uscc);
      const first = recorded[0];
      const recordMatchesAudit =
        made.recordHash !== undefined &&
        recorded.every(
          (a) =>
            a.agency_id === first?.agency_id &&
            a.period_start.getTime() === first.period_start.getTime() &&
            a.period_end.getTime() === first.period_end.getTime(),
        ) &&
        drawRecordHash({
          populationHash: d.population_hash ?? '',
          agencyId: first?.agency_id ?? d.agency_id,
          periodStart: first?.period_start ?? new Date(made.periodStart ?? 0),
          periodEnd: first?.period_end ?? new Date(made.periodEnd ?? 0),
          pool,
          avoid,
          target: d.target ?? 0,
          assignments: recorded.map((a) => ({ uscc: a.enterprise_uscc, stratum: a.stratum, inspectorIds: a.inspector_ids })),
        }) === made.recordHash;
      return {
        drawId: id,
        matches: seedMatchesCommitment && populationMatchesHash && sorted && firstDifference === null && recordMatchesAudit,
        seedMatchesCommitment,
        populationMatchesHash: populationMatchesHash && sorted,
        assignmentsMatch: firstDifference === null,
        recordMatchesAudit,
        recorded: recorded.length,
        recomputed: recomputed.length,
        firstDifference,
      };
    },

    /** An agency's drawn visits still to be filed, soonest deadline first (its filing form offers them). */
    async openAssignments(
      agencyId: string,
      now: Date,
    ): Promise<
      { id: string; enterpriseUscc: string; enterpriseName: string; inspectorIds: string[]; periodStart: Date; periodEnd: Date }[]
    > {
      const rows = await ctx.db
        .selectFrom('draw_assignments as a')
        .innerJoin('enterprises as e', 'e.uscc', 'a.enterprise_uscc')
        .select(['a.id', 'a.enterprise_uscc', 'e.name', 'a.inspector_ids', 'a.period_start', 'a.period_end'])
        .where('a.agency_id', '=', agencyId)
        .where('a.status', '=', 'open')
        .where('a.period_end', '>', now)
        .orderBy('a.period_end')
        .orderBy('a.id')
        .limit(100)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        enterpriseUscc: r.enterprise_uscc,
        enterpriseName: r.name,
        inspectorIds: r.inspector_ids,
        periodStart: r.period_start,
        periodEnd: r.period_end,
      }));
    },

    /** The sweep: assignments whose period ended unfiled expire, and each raises draw_not_executed once. */
    async expireUnfiled(
      trx: Db,
      now: Date,
    ): Promise<{ id: string; agency_id: string; enterprise_uscc: string; region: string; period_end: Date }[]> {
      return trx
        .updateTable('draw_assignments')
        .set({ status: 'expired' })
        .where('status', '=', 'open')
        .where('period_end', '<=', now)
        .returning(['id', 'agency_id', 'enterprise_uscc', 'region', 'period_end'])
        .execute();
    },
  };
}
export type DrawService = ReturnType<typeof createDrawService>;
