import { sql, type Kysely } from 'kysely';

// Violations become a worked case: who raised it and how (a rule at filing, an enterprise's
// report or rating, a supervisor's own check, a sweep), what happened when, and every status
// change with its note. Ratings, once per completed filing. Job runs, at most one succeeded run
// per job and period, which is what keeps a job from running twice across processes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table violations
      alter column enterprise_uscc drop not null,
      add column source text not null default 'system' check (source in ('system', 'report', 'feedback', 'supervisor')),
      add column occurred_at timestamptz,
      add column raised_by text,
      add column description text,
      add column conduct_rule_ids text[] not null default '{}',
      add column agency_name text,
      add column hotline text check (hotline in ('12345', '8890')),
      add column hotline_ticket text,
      add column evidence jsonb,
      add column status_note text,
      add column dedupe_key text unique;
    update violations set occurred_at = raised_at;
    alter table violations alter column occurred_at set not null;
    alter table violations add constraint violations_party check (enterprise_uscc is not null or agency_id is not null);
    create index violations_agency on violations (agency_id, raised_at desc);
    create index violations_unresolved on violations (raised_at) where status in ('open', 'acknowledged');

    create table violation_changes (
      id bigserial primary key,
      violation_id text not null references violations(id),
      at timestamptz not null,
      actor text not null,
      from_status text not null,
      to_status text not null,
      note text not null
    );
    create index violation_changes_violation on violation_changes (violation_id, id);

    create table feedback (
      filing_id text primary key references filings(id),
      enterprise_uscc text not null,
      agency_id text not null,
      region text not null,
      rating smallint not null check (rating between 1 and 5),
      conduct_rule_ids text[] not null default '{}',
      comment text,
      violation_id text references violations(id),
      given_at timestamptz not null,
      given_by text not null
    );
    create index feedback_agency on feedback (agency_id, given_at);

    create table job_runs (
      id text primary key,
      job text not null,
      period text not null,
      outcome text not null check (outcome in ('succeeded', 'failed')),
      trigger text not null check (trigger in ('schedule', 'manual', 'catch-up')),
      started_at timestamptz not null,
      finished_at timestamptz not null,
      duration_ms integer not null,
      summary jsonb not null,
      error text,
      host text not null
    );
    create unique index job_runs_once on job_runs (job, period) where outcome = 'succeeded';
    create index job_runs_started on job_runs (started_at desc, id);

    -- digests: one per day and supervisor scope (regions joined; '' = everywhere), delivered once
    -- per day, channel and recipient
    alter table api_keys add column email text;
    create table digests (
      day date not null,
      scope text not null,
      regions text[] not null,
      content jsonb not null,
      created_at timestamptz not null,
      primary key (day, scope)
    );
    create table digest_deliveries (
      id text primary key,
      day date not null,
      channel text not null check (channel in ('mail', 'webhook')),
      recipient text not null,
      scopes text[] not null,
      status text not null check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text,
      claimed_at timestamptz,
      sent_at timestamptz,
      unique (day, channel, recipient)
    );
    create index violations_raised on violations (raised_at);
    create index feedback_given on feedback (given_at);

    -- the sweep reads only filings still waiting for a result
    create index filings_unfinished_end on filings (planned_end) where status in ('filed', 'in_progress');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists filings_unfinished_end;
    drop table if exists digest_deliveries, digests, job_runs, feedback, violation_changes;
    alter table api_keys drop column if exists email;
    drop index if exists violations_raised;
    delete from violations where enterprise_uscc is null;
    alter table violations drop constraint if exists violations_party,
      drop column source, drop column occurred_at, drop column raised_by, drop column description,
      drop column conduct_rule_ids, drop column agency_name, drop column hotline, drop column hotline_ticket,
      drop column evidence, drop column status_note, drop column dedupe_key,
      alter column enterprise_uscc set not null;
    drop index if exists violations_agency, violations_unresolved;
  `.execute(db);
}
