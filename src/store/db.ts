import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql, type LogEvent } from 'kysely';
import type { Logger } from 'pino';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DatabaseHealth } from './availability.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { migrations } from './migrations/index.js';
import { PreparingPool } from './prepared-pool.js';
import type { DB } from './tables.js';

// DATE stays a calendar string (pg would turn it into a local-midnight Date); BIGINT counts and
// sequence values are safe integers here.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${v} exceeds the safe integer range`);
  return n;
});

export type Db = Kysely<DB>;
export interface Store {
  db: Db;
  kind: 'postgres' | 'pglite';
  health: DatabaseHealth;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string | null;
  /** PGlite folder, or 'memory://' for a throw-away database */
  dataDir: string;
  poolSize?: number;
  /** diagnostics: called with each statement's SQL and duration (benchmarks use it) */
  onQuery?: (sql: string, ms: number) => void;
  /** where outages are reported (once each) */
  log?: Logger;
}

/** The embedded database would not open, or aborted (WebAssembly): said in one line instead of a page of minified source. */
export class EmbeddedDatabaseError extends Error {
  constructor(dataDir: string, cause: unknown) {
    super(
      `The embedded database in ${dataDir} failed (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}): ` +
        `its folder may be damaged, or another process may have written to it. Restore a backup, or move the folder away to start with an empty one; ` +
        `for more than one process use PostgreSQL (DATABASE_URL).`,
    );
  }
}

/** PGlite reports a fatal WebAssembly failure as RuntimeError "Aborted(...)". */
export function isWasmAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'RuntimeError' && /Aborted|unreachable/.test(err.message);
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let pool: pg.Pool;
  let kind: Store['kind'];
  let lock: DataDirLock | null = null;
  let pglite: PGlite | null = null;
  if (opts.databaseUrl) {
    kind = 'postgres';
    // `pg` falls back to $USER, which is empty in some containers: default to postgres explicitly.
    const url = new URL(opts.databaseUrl);
    pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      user: url.username || 'postgres',
      max: opts.poolSize ?? 10,
      // an unreachable server fails a request in seconds instead of queueing it forever
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
  } else {
    kind = 'pglite';
    if (!opts.dataDir.startsWith('memory://')) {
      await mkdir(opts.dataDir, { recursive: true });
      lock = await lockDataDir(opts.dataDir);
    }
    // Opened here, not by the node-postgres bridge, so that a folder that will not open is an
    // error this function reports (the bridge would leave it as an unhandled rejection).
    pglite = new PGlite(opts.dataDir);
    try {
      await pglite.waitReady;
    } catch (err) {
      await lock?.release();
      throw new EmbeddedDatabaseError(opts.dataDir, err);
    }
    // PGlite is a single connection; the pool is fixed at one client by createPgConfig.
    pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  }
  const health = new DatabaseHealth(opts.log ?? null);
  // An idle client that dies (database restart) must not crash the process.
  pool.on('error', (err) => health.failed(err));
  const onQuery = opts.onQuery;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new PreparingPool(pool, health) }),
    ...(onQuery ? { log: (e: LogEvent) => onQuery(e.query.sql, e.queryDurationMillis) } : {}),
  });
  const close = async () => {
    try {
      await db.destroy();
      // the bridge never closes an instance it was given: closing flushes it to the folder
      await pglite?.close();
    } finally {
      await lock?.release();
    }
  };
  return { db, kind, health, close };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
