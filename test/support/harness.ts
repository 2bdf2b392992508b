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

/** The clock tests move instead of sleeping; it follows real time until set. */
export class TestClock implements Clock {
  private fixed: Date | null = null;
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
  set(at: Date | string): void {
    this.fixed = new Date(at);
  }
  reset(): void {
    this.fixed = null;
  }
}

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
  });
  if (config.databaseUrl) await resetPostgres(config.databaseUrl);
  const logs = new LogSink();
  const log = pino({ level: 'debug', base: null, mixin: requestMixin }, logs);
  const clock = new TestClock();
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
