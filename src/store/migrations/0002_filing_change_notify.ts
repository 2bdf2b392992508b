import { sql, type Kysely } from 'kysely';

// Every change to a filing row is announced, so that each app process can drop what it cached
// about that filing (the verification view) the moment the change commits.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function notify_filing_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('filing_changed', new.verify_code);
      return null;
    end $$;
    create trigger filings_changed after update on filings
      for each row execute function notify_filing_changed();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists filings_changed on filings; drop function if exists notify_filing_changed;`.execute(db);
}
