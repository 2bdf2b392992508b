import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { verifyAuditTrail } from '../services/audit.js';
import { backupProblem } from '../store/backup-file.js';
import { EmbeddedDatabaseError, migrateToLatest, openStore, type Store } from '../store/db.js';
import { ExitCode, type Cli } from './shared.js';

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
      const store = await openStore({ databaseUrl: null, dataDir: config.dataDir });
      try {
        await migrateToLatest(store.db);
        const blob = await (store.dump as () => Promise<Blob>)();
        await writeFile(file, Buffer.from(await blob.arrayBuffer()));
        io.out(`backup of ${config.dataDir} written to ${file} (${blob.size} bytes)`);
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
      const existed = existsSync(config.dataDir);
      if (existed && !statSync(config.dataDir).isDirectory()) {
        io.err(`${config.dataDir} is a file, not a folder; nothing was restored`);
        throw new ExitCode(2);
      }
      if (existed && (await readdir(config.dataDir)).length > 0) {
        io.err(`${config.dataDir} is not empty: a backup is restored only into an empty or new folder; nothing was restored`);
        throw new ExitCode(2);
      }
      const bytes = await readFile(file);
      const problem = backupProblem(bytes);
      if (problem) {
        io.err(`${file} is not a whole backup: ${problem}; nothing was restored`);
        throw new ExitCode(2);
      }
      // whatever a failed restore wrote goes again: the folder was empty or absent before it
      const undo = async () => {
        if (existed)
          for (const entry of await readdir(config.dataDir)) await rm(join(config.dataDir, entry), { recursive: true, force: true });
        else await rm(config.dataDir, { recursive: true, force: true });
      };
      let store: Store;
      try {
        store = await openStore({ databaseUrl: null, dataDir: config.dataDir, restoreFrom: new Blob([bytes]) });
      } catch (err) {
        await undo();
        if (err instanceof EmbeddedDatabaseError) {
          io.err(`${err.message}; nothing was restored`);
          throw new ExitCode(2);
        }
        throw err;
      }
      let restored = false;
      try {
        // a backup made by an older version is brought up to date
        const applied = await migrateToLatest(store.db);
        const audit = await verifyAuditTrail(store.db);
        restored = true;
        io.out(
          `restored ${file} into ${config.dataDir}${applied.length ? ` (migrations applied: ${applied.join(', ')})` : ''}; ` +
            `audit trail ${audit.ok ? 'intact' : 'BROKEN'}: ${audit.events} events in ${audit.chains} chains`,
        );
        if (!audit.ok) throw new ExitCode(1);
      } finally {
        await store.close();
        if (!restored) await undo();
      }
    });
}
