import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { migrateToLatest, openStore } from '../store/db.js';
import type { Cli } from './shared.js';

export function registerMigrate(program: Command, { io }: Cli): void {
  program
    .command('migrate')
    .description('apply database migrations (the server also does this at start)')
    .action(async () => {
      if (io.runtime) {
        io.out(`migrations: ${(await migrateToLatest(io.runtime.store.db)).join(', ') || 'up to date'}`);
        return;
      }
      const config = loadConfig();
      const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(store.db);
        io.out(`migrations (${store.kind}): ${applied.join(', ') || 'up to date'}`);
      } finally {
        await store.close();
      }
    });
}
