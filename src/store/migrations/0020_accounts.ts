import { sql, type Kysely } from 'kysely';

// Accounts for people: an enterprise (or a member of staff) signs in to the pages with a login
// and a password instead of an API key. An account is bound to an api_keys row that carries its
// identity (role and scope), so sessions, revocation and every permission check stay those of
// keys: an enterprise's account has a key of its own whose secret nobody knows (only its hash is
// stored); staff accounts are bound to the key an administrator already gave them.
// The password is set with a one-time activation code (a letter or message to the holder); only
// hashes of codes and passwords are kept. Remembered devices carry a long-lived token (hashed
// here, like sessions) that starts a new session when the working day's one is gone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table accounts (
      id text primary key,
      login text not null unique,
      key_id text not null unique references api_keys (id),
      password_hash text,
      password_set_at timestamptz,
      code_hash text,
      code_expires_at timestamptz,
      code_spent_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table remembered_devices (
      id text primary key,
      account_id text not null references accounts (id),
      key_id text not null references api_keys (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ended_at timestamptz
    )`.execute(db);
  await sql`create index remembered_devices_account on remembered_devices (account_id)`.execute(db);
  // a login is typed in any case: two that differ only by case would be one person's to guess
  await sql`create unique index accounts_login_any_case on accounts (lower(login))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists remembered_devices`.execute(db);
  await sql`drop table if exists accounts`.execute(db);
}
