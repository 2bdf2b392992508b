import { sql } from 'kysely';
import type { Decision } from '../rules/decision.js';
import type { AgencyFact, EnterpriseFact, InspectorFact } from '../rules/facts.js';
import type { Db } from './db.js';
import type { FilingRow } from './tables.js';

export interface FactRows {
  enterprise: EnterpriseFact | null;
  agencies: AgencyFact[];
  inspectors: InspectorFact[];
}

/** The structural facts of one filing in a single round trip. */
export async function loadFactRows(db: Db, uscc: string, agencyIds: string[], inspectorIds: string[]): Promise<FactRows> {
  const r = await sql<FactRows>`
    select
      (select json_build_object('uscc', e.uscc, 'region', e.region, 'riskClass', e.risk_class, 'noDisturb', e.no_disturb)
         from enterprises e where e.uscc = ${uscc}) as enterprise,
      (select coalesce(json_agg(json_build_object('id', a.id, 'active', a.active, 'region', a.region,
          'itemCodes', coalesce((select json_agg(i.code) from agency_items i where i.agency_id = a.id), '[]'::json))), '[]'::json)
         from agencies a where a.id = any(${agencyIds}::text[])) as agencies,
      (select coalesce(json_agg(json_build_object('id', p.id, 'agencyId', p.agency_id, 'credentialNo', p.credential_no,
          'validUntil', p.valid_until)), '[]'::json)
         from inspectors p where p.id = any(${inspectorIds}::text[])) as inspectors`.execute(db);
  return r.rows[0] as FactRows;
}

export async function insertDecision(trx: Db, id: string, d: Decision): Promise<void> {
  await trx
    .insertInto('decisions')
    .values({
      id,
      outcome: d.outcome,
      findings: JSON.stringify(d.findings),
      rule_sets: JSON.stringify(d.ruleSets),
      evaluated_at: new Date(d.evaluatedAt),
    })
    .execute();
}

export type NewFiling = Omit<FilingRow, 'filing_no' | 'arrived_at' | 'result_outcome' | 'conducted_at' | 'result_summary' | 'cancelled_at' | 'cancel_reason'>;

/** Inserts the filing, numbering it from the global sequence in the same statement. */
export async function insertFiling(trx: Db, f: NewFiling, year: number): Promise<FilingRow> {
  return trx
    .insertInto('filings')
    .values({
      ...f,
      filing_no: sql<string>`${f.region} || '-' || ${String(year)} || '-' || lpad(nextval('filing_no_seq')::text, 7, '0')`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertAttempt(
  trx: Db,
  a: { id: string; agencyId: string; uscc: string; region: string; body: unknown; decisionId: string; at: Date; actor: string },
): Promise<void> {
  await trx
    .insertInto('filing_attempts')
    .values({
      id: a.id,
      agency_id: a.agencyId,
      enterprise_uscc: a.uscc,
      region: a.region,
      body: JSON.stringify(a.body),
      decision_id: a.decisionId,
      attempted_at: a.at,
      actor: a.actor,
    })
    .execute();
}

export async function findFiling(db: Db, id: string): Promise<FilingRow | null> {
  return (await db.selectFrom('filings').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function findDecision(db: Db, id: string): Promise<Decision> {
  const r = await db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return {
    outcome: r.outcome,
    findings: r.findings as Decision['findings'],
    ruleSets: r.rule_sets as Decision['ruleSets'],
    evaluatedAt: r.evaluated_at.toISOString(),
  };
}

export interface VerifyView {
  filing: FilingRow;
  agencyName: string;
  enterpriseName: string;
  inspectors: { id: string; name: string; credentialNo: string }[];
  items: { code: string; name: string }[];
}

export async function findByVerifyCode(db: Db, code: string): Promise<VerifyView | null> {
  const r = await sql<{ f: FilingRow; agency_name: string; enterprise_name: string; inspectors: VerifyView['inspectors']; items: VerifyView['items'] }>`
    select to_json(f) as f, a.name as agency_name, e.name as enterprise_name,
      coalesce((select json_agg(json_build_object('id', p.id, 'name', p.name, 'credentialNo', p.credential_no)
                 order by array_position(f.inspector_ids, p.id))
                from inspectors p where p.id = any(f.inspector_ids)), '[]'::json) as inspectors,
      coalesce((select json_agg(json_build_object('code', i.code, 'name', i.name) order by array_position(f.item_codes, i.code))
                from agency_items i where i.agency_id = f.agency_id and i.code = any(f.item_codes)), '[]'::json) as items
    from filings f join agencies a on a.id = f.agency_id join enterprises e on e.uscc = f.enterprise_uscc
    where f.verify_code = ${code}`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  return { filing: reviveFiling(row.f), agencyName: row.agency_name, enterpriseName: row.enterprise_name, inspectors: row.inspectors, items: row.items };
}

const timeColumns = ['planned_start', 'planned_end', 'filed_at', 'arrived_at', 'conducted_at', 'cancelled_at'] as const;
/** Rows that came through to_json have ISO strings where timestamptz columns give Dates. */
function reviveFiling(f: FilingRow): FilingRow {
  const out = { ...f };
  for (const c of timeColumns) {
    const v = out[c] as unknown;
    if (typeof v === 'string') (out as Record<string, unknown>)[c] = new Date(v);
  }
  return out;
}

export interface FilingFilter {
  agencyId?: string | undefined;
  uscc?: string | undefined;
  status?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  regions?: string[] | undefined;
}

/** Newest first, keyset-paginated on (filed_at, id). */
export async function listFilings(
  db: Db,
  filter: FilingFilter,
  page: { limit: number; after: { filedAt: Date; id: string } | null },
): Promise<(FilingRow & { decision_outcome: string })[]> {
  let q = db.selectFrom('filings as f').innerJoin('decisions as d', 'd.id', 'f.decision_id').selectAll('f').select('d.outcome as decision_outcome');
  if (filter.agencyId) q = q.where('f.agency_id', '=', filter.agencyId);
  if (filter.uscc) q = q.where('f.enterprise_uscc', '=', filter.uscc);
  if (filter.status) q = q.where('f.status', '=', filter.status);
  if (filter.from) q = q.where('f.planned_end', '>=', filter.from);
  if (filter.to) q = q.where('f.planned_start', '<', filter.to);
  if (filter.regions?.length) {
    const prefixes = filter.regions;
    q = q.where((eb) => eb.or(prefixes.map((p) => eb('f.region', 'like', `${p}%`))));
  }
  if (page.after) {
    const { filedAt, id } = page.after;
    q = q.where(sql<boolean>`(f.filed_at, f.id) < (${filedAt}, ${id})`);
  }
  return q.orderBy('f.filed_at', 'desc').orderBy('f.id', 'desc').limit(page.limit).execute();
}

export async function markArrived(trx: Db, id: string, at: Date): Promise<void> {
  await trx.updateTable('filings').set({ status: 'in_progress', arrived_at: at }).where('id', '=', id).execute();
}

export async function markCompleted(trx: Db, id: string, r: { outcome: string; conductedAt: Date; summary: string }): Promise<void> {
  await trx
    .updateTable('filings')
    .set({ status: 'completed', result_outcome: r.outcome, conducted_at: r.conductedAt, result_summary: r.summary })
    .where('id', '=', id)
    .execute();
}

export async function markCancelled(trx: Db, id: string, at: Date, reason: string): Promise<void> {
  await trx.updateTable('filings').set({ status: 'cancelled', cancelled_at: at, cancel_reason: reason }).where('id', '=', id).execute();
}

/** Locks the filing row for a lifecycle change, so two transitions cannot both pass the check. */
export async function findFilingForUpdate(trx: Db, id: string): Promise<FilingRow | null> {
  return (await trx.selectFrom('filings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) ?? null;
}
