import { sql, type Kysely } from 'kysely';
import { applyFunctions } from '../functions.js';

// Each chain's head (its length and last hash) is signed by the service with a key the database
// never holds, and once a day the heads are folded into a signed root chained to the day before,
// which the digest carries out of the database. The rows hold only signatures: without the key
// they can be read, not made. The audited tables refuse TRUNCATE (functions.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_heads (
      chain text primary key,
      seq integer not null,
      hash text not null,
      key_id text not null,
      signature text not null,
      signed_at timestamptz not null default now()
    );
    create table audit_roots (
      seq integer primary key,
      day date not null unique,
      created_at timestamptz not null,
      prev_root text not null,
      heads_digest text not null,
      chains integer not null,
      events bigint not null,
      -- the heads that changed since the root before (the whole set is rebuilt from these)
      changed jsonb not null,
      root text not null,
      key_id text not null,
      signature text not null
    );
  `.execute(db);
  await applyFunctions(db);
}

export async function down(): Promise<void> {
  // the definitions in force are those of functions.ts: nothing to undo
}
