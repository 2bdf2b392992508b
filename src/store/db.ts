import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, realpath } from 'node:fs/promises';
import { fork } from 'node:child_process';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, sql, type LogEvent } from 'kysely';
import type { Logger } from 'pino';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DatabaseHealth } from './availability.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { migrations } from './migrations/index.js';
import { PreparingPool } from './prepared-pool.js';
import { HostPool, type ConnectionSource } from './host-pool.js';
import { parsePostgresUrl, type PostgresTarget } from './pg-url.js';
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

/** Longest any one statement may take on PostgreSQL before its request fails (503), by default. */
const QUERY_TIMEOUT_MS = 60_000;
/**
 * Where reads that decide nothing may go besides the primary: the standbys of DATABASE_READ_URL
 * (`routine`: scans, the verify page, lists, the dashboard read there), or, without it, every
 * host of a DATABASE_URL that lists several, for when no primary answers (scans keep working).
 */
export interface ReadReplica {
  db: Db;
  routine: boolean;
  health: DatabaseHealth;
}

export interface Store {
  db: Db;
  kind: 'postgres' | 'pglite';
  health: DatabaseHealth;
  replica: ReadReplica | null;
  /** PGlite only: the whole data folder as a gzipped tarball (a backup) */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl: string | null;
  /** PostgreSQL only: DATABASE_READ_URL, one or several standbys */
  readUrl?: string | null;
  /** PGlite folder, or 'memory://' for a throw-away database */
  dataDir: string;
  /** PGlite only: start a new folder from this backup (the folder must be empty) */
  restoreFrom?: Blob;
  poolSize?: number;
  /** PostgreSQL only: a statement unanswered this long fails (default 60 s) */
  queryTimeoutMs?: number;
  /** diagnostics: called with each statement's SQL and duration (benchmarks use it) */
  onQuery?: (sql: string, ms: number) => void;
  /** where outages are reported (once each) */
  log?: Logger;
}

/** One line about an error, whatever was thrown (Emscripten throws plain objects). */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message.split('\n')[0] ?? cause.name;
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause).slice(0, 200);
  } catch {
    return String(cause);
  }
}

/** The embedded database would not open, or aborted (WebAssembly): said in one line instead of a page of minified source. */
export class EmbeddedDatabaseError extends Error {
  constructor(dataDir: string, cause: unknown) {
    super(
      `The embedded database in ${dataDir} failed (${describe(cause)}): ` +
        `its folder may be damaged, or another process may have written to it. ` +
        `Restore a backup, or move the folder away to start with an empty one; ` +
        `for more than one process use PostgreSQL (DATABASE_URL).`,
    );
  }
}

/** PGlite reports a fatal WebAssembly failure as RuntimeError "Aborted(...)". */
export function isWasmAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'RuntimeError' && /Aborted|unreachable/.test(err.message);
}

/**
 * Builds a new embedded database (initdb and the migrations) in a child process, which gives its
 * memory back when it exits (src/store/embedded-init.ts); through tsx, the child runs through it too.
 */
async function buildInAnotherProcess(dataDir: string): Promise<void> {
  const script = fileURLToPath(new URL(`./embedded-init${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const child = fork(script, [dataDir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`building the database failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
}

function postgresSource(target: PostgresTarget, opts: StoreOptions, health: DatabaseHealth): ConnectionSource {
  return new HostPool(
    target,
    {
      max: opts.poolSize ?? 10,
      // an unreachable server fails a request in seconds instead of queueing it forever, and a
      // server that stops answering (a network cut, a frozen host) fails a statement within a
      // minute instead of holding its request open until TCP gives up
      connectionTimeoutMillis: 5_000,
      query_timeout: opts.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
      keepAlive: true,
    },
    (err) => health.failed(err),
    opts.log ?? null,
  );
}

function kyselyOver(source: ConnectionSource, health: DatabaseHealth, onQuery: StoreOptions['onQuery']): Db {
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new PreparingPool(source, health) }),
    ...(onQuery ? { log: (e: LogEvent) => onQuery(e.query.sql, e.queryDurationMillis) } : {}),
  });
}

function openReplica(opts: StoreOptions, primary: PostgresTarget): ReadReplica | null {
  const routine = !!opts.readUrl;
  // without DATABASE_READ_URL, the hosts of DATABASE_URL, whatever each is, for scans when no primary answers
  const target = opts.readUrl
    ? parsePostgresUrl(opts.readUrl)
    : primary.hostUrls.length > 1
      ? { ...primary, sessionAttrs: 'any' as const }
      : null;
  if (!target) return null;
  const health = new DatabaseHealth(null);
  return {
    db: kyselyOver(postgresSource(target, opts, health), health, opts.onQuery),
    routine,
    health,
  };
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let source: ConnectionSource;
  let kind: Store['kind'];
  let lock: DataDirLock | null = null;
  let pglite: PGlite | null = null;
  let replica: ReadReplica | null = null;
  const health = new DatabaseHealth(opts.log ?? null);
  if (opts.databaseUrl) {
    kind = 'postgres';
    const target = parsePostgresUrl(opts.databaseUrl);
    source = postgresSource(target, opts, health);
    replica = openReplica(opts, target);
  } else {
    kind = 'pglite';
    let dataDir = opts.dataDir;
    if (!dataDir.startsWith('memory://')) {
      if (existsSync(dataDir) && !statSync(dataDir).isDirectory())
        throw new EmbeddedDatabaseError(opts.dataDir, 'it is a file, not a folder');
      // nor inside another database's folder (a running one would be written under)
      for (let up = dirname(resolve(dataDir)); up !== dirname(up); up = dirname(up)) {
        if (existsSync(join(up, 'PG_VERSION'))) throw new EmbeddedDatabaseError(opts.dataDir, `it lies inside the database folder ${up}`);
      }
      await mkdir(dataDir, { recursive: true });
      // the folder itself, not a symlink to it: one lock per folder, however it is named
      dataDir = await realpath(dataDir);

      lock = await lockDataDir(dataDir);
      // PGlite quietly initializes a new, empty database in a folder without PG_VERSION, over
      // whatever the folder held: refuse a folder that is neither empty nor a database
      const entries = await readdir(dataDir);
      if (opts.restoreFrom && entries.length > 0) {
        await lock.release();
        throw new EmbeddedDatabaseError(opts.dataDir, 'a backup is restored only into an empty folder, and this one is not');
      }
      if (entries.length > 0 && !entries.includes('PG_VERSION')) {
        await lock.release();
        throw new EmbeddedDatabaseError(opts.dataDir, 'the folder is not empty and holds no embedded database (no PG_VERSION file)');
      }
    }
    if (!dataDir.startsWith('memory://') && !opts.restoreFrom && !existsSync(join(dataDir, 'PG_VERSION'))) {
      try {
        await buildInAnotherProcess(dataDir);
      } catch (err) {
        await lock?.release();
        throw new EmbeddedDatabaseError(opts.dataDir, err);
      }
    }
    // Opened here, not by the node-postgres bridge, so that a folder that will not open is an
    // error this function reports (the bridge would leave it as an unhandled rejection).
    pglite = new PGlite(dataDir, opts.restoreFrom ? { loadDataDir: opts.restoreFrom } : {});
    try {
      await pglite.waitReady;
    } catch (err) {
      await lock?.release();
      throw new EmbeddedDatabaseError(opts.dataDir, err);
    }
    // PGlite is a single connection; the pool is fixed at one client by createPgConfig.
    const pool = new pg.Pool(createPgConfig(pglite));
    pool.on('error', (err) => health.failed(err));
    source = { connect: () => pool.connect(), suspect: () => undefined, end: () => pool.end() };
  }
  const db = kyselyOver(source, health, opts.onQuery);
  const close = async () => {
    try {
      await replica?.db.destroy();
      await db.destroy();
      // the bridge never closes an instance it was given: closing flushes it to the folder
      await pglite?.close();
    } finally {
      await lock?.release();
    }
  };
  const instance = pglite;
  return { db, kind, health, replica, close, ...(instance ? { dump: async () => instance.dumpDataDir('gzip') } : {}) };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which: a database whose
  // search_path names another schema (one per county, or a bench's scratch schema) would find
  // public's and then fail to read them through its own path
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrations this version has that the database has not applied (read only). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select name from kysely_migration where to_regclass('kysely_migration') is not null`
    .execute(db)
    .catch(() => ({ rows: [] as { name: string }[] }));
  const applied = new Set(rows.map((r) => r.name));
  return Object.keys(migrations).filter((m) => !applied.has(m));
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
