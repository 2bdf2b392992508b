import { sql, type Kysely } from 'kysely';

// An agency lists the filings it leads and those it is a joint agency of: the second needs an
// index on the array, or every agency's list would read the whole table. Partial: most filings
// have no joint agency, and their inserts should not pay for (or queue on) a GIN index
// (measured: a full one cost filing throughput about a seventh under load).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index filings_joint_agencies on filings using gin (joint_agency_ids) where cardinality(joint_agency_ids) > 0`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists filings_joint_agencies`.execute(db);
}
