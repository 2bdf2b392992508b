import { createHash } from 'node:crypto';
import type { Db } from '../store/db.js';
import { appendAudit, auditRowsInChainOrder, GENESIS_HASH, type AuditEntry } from '../store/audit-repo.js';
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
 * Appends one event. An enterprise chain shares the enterprise's lock, so a use case that already
 * holds it (filing) says so and saves the round trip.
 */
export async function record(trx: Db, entry: AuditEntry, opts: { lockHeld?: boolean } = {}): Promise<void> {
  if (!opts.lockHeld) {
    const uscc = entry.chain.startsWith('enterprise:') ? entry.chain.slice('enterprise:'.length) : null;
    await (uscc ? lockEnterprise(trx, uscc) : lockChain(trx, entry.chain));
  }
  await appendAudit(trx, entry);
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  chains: number;
  /** the first link that does not hold, in chain order */
  broken: { chain: string; seq: number; eventId: number; reason: string } | null;
}

/** Recomputes every hash in JavaScript, independently of the SQL that wrote it. */
export async function verifyAuditTrail(db: Db): Promise<AuditVerification> {
  let events = 0;
  let chainCount = 0;
  let chain: string | null = null;
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  for await (const row of auditRowsInChainOrder(db)) {
    events++;
    if (row.chain !== chain) {
      chain = row.chain;
      chainCount++;
      prevHash = GENESIS_HASH;
      expectSeq = 1;
    }
    const fail = (reason: string): AuditVerification => ({
      ok: false,
      events,
      chains: chainCount,
      broken: { chain: row.chain, seq: row.seq, eventId: row.id, reason },
    });
    if (row.seq !== expectSeq) return fail(`expected sequence number ${expectSeq}, found ${row.seq} (an event is missing)`);
    if (row.prev_hash !== prevHash) return fail('prev_hash does not match the hash of the previous event');
    const material = [
      prevHash,
      row.chain,
      String(row.seq),
      row.at_us,
      row.actor,
      row.action,
      row.entity_type,
      row.entity_id,
      row.payload_text,
    ].join('\n');
    const hash = createHash('sha256').update(material, 'utf8').digest('hex');
    if (hash !== row.hash) return fail('the event content does not match its hash (the event was altered)');
    prevHash = row.hash;
    expectSeq++;
  }
  return { ok: true, events, chains: chainCount, broken: null };
}
