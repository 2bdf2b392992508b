import { sql, type Kysely } from 'kysely';

// Random inspections (双随机): draw plans per agency; each draw is committed (the SHA-256 of
// its seed published) before it is made, and records what it was made from (the sorted
// population, the inspector pool, the pairs to avoid) so that anyone can make it again; its
// assignments are what a `random` filing must name. The assignment a filing names is filed
// content, so the guard covers it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table draw_plans (
      id text primary key,
      agency_id text not null references agencies(id),
      name text not null,
      filter jsonb not null,
      ratio double precision,
      size integer,
      exclude_inspected_within_days integer not null default 0,
      include_no_disturb boolean not null default false,
      period_days integer not null,
      every_days integer,
      next_draw_on date,
      created_at timestamptz not null,
      created_by text not null,
      check ((ratio is null) <> (size is null))
    );
    create index draw_plans_due on draw_plans (next_draw_on) where next_draw_on is not null;

    create table draws (
      id text primary key,
      plan_id text not null references draw_plans(id),
      agency_id text not null references agencies(id),
      status text not null check (status in ('committed', 'drawn')),
      seed_hash text not null,
      seed text,
      committed_at timestamptz not null,
      drawn_at timestamptz,
      draw_day date,
      target integer,
      -- the exact JSON text whose SHA-256 is population_hash: [[uscc, stratum], ...] sorted by uscc
      population text,
      population_size integer,
      population_hash text,
      pool text[],
      avoid jsonb,
      excluded jsonb
    );
    create unique index draws_one_committed on draws (plan_id) where status = 'committed';
    create index draws_agency on draws (agency_id, committed_at desc);

    create table draw_assignments (
      id text primary key,
      draw_id text not null references draws(id),
      seq integer not null,
      agency_id text not null,
      enterprise_uscc text not null references enterprises(uscc),
      region text not null,
      stratum text not null,
      inspector_ids text[] not null,
      period_start timestamptz not null,
      period_end timestamptz not null,
      status text not null check (status in ('open', 'filed', 'expired')),
      filing_id text references filings(id),
      unique (draw_id, seq)
    );
    create index draw_assignments_open_end on draw_assignments (period_end) where status = 'open';

    alter table filings add column draw_assignment_id text references draw_assignments(id);

    create or replace function filings_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'filings are never deleted (filing %)', old.id;
      end if;
      if (new.id, new.filing_no, new.verify_code, new.agency_id, new.enterprise_uscc, new.region, new.type,
          new.item_codes, new.inspector_ids, new.joint_agency_ids, new.planned_start, new.planned_end,
          new.on_site, new.reason, new.on_site_justification, new.purpose, new.requires_legal_representative, new.decision_id,
          new.filed_at, new.filed_by, new.legal_representative_reason, new.trigger_kind, new.trigger_reference,
          new.campaign_level, new.campaign_reference, new.draw_assignment_id)
         is distinct from
         (old.id, old.filing_no, old.verify_code, old.agency_id, old.enterprise_uscc, old.region, old.type,
          old.item_codes, old.inspector_ids, old.joint_agency_ids, old.planned_start, old.planned_end,
          old.on_site, old.reason, old.on_site_justification, old.purpose, old.requires_legal_representative, old.decision_id,
          old.filed_at, old.filed_by, old.legal_representative_reason, old.trigger_kind, old.trigger_reference,
          old.campaign_level, old.campaign_reference, old.draw_assignment_id) then
        raise exception 'the filed content of filing % is never edited in place', old.id;
      end if;
      if (old.arrived_at is not null and new.arrived_at is distinct from old.arrived_at)
         or (old.conducted_at is not null and new.conducted_at is distinct from old.conducted_at)
         or (old.cancelled_at is not null and new.cancelled_at is distinct from old.cancelled_at) then
        raise exception 'lifecycle facts of filing % are recorded once', old.id;
      end if;
      return new;
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table filings drop column if exists draw_assignment_id;
    drop table if exists draw_assignments, draws, draw_plans;
  `.execute(db);
}
