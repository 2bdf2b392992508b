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
