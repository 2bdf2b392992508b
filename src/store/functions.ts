import { sql, type Kysely } from 'kysely';

// The SQL functions and triggers in force, in one place (as Immich keeps its own in
// server/src/schema/functions.ts): what the database runs is what is written here, not "whichever
// migration redefined it last". To change one, change it here and add a migration that calls
// applyFunctions(); test/store/functions.test.ts holds the database to this file.

export interface SqlFunction {
  name: string;
  /** the argument list, as `create function name(...)` takes it */
  args: string;
  returns: string;
  /** volatile unless said */
  volatility?: 'stable' | 'immutable';
  /** the plpgsql body between the dollar quotes, exactly as stored (pg_proc.prosrc) */
  body: string;
}

export interface SqlTrigger {
  name: string;
  table: string;
  /** `before update or delete`, `after update of revoked_at, expires_at`, … */
  when: string;
  function: string;
  /** once per statement (a TRUNCATE) rather than for each row */
  perStatement?: boolean;
}

export const functions: readonly SqlFunction[] = [
  {
    // a chain's signed head moves forward with its chain; it is never removed
    name: 'audit_heads_keep',
    args: '',
    returns: 'trigger',
    body: `
begin
  raise exception 'audit chain heads are never deleted';
end`,
  },
  {
    // TRUNCATE bypasses row triggers: the audited tables refuse it outright
    name: 'refuse_truncate',
    args: '',
    returns: 'trigger',
    body: `
begin
  raise exception 'table % is audited: it is never emptied (TRUNCATE refused)', tg_table_name;
end`,
  },
  {
    // a filing is filed once: its content never changes, its lifecycle facts are recorded once,
    // and it is never deleted (changes are new events)
    name: 'filings_guard',
    args: '',
    returns: 'trigger',
    body: `
begin
  if tg_op = 'DELETE' then
    raise exception 'filings are never deleted (filing %)', old.id;
  end if;
  if (new.id, new.filing_no, new.verify_code, new.agency_id, new.enterprise_uscc, new.region, new.type,
      new.item_codes, new.inspector_ids, new.joint_agency_ids, new.planned_start, new.planned_end,
      new.on_site, new.reason, new.on_site_justification, new.purpose, new.requires_legal_representative, new.decision_id,
      new.filed_at, new.filed_by, new.legal_representative_reason, new.trigger_kind, new.trigger_reference,
      new.campaign_level, new.campaign_reference, new.draw_assignment_id, new.ground_id)
     is distinct from
     (old.id, old.filing_no, old.verify_code, old.agency_id, old.enterprise_uscc, old.region, old.type,
      old.item_codes, old.inspector_ids, old.joint_agency_ids, old.planned_start, old.planned_end,
      old.on_site, old.reason, old.on_site_justification, old.purpose, old.requires_legal_representative, old.decision_id,
      old.filed_at, old.filed_by, old.legal_representative_reason, old.trigger_kind, old.trigger_reference,
      old.campaign_level, old.campaign_reference, old.draw_assignment_id, old.ground_id) then
    raise exception 'the filed content of filing % is never edited in place', old.id;
  end if;
  if (old.arrived_at is not null and new.arrived_at is distinct from old.arrived_at)
     or (old.conducted_at is not null and new.conducted_at is distinct from old.conducted_at)
     or (old.cancelled_at is not null and new.cancelled_at is distinct from old.cancelled_at) then
    raise exception 'lifecycle facts of filing % are recorded once', old.id;
  end if;
  return new;
end`,
  },
  {
    name: 'audit_events_append_only',
    args: '',
    returns: 'trigger',
    body: `
begin
  raise exception 'the audit trail is append-only';
end`,
  },
  {
    // every change to a filing row is announced, so that each process drops what it cached about
    // that filing (the verification view) the moment the change commits
    name: 'notify_filing_changed',
    args: '',
    returns: 'trigger',
    body: `
begin
  perform pg_notify('filing_changed', new.verify_code);
  return null;
end`,
  },
  {
    // a key revoked or expired is heard of (its hash) by every process's authentication cache
    name: 'notify_key_changed',
    args: '',
    returns: 'trigger',
    body: `
begin
  perform pg_notify('key_changed', new.key_hash);
  return new;
end`,
  },
  {
    // The agencies of one enforcement system (同一系统): every agency under the same topmost
    // parent, that parent included. Parents never form a cycle (the registry refuses one); the
    // depth bound is a guard, not a limit anyone meets.
    name: 'agency_system',
    args: 'p_id text',
    returns: 'text[]',
    volatility: 'stable',
    body: `
declare
  root text := p_id;
  up text;
begin
  for i in 1..16 loop
    select parent_agency_id into up from agencies where id = root;
    exit when up is null;
    root := up;
  end loop;
  return (with recursive tree(id, depth) as (
            select root, 0
            union all
            select a.id, t.depth + 1 from agencies a join tree t on a.parent_agency_id = t.id where t.depth < 16)
          select array_agg(distinct id order by id) from tree);
end`,
  },
  {
    // Takes the advisory locks it is given (sorted, so that transactions locking overlapping sets
    // cannot deadlock), then reads, each statement with a fresh snapshot taken after the locks:
    // the registry entries the filings name, the enterprises' filings in the given periods
    // (cancelled ones never count; a joint agency is on a visit once it accepted), the stored
    // responses of the given Idempotency-Keys, p_numbers new filing numbers, the grounds the filings
    // cite (by reference) with how many filings of each agency and enterprise each one grounds (an
    // emergency citing its trigger uses it too), and the referrals that send an agency to an
    // enterprise outside its region. One round trip for everything a decision needs.
    name: 'filing_facts',
    args:
      'p_lock_ns int[], p_lock_keys text[], p_usccs text[], p_agency_ids text[], p_inspector_ids text[], ' +
      'p_period_usccs text[], p_period_from timestamptz[], p_period_to timestamptz[], ' +
      'p_idem_principals text[], p_idem_keys text[], p_numbers int, p_refs text[]',
    returns: 'json',
    body: `
declare
  result json;
begin
  perform pg_advisory_xact_lock(l.ns, l.k)
    from (select distinct ns, hashtext(key) as k from unnest(p_lock_ns, p_lock_keys) as x(ns, key) order by 1, 2) l;
  select json_build_object(
    'enterprises', (select coalesce(json_agg(json_build_object('uscc', e.uscc, 'region', e.region, 'riskClass', e.risk_class,
                       'noDisturb', e.no_disturb)), '[]'::json)
                      from enterprises e where e.uscc = any(p_usccs)),
    'agencies', (select coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'active', a.active, 'region', a.region,
                    'itemCodes', coalesce((select json_agg(i.code) from agency_items i where i.agency_id = a.id),
                      '[]'::json),
                    -- most agencies are a system of their own: no walk up and down the tree for them
                    'systemIds', case when a.parent_agency_id is null
                                       and not exists (select 1 from agencies c where c.parent_agency_id = a.id)
                                      then array[a.id] else agency_system(a.id) end)), '[]'::json)
                   from agencies a where a.id = any(p_agency_ids)),
    'grounds', (select coalesce(json_agg(json_build_object('id', g.id, 'kind', g.kind, 'reference', g.reference,
                   'enterpriseUscc', g.enterprise_uscc, 'agencyIds', g.agency_ids, 'level', g.level, 'validFrom', g.valid_from,
                   'validTo', g.valid_to, 'maxVisits', g.max_visits, 'status', g.status,
                   'uses', coalesce((select json_object_agg(u.k, u.n) from (
                             select f.agency_id || '|' || f.enterprise_uscc as k, count(*) as n from filings f
                             where f.status <> 'cancelled' and (f.ground_id = g.id
                               or (f.type = 'emergency' and f.trigger_kind = g.kind and f.trigger_reference = g.reference
                                   and f.enterprise_uscc = g.enterprise_uscc))
                             group by 1) u), '{}'::json))
                   order by g.id), '[]'::json)
                  from grounds g where g.reference = any(p_refs)
                    or (g.kind = 'referral' and g.enterprise_uscc = any(p_usccs) and g.agency_ids && p_agency_ids)),
    'inspectors', (select coalesce(json_agg(json_build_object('id', p.id, 'agencyId', p.agency_id, 'credentialNo', p.credential_no,
                      'validUntil', p.valid_until)), '[]'::json)
                     from inspectors p where p.id = any(p_inspector_ids)),
    'history', (select coalesce(json_agg(json_build_object('id', f.id, 'filingNo', f.filing_no, 'enterpriseUscc', f.enterprise_uscc,
                   'agencyId', f.agency_id, 'agencyName', a.name, 'type', f.type, 'plannedStart', f.planned_start,
                   'plannedEnd', f.planned_end, 'onSite', f.on_site, 'status', f.status,
                   'jointAgencyIds', coalesce((select array_agg(r.agency_id order by r.agency_id) from joint_responses r
                                               where r.filing_id = f.id and r.status = 'accepted'), '{}'),
                   'campaignLevel', f.campaign_level, 'resultOutcome', f.result_outcome, 'conductedAt', f.conducted_at)
                   order by f.planned_start, f.id), '[]'::json)
                  from filings f join agencies a on a.id = f.agency_id
                  where f.status <> 'cancelled' and f.id in (
                    select h.id from unnest(p_period_usccs, p_period_from, p_period_to) as w(uscc, p_from, p_to)
                      join filings h on h.enterprise_uscc = w.uscc and h.planned_start < w.p_to and h.planned_end > w.p_from)),
    'idempotency', (select coalesce(json_agg(json_build_object('principalId', k.principal_id, 'key', k.idem_key,
                       'requestHash', k.request_hash, 'status', k.status_code, 'body', k.response)), '[]'::json)
                      from unnest(p_idem_principals, p_idem_keys) as i(principal_id, idem_key)
                      join idempotency_keys k on k.principal_id = i.principal_id and k.idem_key = i.idem_key),
    'numbers', (select coalesce(json_agg(nextval('filing_no_seq')), '[]'::json) from generate_series(1, p_numbers)))
    into result;
  return result;
end`,
  },
];

/** The tables whose rows the audit trail speaks for: emptying one in a stroke is refused. */
export const auditedTables = [
  'audit_events',
  'audit_heads',
  'audit_roots',
  'agencies',
  'agency_item_records',
  'inspectors',
  'enterprises',
  'grounds',
  'api_keys',
  'filings',
  'filing_attempts',
  'filing_arrivals',
  'joint_responses',
  'decisions',
  'violations',
  'violation_changes',
  'feedback',
  'report_ratings',
  'draw_plans',
  'draws',
  'draw_assignments',
  'draw_populations',
] as const;

export const triggers: readonly SqlTrigger[] = [
  { name: 'filings_guard', table: 'filings', when: 'before update or delete', function: 'filings_guard' },
  { name: 'filings_changed', table: 'filings', when: 'after update', function: 'notify_filing_changed' },
  { name: 'audit_events_append_only', table: 'audit_events', when: 'before update or delete', function: 'audit_events_append_only' },
  { name: 'api_keys_changed', table: 'api_keys', when: 'after update of revoked_at, expires_at', function: 'notify_key_changed' },
  { name: 'audit_heads_keep', table: 'audit_heads', when: 'before delete', function: 'audit_heads_keep' },
  { name: 'audit_roots_append_only', table: 'audit_roots', when: 'before update or delete', function: 'audit_events_append_only' },
  ...auditedTables.map((table) => ({
    name: `${table}_no_truncate`,
    table,
    when: 'before truncate',
    function: 'refuse_truncate',
    perStatement: true,
  })),
];

/** Creates or replaces every function and trigger above (a migration calls it whenever one of them changes). */
export async function applyFunctions(db: Kysely<unknown>): Promise<void> {
  for (const f of functions) {
    const volatility = f.volatility ?? 'volatile';
    await sql
      .raw(`create or replace function ${f.name}(${f.args}) returns ${f.returns} language plpgsql ${volatility} as $fn$${f.body}$fn$`)
      .execute(db);
  }
  for (const t of triggers) {
    // an earlier migration calling this runs before later tables exist: their triggers come with them
    const exists = await sql<{ r: string | null }>`select to_regclass(${t.table})::text as r`.execute(db);
    if (!exists.rows[0]?.r) continue;
    await sql.raw(`drop trigger if exists ${t.name} on ${t.table}`).execute(db);
    await sql
      .raw(
        `create trigger ${t.name} ${t.when} on ${t.table} ` +
          `for each ${t.perStatement ? 'statement' : 'row'} execute function ${t.function}()`,
      )
      .execute(db);
  }
}
