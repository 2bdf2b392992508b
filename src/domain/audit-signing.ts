import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// The audit trail's heads and daily roots are signed (HMAC-SHA256) with a key that lives outside
// the database, so whoever holds the database can still rewrite a chain and recompute its hashes,
// but cannot make the signatures match. Old keys stay in the keyring for checking after a rotation.

export interface AuditKey {
  /** a short public name of the key: which key signed what, without revealing it */
  id: string;
  secret: string;
}

export interface AuditKeyring {
  /** signs everything new */
  current: AuditKey;
  /** still accepted when checking (rotated out) */
  retired: AuditKey[];
}

export const AUDIT_KEY_MIN_LENGTH = 32;

export const auditKeyId = (secret: string): string =>
  createHash('sha256').update(`inspection-filing audit key\n${secret}`, 'utf8').digest('hex').slice(0, 16);

export const auditKey = (secret: string): AuditKey => ({ id: auditKeyId(secret), secret });

const hmac = (secret: string, material: string) => createHmac('sha256', secret).update(material, 'utf8').digest('hex');

export interface Signature {
  keyId: string;
  signature: string;
}

export function sign(ring: AuditKeyring, material: string): Signature {
  return { keyId: ring.current.id, signature: hmac(ring.current.secret, material) };
}

export type SignatureCheck = 'ok' | 'bad' | 'unknown_key';

export function checkSignature(ring: AuditKeyring, sig: Signature, material: string): SignatureCheck {
  const key = [ring.current, ...ring.retired].find((k) => k.id === sig.keyId);
  if (!key) return 'unknown_key';
  const want = Buffer.from(hmac(key.secret, material), 'hex');
  const got = Buffer.from(sig.signature, 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? 'ok' : 'bad';
}

/** What a chain head's signature covers: the chain, how many events it has, and the last hash. */
export const headMaterial = (chain: string, seq: number, hash: string) => `inspection-filing audit head v1\n${chain}\n${seq}\n${hash}`;

export interface HeadLine {
  chain: string;
  seq: number;
  hash: string;
}

/** The digest of a set of heads, independent of the order they were read in. */
export function headsDigest(heads: Iterable<HeadLine>): { digest: string; chains: number; events: number } {
  const all = [...heads];
  const lines = all.map((h) => `${h.chain}\n${h.seq}\n${h.hash}`).sort();
  const hash = createHash('sha256');
  for (const l of lines) hash.update(`${l}\n`, 'utf8');
  const events = all.reduce((n, h) => n + h.seq, 0);
  return { digest: hash.digest('hex'), chains: lines.length, events };
}

export interface RootFields {
  seq: number;
  day: string;
  prevRoot: string;
  headsDigest: string;
  chains: number;
  events: number;
}

/** A daily root: every chain's head that day, chained to the day before. Its hash is what digests carry. */
export function rootHash(r: RootFields): string {
  const material = ['inspection-filing audit root v1', r.seq, r.day, r.prevRoot, r.headsDigest, r.chains, r.events].join('\n');
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

export const rootMaterial = (root: string) => `inspection-filing audit root v1\n${root}`;

/**
 * A value the trail must not show (a key's stored hash, a full credential number), keyed with the
 * audit key: in the value's event, it names a value swapped in the table without revealing it.
 */
export const fingerprint = (ring: AuditKeyring, purpose: string, value: string): Signature =>
  sign(ring, `inspection-filing ${purpose} v1\n${value}`);
export const checkFingerprint = (ring: AuditKeyring, fp: Signature, purpose: string, value: string): SignatureCheck =>
  checkSignature(ring, fp, `inspection-filing ${purpose} v1\n${value}`);

export const keyFingerprint = (ring: AuditKeyring, keyHash: string): Signature => fingerprint(ring, 'api key', keyHash);
export const checkKeyFingerprint = (ring: AuditKeyring, fp: Signature, keyHash: string): SignatureCheck =>
  checkFingerprint(ring, fp, 'api key', keyHash);
