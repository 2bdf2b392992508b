import { sql } from 'kysely';
import type { Db } from '../store/db.js';
import {
  checkSignature,
  headMaterial,
  headsDigest,
  rootHash,
  rootMaterial,
  sign,
  type AuditKeyring,
  type HeadLine,
} from '../domain/audit-signing.js';
import {
  allHeads,
  allRoots,
  appendAudit,
  GENESIS_HASH,
  insertRoot,
  storeSignedHeads,
  type AuditEntry,
  type StoredRoot,
} from '../store/audit-repo.js';
import { activeAuditKeyring } from './audit-keyring.js';
import type { PublishedRoot } from './audit-verify.js';
import { lockChain, lockEnterprise } from '../store/locks.js';

// Chains are per enterprise (and per agency, and one for keys) so that writes about different
// enterprises never wait on one global lock; each chain is still totally ordered and hashed.
export const chains = {
  enterprise: (uscc: string) => `enterprise:${uscc}`,
  agency: (id: string) => `agency:${id}`,
  keys: 'keys',
  /** registry-wide events (a bulk import) */
  registry: 'registry',
} as const;

/**
 * Appends one event and signs the chain's new head. An enterprise chain shares the enterprise's
 * lock, so a use case that already holds it (filing) says so and saves the round trip.
 */
export async function record(trx: Db, entry: AuditEntry, opts: { lockHeld?: boolean } = {}): Promise<void> {
  if (!opts.lockHeld) {
    const uscc = entry.chain.startsWith('enterprise:') ? entry.chain.slice('enterprise:'.length) : null;
    await (uscc ? lockEnterprise(trx, uscc) : lockChain(trx, entry.chain));
  }
  await signHeads(trx, [await appendAudit(trx, entry)]);
}

/** Signs and stores chains' new heads, in the transaction that appended to them (which holds their locks). */
export async function signHeads(trx: Db, heads: HeadLine[]): Promise<void> {
  const ring = activeAuditKeyring();
  await storeSignedHeads(
    trx,
    heads.map((h) => ({ ...h, ...sign(ring, headMaterial(h.chain, h.seq, h.hash)) })),
  );
}

/**
 * The daily root: every chain's head folded into one signed hash, chained to the root before. The
 * digest carries it out of the database, so a mailbox holds each day's state of the whole trail.
 * Idempotent per day (a digest run again gets the same root). Heads whose signature does not
 * hold are left out (verification names them).
 */
export async function sealAuditDay(trx: Db, ring: AuditKeyring, day: string, at: Date): Promise<PublishedRoot> {
  // in the caller's transaction (the digest job's): the root and the digests that carry it commit together
  await lockChain(trx, 'audit-roots');
  const roots = await allRoots(trx);
  const done = roots.find((r) => r.day === day);
  if (done) return published(done);
  const map = new Map<string, HeadLine>();
  for (const r of roots) for (const h of r.changed) map.set(h.chain, h);
  const changed: HeadLine[] = [];
  for (const h of await allHeads(trx)) {
    if (checkSignature(ring, h, headMaterial(h.chain, h.seq, h.hash)) !== 'ok') continue;
    const before = map.get(h.chain);
    if (before && before.seq >= h.seq) continue;
    const line = { chain: h.chain, seq: h.seq, hash: h.hash };
    map.set(h.chain, line);
    changed.push(line);
  }
  const d = headsDigest(map.values());
  const fields = {
    seq: (roots.at(-1)?.seq ?? 0) + 1,
    day,
    prevRoot: roots.at(-1)?.root ?? GENESIS_HASH,
    headsDigest: d.digest,
    chains: d.chains,
    events: d.events,
  };
  const root = rootHash(fields);
  const stored = { ...fields, changed, root, ...sign(ring, rootMaterial(root)) };
  await insertRoot(trx, stored, at);
  return published(stored);
}

const published = (r: StoredRoot | Omit<StoredRoot, 'createdAt'>): PublishedRoot => ({
  seq: r.seq,
  day: r.day,
  root: r.root,
  keyId: r.keyId,
  signature: r.signature,
  chains: r.chains,
  events: r.events,
});

/**
 * Signs the heads of chains that have none (written before heads were signed): the operator's
 * one-time act after an upgrade, once `audit verify` shows their hashes hold. Never automatic: a
 * head deleted by someone must not be re-adopted silently.
 */
export async function adoptUnsignedChains(db: Db): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<HeadLine>`
      select distinct on (chain) chain, seq, hash from audit_events e
      where not exists (select 1 from audit_heads h where h.chain = e.chain)
      order by chain, seq desc`.execute(trx);
    await signHeads(trx, rows);
    return rows.length;
  });
}

/**
 * After a key rotation: every head still signed with a retired key is signed again with the
 * current one (a head that moved on meanwhile was signed with it already). The caller has checked
 * the trail first, so only heads that hold are re-signed.
 */
export async function resignHeads(db: Db, ring: AuditKeyring): Promise<number> {
  const stale = (await allHeads(db)).filter((h) => h.keyId !== ring.current.id);
  const fresh = stale.map((h) => ({ chain: h.chain, seq: h.seq, hash: h.hash, ...sign(ring, headMaterial(h.chain, h.seq, h.hash)) }));
  if (!fresh.length) return 0;
  const { numAffectedRows } = await sql`
    update audit_heads h set key_id = x."keyId", signature = x.signature, signed_at = now()
    from jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb) as x(chain text, seq integer, hash text, "keyId" text, signature text)
    where h.chain = x.chain and h.seq = x.seq and h.hash = x.hash and h.key_id <> x."keyId"`.execute(db);
  return Number(numAffectedRows ?? 0);
}
