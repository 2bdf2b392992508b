import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { checkSignature, sign } from '../domain/audit-signing.js';
import { AuditKeyError, loadAuditKeyring } from '../services/audit-keyring.js';
import { problemLines, verifyAuditTrail, type AuditVerification } from '../services/audit-verify.js';
import { allRoots } from '../store/audit-repo.js';
import { archiveDigest, backupMaterial, backupProblem, readBackupFile, writeBackupFile } from '../store/backup-file.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from '../store/data-dir-lock.js';
import { EmbeddedDatabaseError, migrateToLatest, openStore, type Store } from '../store/db.js';
import { ExitCode, type Cli, type CliIo } from './shared.js';

export function registerBackup(program: Command, { io }: Cli): void {
  // Backups of the embedded database: PGlite's own dump of its data folder (gzipped tar). On
  // PostgreSQL, pg_dump and pg_restore are the tools (docs/operations.md).
  const embeddedOnly = (config: Config, what: string) => {
    if (config.databaseUrl) {
      io.err(`${what} is for the embedded database (DATA_DIR); on PostgreSQL use pg_dump / pg_restore (docs/operations.md)`);
      throw new ExitCode(2);
    }
  };
  program
    .command('backup <file>')
    .description('write the embedded database (DATA_DIR) to a file; the service must be stopped')
    .action(async (file: string) => {
      const config = loadConfig();
      embeddedOnly(config, 'backup');
      if (existsSync(file)) {
        io.err(`${file} exists; choose a new file name`);
        throw new ExitCode(2);
      }
      if (!file.trim() || !existsSync(dirname(resolve(file)))) {
        io.err(`${file || '""'}: no folder ${dirname(resolve(file))} to write the backup in`);
        throw new ExitCode(2);
      }
      const ring = keyringOrExit(io, config);
      const store = await openStore({ databaseUrl: null, dataDir: config.dataDir });
      try {
        await migrateToLatest(store.db);
        // a backup vouches for what it holds: a trail that fails is not signed into one
        const audit = await verifyAuditTrail(store.db, ring);
        if (!audit.ok) {
          io.err(`the audit trail of ${config.dataDir} fails verification, so no signed backup is made (run \`audit verify\`):`);
          for (const line of problemLines(audit.problems)) io.err(`  - ${line}`);
          throw new ExitCode(1);
        }
        const blob = await (store.dump as () => Promise<Blob>)();
        const archive = Buffer.from(await blob.arrayBuffer());
        const fields = { sha256: archiveDigest(archive), createdAt: new Date().toISOString(), bytes: archive.length };
        await writeFile(file, writeBackupFile(archive, { ...fields, ...sign(ring, backupMaterial(fields)) }), {
          flag: 'wx',
          // the whole database: readable by its owner only
          mode: 0o600,
        });
        io.out(`backup of ${config.dataDir} written to ${file} (${archive.length} bytes, signed with audit key ${ring.current.id})`);
      } finally {
        await store.close();
      }
    });
  program
    .command('restore <file>')
    .description('restore a backup into DATA_DIR, which must be empty or absent')
    .action(async (file: string) => {
      const config = loadConfig();
      embeddedOnly(config, 'restore');
      if (!existsSync(file)) {
        io.err(`no such file: ${file}`);
        throw new ExitCode(2);
      }
      // the folder's lock, as a server holds it: no restore under a running service, and no two at once
      let lock: DataDirLock;
      try {
        lock = await lockDataDir(config.dataDir);
      } catch (err) {
        if (!(err instanceof DataDirLockedError)) throw err;
        io.err(`${err.message}; nothing was restored`);
        throw new ExitCode(2);
      }
      try {
        const existed = existsSync(config.dataDir);
        if (existed && !statSync(config.dataDir).isDirectory()) {
          io.err(`${config.dataDir} is a file, not a folder; nothing was restored`);
          throw new ExitCode(2);
        }
        if (existed && (await readdir(config.dataDir)).length > 0) {
          io.err(`${config.dataDir} is not empty: a backup is restored only into an empty or new folder; nothing was restored`);
          throw new ExitCode(2);
        }
        const ring = keyringOrExit(io, config);
        const read = readBackupFile(await readFile(file));
        if ('problem' in read) {
          io.err(`${file} is refused: ${read.problem}; nothing was restored`);
          throw new ExitCode(2);
        }
        const sig = checkSignature(ring, read.seal, backupMaterial(read.seal));
        if (sig !== 'ok') {
          const why =
            sig === 'bad'
              ? 'its signature does not match (it was altered or signed without this key)'
              : `it was signed with another audit key (${read.seal.keyId}): a foreign backup`;
          io.err(`${file} is refused: ${why}; nothing was restored`);
          throw new ExitCode(2);
        }
        const problem = backupProblem(read.archive);
        if (problem) {
          io.err(`${file} is not a whole backup: ${problem}; nothing was restored`);
          throw new ExitCode(2);
        }
        // restored beside the folder and checked there; DATA_DIR changes only once all of it holds
        const staging = `${resolve(config.dataDir)}.restoring`;
        // a restore killed halfway left its staging folder: nothing else uses it while DATA_DIR is locked
        await rm(staging, { recursive: true, force: true });
        await rm(`${staging}.lock`, { force: true });
        let store: Store;
        try {
          store = await openStore({ databaseUrl: null, dataDir: staging, restoreFrom: new Blob([read.archive]) });
        } catch (err) {
          await rm(staging, { recursive: true, force: true });
          if (err instanceof EmbeddedDatabaseError) {
            io.err(`${err.message}; nothing was restored`);
            throw new ExitCode(2);
          }
          throw err;
        }
        let applied: string[];
        let audit: AuditVerification;
        let newest: { seq: number; day: string } | null = null;
        try {
          // a backup made by an older version is brought up to date
          applied = await migrateToLatest(store.db);
          audit = await verifyAuditTrail(store.db, ring);
          newest = (await allRoots(store.db)).at(-1) ?? null;
        } catch (err) {
          await store.close().catch(() => undefined);
          await rm(staging, { recursive: true, force: true });
          throw err;
        }
        await store.close();
        if (!audit.ok) {
          await rm(staging, { recursive: true, force: true });
          io.err(`${file}: its audit trail fails verification, so it is not restored; nothing was restored:`);
          for (const line of problemLines(audit.problems)) io.err(`  - ${line}`);
          throw new ExitCode(1);
        }
        if (existed) await rm(config.dataDir, { recursive: true });
        await rename(staging, config.dataDir);
        io.out(
          `restored ${file} into ${config.dataDir}${applied.length ? ` (migrations applied: ${applied.join(', ')})` : ''}; ` +
            `audit trail intact: ${audit.events} events in ${audit.chains} chains, ${audit.roots} signed daily roots`,
        );
        // an older backup rolls the trail back: its newest root tells it from the newest mailed digest
        io.out(
          newest
            ? `its newest signed daily root is #${newest.seq} (${newest.day}); a later mailed digest means this backup is older: ` +
                'check with `audit verify --against DIGEST`'
            : 'it holds no signed daily root yet',
        );
      } finally {
        await lock.release();
      }
    });
}

function keyringOrExit(io: CliIo, config: Config) {
  try {
    return loadAuditKeyring(config, { create: false });
  } catch (err) {
    if (!(err instanceof AuditKeyError)) throw err;
    io.err(`${err.message}; backups are signed and checked with the audit key`);
    throw new ExitCode(2);
  }
}
