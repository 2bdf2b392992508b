import { sql, type Kysely } from 'kysely';

// Issue 6 (hardening):
// - filings carry their grounds: the case trigger, a higher-level campaign, and the reason for
//   requiring the legal representative; all of it is filed content, so the guard covers it;
// - an Idempotency-Key is only ever stored with its response, written in the transaction that
//   produced it (a claim that could outlive a crashed process no longer exists);
// - filing_facts takes the locks it is given (namespaces from the TypeScript lock registry) and
//   reads the history periods it is given, instead of constants of its own.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table filings
      add column legal_representative_reason text,
      add column trigger_kind text check (trigger_kind in ('complaint', 'referral', 'monitoring', 'accident', 'assignment', 'other')),
      add column trigger_reference text,
      add column campaign_level text check (campaign_level in ('higher')),
      add column campaign_reference text,
      add constraint filings_trigger_complete check ((trigger_kind is null) = (trigger_reference is null)),
      add constraint filings_campaign_complete check ((campaign_level is null) = (campaign_reference is null));

    create or replace function filings_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'filings are never deleted (filing %)', old.id;
      end if;
      if (new.id, new.filing_no, new.verify_code, new.agency_id, new.enterprise_uscc, new.region, new.type,
          new.item_codes, new.inspector_ids, new.joint_agency_ids, new.planned_start, new.planned_end,
          new.on_site, new.reason, new.on_site_justification, new.purpose, new.requires_legal_representative, new.decision_id,
          new.filed_at, new.filed_by, new.legal_representative_reason, new.trigger_kind, new.trigger_reference,
          new.campaign_level, new.campaign_reference)
         is distinct from
         (old.id, old.filing_no, old.verify_code, old.agency_id, old.enterprise_uscc, old.region, old.type,
          old.item_codes, old.inspector_ids, old.joint_agency_ids, old.planned_start, old.planned_end,
          old.on_site, old.reason, old.on_site_justification, old.purpose, old.requires_legal_representative, old.decision_id,
          old.filed_at, old.filed_by, old.legal_representative_reason, old.trigger_kind, old.trigger_reference,
          old.campaign_level, old.campaign_reference) then
        raise exception 'the filed content of filing % is never edited in place', old.id;
      end if;
      if (old.arrived_at is not null and new.arrived_at is distinct from old.arrived_at)
         or (old.conducted_at is not null and new.conducted_at is distinct from old.conducted_at)
         or (old.cancelled_at is not null and new.cancelled_at is distinct from old.cancelled_at) then
        raise exception 'lifecycle facts of filing % are recorded once', old.id;
      end if;
      return new;
    end $$;

    delete from idempotency_keys where status_code is null or response is null;
    alter table idempotency_keys alter column status_code set not null, alter column response set not null;

    drop function filing_facts(text[], text[], text[], boolean, timestamptz, timestamptz);
    -- Takes the advisory locks it is given (sorted, so that transactions locking overlapping sets
    -- cannot deadlock), then reads, each statement with a fresh snapshot taken after the locks:
    -- the registry entries the filings name, the enterprises' filings in the given periods
    -- (cancelled ones never count), the stored responses of the given Idempotency-Keys, and
    -- p_numbers new filing numbers.
    create function filing_facts(p_lock_ns int[], p_lock_keys text[], p_usccs text[], p_agency_ids text[], p_inspector_ids text[],
      p_period_usccs text[], p_period_from timestamptz[], p_period_to timestamptz[],
      p_idem_principals text[], p_idem_keys text[], p_numbers int)
    returns json language plpgsql volatile as $$
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
                          '[]'::json))), '[]'::json)
                       from agencies a where a.id = any(p_agency_ids)),
        'inspectors', (select coalesce(json_agg(json_build_object('id', p.id, 'agencyId', p.agency_id, 'credentialNo', p.credential_no,
                          'validUntil', p.valid_until)), '[]'::json)
                         from inspectors p where p.id = any(p_inspector_ids)),
        'history', (select coalesce(json_agg(json_build_object('id', f.id, 'filingNo', f.filing_no, 'enterpriseUscc', f.enterprise_uscc,
                       'agencyId', f.agency_id, 'agencyName', a.name, 'type', f.type, 'plannedStart', f.planned_start,
                       'plannedEnd', f.planned_end, 'onSite', f.on_site, 'status', f.status, 'jointAgencyIds', f.joint_agency_ids,
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
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function if exists filing_facts(int[], text[], text[], text[], text[], text[], timestamptz[], timestamptz[], text[], text[], int);
    alter table filings drop column legal_representative_reason, drop column trigger_kind, drop column trigger_reference,
      drop column campaign_level, drop column campaign_reference;
  `.execute(db);
}
