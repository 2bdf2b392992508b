import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pg from 'pg';
import supertest from 'supertest';
import { recorded } from './contract.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { requestMixin } from '../../src/request-context.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
/** The audit key of the run; servers and commands the tests start inherit it (no key file is made) */
export const AUDIT_KEY = 'test-audit-key-0123456789abcdef-0123456789';
process.env.AUDIT_KEY ??= AUDIT_KEY;

/**
 * Where the suite's clock starts: a fixed, ordinary working day (Wednesday 10 June 2026, 10:00 in
 * Shanghai), so that what a test expects never depends on the day it runs. `TEST_NOW` starts it
 * at another instant (ISO 8601 with an offset), or at the machine's clock with `TEST_NOW=wall`
 * (under faketime, the suite then runs at the faked date end to end).
 */
export const DEFAULT_TEST_START = '2026-06-10T10:00:00+08:00';

function startInstant(value: string | undefined): number {
  if (!value) return Date.parse(DEFAULT_TEST_START);
  if (value === 'wall') return Date.now(); // wall-clock: asked for
  const at = Date.parse(value);
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(value) || Number.isNaN(at))
    throw new Error(`TEST_NOW=${value}: give an ISO 8601 instant with its offset (2026-12-31T23:40:00+08:00), or "wall"`);
  return at;
}

/**
 * The clock the server runs on in tests, and the one tests compute their dates from: it ticks
 * from its start instant at the pace of the monotonic clock, so that records made one after the
 * other are in order; `set` pins it at an instant of a test's choosing until the test ends.
 */
export class TestClock implements Clock {
  private pinned: number | null = null;
  private readonly ticksFrom = performance.now();
  constructor(private readonly start: number) {}
  now(): Date {
    return new Date(this.pinned ?? this.start + Math.floor(performance.now() - this.ticksFrom));
  }
  set(at: Date | string): void {
    const t = new Date(at).getTime();
    if (Number.isNaN(t)) throw new Error(`clock.set: not an instant: ${String(at)}`);
    this.pinned = t;
  }
  /** back to the suite's own ticking time (the root hooks do this after every test) */
  reset(): void {
    this.pinned = null;
  }
}

/** The one test clock of the run (the server's too): tests and fixtures read it synchronously. */
export const clock = new TestClock(startInstant(process.env.TEST_NOW));

/** Every log line the app wrote during the run, parsed, so tests can assert on what is (not) logged. */
export class LogSink extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/** Statements the app sent to the database while recording is on (see countQueries). */
export class QueryLog {
  recording = false;
  readonly statements: string[] = [];
  record = (sql: string) => {
    if (this.recording) this.statements.push(sql);
  };
}

export interface Harness {
  queries: QueryLog;
  runtime: Runtime;
  config: Config;
  clock: TestClock;
  logs: LogSink;
  log: Logger;
  api(): supertest.Agent;
}

let current: Promise<Harness> | null = null;

/** Recreates the test database schema on PostgreSQL so each run starts from nothing. */
async function resetPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, user: new URL(url).username || 'postgres' });
  await client.connect();
  try {
    await client.query('drop schema if exists public cascade; create schema public;');
  } finally {
    await client.end();
  }
}

async function start(): Promise<Harness> {
  const config = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    RULES_DIR: 'rules',
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    PUBLIC_URL: 'http://verify.test',
    SCHEDULER: 'off',
    VERIFY_RATE_LIMIT: '100000',
    // every test shares one address: its tests of wrong keys must not lock the others out
    AUTH_FAILURE_LIMIT: '100000',
    AUDIT_KEY: process.env.AUDIT_KEY,
  });
  if (config.databaseUrl) await resetPostgres(config.databaseUrl);
  const logs = new LogSink();
  const log = pino({ level: 'debug', base: null, mixin: requestMixin }, logs);
  const queries = new QueryLog();
  const runtime = await startRuntime(config, log, { clock, dataDir: 'memory://', onQuery: queries.record });
  return { queries, runtime, config, clock, logs, log, api: () => recorded(supertest.agent(runtime.app)) };
}

/** One database per test run, opened on first use. */
export function harness(): Promise<Harness> {
  current ??= start();
  return current;
}

export async function closeHarness(): Promise<void> {
  if (!current) return;
  const h = await current;
  current = null;
  await h.runtime.close();
}

/** The statements sent while `fn` runs. */
export async function countQueries(fn: () => Promise<unknown>): Promise<string[]> {
  const h = await harness();
  h.queries.statements.length = 0;
  h.queries.recording = true;
  try {
    await fn();
  } finally {
    h.queries.recording = false;
  }
  return [...h.queries.statements];
}
