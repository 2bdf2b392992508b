import { sql } from 'kysely';
import type { Decision } from '../rules/decision.js';
import type { AgencyFact, EnterpriseFact, InspectorFact, PriorFilingRow } from '../rules/facts.js';
import { auditInsertFrom, chainHead, nextSeq, prevHash } from './audit-repo.js';
import type { Db } from './db.js';
import type { FilingRow } from './tables.js';

export interface FactRows {
  enterprises: EnterpriseFact[];
  agencies: AgencyFact[];
  inspectors: InspectorFact[];
  history: (PriorFilingRow & { enterpriseUscc: string })[];
}

/**
 * The structural facts of a set of filings in a single round trip; with `lock`, first takes the
 * transaction locks of their enterprises (see migration 0003 for why this is one function).
 */
export async function loadFactRows(
  db: Db,
  q: { usccs: string[]; agencyIds: string[]; inspectorIds: string[]; historyFrom: Date; historyTo: Date },
  lock: boolean,
): Promise<FactRows> {
  const r = await sql<{ facts: FactRows }>`
    select filing_facts(${q.usccs}::text[], ${q.agencyIds}::text[], ${q.inspectorIds}::text[], ${lock},
      ${q.historyFrom}::timestamptz, ${q.historyTo}::timestamptz) as facts`.execute(db);
  return (r.rows[0] as { facts: FactRows }).facts;
}

/** One decided filing (or blocked attempt) of a batch, ready to be written. */
export interface BatchRecord {
  kind: 'filing' | 'attempt';
  /** the filing's or the attempt's id */
  id: string;
  decisionId: string;
  decision: Decision;
  agencyId: string;
  enterpriseUscc: string;
  region: string;
  /** the request body, stored with a blocked attempt */
  body: unknown;
  verifyCode: string | null;
  input: {
    type: string;
    itemCodes: string[];
    inspectorIds: string[];
    jointAgencyIds: string[];
    plannedStart: Date;
    plannedEnd: Date;
    onSite: boolean;
    reason: string | null;
    onSiteJustification: string | null;
    purpose: string;
    requiresLegalRepresentative: boolean;
  };
  actor: string;
  audit: { chain: string; action: string; entityType: string; payload: Record<string, unknown> };
  /** violations raised by the decision's findings (for supervisors to work) */
  violations: { id: string; kind: string; details: Record<string, unknown> }[];
}

/**
 * Writes a whole batch in one statement: decisions, filings (numbered from the global sequence
 * in input order), blocked attempts, the violations their findings raise, and one audit event per record on its enterprise's chain,
 * the filing number filled into the event. The SQL text is the same for any batch size, so it is
 * prepared once. A batch holds at most one record per enterprise (one event per chain), and the
 * caller holds every enterprise's lock.
 */
export async function writeFilingBatch(trx: Db, records: BatchRecord[], at: Date, year: number): Promise<FilingRow[]> {
  const input = records.map((r, ord) => ({
    ord,
    kind: r.kind,
    id: r.id,
    decision_id: r.decisionId,
    outcome: r.decision.outcome,
    findings: r.decision.findings,
    rule_sets: r.decision.ruleSets,
    evaluated_at: r.decision.evaluatedAt,
    agency_id: r.agencyId,
    enterprise_uscc: r.enterpriseUscc,
    region: r.region,
    body: r.body,
    verify_code: r.verifyCode,
    type: r.input.type,
    item_codes: r.input.itemCodes,
    inspector_ids: r.input.inspectorIds,
    joint_agency_ids: r.input.jointAgencyIds,
    planned_start: r.input.plannedStart.toISOString(),
    planned_end: r.input.plannedEnd.toISOString(),
    on_site: r.input.onSite,
    reason: r.input.reason,
    on_site_justification: r.input.onSiteJustification,
    purpose: r.input.purpose,
    requires_legal_representative: r.input.requiresLegalRepresentative,
    actor: r.actor,
    chain: r.audit.chain,
    action: r.audit.action,
    entity_type: r.audit.entityType,
    payload: r.audit.payload,
    violations: r.violations,
  }));
  const result = await sql<FilingRow>`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(
        ord int, kind text, id text, decision_id text, outcome text, findings jsonb, rule_sets jsonb, evaluated_at timestamptz,
        agency_id text, enterprise_uscc text, region text, body jsonb, verify_code text, type text, item_codes text[],
        inspector_ids text[], joint_agency_ids text[], planned_start timestamptz, planned_end timestamptz, on_site boolean,
        reason text, on_site_justification text, purpose text, requires_legal_representative boolean, actor text, chain text, action text,
        entity_type text, payload jsonb, violations jsonb)
    ), d as (
      insert into decisions (id, outcome, findings, rule_sets, evaluated_at)
      select decision_id, outcome, findings, rule_sets, evaluated_at from input
    ), f as (
      insert into filings (id, filing_no, verify_code, agency_id, enterprise_uscc, region, type, item_codes, inspector_ids,
        joint_agency_ids, planned_start, planned_end, on_site, reason, on_site_justification, purpose, requires_legal_representative,
        decision_id, filed_at, filed_by, status)
      select id, region || '-' || ${String(year)} || '-' || lpad(nextval('filing_no_seq')::text, 7, '0'), verify_code, agency_id,
        enterprise_uscc, region, type, item_codes, inspector_ids, joint_agency_ids, planned_start, planned_end, on_site, reason,
        on_site_justification, purpose, requires_legal_representative, decision_id, ${at}::timestamptz, actor, 'filed'
      from input where kind = 'filing' order by ord
      returning *
    ), t as (
      insert into filing_attempts (id, agency_id, enterprise_uscc, region, body, decision_id, attempted_at, actor)
      select id, agency_id, enterprise_uscc, region, body, decision_id, ${at}::timestamptz, actor from input where kind = 'attempt'
    ), v as (
      insert into violations (id, kind, status, agency_id, enterprise_uscc, region, filing_id, details, raised_at, updated_at)
      select e->>'id', e->>'kind', 'open', i.agency_id, i.enterprise_uscc, i.region, case when i.kind = 'filing' then i.id end,
        e->'details', ${at}::timestamptz, ${at}::timestamptz
      from input i cross join jsonb_array_elements(i.violations) e
    ), a as (
      ${auditInsertFrom(sql`
        select i.chain, ${nextSeq} as seq, ${at}::timestamptz as at, i.actor, i.action, i.entity_type, i.id as entity_id,
          case when f.filing_no is null then i.payload else jsonb_build_object('filingNo', f.filing_no) || i.payload end as payload,
          ${prevHash} as prev_hash
        from input i left join f on f.id = i.id ${chainHead(sql`i.chain`)}`)}
    )
    select * from f`.execute(trx);
  return result.rows;
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

export async function markCompleted(trx: Db, id: string, r: { outcome: string; conductedAt: Date; summary: string }): Promise<FilingRow> {
  return trx
    .updateTable('filings')
    .set({ status: 'completed', result_outcome: r.outcome, conducted_at: r.conductedAt, result_summary: r.summary })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markCancelled(trx: Db, id: string, at: Date, reason: string): Promise<FilingRow> {
  return trx.updateTable('filings').set({ status: 'cancelled', cancelled_at: at, cancel_reason: reason }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Locks the filing row for a lifecycle change, so two transitions cannot both pass the check. */
export async function findFilingForUpdate(trx: Db, id: string): Promise<FilingRow | null> {
  return (await trx.selectFrom('filings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) ?? null;
}
