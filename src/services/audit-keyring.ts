import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { signingKeyIds } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import { AUDIT_KEY_MIN_LENGTH, auditKey, type AuditKeyring } from '../domain/audit-signing.js';

export class AuditKeyError extends Error {}

type KeyConfig = Pick<Config, 'auditKey' | 'auditKeyRetired' | 'auditKeyFile'>;

/**
 * The audit key: AUDIT_KEY, or the first line of AUDIT_KEY_FILE (later lines: retired keys).
 * `create`: a server's first start on a new machine writes a random key to the file (0600), so
 * `npm start` needs no configuration; commands that only check (verify, restore) never make one.
 */
export function loadAuditKeyring(config: KeyConfig, opts: { create: boolean; log?: Logger }): AuditKeyring {
  const retired = config.auditKeyRetired.map(auditKey);
  if (config.auditKey) return { current: auditKey(config.auditKey), retired };
  const file = resolve(config.auditKeyFile);
  if (!existsSync(file)) {
    if (!opts.create) {
      throw new AuditKeyError(`no audit key: set AUDIT_KEY, or AUDIT_KEY_FILE to the key file (${file} does not exist)`);
    }
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    opts.log?.warn(
      { file },
      'a new audit key was written to this file: keep a copy away from the database host; ' +
        'without it the trail and backups cannot be checked',
    );
  }
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const [current, ...older] = lines;
  if (!current || lines.some((l) => l.length < AUDIT_KEY_MIN_LENGTH)) {
    throw new AuditKeyError(`${file}: every key in it must be at least ${AUDIT_KEY_MIN_LENGTH} characters long (one key per line)`);
  }
  return { current: auditKey(current), retired: [...older.map(auditKey), ...retired] };
}

// The key is the process's, like its configuration: every runtime in a process signs with the one
// the process started with, and the write paths that append events reach it here instead of
// through every call.
let active: AuditKeyring | null = null;

export function useAuditKeyring(ring: AuditKeyring): void {
  active = ring;
}

export function activeAuditKeyring(): AuditKeyring {
  // startRuntime loads it before anything can write: reaching here without one is a bug
  if (!active) throw new Error('no audit key is loaded in this process');
  return active;
}

/**
 * The keyring for this database: loaded as configured, made (written to AUDIT_KEY_FILE) only for a
 * database whose trail nothing has signed yet, and refused when none of its keys signed what the
 * trail holds, so that a process started with a wrong key, or none, never signs beside the right one.
 */
export async function auditKeyringFor(db: Db, config: KeyConfig, log: Logger): Promise<AuditKeyring> {
  const signers = await signingKeyIds(db);
  const ring = loadAuditKeyring(config, { create: signers.length === 0, log });
  const known = new Set([ring.current.id, ...ring.retired.map((k) => k.id)]);
  if (signers.length && !signers.some((id) => known.has(id))) {
    throw new AuditKeyError(
      `the audit key (${ring.current.id}) is not the one that signed this database's trail (${signers.join(', ')}): ` +
        'set AUDIT_KEY or AUDIT_KEY_FILE to that key (docs/operations.md); nothing was written',
    );
  }
  return ring;
}
