import { sql, type Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// An enterprise follows what it reported (我的反映): the supervisor's reply is the note of each
// status change, already kept per change in violation_changes; what is new is the enterprise's
// satisfaction with how its report was handled (满意度), once per report, after it was closed.
// The rates the county reports for its 12345/8890 lines (反馈率, 办结率, 满意率) are computed from
// these rows and the changes' times, so nothing else is stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_ratings (
      violation_id text primary key references violations(id),
      enterprise_uscc text not null,
      -- the agency the report is about, when it is registered (the scorecard counts by it)
      agency_id text,
      region text not null,
      rating smallint not null check (rating between 1 and 5),
      comment text,
      given_at timestamptz not null,
      given_by text not null
    );
    create index report_ratings_given on report_ratings (given_at);
    -- the rates read the reports about agencies received in a period
    create index if not exists violations_reports_by_agency on violations (agency_id, raised_at) where source = 'report';
  `.execute(db);
  // the new table is audited: it refuses TRUNCATE like the others (functions.ts)
  await applyFunctions(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists violations_reports_by_agency;
    drop table if exists report_ratings;
  `.execute(db);
}
