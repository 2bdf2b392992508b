import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { DatabaseHealth } from './availability.js';
import type { ConnectionSource } from './host-pool.js';

// Every parameterized query is sent as a named prepared statement, so PostgreSQL plans it once
// per connection instead of on every call (planning was half the cost of a hot query). Names are
// derived from the SQL text. Kysely builds the same text for the same query shape, and hot
// queries pass lists as one array parameter, so the set of texts stays small; past a cap, new
// texts run unnamed rather than growing each connection's statement cache without bound.
const MAX_NAMED = 2000;
const names = new Map<string, string>();

function nameFor(sql: string): string | undefined {
  let name = names.get(sql);
  if (!name && names.size < MAX_NAMED) {
    name = `k${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * The pool Kysely draws from. Besides preparing statements it gives every client an error
 * listener for as long as it lives: pg's pool listens only while a client is idle, and a
 * connection lost while a transaction holds it (a database restart) would otherwise emit an
 * unhandled 'error' and end the process. Statement outcomes feed the database health.
 */
export class PreparingPool implements PostgresPool {
  private readonly wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  constructor(
    private readonly pool: ConnectionSource,
    private readonly health: DatabaseHealth,
  ) {}

  async connect(): Promise<PostgresPoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      this.health.failed(err);
      throw err;
    }
    let w = this.wrapped.get(client);
    if (!w) {
      client.on('error', (err) => this.health.failed(err));
      const health = this.health;
      const source = this.pool;
      // a statement that timed out may still be answered later on this connection: it is not
      // given back to the pool, or the next user would read that stale answer
      let broken: Error | null = null;
      w = {
        query: (async (sql: string, values: readonly unknown[]) => {
          const name = values.length > 0 ? nameFor(sql) : undefined;
          try {
            const result = await client.query(name ? { name, text: sql, values: [...values] } : { text: sql, values: [...values] });
            health.succeeded();
            return result;
          } catch (err) {
            if (err instanceof Error && /query read timeout/i.test(err.message)) broken = err;
            // a write refused as on a standby: this host is no longer the primary (or was made
            // read-only); the connection is dropped and the next one looks for the primary again
            if (err instanceof Error && (err as { code?: unknown }).code === '25006') {
              broken = err;
              source.suspect();
            }
            health.failed(err);
            throw err;
          }
        }) as unknown as PostgresPoolClient['query'],
        release: (err?: unknown) => {
          const reason = broken ?? (err as Error | boolean | undefined);
          if (broken) this.wrapped.delete(client);
          client.release(reason);
        },
      };
      this.wrapped.set(client, w);
    }
    return w;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
