import { sql, type Kysely } from 'kysely';

// Issue 17, continued:
// - every arrival is an event of its own (who confirmed, when, inside the window or not): an
//   agency recording its arrival never shuts out the enterprise's confirmation;
// - a joint agency answers for itself: accepted or declined, and only an accepted visit counts for it;
// - a draw plan can be stopped, never edited.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table filing_arrivals (
      id text primary key,
      filing_id text not null references filings(id),
      by_role text not null check (by_role in ('enterprise', 'agency')),
      actor text not null,
      at timestamptz not null,
      within_window boolean not null,
      violation_id text references violations(id)
    );
    create index filing_arrivals_filing on filing_arrivals (filing_id, at);
    insert into filing_arrivals (id, filing_id, by_role, actor, at, within_window)
      select 'arr_' || f.id, f.id, 'enterprise', 'migration', f.arrived_at, f.arrived_at between f.planned_start and f.planned_end
        from filings f where f.arrived_at is not null;

    create table joint_responses (
      filing_id text not null references filings(id),
      agency_id text not null references agencies(id),
      status text not null check (status in ('accepted', 'declined')),
      reason text,
      decision_id text references decisions(id),
      at timestamptz not null,
      actor text not null,
      primary key (filing_id, agency_id)
    );
    -- the joint visits filed before agencies answered for themselves stand as accepted
    insert into joint_responses (filing_id, agency_id, status, at, actor)
      select f.id, j, 'accepted', f.filed_at, 'migration' from filings f cross join unnest(f.joint_agency_ids) as j;

    alter table draw_plans add column stopped_at timestamptz, add column stop_reason text, add column stopped_by text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table draw_plans drop column stopped_at, drop column stop_reason, drop column stopped_by;
    drop table joint_responses;
    drop table filing_arrivals;
  `.execute(db);
}
