import { sql } from 'kysely';
import type { Decision } from '../domain/decision.js';
import type { AgencyFact, AssignmentFact, EnterpriseFact, GroundFact, InspectorFact, PriorFilingRow } from '../rules/facts.js';
import type { HeadLine } from '../domain/audit-signing.js';
import { auditInsertFrom, chainHead, nextSeq, prevHash, type AuditEntry } from './audit-repo.js';
import type { Db } from './db.js';
import type { LockKey } from './locks.js';
import type { FilingRow } from './tables.js';

export interface StoredResponse {
  principalId: string;
  key: string;
  requestHash: string;
  status: number;
  body: unknown;
  /** when it was stored (the service's clock); unset: the database's */
  createdAt?: Date;
}

export interface FactRows {
  enterprises: EnterpriseFact[];
  agencies: AgencyFact[];
  inspectors: InspectorFact[];
  history: (PriorFilingRow & { enterpriseUscc: string })[];
  /** responses already stored under the Idempotency-Keys asked about */
  idempotency: StoredResponse[];
  /** new numbers from the filing-number sequence, as many as asked for */
  numbers: number[];
  /** the draw assignments named by random filings */
  assignments: AssignmentFact[];
  /** the registered grounds the filings cite, and referrals naming their agencies */
  grounds: GroundFact[];
}

export interface FactQuery {
  /** advisory locks to take first (transaction-scoped); none for a read that decides nothing */
  locks: LockKey[];
  usccs: string[];
  agencyIds: string[];
  inspectorIds: string[];
  /** the periods of each enterprise's history to read */
  periods: { uscc: string; from: Date; to: Date }[];
  idempotency: { principalId: string; key: string }[];
  numbers: number;
  /** draw assignments to read (random filings only: other filings read nothing more) */
  assignmentIds: string[];
  /** the references of the grounds (triggers, campaigns) the filings cite */
  references: string[];
}

/**
 * Locks, registry facts, history, stored idempotent responses and new filing numbers in a single
 * round trip (see migration 0004 for why this is one function).
 */
export async function loadFactRows(db: Db, q: FactQuery): Promise<FactRows> {
  const r = await sql<{ facts: FactRows }>`
    select filing_facts(${q.locks.map((l) => l.ns)}::int[], ${q.locks.map((l) => l.key)}::text[], ${q.usccs}::text[],
      ${q.agencyIds}::text[], ${q.inspectorIds}::text[], ${q.periods.map((p) => p.uscc)}::text[],
      ${q.periods.map((p) => p.from.toISOString())}::timestamptz[], ${q.periods.map((p) => p.to.toISOString())}::timestamptz[],
      ${q.idempotency.map((i) => i.principalId)}::text[], ${q.idempotency.map((i) => i.key)}::text[], ${q.numbers}::int,
      ${q.references}::text[]) as facts`.execute(db);
  const facts = (r.rows[0] as { facts: Omit<FactRows, 'assignments'> }).facts;
  // read after filing_facts took the enterprises' locks: an assignment filed by a concurrent
  // filing for the same enterprise is seen as filed
  const assignments = q.assignmentIds.length
    ? (
        await db
          .selectFrom('draw_assignments')
          .select(['id', 'agency_id', 'enterprise_uscc', 'status', 'period_start', 'period_end', 'inspector_ids'])
          .where('id', 'in', q.assignmentIds)
          .execute()
      ).map((a) => ({
        id: a.id,
        agencyId: a.agency_id,
        enterpriseUscc: a.enterprise_uscc,
        status: a.status,
        periodStart: a.period_start.toISOString(),
        periodEnd: a.period_end.toISOString(),
        inspectorIds: a.inspector_ids,
      }))
    : [];
  return { ...facts, assignments };
}

export interface AttemptRow {
  id: string;
  agency_id: string;
  enterprise_uscc: string;
  region: string;
  body: unknown;
  decision_id: string;
  attempted_at: Date;
  actor: string;
}

/** A violation a finding raises (jsonb_populate_recordset fills no defaults: every not-null column is here). */
export interface RaisedViolationRow {
  id: string;
  kind: string;
  status: 'open';
  source: 'system';
  agency_id: string | null;
  enterprise_uscc: string;
  region: string;
  filing_id: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
  raised_at: Date;
  updated_at: Date;
  conduct_rule_ids: string[];
}

/** Everything a batch of decided filings writes; every row complete, built by the filing service. */
export interface BatchWrite {
  decisions: { id: string; decision: Decision }[];
  filings: FilingRow[];
  attempts: AttemptRow[];
  violations: RaisedViolationRow[];
  /** one event per enterprise chain (a batch holds at most one filing per enterprise) */
  audit: AuditEntry[];
  idempotency: StoredResponse[];
  /** draw assignments carried out by random filings of the batch */
  assignments: { id: string; filing_id: string }[];
}

const json = (v: unknown) => JSON.stringify(v);

/**
 * Writes a whole batch in one statement: decisions, filings, blocked attempts, the violations
 * their findings raise, the responses of idempotent requests, and the audit events on their
 * enterprises' chains. The SQL text is the same for any batch, so it is prepared once. The
 * caller holds every enterprise's lock.
 */
export async function writeFilingBatch(trx: Db, w: BatchWrite): Promise<HeadLine[]> {
  const decisions = w.decisions.map(({ id, decision: d }) => ({
    id,
    outcome: d.outcome,
    findings: d.findings,
    rule_sets: d.ruleSets,
    evaluated_at: d.evaluatedAt,
  }));
  const idempotency = w.idempotency.map((i) => ({
    principal_id: i.principalId,
    idem_key: i.key,
    request_hash: i.requestHash,
    status_code: i.status,
    response: i.body,
    created_at: i.createdAt ?? new Date(),
  }));
  const audit = w.audit.map((e) => ({
    chain: e.chain,
    at: e.at,
    actor: e.actor,
    action: e.action,
    entity_type: e.entityType,
    entity_id: e.entityId,
    payload: e.payload,
  }));
  const heads = await sql<HeadLine>`
    with d as (
      insert into decisions select * from jsonb_populate_recordset(null::decisions, ${json(decisions)}::jsonb)
    ), f as (
      insert into filings select * from jsonb_populate_recordset(null::filings, ${json(w.filings)}::jsonb)
    ), t as (
      insert into filing_attempts select * from jsonb_populate_recordset(null::filing_attempts, ${json(w.attempts)}::jsonb)
    ), v as (
      insert into violations select * from jsonb_populate_recordset(null::violations, ${json(w.violations)}::jsonb)
    ), u as (
      update draw_assignments set status = 'filed', filing_id = x.filing_id
      from jsonb_to_recordset(${json(w.assignments)}::jsonb) as x(id text, filing_id text)
      where draw_assignments.id = x.id and draw_assignments.status = 'open'
    ), k as (
      insert into idempotency_keys select * from jsonb_populate_recordset(null::idempotency_keys, ${json(idempotency)}::jsonb)
    ), a as (
      ${auditInsertFrom(sql`
        select x.chain, ${nextSeq} as seq, x.at, x.actor, x.action, x.entity_type, x.entity_id, x.payload, ${prevHash} as prev_hash
        from jsonb_to_recordset(${json(audit)}::jsonb) as x(chain text, at timestamptz, actor text, action text, entity_type text,
          entity_id text, payload jsonb)
        ${chainHead(sql`x.chain`)}`)}
    )
    select distinct on (chain) chain, seq, hash from a order by chain, seq desc`.execute(trx);
  return heads.rows;
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
  jointAgencyNames: string[];
  enterpriseName: string;
  inspectors: { id: string; agencyId: string; name: string; credentialNo: string; revokedAt: string | null }[];
  /** the joint agencies that accepted the visit */
  acceptedJointIds: string[];
  /** each item as published by the agency on the filing that owns it (the filing agency first) */
  items: { code: string; name: string; basis: string; agency: string }[];
}

export async function findByVerifyCode(db: Db, code: string): Promise<VerifyView | null> {
  const r = await sql<{
    f: FilingRow;
    agency_name: string;
    joint: string[];
    enterprise_name: string;
    inspectors: VerifyView['inspectors'];
    accepted: string[];
    items: VerifyView['items'];
  }>`
    select to_json(f) as f, a.name as agency_name, e.name as enterprise_name,
      coalesce((select json_agg(j.name order by array_position(f.joint_agency_ids, j.id)) from agencies j
                where j.id = any(f.joint_agency_ids)
                  and exists (select 1 from joint_responses r where r.filing_id = f.id and r.agency_id = j.id and r.status = 'accepted')),
               '[]'::json) as joint,
      coalesce((select json_agg(r.agency_id) from joint_responses r where r.filing_id = f.id and r.status = 'accepted'),
               '[]'::json) as accepted,
      coalesce((select json_agg(json_build_object('id', p.id, 'agencyId', p.agency_id, 'name', p.name, 'credentialNo', p.credential_no,
                 'revokedAt', p.revoked_at)
                 order by array_position(f.inspector_ids, p.id))
                from inspectors p where p.id = any(f.inspector_ids)), '[]'::json) as inspectors,
      coalesce((select json_agg(json_build_object('code', c.code, 'name', i.name, 'basis', i.basis, 'agency', i.agency) order by c.ord)
                from unnest(f.item_codes) with ordinality as c(code, ord)
                cross join lateral (
                  select it.name, it.basis, owner.name as agency
                  -- the items of the agencies taking part: the lead's and those of joint agencies that accepted
                  from unnest(array[f.agency_id] || array(select r.agency_id from joint_responses r
                                                           where r.filing_id = f.id and r.status = 'accepted'
                                                           order by array_position(f.joint_agency_ids, r.agency_id)))
                       with ordinality as o(id, ord)
                    join agency_item_records it on it.agency_id = o.id and it.code = c.code
                    join agencies owner on owner.id = o.id
                  order by o.ord limit 1) i), '[]'::json) as items
    from filings f join agencies a on a.id = f.agency_id join enterprises e on e.uscc = f.enterprise_uscc
    where f.verify_code = ${code}`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  return {
    filing: reviveFiling(row.f),
    agencyName: row.agency_name,
    jointAgencyNames: row.joint,
    enterpriseName: row.enterprise_name,
    inspectors: row.inspectors,
    acceptedJointIds: row.accepted,
    items: row.items,
  };
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
  /** with agencyId: also the filings it is a joint agency of */
  includeJoint?: boolean;
  uscc?: string | undefined;
  status?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  regions?: string[] | undefined;
  /** a rule id the decision must have a finding of */
  finding?: string | undefined;
}

/** Newest first, keyset-paginated on (filed_at, id). */
export async function listFilings(
  db: Db,
  filter: FilingFilter,
  page: { limit: number; after: { filedAt: Date; id: string } | null },
): Promise<(FilingRow & { decision_outcome: string })[]> {
  let q = db
    .selectFrom('filings as f')
    .innerJoin('decisions as d', 'd.id', 'f.decision_id')
    .selectAll('f')
    .select('d.outcome as decision_outcome');
  if (filter.agencyId) {
    const agencyId = filter.agencyId;
    q = filter.includeJoint
      ? q.where((eb) =>
          eb.or([
            eb('f.agency_id', '=', agencyId),
            sql<boolean>`(cardinality(f.joint_agency_ids) > 0 and f.joint_agency_ids @> array[${agencyId}]::text[])`,
          ]),
        )
      : q.where('f.agency_id', '=', agencyId);
  }
  if (filter.uscc) q = q.where('f.enterprise_uscc', '=', filter.uscc);
  if (filter.status) q = q.where('f.status', '=', filter.status);
  if (filter.from) q = q.where('f.planned_end', '>=', filter.from);
  if (filter.to) q = q.where('f.planned_start', '<', filter.to);
  if (filter.finding) q = q.where(sql<boolean>`d.findings @> ${JSON.stringify([{ ruleId: filter.finding }])}::jsonb`);
  if (filter.regions?.length) {
    // a supervisor sees the filings about enterprises in its regions, and those of its regions'
    // agencies wherever the enterprise is (a referral sends them out)
    const like = filter.regions.map((p) => `${p}%`);
    q = q.where(
      sql<boolean>`(f.region like any(${like}::text[])
        or exists (select 1 from agencies ag where ag.id = f.agency_id and ag.region like any(${like}::text[])))`,
    );
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
  return trx
    .updateTable('filings')
    .set({ status: 'cancelled', cancelled_at: at, cancel_reason: reason })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Locks the filing row for a lifecycle change, so two transitions cannot both pass the check. */
export async function findFilingForUpdate(trx: Db, id: string): Promise<FilingRow | null> {
  return (await trx.selectFrom('filings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) ?? null;
}

/** Who filed these filings and when they start: how another agency's filing is shown (as agency and day). */
export async function filingRefs(
  db: Db,
  ids: string[],
): Promise<{ id: string; filingNo: string; agencyId: string; agencyName: string; plannedStart: number; jointAgencyIds: string[] }[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('filings as f')
    .innerJoin('agencies as a', 'a.id', 'f.agency_id')
    .select(['f.id', 'f.filing_no', 'f.agency_id', 'a.name', 'f.planned_start', 'f.joint_agency_ids'])
    .where('f.id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    filingNo: r.filing_no,
    agencyId: r.agency_id,
    agencyName: r.name,
    plannedStart: r.planned_start.getTime(),
    jointAgencyIds: r.joint_agency_ids,
  }));
}
