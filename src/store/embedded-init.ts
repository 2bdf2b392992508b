// Builds a new embedded database in the folder given (PGlite's initdb, then every migration), in
// a process of its own that then exits: the WebAssembly memory initdb grows is about twice what
// the database needs afterwards, and a process never gives it back, even once the instance is
// closed (docs/performance.md, memory). openStore runs this once for an empty folder.
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './db.js';
import type { DB } from './tables.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: embedded-init DATA_DIR');
const pglite = new PGlite(dataDir);
await pglite.waitReady;
const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool(createPgConfig(pglite)) }) });
try {
  await migrateToLatest(db);
} finally {
  await db.destroy();
  await pglite.close();
}
