import { sql, type RawBuilder } from 'kysely';
import type { ReportFacts } from '../domain/report-rates.js';
import type { Db } from './db.js';

// The aggregates behind digests and scorecards, computed in SQL over index ranges so that a day
// of a million filings is read by the database, not carried into the process.

/** `region` of alias `t` within the prefixes (none = everywhere). */
function inScope(alias: string, prefixes: string[]): RawBuilder<boolean> {
  if (!prefixes.length) return sql<boolean>`true`;
  return sql<boolean>`${sql.ref(`${alias}.region`)} like any(${prefixes.map((p) => `${p}%`)}::text[])`;
}

const n = (v: unknown) => Number(v ?? 0);

export interface Window {
  from: Date;
  to: Date;
  regions: string[];
}

export interface AgencyAggregate {
  agencyId: string;
  agencyName: string;
  /** filings not cancelled: the visits made or still to make */
  filings: number;
  cancelled: number;
  onSite: number;
  enterprises: number;
  warnings: number;
  blockedAttempts: number;
  violations: { kind: string; status: string; counted: boolean; n: number }[];
  ratings: number;
  ratingSum: number;
  /** conduct violations resolved as founded within the window */
  vetoes: { violationId: string; conductRuleIds: string[] }[];
  /** enterprises' reports about the agency received in the window (反馈率, 办结率, 满意率) */
  reports: ReportFacts[];
}

export async function agencyAggregates(db: Db, w: Window): Promise<AgencyAggregate[]> {
  const [filings, attempts, violations, ratings, vetoes, reports] = await Promise.all([
    // a cancelled filing is no visit: filing and cancelling pads nothing (counted apart)
    sql<{ agency_id: string; filings: string; cancelled: string; on_site: string; enterprises: string; warnings: string }>`
      select f.agency_id, count(*) filter (where f.status <> 'cancelled') as filings,
        count(*) filter (where f.status = 'cancelled') as cancelled,
        count(*) filter (where f.on_site and f.status <> 'cancelled') as on_site,
        count(distinct f.enterprise_uscc) filter (where f.status <> 'cancelled') as enterprises,
        count(*) filter (where d.outcome = 'warn' and f.status <> 'cancelled') as warnings
      from filings f join decisions d on d.id = f.decision_id
      where f.filed_at >= ${w.from} and f.filed_at < ${w.to} and ${inScope('f', w.regions)}
      group by f.agency_id`.execute(db),
    sql<{ agency_id: string; n: string }>`
      select a.agency_id, count(*) as n from filing_attempts a
      where a.attempted_at >= ${w.from} and a.attempted_at < ${w.to} and ${inScope('a', w.regions)}
      group by a.agency_id`.execute(db),
    sql<{ agency_id: string; kind: string; status: string; counted: boolean; n: string }>`
      select v.agency_id, v.kind, v.status,
        -- what ranks an agency: what the rules and jobs found, and what supervisors found founded;
        -- an allegation nobody has worked yet, or one dismissed, does not
        (v.status = 'resolved' or (v.source = 'system' and v.status <> 'dismissed')) as counted, count(*) as n
      from violations v
      where v.raised_at >= ${w.from} and v.raised_at < ${w.to} and v.agency_id is not null and ${inScope('v', w.regions)}
      group by 1, 2, 3, 4`.execute(db),
    sql<{ agency_id: string; n: string; total: string }>`
      select fb.agency_id, count(*) as n, sum(fb.rating) as total from feedback fb
      where fb.given_at >= ${w.from} and fb.given_at < ${w.to} and ${inScope('fb', w.regions)}
      group by fb.agency_id`.execute(db),
    sql<{ agency_id: string; id: string; conduct_rule_ids: string[] }>`
      select v.agency_id, v.id,
        case when v.kind = 'unfiled_inspection' then array['conduct.N1'] else v.conduct_rule_ids end as conduct_rule_ids
      from violation_changes c join violations v on v.id = c.violation_id
      where c.to_status = 'resolved' and c.at >= ${w.from} and c.at < ${w.to} and v.agency_id is not null
        -- a founded unfiled inspection is the first of the seven not-allowed (N1): it vetoes like a conduct violation
        and v.kind in ('conduct', 'unfiled_inspection')
        and ${inScope('v', w.regions)}
      order by c.at, v.id`.execute(db),
    reportFacts(db, w),
  ]);
  const by = new Map<string, AgencyAggregate>();
  const of = (id: string): AgencyAggregate => {
    let a = by.get(id);
    if (!a)
      by.set(
        id,
        (a = {
          agencyId: id,
          agencyName: '',
          filings: 0,
          cancelled: 0,
          onSite: 0,
          enterprises: 0,
          warnings: 0,
          blockedAttempts: 0,
          violations: [],
          ratings: 0,
          ratingSum: 0,
          vetoes: [],
          reports: [],
        }),
      );
    return a;
  };
  for (const r of filings.rows)
    Object.assign(of(r.agency_id), {
      filings: n(r.filings),
      cancelled: n(r.cancelled),
      onSite: n(r.on_site),
      enterprises: n(r.enterprises),
      warnings: n(r.warnings),
    });
  for (const r of attempts.rows) of(r.agency_id).blockedAttempts = n(r.n);
  for (const r of violations.rows) of(r.agency_id).violations.push({ kind: r.kind, status: r.status, counted: r.counted, n: n(r.n) });
  for (const r of ratings.rows) Object.assign(of(r.agency_id), { ratings: n(r.n), ratingSum: n(r.total) });
  for (const r of vetoes.rows) of(r.agency_id).vetoes.push({ violationId: r.id, conductRuleIds: r.conduct_rule_ids });
  for (const { agencyId, ...r } of reports) if (agencyId) of(agencyId).reports.push(r);
  if (by.size) {
    const names = await db
      .selectFrom('agencies')
      .select(['id', 'name'])
      .where('id', 'in', [...by.keys()])
      .execute();
    for (const a of names) of(a.id).agencyName = a.name;
  }
  return [...by.values()];
}

export interface DayActivity {
  newViolations: { kind: string; agencyId: string | null; n: number }[];
  openByAge: { bucket: string; n: number }[];
  blockedByRule: { ruleId: string; n: number }[];
  blocked: number;
  warned: number;
}

export async function dayActivity(db: Db, w: Window): Promise<DayActivity> {
  const [newV, open, blockedRules, blocked, warned] = await Promise.all([
    sql<{ kind: string; agency_id: string | null; n: string }>`
      select v.kind, v.agency_id, count(*) as n from violations v
      where v.raised_at >= ${w.from} and v.raised_at < ${w.to} and ${inScope('v', w.regions)}
      group by v.kind, v.agency_id order by v.kind, v.agency_id`.execute(db),
    // unresolved at the end of the day, by how long they have been open then
    sql<{ bucket: string; n: string }>`
      select case when ${w.to}::timestamptz - v.raised_at < interval '1 day' then 'under 1 day'
                  when ${w.to}::timestamptz - v.raised_at < interval '7 days' then '1-7 days'
                  when ${w.to}::timestamptz - v.raised_at < interval '30 days' then '7-30 days'
                  else 'over 30 days' end as bucket, count(*) as n
      from violations v
      where v.status in ('open', 'acknowledged') and v.raised_at < ${w.to} and ${inScope('v', w.regions)}
      group by 1`.execute(db),
    sql<{ rule_id: string; n: string }>`
      select f->>'ruleId' as rule_id, count(*) as n
      from filing_attempts a join decisions d on d.id = a.decision_id, jsonb_array_elements(d.findings) f
      where a.attempted_at >= ${w.from} and a.attempted_at < ${w.to} and f->>'severity' = 'block' and ${inScope('a', w.regions)}
      group by 1 order by 2 desc, 1`.execute(db),
    sql<{ n: string }>`
      select count(*) as n from filing_attempts a
      where a.attempted_at >= ${w.from} and a.attempted_at < ${w.to} and ${inScope('a', w.regions)}`.execute(db),
    sql<{ n: string }>`
      select count(*) as n from filings f join decisions d on d.id = f.decision_id
      where f.filed_at >= ${w.from} and f.filed_at < ${w.to} and d.outcome = 'warn' and ${inScope('f', w.regions)}`.execute(db),
  ]);
  return {
    newViolations: newV.rows.map((r) => ({ kind: r.kind, agencyId: r.agency_id, n: n(r.n) })),
    openByAge: open.rows.map((r) => ({ bucket: r.bucket, n: n(r.n) })),
    blockedByRule: blockedRules.rows.map((r) => ({ ruleId: r.rule_id, n: n(r.n) })),
    blocked: n(blocked.rows[0]?.n),
    warned: n(warned.rows[0]?.n),
  };
}

/** Enterprises with the most visits planned in the window, counting every filing (not cancelled ones). */
export async function mostInspected(db: Db, w: Window, limit = 10): Promise<{ uscc: string; name: string; visits: number }[]> {
  // filed_at bounds the scan (index); a visit is filed before its start, emergencies up to a day after
  const r = await sql<{ uscc: string; name: string; visits: string }>`
    select f.enterprise_uscc as uscc, e.name, count(*) as visits
    from filings f join enterprises e on e.uscc = f.enterprise_uscc
    where f.filed_at >= ${new Date(w.from.getTime() - 15 * 86_400_000)} and f.filed_at < ${new Date(w.to.getTime() + 86_400_000)}
      and f.planned_start >= ${w.from} and f.planned_start < ${w.to} and f.status <> 'cancelled' and ${inScope('f', w.regions)}
    group by f.enterprise_uscc, e.name order by visits desc, uscc limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ uscc: x.uscc, name: x.name, visits: n(x.visits) }));
}

/** Draws made on the day by agencies in scope, with how many assignments each drew. */
export async function drawsOfDay(
  db: Db,
  day: string,
  regions: string[],
): Promise<{ id: string; planName: string; agencyName: string; assignments: number }[]> {
  const r = await sql<{ id: string; plan_name: string; agency_name: string; n: string }>`
    select d.id, p.name as plan_name, ag.name as agency_name, (select count(*) from draw_assignments x where x.draw_id = d.id) as n
    from draws d join draw_plans p on p.id = d.plan_id join agencies ag on ag.id = d.agency_id
    where d.draw_day = ${day}::date and ${inScope('ag', regions)} order by d.id`.execute(db);
  return r.rows.map((x) => ({ id: x.id, planName: x.plan_name, agencyName: x.agency_name, assignments: n(x.n) }));
}

/** Filings and violations per local day, for the chart. */
export async function dailyTrend(db: Db, w: Window, tz: string): Promise<{ day: string; filings: number; violations: number }[]> {
  const [f, v] = await Promise.all([
    sql<{ day: string; n: string }>`
      select to_char(f.filed_at at time zone ${tz}, 'YYYY-MM-DD') as day, count(*) as n from filings f
      where f.filed_at >= ${w.from} and f.filed_at < ${w.to} and ${inScope('f', w.regions)} group by 1`.execute(db),
    sql<{ day: string; n: string }>`
      select to_char(v.raised_at at time zone ${tz}, 'YYYY-MM-DD') as day, count(*) as n from violations v
      where v.raised_at >= ${w.from} and v.raised_at < ${w.to} and ${inScope('v', w.regions)} group by 1`.execute(db),
  ]);
  const days = new Map<string, { day: string; filings: number; violations: number }>();
  const at = (day: string) => days.get(day) ?? days.set(day, { day, filings: 0, violations: 0 }).get(day)!;
  for (const r of f.rows) at(r.day).filings = n(r.n);
  for (const r of v.rows) at(r.day).violations = n(r.n);
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * Enterprises that sent at least `atLeast` reports in the window (a flood, or the daily quota
 * reached), most first: one sender's many reports show as such, not as many reports.
 */
export async function reportFloods(
  db: Db,
  w: Window,
  atLeast: number,
  limit = 50,
): Promise<{ uscc: string; name: string; reports: number }[]> {
  const r = await sql<{ uscc: string; name: string; reports: string }>`
    select v.enterprise_uscc as uscc, e.name, count(*) as reports
    from violations v join enterprises e on e.uscc = v.enterprise_uscc
    where v.source = 'report' and v.raised_at >= ${w.from} and v.raised_at < ${w.to} and ${inScope('v', w.regions)}
    group by v.enterprise_uscc, e.name having count(*) >= ${atLeast} order by reports desc, uscc limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ uscc: x.uscc, name: x.name, reports: n(x.reports) }));
}

/**
 * Enterprises' reports received in the window, each with its first answer, its closing and its
 * rating (the rates of domain/report-rates.ts); those naming an unregistered agency have none.
 */
export async function reportFacts(db: Db, w: Window): Promise<(ReportFacts & { agencyId: string | null })[]> {
  const r = await sql<{
    agency_id: string | null;
    raised_at: Date;
    answered_at: Date | null;
    closed_at: Date | null;
    rating: number | null;
  }>`
    select v.agency_id, v.raised_at,
      (select min(c.at) from violation_changes c where c.violation_id = v.id) as answered_at,
      (select min(c.at) from violation_changes c where c.violation_id = v.id and c.to_status in ('resolved', 'dismissed')) as closed_at,
      rr.rating
    from violations v left join report_ratings rr on rr.violation_id = v.id
    where v.source = 'report' and v.raised_at >= ${w.from} and v.raised_at < ${w.to} and ${inScope('v', w.regions)}`.execute(db);
  const at = (d: Date | string | null) => (d === null ? null : new Date(d));
  return r.rows.map((x) => ({
    agencyId: x.agency_id,
    raisedAt: new Date(x.raised_at),
    answeredAt: at(x.answered_at),
    closedAt: at(x.closed_at),
    rating: x.rating === null ? null : Number(x.rating),
  }));
}
