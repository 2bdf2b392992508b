import { sql, type Kysely } from 'kysely';

// Web pages sign in with a key once and then carry a session cookie. Sessions live in the
// database so that signing out ends them in every process, and so that a revoked key ends its
// sessions with it. The cookie carries a random token; only its hash is stored.
// app_secrets holds the cookie-signing secret when SESSION_SECRET is not set, so that every
// process on one database signs alike without the operator having to make one up.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table web_sessions (
      id text primary key,
      key_id text not null references api_keys (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ended_at timestamptz
    )`.execute(db);
  await sql`create index web_sessions_key on web_sessions (key_id)`.execute(db);
  await sql`
    create table app_secrets (
      name text primary key,
      value text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists web_sessions`.execute(db);
  await sql`drop table if exists app_secrets`.execute(db);
}
