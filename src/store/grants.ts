import { sql } from 'kysely';
import type { Db } from './db.js';

/**
 * What the service's own role needs on PostgreSQL, granted by the owner (who runs migrations): the
 * rows, never the tables. Without ownership it cannot TRUNCATE, switch a trigger off or alter a
 * table, so the append-only and no-truncate triggers hold against the service itself; the audit
 * trail's events and roots are insert-only even before the triggers speak.
 */
export async function grantServiceRole(db: Db, role: string): Promise<void> {
  const r = sql.id(role);
  await sql`grant usage on schema public to ${r}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${r}`.execute(db);
  await sql`revoke update, delete on audit_events, audit_roots from ${r}`.execute(db);
  await sql`revoke delete on audit_heads, filings, decisions from ${r}`.execute(db);
  await sql`revoke truncate, trigger, references on all tables in schema public from ${r}`.execute(db);
  await sql`grant usage, select on all sequences in schema public to ${r}`.execute(db);
  await sql`grant execute on all functions in schema public to ${r}`.execute(db);
}
