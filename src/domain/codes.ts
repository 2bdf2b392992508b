import { randomBytes } from 'node:crypto';

// 32 symbols with 0/O and 1/I removed, so a code read aloud or typed from paper is unambiguous;
// 32 divides 256, so `byte & 31` is unbiased. 14 symbols = 70 bits of randomness.
export const VERIFY_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const VERIFY_CODE_LENGTH = 14;

// Random bytes are taken from a pool filled 4 KB at a time: a call into the CSPRNG per id (a
// filing makes several) was 2.5 % of a filing's CPU in the profile. The pool's bytes are as random
// as fresh ones, and each is handed out once.
const POOL_SIZE = 4096;
let pool: Buffer = Buffer.alloc(0);
let used = 0;
function random(n: number): Buffer {
  if (used + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    used = 0;
  }
  const out = pool.subarray(used, used + n);
  used += n;
  return out;
}

export function newVerifyCode(): string {
  const bytes = random(VERIFY_CODE_LENGTH);
  let out = '';
  for (const b of bytes) out += VERIFY_ALPHABET[b & 31];
  return out;
}

export const VERIFY_CODE_PATTERN = `^[${VERIFY_ALPHABET}]{${VERIFY_CODE_LENGTH}}$`;

/** Opaque ids: a readable prefix plus 96 random bits, so ids never reveal counts or order. */
export function newId(prefix: string): string {
  return `${prefix}_${random(12).toString('base64url')}`;
}

/** 备案号: region, year, then a number from one global sequence, so it is unique per region and year. */
export function formatFilingNo(region: string, year: number, seq: number | bigint): string {
  return `${region}-${year}-${String(seq).padStart(7, '0')}`;
}

/**
 * One credential, one spelling: letters upper-case, separators dropped. "LN-2112…" and
 * "ln2112…" are the same person's credential and count once.
 */
export function normalizeCredential(no: string): string {
  return no.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** Credential numbers are shown with the middle hidden; never in full in responses or logs. */
export function maskCredential(no: string): string {
  if (no.length <= 4) return '*'.repeat(no.length);
  const keep = no.length >= 10 ? 3 : 2;
  return no.slice(0, keep) + '*'.repeat(no.length - keep * 2) + no.slice(-keep);
}
