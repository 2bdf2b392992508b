import { sql, type Kysely } from 'kysely';

// Where the enterprise can reach the agency that inspects it: printed on the 检查告知书 it is
// handed. Optional, as an agency registered before has neither until an administrator adds them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table agencies add column if not exists address text;
    alter table agencies add column if not exists phone text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table agencies drop column if exists phone;
    alter table agencies drop column if exists address;
  `.execute(db);
}
