import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Db } from './db.js';
import type { ReportRatingsTable, ViolationRow } from './tables.js';

export interface NewViolation {
  id: string;
  kind: string;
  source?: 'system' | 'report' | 'feedback' | 'supervisor';
  agencyId: string | null;
  agencyName?: string | null;
  enterpriseUscc: string | null;
  region: string;
  filingId: string | null;
  details: Record<string, unknown>;
  occurredAt?: Date;
  raisedAt: Date;
  raisedBy?: string | null;
  description?: string | null;
  conductRuleIds?: string[];
  hotline?: { line: string; ticket: string } | null;
  evidence?: string[] | null;
  /** a job raises a violation about one thing once: the second insert with this key is a no-op */
  dedupeKey?: string | null;
}

const values = (v: NewViolation) => ({
  id: v.id,
  kind: v.kind,
  status: 'open',
  source: v.source ?? 'system',
  agency_id: v.agencyId,
  agency_name: v.agencyName ?? null,
  enterprise_uscc: v.enterpriseUscc,
  region: v.region,
  filing_id: v.filingId,
  details: JSON.stringify(v.details),
  occurred_at: v.occurredAt ?? v.raisedAt,
  raised_at: v.raisedAt,
  raised_by: v.raisedBy ?? null,
  updated_at: v.raisedAt,
  description: v.description ?? null,
  conduct_rule_ids: v.conductRuleIds ?? [],
  hotline: v.hotline?.line ?? null,
  hotline_ticket: v.hotline?.ticket ?? null,
  evidence: v.evidence ? JSON.stringify(v.evidence) : null,
  dedupe_key: v.dedupeKey ?? null,
});

export async function insertViolation(trx: Db, v: NewViolation): Promise<ViolationRow> {
  return trx.insertInto('violations').values(values(v)).returningAll().executeTakeFirstOrThrow();
}

/** Inserts those not raised before (by dedupe key); returns the ones inserted now. */
export async function insertViolationsOnce(trx: Db, vs: NewViolation[]): Promise<ViolationRow[]> {
  if (!vs.length) return [];
  return trx
    .insertInto('violations')
    .values(vs.map(values))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .execute();
}

export async function findViolation(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<ViolationRow | null> {
  let q = db.selectFrom('violations').selectAll().where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}

export interface ViolationFilter {
  regions?: string[] | undefined;
  status?: string | undefined;
  kind?: string | undefined;
  source?: string | undefined;
  agencyId?: string | undefined;
  uscc?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Newest first by when it was raised; `from`/`to` bound the time it was raised. */
export async function listViolations(
  db: Db,
  f: ViolationFilter,
  page: { limit: number; after: { raisedAt: Date; id: string } | null },
): Promise<ViolationRow[]> {
  let q = db.selectFrom('violations').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.source) q = q.where('source', '=', f.source);
  if (f.agencyId) q = q.where('agency_id', '=', f.agencyId);
  if (f.uscc) q = q.where('enterprise_uscc', '=', f.uscc);
  if (f.from) q = q.where('raised_at', '>=', f.from);
  if (f.to) q = q.where('raised_at', '<', f.to);
  if (f.regions?.length) {
    // in the supervisor's regions, or against one of its regions' agencies wherever it happened
    const like = f.regions.map((p) => `${p}%`);
    q = q.where(
      sql<boolean>`(region like any(${like}::text[])
        or exists (select 1 from agencies ag where ag.id = agency_id and ag.region like any(${like}::text[])))`,
    );
  }
  if (page.after) q = q.where(sql<boolean>`(raised_at, id) < (${page.after.raisedAt}, ${page.after.id})`);
  return q.orderBy('raised_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function changeViolationStatus(
  trx: Db,
  id: string,
  c: { from: string; to: string; note: string; actor: string; at: Date },
): Promise<ViolationRow> {
  await trx
    .insertInto('violation_changes')
    .values({ violation_id: id, at: c.at, actor: c.actor, from_status: c.from, to_status: c.to, note: c.note })
    .execute();
  return trx
    .updateTable('violations')
    .set({ status: c.to, status_note: c.note, updated_at: c.at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function violationHistory(db: Db, id: string) {
  return db
    .selectFrom('violation_changes')
    .select(['at', 'actor', 'from_status', 'to_status', 'note'])
    .where('violation_id', '=', id)
    .orderBy('id')
    .execute();
}

/** How many reports the enterprise sent in [from, to) (its daily quota). */
export async function countReports(db: Db, uscc: string, from: Date, to: Date): Promise<number> {
  const r = await db
    .selectFrom('violations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('source', '=', 'report')
    .where('enterprise_uscc', '=', uscc)
    .where('raised_at', '>=', from)
    .where('raised_at', '<', to)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A name as people vary it: width (全角), spaces of any kind, case. */
export const nameKey = (name: string) => name.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
const nameKeySql = (expr: RawBuilder<unknown>) => sql<string>`lower(regexp_replace(${expr}, '[[:space:]\u3000]+', '', 'g'))`;

/**
 * The enterprise's earlier report of the same thing: the same kind about the same filing, or
 * about the same agency (by id, else by the name it gave) on the same day; conduct reports only
 * when the new one names no item the earlier did not.
 */
/** What makes a report the same as another: who sends it, of what, about which filing or agency. */
export interface ReportSubject {
  uscc: string;
  kind: string;
  filingId: string | null;
  agencyId: string | null;
  agencyName: string | null;
  conductRuleIds: string[];
}

export async function findSameReport(db: Db, r: ReportSubject & { day: [Date, Date] }): Promise<ViolationRow | null> {
  const sameAgency = r.agencyId ? sql<boolean>`agency_id = ${r.agencyId}` : sql<boolean>`agency_id is null`;
  // the same filing; or the same agency that day, by a report that named no other filing
  const sameDay = sql<boolean>`occurred_at >= ${r.day[0]} and occurred_at < ${r.day[1]} and ${sameAgency}
    and ${r.filingId ? sql`(filing_id is null or filing_id = ${r.filingId})` : sql`true`}`;
  let q = db
    .selectFrom('violations')
    .selectAll()
    .where('source', '=', 'report')
    .where('enterprise_uscc', '=', r.uscc)
    .where('kind', '=', r.kind)
    .where(r.filingId ? sql<boolean>`(filing_id = ${r.filingId} or (${sameDay}))` : sameDay);
  if (r.conductRuleIds.length) q = q.where(sql<boolean>`conduct_rule_ids @> ${r.conductRuleIds}::text[]`);
  // an agency by name only: the name as people vary it (a day holds a handful of reports at most)
  const key = r.agencyId ? null : nameKey(r.agencyName ?? '');
  const rows = await q
    .orderBy('raised_at')
    .limit(key === null ? 1 : 50)
    .execute();
  return rows.find((v) => key === null || v.filing_id === r.filingId || nameKey(v.agency_name ?? '') === key) ?? null;
}

/** The violations with these ids, held until the transaction ends (in id order: two bulk changes never deadlock). */
export async function findViolationsForUpdate(trx: Db, ids: string[]): Promise<ViolationRow[]> {
  if (!ids.length) return [];
  return trx.selectFrom('violations').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

/** The one agency that goes by this name (width, spaces and case aside), if exactly one does. */
export async function agencyIdByName(db: Db, name: string): Promise<string | null> {
  const rows = await db
    .selectFrom('agencies')
    .select('id')
    .where(sql<boolean>`${nameKeySql(sql`name`)} = ${nameKey(name)}`)
    .limit(2)
    .execute();
  return rows.length === 1 ? rows[0]!.id : null;
}

/** The enterprise's own reports, newest first, with the registered agency's name (我的反映). */
export async function listOwnReports(
  db: Db,
  uscc: string,
  f: { status?: string | undefined },
  page: { limit: number; after: { raisedAt: Date; id: string } | null },
): Promise<(ViolationRow & { registered_agency_name: string | null })[]> {
  let q = db
    .selectFrom('violations as v')
    .leftJoin('agencies as ag', 'ag.id', 'v.agency_id')
    .selectAll('v')
    .select('ag.name as registered_agency_name')
    .where('v.source', '=', 'report')
    .where('v.enterprise_uscc', '=', uscc);
  if (f.status) q = q.where('v.status', '=', f.status);
  if (page.after) q = q.where(sql<boolean>`(v.raised_at, v.id) < (${page.after.raisedAt}, ${page.after.id})`);
  return q.orderBy('v.raised_at', 'desc').orderBy('v.id', 'desc').limit(page.limit).execute();
}

/** Every status change of these violations, oldest first. */
export async function changesOf(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('violation_changes')
    .select(['violation_id', 'at', 'from_status', 'to_status', 'note'])
    .where('violation_id', 'in', ids)
    .orderBy('id')
    .execute();
}

export type NewReportRating = Insertable<ReportRatingsTable>;

/** The enterprise's rating of how its reports were handled, where it gave one. */
export async function reportRatingsOf(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('report_ratings')
    .select(['violation_id', 'rating', 'comment', 'given_at'])
    .where('violation_id', 'in', ids)
    .execute();
}

/** Inserts the rating; null when the report has one already (rated once). */
export async function insertReportRating(trx: Db, r: NewReportRating) {
  return (
    (await trx
      .insertInto('report_ratings')
      .values(r)
      .onConflict((oc) => oc.column('violation_id').doNothing())
      .returning(['violation_id', 'rating', 'comment', 'given_at'])
      .executeTakeFirst()) ?? null
  );
}
