import { sql, type Kysely } from 'kysely';

// One credential number is one person's: unique across all agencies, however it is spelt (case,
// separators), so that no agency can register another's officer as its own.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create unique index inspectors_credential_unique
    on inspectors (upper(regexp_replace(credential_no, '[^0-9A-Za-z]', '', 'g')))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists inspectors_credential_unique`.execute(db);
}
