import pg from 'pg';
import type { Logger } from 'pino';

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
  close(): Promise<void>;
}
export type FeedChannel = 'filings' | 'keys' | 'rules';
const CHANNELS: Record<string, FeedChannel> = { filing_changed: 'filings', key_changed: 'keys', rules_changed: 'rules' };

/** PGlite is one process and one connection: changes are only ever made here. */
export function localChangeFeed(): ChangeFeed {
  return { healthy: () => true, subscribe: () => undefined, close: () => Promise.resolve() };
}

export function postgresChangeFeed(databaseUrl: string, log: Logger): ChangeFeed {
  const listeners: { change: (id: string) => void; reset: () => void; channel: FeedChannel }[] = [];
  let current: pg.Client | null = null;
  let up = false;
  let closed = false;
  let backoff = 500;
  // said once when the feed is lost and once when it is back, not at every failed reconnection
  let reported = false;
  const resetAll = () => listeners.forEach((l) => l.reset());

  async function connect(): Promise<void> {
    if (closed) return;
    const c = new pg.Client({ connectionString: databaseUrl, user: new URL(databaseUrl).username || 'postgres' });
    let failed = false;
    // Each connection reports its loss once, however many of error/end it emits.
    const lost = (err?: unknown) => {
      if (failed) return;
      failed = true;
      up = false;
      resetAll();
      c.end().catch(() => undefined);
      if (closed) return;
      if (!reported)
        log.warn({ reason: err instanceof Error ? err.message : undefined }, 'change feed lost; caches are bypassed until it reconnects');
      reported = true;
      setTimeout(() => void connect(), backoff).unref();
      backoff = Math.min(backoff * 2, 30_000);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => {
      const channel = CHANNELS[msg.channel];
      if (channel && msg.payload) for (const l of listeners) if (l.channel === channel) l.change(msg.payload);
    });
    try {
      await c.connect();
      await c.query('listen filing_changed; listen key_changed; listen rules_changed');
    } catch (err) {
      lost(err);
      return;
    }
    current = c;
    resetAll(); // anything may have changed while nobody was listening
    up = true;
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
    close: async () => {
      closed = true;
      up = false;
      await current?.end().catch(() => undefined);
    },
  };
}
