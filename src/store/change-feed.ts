import type pg from 'pg';
import type { Logger } from 'pino';
import { HostPool } from './host-pool.js';
import { parsePostgresUrl } from './pg-url.js';

/**
 * Tells this process which filings changed, wherever the change was made. On PostgreSQL it
 * LISTENs on a connection of its own; while that connection is down it reports itself unhealthy,
 * and whoever caches must stop trusting (and clear) what it holds.
 */
export interface ChangeFeed {
  healthy(): boolean;
  /**
   * filings changed (by verification code); keys changed (by key hash) on `keys`; a rule reload
   * (by the process that made it) on `rules`
   */
  subscribe(onChange: (id: string) => void, onReset: () => void, channel?: FeedChannel): void;
  /**
   * PostgreSQL: the primary's WAL position now, read on the listening connection. Every change
   * committed before a notification arrived (or before the feed last reset) lies at or below a
   * position read after it; standby reads are checked against it (services/replica-reads.ts).
   */
  walPosition?(): Promise<string>;
  close(): Promise<void>;
}
export type FeedChannel = 'filings' | 'keys' | 'rules';
const CHANNELS: Record<string, FeedChannel> = { filing_changed: 'filings', key_changed: 'keys', rules_changed: 'rules' };

/** PGlite is one process and one connection: changes are only ever made here. */
export function localChangeFeed(): ChangeFeed {
  return { healthy: () => true, subscribe: () => undefined, close: () => Promise.resolve() };
}

/** how the listening connection shows in pg_stat_activity (its last statement is mostly the heartbeat) */
export const FEED_APPLICATION_NAME = 'inspection-filing change feed';

/** how often the listening connection is asked whether its server still answers, and how long it has to */
const HEARTBEAT_MS = 5_000;

export function postgresChangeFeed(databaseUrl: string, log: Logger): ChangeFeed {
  const listeners: { change: (id: string) => void; reset: () => void; channel: FeedChannel }[] = [];
  // one connection, to whichever host DATABASE_URL's target_session_attrs picks now: the primary,
  // where every NOTIFY is sent, and after a failover the promoted standby
  const pool = new HostPool(
    parsePostgresUrl(databaseUrl),
    { max: 1, connectionTimeoutMillis: 5_000, keepAlive: true, query_timeout: HEARTBEAT_MS, application_name: FEED_APPLICATION_NAME },
    () => undefined,
  );
  let heartbeat: NodeJS.Timeout | null = null;
  let current: pg.PoolClient | null = null;
  let up = false;
  let closed = false;
  let backoff = 500;
  // said once when the feed is lost and once when it is back, not at every failed reconnection
  let reported = false;
  const resetAll = () => listeners.forEach((l) => l.reset());

  async function connect(): Promise<void> {
    if (closed) return;
    let c: pg.PoolClient | null = null;
    let failed = false;
    // once it is `current`, close() gives it back; before, whoever fails with it does
    let handedOver = false;
    // Each connection reports its loss once, however many of error/end it emits.
    const lost = (err?: unknown) => {
      if (failed) return;
      failed = true;
      if (closed) {
        if (c && !handedOver) c.release(true);
        return;
      }
      up = false;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      if (c && current === c) current = null;
      resetAll();
      c?.release(true);
      if (!reported)
        log.warn({ reason: err instanceof Error ? err.message : undefined }, 'change feed lost; caches are bypassed until it reconnects');
      reported = true;
      setTimeout(() => void connect(), backoff).unref();
      // a failover is over in seconds: looked for again at least every 5 s
      backoff = Math.min(backoff * 2, 5_000);
    };
    try {
      const client = await pool.connect();
      c = client;
      client.on('error', lost);
      client.on('end', () => lost());
      client.on('notification', (msg) => {
        const channel = CHANNELS[msg.channel];
        if (channel && msg.payload) for (const l of listeners) if (l.channel === channel) l.change(msg.payload);
      });
      await client.query('listen filing_changed; listen key_changed; listen rules_changed');
      // closed while this connection was being made: given back here, or the pool's end would wait for it
      if (closed) {
        failed = true;
        client.release(true);
        return;
      }
      current = client;
      handedOver = true;
    } catch (err) {
      lost(err);
      return;
    }
    up = true;
    resetAll(); // anything may have changed while nobody was listening
    // A primary that stops answering (frozen, cut off) closes nothing: the listener would wait for
    // ever, trusted, and after a failover hear nothing of the new primary's changes. So it asks.
    const client = c;
    heartbeat = setInterval(() => {
      client?.query('select 1').catch((err: unknown) => lost(err));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    backoff = 500;
    if (reported) log.warn('change feed back; caches in use again');
    reported = false;
  }
  void connect();

  return {
    healthy: () => up,
    subscribe: (change, onReset, channel = 'filings') => {
      listeners.push({ change, reset: onReset, channel });
    },
    walPosition: async () => {
      if (!current || !up) throw new Error('the change feed is not connected');
      const { rows } = await current.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      const lsn = rows[0]?.lsn;
      if (!lsn) throw new Error('no WAL position');
      return lsn;
    },
    close: async () => {
      closed = true;
      up = false;
      if (heartbeat) clearInterval(heartbeat);
      current?.release(true);
      current = null;
      await pool.end().catch(() => undefined);
    },
  };
}
