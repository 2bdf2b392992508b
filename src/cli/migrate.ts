import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { migrateToLatest, openStore } from '../store/db.js';
import { grantServiceRole } from '../store/grants.js';
import { ExitCode, type Cli } from './shared.js';

export function registerMigrate(program: Command, { io }: Cli): void {
  program
    .command('migrate')
    .description('apply database migrations (the server also does this at start)')
    .option(
      '--grant <role>',
      "PostgreSQL: as the tables' owner, then give the service's own role what it needs and no more (docs/operations.md)",
    )
    .action(async (opts: { grant?: string }) => {
      if (io.runtime) {
        io.out(`migrations: ${(await migrateToLatest(io.runtime.store.db)).join(', ') || 'up to date'}`);
        if (opts.grant) await grantServiceRole(io.runtime.store.db, opts.grant);
        return;
      }
      const config = loadConfig();
      if (opts.grant && !config.databaseUrl) {
        io.err('--grant is for PostgreSQL (DATABASE_URL): the embedded database has one user');
        throw new ExitCode(2);
      }
      const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(store.db);
        io.out(`migrations (${store.kind}): ${applied.join(', ') || 'up to date'}`);
        if (opts.grant) {
          await grantServiceRole(store.db, opts.grant);
          io.out(`granted role ${opts.grant} the rows it needs (no TRUNCATE, no TRIGGER, no ownership)`);
        }
      } finally {
        await store.close();
      }
    });
}
