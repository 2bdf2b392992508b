import { sql, type Kysely } from 'kysely';

// An agency's published item list changes over the years; a filing keeps citing the items it
// was filed under. Items are therefore withdrawn, never deleted: every item ever published is a
// row of agency_item_records, and `agency_items` becomes the view of those in force, so that
// everything reading the published list (the rules' filing_facts among them) reads only what
// may be filed today, while a filing's page still names a withdrawn item and its basis.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table agency_items rename to agency_item_records;
    alter table agency_item_records add column withdrawn_at timestamptz;
    create view agency_items as
      select agency_id, code, name, basis from agency_item_records where withdrawn_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop view if exists agency_items;
    alter table agency_item_records drop column withdrawn_at;
    alter table agency_item_records rename to agency_items;
  `.execute(db);
}
