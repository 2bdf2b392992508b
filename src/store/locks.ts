import { sql } from 'kysely';
import type { Db } from './db.js';

// Advisory-lock namespaces (the first key of the two-int form), so unrelated locks never collide.
const NS_ENTERPRISE = 1;
const NS_CHAIN = 2;

/** Serializes writes about one enterprise only; filings for other enterprises proceed in parallel. */
export async function lockEnterprise(trx: Db, uscc: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${NS_ENTERPRISE}, hashtext(${uscc}))`.execute(trx);
}

export async function lockChain(trx: Db, chain: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${NS_CHAIN}, hashtext(${chain}))`.execute(trx);
}
