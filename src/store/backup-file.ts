import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

// A backup of the embedded database is PGlite's dump of its data folder: a gzipped tar. PGlite
// opens a damaged one halfway (a truncated tar gives a folder of some files) or throws from
// inside WebAssembly, so a backup is read through before anything is written.

/**
 * Why this is not a whole backup, or null when it is: gzip intact, every tar entry complete, the
 * archive's end present, and a database folder inside.
 */
export function backupProblem(file: Buffer): string | null {
  let tar: Buffer;
  try {
    tar = gunzipSync(file);
  } catch (err) {
    return `it is not a complete gzip file (${(err as Error).message})`;
  }
  let at = 0;
  let database = false;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return database ? null : 'it holds no embedded database (no PG_VERSION)';
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
    if (Number.isNaN(size)) return `its archive is damaged at byte ${at}`;
    if (name.replace(/^\/+/, '') === 'PG_VERSION') database = true;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return 'it is cut short (the archive ends in the middle of a file)';
}

// A backup file: one line naming the format, one line of JSON saying who signed what, then the
// gzipped tar. The signature (the audit key's HMAC) covers the archive's SHA-256, so a backup made
// without the key, by another installation, or changed afterwards is refused before a byte is restored.
const MAGIC = 'inspection-filing backup v1';

export interface BackupSeal {
  keyId: string;
  signature: string;
  createdAt: string;
  sha256: string;
  bytes: number;
}

export const backupMaterial = (s: Pick<BackupSeal, 'sha256' | 'createdAt' | 'bytes'>) =>
  `${MAGIC}\n${s.sha256}\n${s.createdAt}\n${s.bytes}`;

export const archiveDigest = (archive: Buffer) => createHash('sha256').update(archive).digest('hex');

export function writeBackupFile(archive: Buffer, seal: BackupSeal): Buffer {
  return Buffer.concat([Buffer.from(`${MAGIC}\n${JSON.stringify(seal)}\n`, 'utf8'), archive]);
}

/** The seal and the archive, or why the file is not a signed backup. */
export function readBackupFile(file: Buffer): { seal: BackupSeal; archive: Buffer } | { problem: string } {
  const first = file.indexOf(0x0a);
  if (first < 0 || file.subarray(0, first).toString('utf8') !== MAGIC)
    return { problem: 'it is not a signed backup of this service (an unsigned or foreign file)' };
  // the seal is a short line: a file that says otherwise is not read into memory to find out
  const second = file.subarray(0, first + 1 + 4096).indexOf(0x0a, first + 1);
  if (second < 0) return { problem: 'its signature line is damaged' };
  let seal: Partial<BackupSeal> | null;
  try {
    seal = JSON.parse(file.subarray(first + 1, second).toString('utf8')) as Partial<BackupSeal> | null;
  } catch {
    return { problem: 'its signature line is damaged' };
  }
  if (
    typeof seal?.signature !== 'string' ||
    typeof seal.keyId !== 'string' ||
    typeof seal.sha256 !== 'string' ||
    typeof seal.createdAt !== 'string' ||
    typeof seal.bytes !== 'number'
  )
    return { problem: 'its signature line is damaged' };
  const archive = file.subarray(second + 1);
  if (archive.length !== seal.bytes || archiveDigest(archive) !== seal.sha256)
    return { problem: 'its content is not what was signed (it was cut short or changed after the backup)' };
  return { seal: seal as BackupSeal, archive };
}
