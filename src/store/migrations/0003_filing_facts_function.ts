import { sql, type Kysely } from 'kysely';

// Takes the transaction locks of a set of enterprises and reads the structural facts of their
// filings in one round trip. Locks are taken in the order of their keys, so two transactions
// locking overlapping sets cannot deadlock. Statements in a volatile PL/pgSQL function take a
// fresh snapshot each, so the read sees everything committed before the locks were granted (a
// plain SELECT calling the lock functions would read with a snapshot taken before them).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function filing_facts(p_usccs text[], p_agency_ids text[], p_inspector_ids text[], p_lock boolean)
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
                        'itemCodes', coalesce((select json_agg(i.code) from agency_items i where i.agency_id = a.id), '[]'::json))), '[]'::json)
                       from agencies a where a.id = any(p_agency_ids)),
        'inspectors', (select coalesce(json_agg(json_build_object('id', p.id, 'agencyId', p.agency_id, 'credentialNo', p.credential_no,
                          'validUntil', p.valid_until)), '[]'::json)
                         from inspectors p where p.id = any(p_inspector_ids)))
        into result;
      return result;
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists filing_facts(text[], text[], text[], boolean)`.execute(db);
}
