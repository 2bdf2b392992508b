import { sql, type Selectable } from 'kysely';
import type { FilingStatus, ResultOutcome } from '../domain/filing.js';
import type { DrawPlanCreateBody, DrawVerificationView } from '../domain/schemas.js';
import type { Db } from './db.js';
import type { DrawPlansTable, DrawsTable } from './tables.js';

// Every query of random draws (双随机): plans, draws, their recorded inputs and assignments.
// Records come back in camelCase with their JSON columns typed; nothing here decides anything.

/** Whom a plan draws from (the schema of POST /draw-plans). */
export type DrawFilter = DrawPlanCreateBody['filter'];

export interface PlanRecord {
  id: string;
  agencyId: string;
  name: string;
  filter: DrawFilter;
  ratio: number | null;
  size: number | null;
  excludeInspectedWithinDays: number;
  includeNoDisturb: boolean;
  periodDays: number;
  everyDays: number | null;
  nextDrawOn: string | null;
  createdAt: Date;
  createdBy: string;
  stoppedAt: Date | null;
  stopReason: string | null;
}

export interface DrawRecord {
  id: string;
  planId: string;
  agencyId: string;
  status: 'committed' | 'drawn';
  seedHash: string;
  seed: string | null;
  committedAt: Date;
  drawnAt: Date | null;
  drawDay: string | null;
  target: number | null;
  /** the hash of the recorded population's text in draw_populations (populationText reads it) */
  populationRef: string | null;
  populationSize: number | null;
  populationHash: string | null;
  pool: string[];
  avoid: Record<string, string[]>;
  excluded: Record<string, number> | null;
  /** the check made when the draw was made, or at its latest recheck */
  verification: DrawVerificationView | null;
}

/** A calendar day column as text (PGlite and pg give a date as text or a Date). */
const day = (v: string | Date | null): string | null =>
  v === null ? null : typeof v === 'string' ? v.slice(0, 10) : v.toISOString().slice(0, 10);

function planRecord(p: Selectable<DrawPlansTable>): PlanRecord {
  return {
    id: p.id,
    agencyId: p.agency_id,
    name: p.name,
    filter: p.filter as DrawFilter,
    ratio: p.ratio,
    size: p.size,
    excludeInspectedWithinDays: p.exclude_inspected_within_days,
    includeNoDisturb: p.include_no_disturb,
    periodDays: p.period_days,
    everyDays: p.every_days,
    nextDrawOn: day(p.next_draw_on),
    createdAt: p.created_at,
    createdBy: p.created_by,
    stoppedAt: p.stopped_at,
    stopReason: p.stop_reason,
  };
}

function drawRecord(d: Selectable<DrawsTable>): DrawRecord {
  return {
    id: d.id,
    planId: d.plan_id,
    agencyId: d.agency_id,
    status: d.status,
    seedHash: d.seed_hash,
    seed: d.seed,
    committedAt: d.committed_at,
    drawnAt: d.drawn_at,
    drawDay: day(d.draw_day),
    target: d.target,
    populationRef: d.population_ref,
    populationSize: d.population_size,
    populationHash: d.population_hash,
    pool: d.pool ?? [],
    avoid: (d.avoid as Record<string, string[]> | null) ?? {},
    excluded: (d.excluded as Record<string, number> | null) ?? null,
    verification: (d.verification as DrawVerificationView | null) ?? null,
  };
}

// ---- the population and the inspectors a draw is made from

export interface CandidateEnterprise {
  uscc: string;
  riskClass: string | null;
  noDisturb: boolean;
  region: string;
}

/** The enterprises matching a filter, sorted by USCC in byte order ("C"), whatever the database's collation. */
export async function candidateEnterprises(db: Db, filter: DrawFilter): Promise<CandidateEnterprise[]> {
  // one row of four arrays: a hundred thousand enterprises cost one array parse each, not a row object each
  const agg = await sql<{ usccs: string[] | null; classes: (string | null)[] | null; quiet: boolean[] | null; regions: string[] | null }>`
    select array_agg(uscc order by uscc collate "C") as usccs, array_agg(risk_class order by uscc collate "C") as classes,
      array_agg(no_disturb order by uscc collate "C") as quiet, array_agg(region order by uscc collate "C") as regions
    from enterprises
    where (${filter.region ?? null}::text is null or region like ${`${filter.region ?? ''}%`})
      and (${filter.industry ?? null}::text is null or industry = ${filter.industry ?? null})`.execute(db);
  const a = agg.rows[0];
  return (a?.usccs ?? []).map((uscc, i) => ({
    uscc,
    riskClass: a?.classes?.[i] ?? null,
    noDisturb: a?.quiet?.[i] ?? false,
    region: a?.regions?.[i] ?? '',
  }));
}

/**
 * How many enterprises a plan could draw from now, counted up to `atMost` and no further: those
 * matching the filter, less the no-disturb list (unless included), those the agency visited since
 * `since` (null: none left out) and those it has an open assignment for. Enough to judge a new
 * plan without reading its population: the annual caps, which need the rules, are applied when
 * the draw is made.
 */
export async function countEligible(
  db: Db,
  q: { agencyId: string; filter: DrawFilter; includeNoDisturb: boolean; since: Date | null; until: Date; atMost: number },
): Promise<number> {
  const classes = q.filter.riskClasses ?? null;
  const r = await sql<{ n: number }>`
    select count(*)::int as n from (
      select 1 from enterprises e
      where (${q.filter.region ?? null}::text is null or e.region like ${`${q.filter.region ?? ''}%`})
        and (${q.filter.industry ?? null}::text is null or e.industry = ${q.filter.industry ?? null})
        and (${classes}::text[] is null or coalesce(e.risk_class, 'unknown') = any(${classes}::text[]))
        and (${q.includeNoDisturb}::boolean or not e.no_disturb)
        and (${q.since}::timestamptz is null or not exists (
          select 1 from filings f
          where f.enterprise_uscc = e.uscc and f.agency_id = ${q.agencyId} and f.on_site and f.status <> 'cancelled'
            and f.result_outcome is distinct from 'not_conducted' and f.planned_start >= ${q.since} and f.planned_start <= ${q.until}))
        and not exists (
          select 1 from draw_assignments a where a.enterprise_uscc = e.uscc and a.agency_id = ${q.agencyId} and a.status = 'open')
      limit ${q.atMost}
    ) x`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** The agency's plans that will still draw: not stopped, with a next draw. */
export async function activePlanCount(db: Db, agencyId: string): Promise<number> {
  const row = await db
    .selectFrom('draw_plans')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('agency_id', '=', agencyId)
    .where('stopped_at', 'is', null)
    .where('next_draw_on', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Enterprises the agency visited between `since` and `until`: on site, begun, neither cancelled
 * nor recorded as not conducted (a filing far ahead, or a desk review, is no visit).
 */
export async function recentlyVisited(db: Db, agencyId: string, since: Date, until: Date): Promise<Set<string>> {
  const r = await sql<{ enterprise_uscc: string }>`
    select distinct enterprise_uscc from filings
    where agency_id = ${agencyId} and on_site and status <> 'cancelled' and result_outcome is distinct from 'not_conducted'
      and planned_start >= ${since} and planned_start <= ${until}`.execute(db);
  return new Set(r.rows.map((x) => x.enterprise_uscc));
}

/**
 * Enterprises the agency's enforcement system (its parent, its sister squads) visited, lead or
 * joint, begun between `from` and `to`, not cancelled: the only ones whose annual cap can stand in a draw's way.
 */
export async function visitedBySystem(db: Db, agencyId: string, from: Date, to: Date): Promise<Set<string>> {
  const r = await sql<{ enterprise_uscc: string }>`
    select distinct enterprise_uscc from filings
    where (agency_id = any(agency_system(${agencyId})) or joint_agency_ids && agency_system(${agencyId}))
      and status <> 'cancelled' and planned_start <= ${to} and planned_end > ${from}`.execute(db);
  return new Set(r.rows.map((x) => x.enterprise_uscc));
}

/** Enterprises the agency has an open drawn assignment for. */
export async function openlyAssigned(db: Db, agencyId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('draw_assignments')
    .select('enterprise_uscc')
    .distinct()
    .where('agency_id', '=', agencyId)
    .where('status', '=', 'open')
    .execute();
  return new Set(rows.map((x) => x.enterprise_uscc));
}

/** Ids of the agency's inspectors whose credentials are valid through `lastDay`, sorted. */
export async function certifiedPool(db: Db, agencyId: string, lastDay: string): Promise<string[]> {
  const rows = await db
    .selectFrom('inspectors')
    .select('id')
    .where('agency_id', '=', agencyId)
    .where('valid_until', '>=', lastDay)
    .execute();
  return rows.map((r) => r.id).sort();
}

/** The inspectors of the agency's last visit (planned before `before`, not cancelled) to each enterprise. */
export async function lastVisitPairs(
  db: Db,
  agencyId: string,
  usccs: string[],
  before: Date,
): Promise<{ uscc: string; inspectorIds: string[] }[]> {
  if (!usccs.length) return [];
  const r = await sql<{ enterprise_uscc: string; inspector_ids: string[] }>`
    select distinct on (enterprise_uscc) enterprise_uscc, inspector_ids from filings
    where enterprise_uscc = any(${usccs}::text[]) and agency_id = ${agencyId} and status <> 'cancelled' and planned_start < ${before}
    order by enterprise_uscc, planned_start desc`.execute(db);
  return r.rows.map((x) => ({ uscc: x.enterprise_uscc, inspectorIds: x.inspector_ids }));
}

// ---- plans and draws

export async function insertPlan(trx: Db, p: PlanRecord): Promise<PlanRecord> {
  const row = await trx
    .insertInto('draw_plans')
    .values({
      id: p.id,
      agency_id: p.agencyId,
      name: p.name,
      filter: JSON.stringify(p.filter),
      ratio: p.ratio,
      size: p.size,
      exclude_inspected_within_days: p.excludeInspectedWithinDays,
      include_no_disturb: p.includeNoDisturb,
      period_days: p.periodDays,
      every_days: p.everyDays,
      next_draw_on: p.nextDrawOn,
      created_at: p.createdAt,
      created_by: p.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return planRecord(row);
}

export async function listPlans(db: Db, scope: { agencyId?: string; regions?: string[] }): Promise<PlanRecord[]> {
  let q = db.selectFrom('draw_plans').innerJoin('agencies', 'agencies.id', 'draw_plans.agency_id').selectAll('draw_plans');
  if (scope.agencyId !== undefined) q = q.where('draw_plans.agency_id', '=', scope.agencyId);
  if (scope.regions?.length) q = q.where(sql<boolean>`agencies.region like any(${scope.regions.map((r) => `${r}%`)}::text[])`);
  return (await q.orderBy('draw_plans.created_at', 'desc').limit(500).execute()).map(planRecord);
}

/** Plans whose next draw is due on or before `day`, in id order; a deactivated agency's wait until it is active again. */
export async function duePlans(trx: Db, day: string): Promise<PlanRecord[]> {
  return (
    await trx
      .selectFrom('draw_plans')
      .selectAll()
      .where('next_draw_on', '<=', day)
      .where('stopped_at', 'is', null)
      .where((eb) =>
        eb.exists(eb.selectFrom('agencies').select('id').whereRef('agencies.id', '=', 'draw_plans.agency_id').where('active', '=', true)),
      )
      .orderBy('id')
      .execute()
  ).map(planRecord);
}

export async function findPlan(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<PlanRecord | null> {
  let q = db.selectFrom('draw_plans').selectAll().where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? planRecord(row) : null;
}

/** Stops a plan for good: it draws no more. */
export async function stopPlan(trx: Db, id: string, at: Date, reason: string, by: string): Promise<PlanRecord> {
  const row = await trx
    .updateTable('draw_plans')
    .set({ stopped_at: at, stop_reason: reason, stopped_by: by, next_draw_on: null })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return planRecord(row);
}

export async function setNextDrawOn(trx: Db, planId: string, next: string | null): Promise<void> {
  await trx.updateTable('draw_plans').set({ next_draw_on: next }).where('id', '=', planId).execute();
}

export async function insertCommittedDraw(
  trx: Db,
  d: { id: string; planId: string; agencyId: string; seed: string; seedHash: string; committedAt: Date },
): Promise<DrawRecord> {
  const row = await trx
    .insertInto('draws')
    .values({
      id: d.id,
      plan_id: d.planId,
      agency_id: d.agencyId,
      status: 'committed',
      seed_hash: d.seedHash,
      seed: d.seed,
      committed_at: d.committedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return drawRecord(row);
}

/** The committed (not yet made) draws of these plans. */
export async function committedDraws(db: Db, planIds: string[]): Promise<DrawRecord[]> {
  if (!planIds.length) return [];
  return (await db.selectFrom('draws').selectAll().where('status', '=', 'committed').where('plan_id', 'in', planIds).execute()).map(
    drawRecord,
  );
}

/** The plan's committed draw, locked until the transaction ends (two draw runs never make it twice). */
export async function lockCommittedDraw(trx: Db, planId: string): Promise<DrawRecord | null> {
  const row = await trx
    .selectFrom('draws')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('status', '=', 'committed')
    .forUpdate()
    .executeTakeFirst();
  return row ? drawRecord(row) : null;
}

/** What the public check of a draw reads: its status and the check kept with it. */
export async function drawCheck(
  db: Db,
  id: string,
): Promise<{ status: DrawRecord['status']; verification: DrawVerificationView | null } | null> {
  const row = await db.selectFrom('draws').select(['status', 'verification']).where('id', '=', id).executeTakeFirst();
  return row ? { status: row.status, verification: (row.verification as DrawVerificationView | null) ?? null } : null;
}

export async function findDraw(db: Db, id: string): Promise<DrawRecord | null> {
  const row = await db.selectFrom('draws').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? drawRecord(row) : null;
}

export interface NewAssignment {
  id: string;
  seq: number;
  uscc: string;
  region: string;
  stratum: string;
  inspectorIds: string[];
}

export interface MadeDraw {
  drawnAt: Date;
  drawDay: string;
  target: number;
  population: string;
  populationSize: number;
  populationHash: string;
  pool: string[];
  avoid: Record<string, string[]>;
  excluded: Record<string, number>;
}

/** Records a made draw: its assignments, and what it was made from. */
export async function recordMadeDraw(
  trx: Db,
  draw: { id: string; agencyId: string; periodStart: Date; periodEnd: Date },
  made: MadeDraw,
  assignments: NewAssignment[],
): Promise<void> {
  if (assignments.length) {
    // one JSON parameter: thousands of rows as bind parameters cost more than the draw itself
    const rows = assignments.map((a) => ({
      id: a.id,
      seq: a.seq,
      enterprise_uscc: a.uscc,
      region: a.region,
      stratum: a.stratum,
      inspector_ids: a.inspectorIds,
    }));
    await sql`
      insert into draw_assignments (id, draw_id, seq, agency_id, enterprise_uscc, region, stratum, inspector_ids,
        period_start, period_end, status)
      select x.id, ${draw.id}, x.seq, ${draw.agencyId}, x.enterprise_uscc, x.region, x.stratum, x.inspector_ids,
        ${draw.periodStart}, ${draw.periodEnd}, 'open'
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(id text, seq int, enterprise_uscc text, region text, stratum text, inspector_ids text[])`.execute(trx);
  }
  // a population is stored once: a draw over the same enterprises as an earlier one names its text
  const stored = await trx.selectFrom('draw_populations').select('hash').where('hash', '=', made.populationHash).executeTakeFirst();
  if (!stored)
    await trx
      .insertInto('draw_populations')
      .values({ hash: made.populationHash, population: made.population })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
  await trx
    .updateTable('draws')
    .set({
      status: 'drawn',
      drawn_at: made.drawnAt,
      draw_day: made.drawDay,
      target: made.target,
      population_ref: made.populationHash,
      population_size: made.populationSize,
      population_hash: made.populationHash,
      pool: made.pool,
      avoid: JSON.stringify(made.avoid),
      excluded: JSON.stringify(made.excluded),
    })
    .where('id', '=', draw.id)
    .execute();
}

/** The text of a recorded population (the JSON its hash was taken of), or null when there is none. */
export async function populationText(db: Db, ref: string | null): Promise<string | null> {
  if (ref === null) return null;
  const row = await db.selectFrom('draw_populations').select('population').where('hash', '=', ref).executeTakeFirst();
  return row?.population ?? null;
}

/** Keeps a check of the draw: the one made when it was made, or a later recheck. */
export async function saveVerification(db: Db, drawId: string, check: DrawVerificationView): Promise<void> {
  await db
    .updateTable('draws')
    .set({ verification: JSON.stringify(check) })
    .where('id', '=', drawId)
    .execute();
}

// ---- what the public sees

export interface DrawHead {
  id: string;
  planId: string;
  planName: string;
  agencyId: string;
  agencyName: string;
  filter: DrawFilter;
  status: 'committed' | 'drawn';
  seedHash: string;
  seed: string | null;
  committedAt: Date;
  drawnAt: Date | null;
  drawDay: string | null;
  target: number | null;
  populationSize: number | null;
  populationHash: string | null;
  assignments: number;
  excluded: Record<string, number> | null;
}

/** A draw with its plan and agency and how many it drew: what a list shows, and the head of one draw. */
const heads = (db: Db) =>
  db
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
    ])
    .select(['d.committed_at', 'd.drawn_at', 'd.draw_day', 'd.target', 'd.population_size', 'd.population_hash', 'd.excluded'])
    .select((eb) =>
      eb.selectFrom('draw_assignments as x').select(eb.fn.countAll<string>().as('n')).whereRef('x.draw_id', '=', 'd.id').as('assignments'),
    );
type HeadRow = Awaited<ReturnType<ReturnType<typeof heads>['executeTakeFirstOrThrow']>>;

function drawHead(r: HeadRow): DrawHead {
  return {
    id: r.id,
    planId: r.plan_id,
    planName: r.plan_name,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    filter: r.filter as DrawFilter,
    status: r.status,
    seedHash: r.seed_hash,
    seed: r.seed,
    committedAt: r.committed_at,
    drawnAt: r.drawn_at,
    drawDay: day(r.draw_day),
    target: r.target,
    populationSize: r.population_size,
    populationHash: r.population_hash,
    assignments: Number(r.assignments ?? 0),
    excluded: (r.excluded as Record<string, number> | null) ?? null,
  };
}

/** Newest first (committed_at, id), after the cursor's draw. */
export async function listDrawHeads(
  db: Db,
  f: { agencyId?: string; planId?: string; after: { at: Date; id: string } | null; limit: number },
): Promise<DrawHead[]> {
  let q = heads(db);
  if (f.agencyId) q = q.where('d.agency_id', '=', f.agencyId);
  if (f.planId) q = q.where('d.plan_id', '=', f.planId);
  if (f.after) q = q.where(sql<boolean>`(d.committed_at, d.id) < (${f.after.at}, ${f.after.id})`);
  return (await q.orderBy('d.committed_at', 'desc').orderBy('d.id', 'desc').limit(f.limit).execute()).map(drawHead);
}

export async function findDrawHead(db: Db, id: string): Promise<DrawHead | null> {
  const row = await heads(db).where('d.id', '=', id).executeTakeFirst();
  return row ? drawHead(row) : null;
}

export interface AssignmentRecord {
  id: string;
  seq: number;
  uscc: string;
  enterpriseName: string;
  stratum: string;
  inspectorIds: string[];
  periodStart: Date;
  periodEnd: Date;
  status: 'open' | 'filed' | 'expired';
  filing: { id: string; filingNo: string; status: FilingStatus } | null;
  result: { outcome: ResultOutcome; conductedAt: Date; summary: string } | null;
}

/** A draw's assignments in order, with the filing and result of each once there is one. */
export async function assignmentsOf(db: Db, drawId: string): Promise<AssignmentRecord[]> {
  const rows = await db
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
    ])
    .select(['f.id as filing_id', 'f.filing_no', 'f.status as filing_status', 'f.result_outcome', 'f.conducted_at', 'f.result_summary'])
    .where('a.draw_id', '=', drawId)
    .orderBy('a.seq')
    .execute();
  return rows.map((a) => ({
    id: a.id,
    seq: a.seq,
    uscc: a.enterprise_uscc,
    enterpriseName: a.enterprise_name,
    stratum: a.stratum,
    inspectorIds: a.inspector_ids,
    periodStart: a.period_start,
    periodEnd: a.period_end,
    status: a.status,
    filing:
      a.filing_id && a.filing_no && a.filing_status
        ? { id: a.filing_id, filingNo: a.filing_no, status: a.filing_status as FilingStatus }
        : null,
    result:
      a.result_outcome && a.conducted_at
        ? { outcome: a.result_outcome as ResultOutcome, conductedAt: a.conducted_at, summary: a.result_summary ?? '' }
        : null,
  }));
}

export async function inspectorNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  return new Map((await db.selectFrom('inspectors').select(['id', 'name']).where('id', 'in', ids).execute()).map((i) => [i.id, i.name]));
}

/** What the assignments table holds of a draw, in order: what a re-run is compared with. */
export async function recordedAssignments(
  db: Db,
  drawId: string,
): Promise<{ seq: number; uscc: string; stratum: string; inspectorIds: string[]; agencyId: string; periodStart: Date; periodEnd: Date }[]> {
  const rows = await db
    .selectFrom('draw_assignments')
    .select(['seq', 'enterprise_uscc', 'stratum', 'inspector_ids', 'agency_id', 'period_start', 'period_end'])
    .where('draw_id', '=', drawId)
    .orderBy('seq')
    .execute();
  return rows.map((a) => ({
    seq: a.seq,
    uscc: a.enterprise_uscc,
    stratum: a.stratum,
    inspectorIds: a.inspector_ids,
    agencyId: a.agency_id,
    periodStart: a.period_start,
    periodEnd: a.period_end,
  }));
}

/** What the audit trail says of a draw: the payload of each of its events, by action. */
export async function drawAuditPayloads(db: Db, drawId: string): Promise<Map<string, Record<string, unknown>>> {
  const events = await db
    .selectFrom('audit_events')
    .select(['action', 'payload'])
    .where('entity_type', '=', 'draw')
    .where('entity_id', '=', drawId)
    .orderBy('id')
    .execute();
  const out = new Map<string, Record<string, unknown>>();
  for (const e of events) if (!out.has(e.action)) out.set(e.action, (e.payload ?? {}) as Record<string, unknown>);
  return out;
}

// ---- assignments an agency carries out

export interface OpenAssignment {
  id: string;
  enterpriseUscc: string;
  enterpriseName: string;
  inspectorIds: string[];
  periodStart: Date;
  periodEnd: Date;
}

/** The agency's assignments still to be filed whose period has not ended, soonest deadline first. */
export async function openAssignmentsOf(db: Db, agencyId: string, now: Date): Promise<OpenAssignment[]> {
  const rows = await db
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
}

export interface ExpiredAssignment {
  id: string;
  agencyId: string;
  enterpriseUscc: string;
  region: string;
  periodEnd: Date;
}

/** Open assignments whose period ended become expired; returns them. */
export async function expireAssignments(trx: Db, now: Date): Promise<ExpiredAssignment[]> {
  const rows = await trx
    .updateTable('draw_assignments')
    .set({ status: 'expired' })
    .where('status', '=', 'open')
    .where('period_end', '<=', now)
    .returning(['id', 'agency_id', 'enterprise_uscc', 'region', 'period_end'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    agencyId: r.agency_id,
    enterpriseUscc: r.enterprise_uscc,
    region: r.region,
    periodEnd: r.period_end,
  }));
}
