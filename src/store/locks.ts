import { sql } from 'kysely';
import type { Db } from './db.js';

/**
 * The one registry of advisory-lock namespaces (the first key of the two-int form), so unrelated
 * locks never collide. SQL functions never name a namespace themselves: callers pass the pairs
 * from here (see filing_facts).
 */
export const LockNamespace = {
  /** writes about one enterprise: filings, lifecycle changes and its audit chain */
  enterprise: 1,
  /** audit chains that are not an enterprise's (agencies, keys) */
  auditChain: 2,
  /** one Idempotency-Key of one principal, held by the transaction that answers it */
  idempotency: 3,
  /** one job and period: a run on any process holds it, so a job runs once per period */
  job: 4,
  /** the agencies' tree of parents: one change at a time, so that two changes cannot make a cycle together */
  agencyTree: 5,
} as const;
export type LockNamespaceId = (typeof LockNamespace)[keyof typeof LockNamespace];

/** A lock to take: a namespace and a text key, hashed with hashtext() in the database. */
export interface LockKey {
  ns: LockNamespaceId;
  key: string;
}

export const idempotencyLockKey = (principalId: string, key: string): LockKey => ({
  ns: LockNamespace.idempotency,
  key: `${principalId}\n${key}`,
});

async function xactLock(trx: Db, { ns, key }: LockKey): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ns}::int, hashtext(${key}))`.execute(trx);
}

/** Serializes writes about one enterprise only; filings for other enterprises proceed in parallel. */
export const lockEnterprise = (trx: Db, uscc: string) => xactLock(trx, { ns: LockNamespace.enterprise, key: uscc });
export const lockChain = (trx: Db, chain: string) => xactLock(trx, { ns: LockNamespace.auditChain, key: chain });
export const lockIdempotencyKey = (trx: Db, principalId: string, key: string) => xactLock(trx, idempotencyLockKey(principalId, key));
export const lockJob = (trx: Db, job: string, period: string) => xactLock(trx, { ns: LockNamespace.job, key: `${job}\n${period}` });
export const lockAgencyTree = (trx: Db) => xactLock(trx, { ns: LockNamespace.agencyTree, key: 'parents' });
