import { createHash } from 'node:crypto';
import {
  checkSignature,
  headMaterial,
  headsDigest,
  rootHash,
  rootMaterial,
  type AuditKeyring,
  type HeadLine,
} from '../domain/audit-signing.js';
import { allHeads, allRoots, auditRowsInChainOrder, GENESIS_HASH, type AuditRowForVerify } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import { expectedStateFrom, stateProblems, type ExpectedState } from './audit-state.js';

/** A daily root as a digest carries it out of the database. */
export interface PublishedRoot {
  seq: number;
  day: string;
  root: string;
  keyId: string;
  signature: string;
  chains: number;
  events: number;
}

export interface AuditProblem {
  /** chain: a link between events; head: a chain's signed head; root: a daily root; state: a row; digest: a mailed root */
  kind: 'chain' | 'head' | 'root' | 'state' | 'digest';
  reason: string;
  chain?: string;
  seq?: number;
  eventId?: number;
  entity?: string;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  chains: number;
  roots: number;
  /** every problem found (the first 10,000), in the order found */
  problems: AuditProblem[];
  /** the first link between events that does not hold, in chain order */
  broken: { chain: string; seq: number; eventId: number; reason: string } | null;
}

const MAX_PROBLEMS = 10_000;

/**
 * Checks the trail as someone who does not trust the database: recomputes every hash in
 * JavaScript, checks each chain against its signed head (so a shortened, extended or re-chained
 * chain fails) and against the signed daily roots (so a chain deleted with its head fails), and
 * compares the rows the trail speaks for with what its events say. `against`: a root from a mailed
 * digest, which the database must still hold, unchanged.
 */
export async function verifyAuditTrail(
  db: Db,
  ring: AuditKeyring,
  opts: {
    against?: PublishedRoot;
    /** `audit rotate` only: heads may still carry a retired key's signature */ retiredHeads?: boolean;
  } = {},
): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  const problem = (p: AuditProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };

  // the roots: each signed, each chained to the one before, each the digest of the heads it lists
  const roots = await allRoots(db);
  const rootMap = new Map<string, HeadLine>();
  /** `${chain}\n${seq}` -> the hash a root says that event has */
  const claims = new Map<string, { hash: string; root: number }>();
  let prevRoot = GENESIS_HASH;
  // keys are used newest last: a root signed with a key retired before the one that signed an
  // earlier root was made with a key that should no longer sign (a leaked old key)
  const rank = (keyId: string) => (keyId === ring.current.id ? 0 : ring.retired.findIndex((k) => k.id === keyId) + 1 || null);
  let newest = Number.POSITIVE_INFINITY;
  roots.forEach((r, i) => {
    const at = { kind: 'root' as const };
    const keyRank = rank(r.keyId);
    if (keyRank !== null && keyRank > newest)
      problem({ ...at, reason: `daily root ${r.seq} (${r.day}) is signed with a retired key after a newer key had signed: refused` });
    if (keyRank !== null) newest = Math.min(newest, keyRank);
    if (r.seq !== i + 1) problem({ ...at, reason: `daily root ${i + 1} is missing (found root ${r.seq} next): roots were deleted` });
    const sig = checkSignature(ring, r, rootMaterial(r.root));
    if (sig !== 'ok') problem({ ...at, reason: `daily root ${r.seq} (${r.day}): ${signatureWords(sig, r.keyId)}` });
    if (r.prevRoot !== prevRoot) problem({ ...at, reason: `daily root ${r.seq} (${r.day}) does not follow the root before it` });
    for (const h of r.changed) {
      rootMap.set(h.chain, h);
      claims.set(`${h.chain}\n${h.seq}`, { hash: h.hash, root: r.seq });
    }
    const d = headsDigest(rootMap.values());
    if (d.digest !== r.headsDigest || d.chains !== r.chains || d.events !== r.events)
      problem({ ...at, reason: `daily root ${r.seq} (${r.day}) does not match the chain heads it lists: its rows were edited` });
    if (rootHash(r) !== r.root) problem({ ...at, reason: `daily root ${r.seq} (${r.day}): its hash does not match its content` });
    prevRoot = r.root;
  });
  if (opts.against) checkAgainst(opts.against, roots, ring, problem);

  // the heads: each signed with the key
  const heads = new Map((await allHeads(db)).map((h) => [h.chain, h]));
  for (const h of heads.values()) {
    const sig = checkSignature(ring, h, headMaterial(h.chain, h.seq, h.hash));
    if (sig !== 'ok')
      problem({ kind: 'head', chain: h.chain, reason: `the signed head of chain "${h.chain}": ${signatureWords(sig, h.keyId)}` });
    // after a rotation `audit rotate` re-signs every head with the new key; a head still signed
    // with a retired one could have been made by whoever holds that key
    else if (h.keyId !== ring.current.id && !opts.retiredHeads)
      problem({
        kind: 'head',
        chain: h.chain,
        reason: `the head of chain "${h.chain}" is signed with retired key ${h.keyId}: run \`audit rotate\` after a rotation`,
      });
  }

  // the events, chain by chain
  let events = 0;
  let chainCount = 0;
  let broken: AuditVerification['broken'] = null;
  const seen = new Set<string>();
  const expected: ExpectedState = expectedStateFrom();
  let chain: string | null = null;
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  let chainOk = true;
  let last: { seq: number; hash: string } | null = null;
  const endChain = () => {
    if (chain === null || !last) return;
    const head = heads.get(chain);
    if (!head) problem({ kind: 'head', chain, reason: `chain "${chain}" has ${last.seq} events that no signed head covers` });
    else if (head.seq !== last.seq || head.hash !== last.hash)
      problem({
        kind: 'head',
        chain,
        reason:
          head.seq > last.seq
            ? `chain "${chain}" has ${last.seq} events, its signed head says ${head.seq}: events were deleted`
            : head.seq < last.seq
              ? `chain "${chain}" has ${last.seq} events, its signed head says ${head.seq}: events were added without the service`
              : `chain "${chain}" ends in another event than its signed head: it was rewritten`,
      });
  };
  for await (const row of auditRowsInChainOrder(db)) {
    events++;
    if (row.chain !== chain) {
      endChain();
      chain = row.chain;
      seen.add(chain);
      chainCount++;
      prevHash = GENESIS_HASH;
      expectSeq = 1;
      chainOk = true;
    }
    const linkProblem = linkCheck(row, prevHash, expectSeq);
    if (linkProblem && chainOk) {
      chainOk = false;
      broken ??= { chain: row.chain, seq: row.seq, eventId: row.id, reason: linkProblem };
      problem({ kind: 'chain', chain: row.chain, seq: row.seq, eventId: row.id, reason: linkProblem });
    }
    const claim = claims.get(`${row.chain}\n${row.seq}`);
    if (claim) {
      if (claim.hash !== row.hash)
        problem({
          kind: 'root',
          chain: row.chain,
          seq: row.seq,
          eventId: row.id,
          reason: `event ${row.seq} of chain "${row.chain}" is not the one daily root ${claim.root} signed: it was rewritten`,
        });
      claims.delete(`${row.chain}\n${row.seq}`);
    }
    expected.add(row);
    prevHash = row.hash;
    expectSeq = row.seq + 1;
    last = { seq: row.seq, hash: row.hash };
  }
  endChain();
  for (const h of heads.values())
    if (!seen.has(h.chain))
      problem({ kind: 'head', chain: h.chain, reason: `chain "${h.chain}" (${h.seq} events by its signed head) is gone: it was deleted` });
  for (const h of rootMap.values())
    if (!seen.has(h.chain) && !heads.has(h.chain))
      problem({
        kind: 'root',
        chain: h.chain,
        reason: `chain "${h.chain}" (${h.seq} events by a daily root) is gone with its head: it was deleted`,
      });
  for (const [key, claim] of claims) {
    const [c, seq] = key.split('\n');
    if (seen.has(c!))
      problem({ kind: 'root', chain: c!, reason: `event ${seq} of chain "${c}", signed in daily root ${claim.root}, is missing` });
  }

  for (const p of await stateProblems(db, ring, expected)) problem(p);
  return { ok: problems.length === 0, events, chains: chainCount, roots: roots.length, problems, broken };
}

function linkCheck(row: AuditRowForVerify, prevHash: string, expectSeq: number): string | null {
  if (row.seq !== expectSeq) return `expected sequence number ${expectSeq}, found ${row.seq} (an event is missing)`;
  if (row.prev_hash !== prevHash) return 'prev_hash does not match the hash of the previous event';
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
  return hash === row.hash ? null : 'the event content does not match its hash (the event was altered)';
}

function signatureWords(check: 'bad' | 'unknown_key', keyId: string): string {
  return check === 'bad'
    ? 'its signature does not match (it was made or changed without the audit key)'
    : `signed with key ${keyId}, which is not this audit key nor a retired one`;
}

function checkAgainst(
  published: PublishedRoot,
  roots: { seq: number; day: string; root: string }[],
  ring: AuditKeyring,
  problem: (p: AuditProblem) => void,
) {
  const words = `the mailed digest's root ${published.seq} (${published.day})`;
  if (checkSignature(ring, published, rootMaterial(published.root)) !== 'ok') {
    problem({ kind: 'digest', reason: `${words} is not signed with this audit key: it is not this service's, or the key is wrong` });
    return;
  }
  // found by its hash first: the hash covers its number and day, which a copy may have mislabelled
  const held = roots.find((r) => r.root === published.root) ?? roots.find((r) => r.seq === published.seq);
  if (!held)
    problem({ kind: 'digest', reason: `${words} is not in the database (it holds ${roots.length} roots): the trail was cut back` });
  else if (held.root !== published.root || held.day !== published.day)
    problem({ kind: 'digest', reason: `${words} differs from the database's root ${held.seq}: the trail was rewritten` });
}

/** Lines for a person: the problems grouped by kind, the first few of each (a truncation names thousands). */
export function problemLines(problems: AuditProblem[], perKind = 5): string[] {
  const lines: string[] = [];
  for (const kind of ['digest', 'root', 'head', 'chain', 'state'] as const) {
    const of = problems.filter((p) => p.kind === kind);
    for (const p of of.slice(0, perKind))
      lines.push(
        kind === 'chain' ? `[chain] chain "${p.chain}", sequence ${p.seq} (event id ${p.eventId}): ${p.reason}` : `[${kind}] ${p.reason}`,
      );
    if (of.length > perKind) lines.push(`[${kind}] … and ${of.length - perKind} more`);
  }
  return lines;
}
