import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type LogEvent } from 'kysely';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
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
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string | null;
  /** PGlite folder, or 'memory://' for a throw-away database */
  dataDir: string;
  poolSize?: number;
  /** diagnostics: called with each statement's SQL and duration (benchmarks use it) */
  onQuery?: (sql: string, ms: number) => void;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let pool: pg.Pool;
  let kind: Store['kind'];
  if (opts.databaseUrl) {
    kind = 'postgres';
    // `pg` falls back to $USER, which is empty in some containers: default to postgres explicitly.
    const url = new URL(opts.databaseUrl);
    pool = new pg.Pool({ connectionString: opts.databaseUrl, user: url.username || 'postgres', max: opts.poolSize ?? 10 });
  } else {
    kind = 'pglite';
    if (!opts.dataDir.startsWith('memory://')) await mkdir(opts.dataDir, { recursive: true });
    // PGlite is a single connection; the pool is fixed at one client by createPgConfig.
    pool = new pg.Pool(createPgConfig(opts.dataDir) as unknown as pg.PoolConfig);
  }
  // An idle client that dies (database restart) must not crash the process.
  pool.on('error', () => undefined);
  const onQuery = opts.onQuery;
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new PreparingPool(pool) }),
    ...(onQuery ? { log: (e: LogEvent) => onQuery(e.query.sql, e.queryDurationMillis) } : {}),
  });
  return { db, kind, close: () => db.destroy() };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
