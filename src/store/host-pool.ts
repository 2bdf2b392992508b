import pg from 'pg';
import type { Logger } from 'pino';
import type { PostgresTarget, SessionAttrs } from './pg-url.js';

/** Where the store's pool takes its connections from (one pg pool, or one per host). */
export interface ConnectionSource {
  connect(): Promise<pg.PoolClient>;
  /** a statement failed as only a standby fails it: the host found before may no longer suit */
  suspect(): void;
  end(): Promise<void>;
}

/**
 * No host in the list is what `target_session_attrs` asks for (no primary while a standby is
 * being promoted, say). Its SQLSTATE is libpq's "unable to establish connection", class 08: an
 * outage, answered 503 with Retry-After like any other.
 */
export class NoSuitableHostError extends Error {
  readonly code = '08001';
  constructor(attrs: SessionAttrs, hosts: string[], cause: unknown) {
    const why = cause instanceof Error ? `; last error: ${cause.message.split('\n')[0]}` : '';
    super(`no host of ${hosts.join(', ')} is ${attrs === 'read-write' || attrs === 'primary' ? 'a primary' : `fit for ${attrs}`}${why}`);
  }
}

interface HostState {
  standby: boolean;
  readOnly: boolean;
}

function suits(attrs: SessionAttrs, s: HostState): boolean {
  switch (attrs) {
    case 'any':
      return true;
    case 'read-write':
      return !s.readOnly && !s.standby;
    case 'read-only':
      return s.readOnly || s.standby;
    case 'primary':
      return !s.standby;
    case 'standby':
    case 'prefer-standby':
      return s.standby;
  }
}

/**
 * libpq's multi-host connection, for node-postgres: one pg pool per host, and each new connection
 * checked against `target_session_attrs` the way libpq checks it (`pg_is_in_recovery()`,
 * `transaction_read_only`). Connections are taken from the host that suited last; when it stops
 * answering, or answers as the wrong kind of server, the others are tried in the order given, so
 * after a failover the pool finds the promoted standby by itself. A connection that has passed
 * the check is trusted until it dies (a primary is never demoted under a live connection) or a
 * statement fails as on a standby (`suspect()`).
 */
export class HostPool implements ConnectionSource {
  private readonly pools: pg.Pool[];
  private preferred = 0;
  /** connections checked, with the check's generation (bumped by suspect()) */
  private readonly checked = new WeakMap<pg.PoolClient, number>();
  private generation = 0;

  constructor(
    private readonly target: PostgresTarget,
    options: Omit<pg.PoolConfig, 'connectionString' | 'user'>,
    onIdleError: (err: Error) => void,
    private readonly log: Logger | null = null,
  ) {
    this.pools = target.hostUrls.map((connectionString) => {
      const pool = new pg.Pool({ ...options, connectionString, user: target.user });
      // an idle client that dies (database restart) must not crash the process
      pool.on('error', onIdleError);
      return pool;
    });
  }

  /** whether connections need checking at all: one host taking any session is the plain pool */
  private get plain(): boolean {
    return this.pools.length === 1 && this.target.sessionAttrs === 'any';
  }

  async connect(): Promise<pg.PoolClient> {
    if (this.plain) return (this.pools[0] as pg.Pool).connect();
    const attrs = this.target.sessionAttrs;
    let lastError: unknown = null;
    // prefer-standby: a primary found on the way is kept in case no standby answers
    let fallback: { client: pg.PoolClient; index: number } | null = null;
    for (let k = 0; k < this.pools.length; k++) {
      const index = (this.preferred + k) % this.pools.length;
      const pool = this.pools[index] as pg.Pool;
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        lastError = err;
        continue;
      }
      if (this.checked.get(client) === this.generation) return this.chose(client, index);
      let state: HostState;
      try {
        state = await this.stateOf(client);
      } catch (err) {
        client.release(err instanceof Error ? err : true);
        lastError = err;
        continue;
      }
      if (suits(attrs, state)) {
        this.checked.set(client, this.generation);
        fallback?.client.release(true);
        return this.chose(client, index);
      }
      if (attrs === 'prefer-standby' && !fallback) {
        fallback = { client, index };
        continue;
      }
      // not kept: a standby promoted later gets new connections, checked again
      client.release(true);
    }
    if (fallback) return this.chose(fallback.client, fallback.index);
    throw new NoSuitableHostError(attrs, this.target.hostNames, lastError);
  }

  private chose(client: pg.PoolClient, index: number): pg.PoolClient {
    if (index !== this.preferred) {
      this.log?.warn(
        { from: this.target.hostNames[this.preferred], to: this.target.hostNames[index], targetSessionAttrs: this.target.sessionAttrs },
        'database host changed',
      );
      this.preferred = index;
    }
    return client;
  }

  private async stateOf(client: pg.PoolClient): Promise<HostState> {
    const { rows } = await client.query<{ standby: boolean; read_only: string }>(
      `select pg_is_in_recovery() as standby, current_setting('transaction_read_only') as read_only`,
    );
    const row = rows[0];
    return { standby: !!row?.standby, readOnly: row?.read_only === 'on' };
  }

  suspect(): void {
    this.generation++;
    // as libpq does for every connection: the hosts are tried again in the order given
    this.preferred = 0;
  }

  async end(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.end()));
  }
}
