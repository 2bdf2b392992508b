import { sql, type Kysely } from 'kysely';

// Takes the transaction locks of a set of enterprises and reads the facts of their filings (the
// registry entries they name and the enterprises' filing history) in one round trip. Locks are
// taken in the order of their keys, so two transactions locking overlapping sets cannot
// deadlock. Statements in a volatile PL/pgSQL function take a
// fresh snapshot each, so the read sees everything committed before the locks were granted (a
// plain SELECT calling the lock functions would read with a snapshot taken before them).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function filing_facts(p_usccs text[], p_agency_ids text[], p_inspector_ids text[], p_lock boolean,
      p_history_from timestamptz, p_history_to timestamptz)
    returns json language plpgsql volatile as $$
    declare
      result json;
    begin
      if p_lock then
        perform pg_advisory_xact_lock(1, k) from (select distinct hashtext(u) as k from unnest(p_usccs) u order by 1) keys;
      end if;
      select json_build_object(
        'enterprises', (select coalesce(json_agg(json_build_object('uscc', e.uscc, 'region', e.region, 'riskClass', e.risk_class,
                           'noDisturb', e.no_disturb)), '[]'::json)
                          from enterprises e where e.uscc = any(p_usccs)),
        'agencies', (select coalesce(json_agg(json_build_object('id', a.id, 'active', a.active, 'region', a.region,
                        'itemCodes', coalesce((select json_agg(i.code) from agency_items i where i.agency_id = a.id),
                          '[]'::json))), '[]'::json)
                       from agencies a where a.id = any(p_agency_ids)),
        'inspectors', (select coalesce(json_agg(json_build_object('id', p.id, 'agencyId', p.agency_id, 'credentialNo', p.credential_no,
                          'validUntil', p.valid_until)), '[]'::json)
                         from inspectors p where p.id = any(p_inspector_ids)),
        -- the enterprises' filings around the new ones (cancelled ones never count)
        'history', (select coalesce(json_agg(json_build_object('id', f.id, 'filingNo', f.filing_no, 'enterpriseUscc', f.enterprise_uscc,
                       'agencyId', f.agency_id, 'agencyName', a.name, 'type', f.type, 'plannedStart', f.planned_start,
                       'plannedEnd', f.planned_end, 'onSite', f.on_site, 'status', f.status, 'jointAgencyIds', f.joint_agency_ids,
                       'resultOutcome', f.result_outcome, 'conductedAt', f.conducted_at) order by f.planned_start), '[]'::json)
                      from filings f join agencies a on a.id = f.agency_id
                      where f.enterprise_uscc = any(p_usccs) and f.status <> 'cancelled'
                        and f.planned_start < p_history_to and f.planned_end > p_history_from))
        into result;
      return result;
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists filing_facts(text[], text[], text[], boolean, timestamptz, timestamptz)`.execute(db);
}
