import { sql, type Kysely } from 'kysely';

// An enterprise's reports by when they came: the daily quota and the near-duplicate check read
// them on every report, and the digest counts them per enterprise and day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists violations_reports on violations (enterprise_uscc, raised_at) where source = 'report'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists violations_reports`.execute(db);
}
