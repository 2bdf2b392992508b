import { sql, type Kysely } from 'kysely';

// Keys that expire, and revocations every process hears of at once: a change to a key's
// revocation or expiry is NOTIFYed (its hash) on `key_changed`, and each process's
// authentication cache drops it. Inspectors' credentials can be ended early (revoked) with a
// reason; the rules already refuse a credential past its valid_until, which a revocation moves to
// the day before it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys add column expires_at timestamptz`.execute(db);
  await sql`
    create function notify_key_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('key_changed', new.key_hash);
      return new;
    end $$`.execute(db);
  await sql`
    create trigger api_keys_changed after update of revoked_at, expires_at on api_keys
      for each row execute function notify_key_changed()`.execute(db);
  await sql`alter table inspectors add column revoked_at timestamptz, add column revoke_reason text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists api_keys_changed on api_keys; drop function if exists notify_key_changed;`.execute(db);
  await sql`alter table api_keys drop column if exists expires_at`.execute(db);
  await sql`alter table inspectors drop column if exists revoked_at, drop column if exists revoke_reason`.execute(db);
}
