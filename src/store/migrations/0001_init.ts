import { sql, type Kysely } from 'kysely';

// Filings and the audit trail are append-only, enforced by the database itself so that no code
// path (or a hand-typed UPDATE) can rewrite history unnoticed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table agencies (
      id text primary key,
      code text not null unique,
      name text not null,
      region text not null,
      active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create table agency_items (
      agency_id text not null references agencies(id),
      code text not null,
      name text not null,
      basis text not null,
      primary key (agency_id, code)
    );
    create table inspectors (
      id text primary key,
      agency_id text not null references agencies(id),
      name text not null,
      credential_no text not null,
      valid_until date not null,
      created_at timestamptz not null default now(),
      unique (agency_id, credential_no)
    );
    create index inspectors_agency on inspectors (agency_id);
    create table enterprises (
      uscc text primary key,
      name text not null,
      region text not null,
      industry text,
      risk_class text check (risk_class in ('A', 'B', 'C', 'D')),
      no_disturb boolean not null default false,
      created_at timestamptz not null default now()
    );
    create index enterprises_region on enterprises (region);
    create table decisions (
      id text primary key,
      outcome text not null check (outcome in ('allow', 'warn', 'block')),
      findings jsonb not null,
      rule_sets jsonb not null,
      evaluated_at timestamptz not null
    );
    create sequence filing_no_seq;
    create table filings (
      id text primary key,
      filing_no text not null unique,
      verify_code text not null unique,
      agency_id text not null references agencies(id),
      enterprise_uscc text not null references enterprises(uscc),
      region text not null,
      type text not null,
      item_codes text[] not null,
      inspector_ids text[] not null,
      joint_agency_ids text[] not null,
      planned_start timestamptz not null,
      planned_end timestamptz not null,
      on_site boolean not null,
      reason text,
      on_site_justification text,
      purpose text not null,
      requires_legal_representative boolean not null,
      decision_id text not null references decisions(id),
      filed_at timestamptz not null,
      filed_by text not null,
      status text not null check (status in ('filed', 'in_progress', 'completed', 'cancelled')),
      arrived_at timestamptz,
      result_outcome text,
      conducted_at timestamptz,
      result_summary text,
      cancelled_at timestamptz,
      cancel_reason text
    );
    create index filings_enterprise_start on filings (enterprise_uscc, planned_start);
    create index filings_agency_list on filings (agency_id, filed_at desc, id desc);
    create index filings_region_list on filings (region, filed_at desc, id desc);
    create index filings_list on filings (filed_at desc, id desc);

    create function filings_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'filings are never deleted (filing %)', old.id;
      end if;
      if (new.id, new.filing_no, new.verify_code, new.agency_id, new.enterprise_uscc, new.region, new.type,
          new.item_codes, new.inspector_ids, new.joint_agency_ids, new.planned_start, new.planned_end,
          new.on_site, new.reason, new.on_site_justification, new.purpose, new.requires_legal_representative, new.decision_id,
          new.filed_at, new.filed_by)
         is distinct from
         (old.id, old.filing_no, old.verify_code, old.agency_id, old.enterprise_uscc, old.region, old.type,
          old.item_codes, old.inspector_ids, old.joint_agency_ids, old.planned_start, old.planned_end,
          old.on_site, old.reason, old.on_site_justification, old.purpose, old.requires_legal_representative, old.decision_id,
          old.filed_at, old.filed_by) then
        raise exception 'the filed content of filing % is never edited in place', old.id;
      end if;
      if (old.arrived_at is not null and new.arrived_at is distinct from old.arrived_at)
         or (old.conducted_at is not null and new.conducted_at is distinct from old.conducted_at)
         or (old.cancelled_at is not null and new.cancelled_at is distinct from old.cancelled_at) then
        raise exception 'lifecycle facts of filing % are recorded once', old.id;
      end if;
      return new;
    end $$;
    create trigger filings_guard before update or delete on filings
      for each row execute function filings_guard();

    create table filing_attempts (
      id text primary key,
      agency_id text not null,
      enterprise_uscc text not null,
      region text not null,
      body jsonb not null,
      decision_id text not null references decisions(id),
      attempted_at timestamptz not null,
      actor text not null
    );
    create index filing_attempts_enterprise on filing_attempts (enterprise_uscc, attempted_at);
    create index filing_attempts_at on filing_attempts (attempted_at);

    create table api_keys (
      id text primary key,
      key_hash text not null unique,
      role text not null check (role in ('admin', 'supervisor', 'agency', 'enterprise')),
      name text not null,
      agency_id text references agencies(id),
      uscc text references enterprises(uscc),
      regions text[] not null default '{}',
      created_at timestamptz not null default now(),
      revoked_at timestamptz
    );

    create table audit_events (
      id bigserial primary key,
      chain text not null,
      seq integer not null,
      at timestamptz not null,
      actor text not null,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      payload jsonb not null,
      prev_hash text not null,
      hash text not null,
      unique (chain, seq)
    );
    create index audit_events_entity on audit_events (entity_type, entity_id);
    create function audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit trail is append-only';
    end $$;
    create trigger audit_events_append_only before update or delete on audit_events
      for each row execute function audit_events_append_only();

    create table violations (
      id text primary key,
      kind text not null,
      status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved', 'dismissed')),
      agency_id text,
      enterprise_uscc text not null,
      region text not null,
      filing_id text references filings(id),
      details jsonb not null,
      raised_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index violations_region on violations (region, raised_at desc);
    create index violations_filing on violations (filing_id);

    create table idempotency_keys (
      principal_id text not null,
      idem_key text not null,
      request_hash text not null,
      status_code integer,
      response jsonb,
      created_at timestamptz not null default now(),
      primary key (principal_id, idem_key)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists idempotency_keys, violations, audit_events, api_keys, filing_attempts, filings,
      decisions, enterprises, inspectors, agency_items, agencies cascade;
    drop sequence if exists filing_no_seq;
    drop function if exists filings_guard, audit_events_append_only;
  `.execute(db);
}
