import { sql } from 'kysely';
import type { Logger } from 'pino';
import { isOutage, type DatabaseHealth } from '../store/availability.js';

/**
 * A standby cancelled the read to replay WAL (a recovery conflict: SQLSTATE 40001, or 40P01 for a
 * lock): read again on the primary.
 */
function isReplayConflict(err: unknown): boolean {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return code === '40001' || code === '40P01';
}

/** A statement that has not answered by `ms` fails as an outage (a frozen host answers nothing, and the pool would wait a minute). */
export async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`query read timeout: no answer within ${ms} ms`), { code: '08006' })), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
import type { ChangeFeed } from '../store/change-feed.js';
import type { Db, ReadReplica } from '../store/db.js';

/** A read's value, and where it was read. */
export interface ReadOutcome<T> {
  value: T;
  from: 'primary' | 'standby';
  /**
   * set when no primary answered and a standby did: how far behind the primary it may be, by the
   * age of the last transaction it replayed (null when it cannot tell)
   */
  possiblyBehindSeconds?: number | null;
}

/** `16/B374D848` as a number that compares as WAL positions do */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  if (hi === undefined || lo === undefined) throw new Error(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/**
 * Reads that decide nothing (scans, the verify page, lists, the dashboard) on a standby, never
 * staler than what this process knows has changed.
 *
 * The rule: a standby may answer for a filing only once it has replayed the filing's last change.
 * The change feed, on the primary, says which filing changed; right after each notification the
 * primary's WAL position is read on the feed's own connection, which is at or past the change's
 * commit. A standby read first reads the standby's replay position, then the data (the data's
 * snapshot is newer than that position), and is used only if the position is at or past the
 * filing's. Until a notification's position is known, and while the feed is down (nothing is
 * known then), the filing is read on the primary. Changes committed before the feed (re)connected
 * are covered by the position read when it did (the floor). So a cancel, once acknowledged,
 * is never verified as valid from a standby that has not replayed it, however far behind it is.
 *
 * When the primary does not answer at all, the standby answers anyway, marked as possibly behind.
 */
export class ReplicaReads {
  /** changes before this position are covered for every filing; null: not known (feed down) */
  private floor: bigint | null = null;
  /**
   * filings changed since the floor, with the position their change is covered at (null: not yet
   * read) and the count of changes heard when it last changed (a position read before a second
   * change was heard must not be given to it)
   */
  private readonly changed = new Map<string, { at: bigint | null; heard: number }>();
  private heard = 0;
  private unresolved = 0;
  /** the highest position known for any change: what a read of many filings (a list) must have replayed */
  private latest = 0n;
  private generation = 0;
  private refreshing = false;
  private again = false;
  /** above this many changed filings the positions are folded into the floor (a standby behind it is read through the primary) */
  private static readonly MAX_TRACKED = 10_000;

  constructor(
    private readonly primary: Db,
    private readonly replica: ReadReplica | null,
    /** the primary's, which any statement that reaches it marks up again */
    private readonly primaryHealth: DatabaseHealth,
    private readonly feed: ChangeFeed,
    private readonly log: Logger,
    private readonly counted: (from: 'standby' | 'primary' | 'standby_primary_down') => void = () => undefined,
  ) {
    if (!replica?.routine) return;
    feed.subscribe(
      (code) => this.changedHere(code),
      () => this.reset(),
    );
    // the feed may have connected (and reset) before this subscribed: the floor is read now too
    this.refresh();
  }

  /**
   * A filing changed (heard on the feed, or changed by this process, before it answers): read on
   * the primary until the primary's position after the change is known.
   */
  changedHere(code: string): void {
    if (!this.replica?.routine) return;
    if (this.changed.get(code)?.at !== null) this.unresolved++;
    this.changed.set(code, { at: null, heard: ++this.heard });
    this.refresh();
  }

  /** whether reads go to a standby at all (DATABASE_READ_URL is set) */
  get routine(): boolean {
    return !!this.replica?.routine;
  }

  private reset(): void {
    this.generation++;
    // the feed is (back) on a primary: scans stop going to the standby as if none answered
    if (this.feed.healthy()) this.awayUntil.primary = 0;
    this.floor = null;
    this.changed.clear();
    this.unresolved = 0;
    this.latest = 0n;
    this.refresh();
  }

  /** Reads the primary's position and gives it to every change (and floor) still waiting for one. */
  private refresh(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    this.again = false;
    const generation = this.generation;
    const heard = this.heard;
    const waiting = [...this.changed].filter(([, c]) => c.at === null).map(([code]) => code);
    const done = (retry: boolean) => {
      this.refreshing = false;
      if (this.again) this.refresh();
      // the feed is down or the primary away: tried again shortly (reads go to the primary meanwhile)
      else if (retry) setTimeout(() => this.refresh(), 1_000).unref();
    };
    if (!this.feed.healthy() || !this.feed.walPosition) {
      done(false); // the feed's reset on reconnection calls again
      return;
    }
    this.feed.walPosition().then(
      (text) => {
        if (generation === this.generation) {
          const at = lsnValue(text);
          if (this.floor === null) this.floor = at;
          for (const code of waiting) {
            const c = this.changed.get(code);
            // a change heard after the position was asked for waits for the next one
            if (c && c.at === null && c.heard <= heard) {
              c.at = at;
              this.unresolved--;
            }
          }
          if (waiting.length && at > this.latest) this.latest = at;
          if (this.changed.size > ReplicaReads.MAX_TRACKED && this.unresolved === 0) {
            this.floor = this.latest > this.floor ? this.latest : this.floor;
            this.changed.clear();
          }
        }
        done(false);
      },
      (err: unknown) => {
        this.log.debug({ err }, 'WAL position not read; reads stay on the primary');
        done(true);
      },
    );
  }

  /** the replay position a standby needs to answer for this filing (or, with null, for any); null: none will do */
  private required(code: string | null): bigint | null {
    if (this.floor === null || !this.feed.healthy()) return null;
    if (code === null) {
      if (this.unresolved > 0) return null;
      return this.latest > this.floor ? this.latest : this.floor;
    }
    const c = this.changed.get(code);
    if (!c) return this.floor;
    if (c.at === null) return null;
    return c.at > this.floor ? c.at : this.floor;
  }

  /**
   * Lists and the dashboard's figures, on a standby that has replayed everything committed before
   * the request: the primary's position is read first (one cheap statement; what the heavy query
   * costs moves to the standby), and the standby is waited on for up to `waitMs` to reach it, else
   * the primary answers. So whoever just wrote something (a filing, a violation's status) sees it
   * in the next list, whichever process serves it; inserts and changes the feed does not announce
   * included.
   */
  async readAll<T>(fn: (db: Db) => Promise<T>, waitMs = 100): Promise<ReadOutcome<T>> {
    const replica = this.replica;
    if (!replica?.routine) return { value: await fn(this.primary), from: 'primary' };
    // a primary that stopped answering must not hold the list for the pool's minute (5 s: as long as a new connection may take)
    const { rows } = await within(5_000, sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(this.primary));
    const required = lsnValue(rows[0]?.lsn ?? '0/0');
    const got = await this.fromStandby(replica, required, fn, waitMs);
    return got ? { value: got.value, from: 'standby' } : this.fromPrimary(fn);
  }

  private async fromPrimary<T>(fn: (db: Db) => Promise<T>): Promise<ReadOutcome<T>> {
    const value = await fn(this.primary);
    this.counted('primary');
    return { value, from: 'primary' };
  }

  /**
   * `fn` on the standby once it has replayed `required` (waited on for up to `waitMs`); null when
   * it has not, is away, cancelled the read to replay, or found nothing (a new filing is not
   * announced, only changes are: nothing found is asked again of the primary). The replay position
   * is read first, on the same connection: the data's snapshot, taken after, holds at least what
   * it covers. (Read in one statement with the data, the position could be newer than the
   * snapshot; and kept from one read to the next, it would not hold for a name that a balancer
   * sends to several standbys.)
   */
  private async fromStandby<T>(
    replica: ReadReplica,
    required: bigint,
    fn: (db: Db) => Promise<T>,
    waitMs = 0,
  ): Promise<{ value: T } | null> {
    if (this.away('standby')) return null;
    try {
      const value = await replica.db.connection().execute(async (conn) => {
        const deadline = performance.now() + waitMs;
        for (;;) {
          const { rows } = await sql<{ lsn: string | null }>`
            select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as lsn`.execute(conn);
          const text = rows[0]?.lsn;
          if (!text) return null;
          if (lsnValue(text) >= required) return fn(conn);
          if (performance.now() >= deadline) return null;
          await new Promise((r) => setTimeout(r, 5));
        }
      });
      if (value === null || value === undefined) return null;
      this.standbyAnswered();
      this.counted('standby');
      return { value };
    } catch (err) {
      if (isOutage(err)) this.wentAway('standby');
      else if (!isReplayConflict(err)) throw err;
      return null;
    }
  }

  /**
   * Runs a read that decides nothing: on the standby when the rule above allows, else on the
   * primary, and on the standby (marked) when no primary answers. `code`: the filing it concerns;
   * null: any filing may show (a list), and the standby must have replayed every known change.
   */
  async read<T>(code: string | null, fn: (db: Db) => Promise<T>): Promise<ReadOutcome<T>> {
    const replica = this.replica;
    if (!replica) return { value: await fn(this.primary), from: 'primary' };
    const required = replica.routine ? this.required(code) : null;
    const got = required === null ? null : await this.fromStandby(replica, required, fn);
    if (got) return { value: got.value, from: 'standby' };
    let primaryError: unknown = null;
    if (!this.away('primary')) {
      try {
        return await this.fromPrimary(fn);
      } catch (err) {
        if (!isOutage(err)) throw err;
        this.wentAway('primary');
        primaryError = err;
      }
    }
    try {
      return await replica.db.connection().execute(async (conn) => {
        const possiblyBehindSeconds = await this.behindSeconds(conn);
        const value = await fn(conn);
        this.counted('standby_primary_down');
        return { value, from: 'standby' as const, possiblyBehindSeconds };
      });
    } catch (err) {
      // the primary's outage is what the client is told about; tried again at once next time
      this.awayUntil.primary = 0;
      throw primaryError ?? err;
    }
  }

  /**
   * How far behind a standby may be, while no primary answers: the age of the last change it
   * replayed, once it has replayed all the WAL it received (waited on for up to 200 ms: with a
   * synchronous standby that holds every acknowledged commit); null when it has not (its replay
   * is paused or slow) and so cannot tell. 0 for a server that is not in recovery.
   */
  private async behindSeconds(conn: Db): Promise<number | null> {
    const deadline = performance.now() + 200;
    for (;;) {
      const { rows } = await sql<{ standby: boolean; lagging: boolean | null; age: number | string | null }>`
        select pg_is_in_recovery() as standby,
               pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn() as lagging,
               extract(epoch from now() - pg_last_xact_replay_timestamp()) as age`.execute(conn);
      const r = rows[0];
      if (!r?.standby) return 0;
      if (!r.lagging) return r.age === null ? null : Math.max(0, Math.ceil(Number(r.age)));
      if (performance.now() >= deadline) return null;
      await new Promise((done) => setTimeout(done, 10));
    }
  }

  /** whether a standby (or a host of a several-host DATABASE_URL) answers now: readiness while no primary does */
  async standbyAnswers(): Promise<boolean> {
    if (!this.replica) return false;
    try {
      await sql`select 1`.execute(this.replica.db);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A host that failed is left alone for a few seconds, so that a host that stopped answering
   * (its connection attempts time out after 5 s) does not hold up every scan in the meantime.
   */
  private readonly awayUntil = { primary: 0, standby: 0 };
  private static readonly AWAY_MS = 5_000;
  private standbyReported = false;
  private away(which: 'primary' | 'standby'): boolean {
    // the primary is back as soon as anything reaches it (a filing, /readyz)
    if (which === 'primary' && this.primaryHealth.isUp()) return false;
    return performance.now() < this.awayUntil[which];
  }
  private wentAway(which: 'primary' | 'standby'): void {
    this.awayUntil[which] = performance.now() + ReplicaReads.AWAY_MS;
    if (which === 'standby' && !this.standbyReported) {
      this.standbyReported = true;
      this.log.warn('the standby (DATABASE_READ_URL) does not answer: its reads go to the primary until it does');
    }
  }
  private standbyAnswered(): void {
    if (!this.standbyReported) return;
    this.standbyReported = false;
    this.log.warn('the standby (DATABASE_READ_URL) answers again');
  }
}

/** A list's or a figure's read: on a standby that has replayed everything before the request (readAll), or on ctx.db. */
export async function readForList<T>(ctx: { db: Db; reads?: ReplicaReads }, fn: (db: Db) => Promise<T>): Promise<T> {
  return ctx.reads ? (await ctx.reads.readAll(fn)).value : fn(ctx.db);
}
