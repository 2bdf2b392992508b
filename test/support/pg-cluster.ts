import { execFile } from 'node:child_process';
import { appendFile, chown, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './server-process.js';
import { tempDir } from './temp.js';

// A PostgreSQL cluster of the test's own, in a temp folder, that the test may stop and start
// (immediate shutdown, as a crash or a failover would) without disturbing the shared database.
// A running one can be given streaming standbys (pg_basebackup -R), synchronous or not, that a
// test can hold back (replay paused), wait on (replay caught up) and promote.

const run = promisify(execFile);
const candidates = [process.env.PG_BIN, '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

/** Polls until `probe` gives a value, on the monotonic clock; throws saying what was awaited when `ms` pass. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** As root, a folder PostgreSQL writes in must be the postgres user's (it refuses to run as root). */
async function giveToPostgres(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  await chown(dir, Number(stdout.trim()), Number(gid.trim()));
}

export interface StandbyOptions {
  /** application_name in its primary_conninfo (what synchronous_standby_names names) and its replication slot's name */
  name: string;
  /** make it the primary's synchronous standby (`FIRST 1 (name)`) and wait until pg_stat_replication says sync */
  synchronous?: boolean;
}

export class PrivateCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    /** for a standby: the cluster it was copied from and streams from, and its name there */
    readonly upstream: { primary: PrivateCluster; name: string } | null = null,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** One URL listing several clusters' hosts, as libpq takes it (e.g. `target_session_attrs=read-write`). */
  static multiHostUrl(clusters: PrivateCluster[], params: Record<string, string> = {}): string {
    const hosts = clusters.map((c) => `127.0.0.1:${c.port}`).join(',');
    const query = new URLSearchParams(params).toString();
    return `postgresql://postgres@${hosts}/postgres${query ? `?${query}` : ''}`;
  }

  /** null when no PostgreSQL server binaries are installed here */
  static async create(): Promise<PrivateCluster | null> {
    const bin = candidates.find((c) => c && existsSync(join(c, 'initdb')));
    if (!bin) return null;
    const dir = await tempDir('pg');
    const cluster = new PrivateCluster(bin, dir, await freePort());
    await giveToPostgres(dir);
    // -A trust also trusts local replication connections (pg_hba's `host replication all 127.0.0.1/32`)
    await cluster.exec('initdb', ['-D', cluster.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    return cluster;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', path, ...args]);
    else await run(path, args);
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    await this.exec('pg_ctl', ['-D', this.data, '-o', opts, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /** `immediate`: no checkpoint, every connection cut, as in a crash */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server and its backends: a host that stops answering, as a network cut would look. */
  async signal(sig: 'STOP' | 'CONT'): Promise<void> {
    const pid = (await readFile(join(this.data, 'postmaster.pid'), 'utf8')).split('\n')[0]?.trim();
    if (!pid) throw new Error('postmaster.pid has no pid');
    await run('pkill', [`-${sig}`, '-P', pid]).catch(() => undefined);
    await run('kill', [`-${sig}`, pid]);
  }

  async destroy(): Promise<void> {
    await this.signal('CONT').catch(() => undefined);
    await this.stop('immediate').catch(() => undefined);
  }

  /** destroy(), then its folder goes at once (not only at the end of the run): a pair's data is ~80 MB */
  async remove(): Promise<void> {
    await this.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The rows of one statement, on a connection of its own (closed before it returns). */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** The server's log so far (pg_ctl -l), for a failing test's message. */
  async log(): Promise<string> {
    return readFile(join(this.dir, 'log'), 'utf8').catch(() => '');
  }

  /**
   * A streaming standby of this (running) cluster: a base backup with WAL streamed (-X stream) and
   * the standby's configuration written (-R), through a replication slot of its name so that the
   * primary keeps the WAL it has not received; started on a port of its own. With `synchronous`,
   * this cluster's commits wait for it from then on.
   */
  async createStandby(options: StandbyOptions): Promise<PrivateCluster> {
    const { name } = options;
    // it is an identifier in synchronous_standby_names and a slot name: keep it to what both take unquoted
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`standby name ${JSON.stringify(name)}: lower-case letters, digits, _`);
    const dir = await tempDir('pg');
    await giveToPostgres(dir);
    const standby = new PrivateCluster(this.bin, dir, await freePort(), { primary: this, name });
    await this.exec('pg_basebackup', [
      ...['-D', standby.data, '-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres'],
      ...['-X', 'stream', '-R', '-C', '-S', name, '-c', 'fast', '--no-sync'],
    ]);
    // later lines of postgresql.auto.conf win over what -R wrote. Its own synchronous_standby_names
    // stays empty: the copy may carry the primary's, and once promoted it would wait for itself.
    const conninfo = `host=127.0.0.1 port=${this.port} user=postgres application_name=${name}`;
    await appendFile(join(standby.data, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\nsynchronous_standby_names = ''\n`);
    await standby.start();
    try {
      if (options.synchronous) await this.setSynchronousStandbys([name]);
      else await this.waitForStreaming(name);
    } catch (err) {
      // nothing else holds it yet: a standby that never streamed must not outlive the test
      const log = await standby.log();
      await standby.remove();
      throw new Error(`${(err as Error).message}\nstandby log:\n${log}`, { cause: err });
    }
    return standby;
  }

  /** Sets synchronous_standby_names (`FIRST 1 (…)`, or none), reloads, and with names waits until the first is sync. */
  async setSynchronousStandbys(names: string[]): Promise<void> {
    const value = names.length ? `FIRST 1 (${names.join(', ')})` : '';
    await this.query(`alter system set synchronous_standby_names = '${value}'`);
    await this.query('select pg_reload_conf()');
    const first = names[0];
    if (first)
      await until(`standby ${first} synchronous`, 20_000, async () => {
        const rows = await this.query('select 1 from pg_stat_replication where application_name = $1 and sync_state = $2', [first, 'sync']);
        return rows.length > 0;
      });
  }

  /** Waits until the named standby streams from this cluster (pg_stat_replication state streaming). */
  async waitForStreaming(name: string, ms = 20_000): Promise<void> {
    await until(`standby ${name} streaming`, ms, async () => {
      const rows = await this.query("select 1 from pg_stat_replication where application_name = $1 and state = 'streaming'", [name]);
      return rows.length > 0;
    });
  }

  /** This cluster's current WAL position (on a primary). */
  async currentLsn(): Promise<string> {
    const [row] = await this.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    return row!.lsn;
  }

  /** Whether it is a standby still (in recovery). */
  async inRecovery(): Promise<boolean> {
    const [row] = await this.query<{ r: boolean }>('select pg_is_in_recovery() as r');
    return row!.r;
  }

  /** Holds a standby's replay back (WAL still arrives and is flushed, so synchronous commits go on); returns once it is paused. */
  async pauseReplay(): Promise<void> {
    await this.query('select pg_wal_replay_pause()');
    await until('replay paused', 10_000, async () => {
      const [row] = await this.query<{ s: string }>('select pg_get_wal_replay_pause_state() as s');
      return row!.s === 'paused';
    });
  }

  async resumeReplay(): Promise<void> {
    await this.query('select pg_wal_replay_resume()');
  }

  /**
   * Waits until this standby has replayed up to `target`: a WAL position, or (`'caught up'`) the
   * primary's current position taken now. Returns the position it replayed to.
   */
  async waitForReplay(target: string = 'caught up', ms = 15_000): Promise<string> {
    if (!this.upstream) throw new Error('waitForReplay: not a standby');
    const lsn = target === 'caught up' ? await this.upstream.primary.currentLsn() : target;
    return until(`replay to ${lsn} on standby ${this.upstream.name}`, ms, async () => {
      const [row] = await this.query<{ done: boolean; at: string | null }>(
        'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done, pg_last_wal_replay_lsn()::text as at',
        [lsn],
      );
      return row!.done && row!.at;
    });
  }

  /** Promotes a standby (pg_ctl promote) and returns once it takes writes. */
  async promote(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.data, '-w', '-t', '60', 'promote']);
    await until('promoted', 20_000, async () => !(await this.inRecovery()));
  }
}

/**
 * Hooks for a describe block whose tests stop and start a cluster of their own: they run in the
 * PostgreSQL pass (DATABASE_URL set) where the server binaries are installed, and are skipped
 * otherwise. Returns the running cluster.
 */
export function usePrivateCluster(): () => PrivateCluster {
  let cluster: PrivateCluster | null = null;
  before(async function () {
    if (!process.env.DATABASE_URL) this.skip();
    cluster = await PrivateCluster.create();
    if (!cluster) this.skip();
    await cluster.start();
  });
  after(async () => {
    await cluster?.destroy();
  });
  return () => {
    if (!cluster) throw new Error('no private cluster');
    return cluster;
  };
}

/**
 * The same for a primary and a streaming standby of it (named `standby1`; with `synchronous`, the
 * primary's synchronous standby). Both are stopped and their folders removed after the block.
 */
export function useReplicatedClusters(options: { synchronous?: boolean; name?: string } = {}): () => {
  primary: PrivateCluster;
  standby: PrivateCluster;
} {
  let pair: { primary: PrivateCluster; standby: PrivateCluster } | null = null;
  let made: PrivateCluster[] = [];
  before(async function () {
    if (!process.env.DATABASE_URL) this.skip();
    const primary = await PrivateCluster.create();
    if (!primary) this.skip();
    made = [primary];
    await primary.start();
    const standby = await primary.createStandby({ name: options.name ?? 'standby1', synchronous: options.synchronous ?? false });
    made.push(standby);
    pair = { primary, standby };
  });
  after(async () => {
    // the standby first: a primary that waits for a synchronous standby is stopped immediate anyway
    for (const c of made.reverse()) await c.remove();
    made = [];
  });
  return () => {
    if (!pair) throw new Error('no replicated clusters');
    return pair;
  };
}
