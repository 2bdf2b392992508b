import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

// A primary and a synchronous streaming standby of the bench's own, on this machine, for
// `npm run bench -- http --standby`: initdb in a temp folder, pg_basebackup -R. The test suite has
// the same in test/support/pg-cluster.ts, but that module pulls in the test harness, which sets
// environment variables at import that the service forked by the bench would inherit.

const run = promisify(execFile);
const candidates = [process.env.PG_BIN, '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];
const asRoot = process.getuid?.() === 0;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** A PostgreSQL cluster in a temp folder of its own, removed with it. */
export class BenchCluster {
  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** A folder and a port for a new cluster; as root the folder is the postgres user's (PostgreSQL refuses to run as root). */
  private static async make(): Promise<BenchCluster> {
    const bin = candidates.find((c) => c && existsSync(join(c, 'initdb')));
    if (!bin) throw new Error('--standby needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup); set PG_BIN to their folder');
    const dir = await mkdtemp(join(tmpdir(), 'bench-pg-'));
    if (asRoot) {
      const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
      await chown(dir, Number(uid.trim()), Number(gid.trim()));
    }
    return new BenchCluster(bin, dir, await freePort());
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', path, ...args]);
    else await run(path, args);
  }

  private async start(): Promise<void> {
    // fsync stays on: the primary's commits wait for the standby's flush, as in production
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    await this.exec('pg_ctl', ['-D', this.data, '-o', opts, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /** A new primary, started. */
  static async primary(): Promise<BenchCluster> {
    const c = await BenchCluster.make();
    try {
      // -A trust also trusts local replication connections
      await c.exec('initdb', ['-D', c.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
      await c.start();
    } catch (err) {
      await c.remove();
      throw err;
    }
    return c;
  }

  /** A streaming standby of this primary (base backup, -R), started, and made its synchronous standby. */
  async standby(name: string): Promise<BenchCluster> {
    const s = await BenchCluster.make();
    try {
      await this.exec('pg_basebackup', [
        ...['-D', s.data, '-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres'],
        ...['-X', 'stream', '-R', '-C', '-S', name, '-c', 'fast', '--no-sync'],
      ]);
      const conninfo = `host=127.0.0.1 port=${this.port} user=postgres application_name=${name}`;
      await appendFile(join(s.data, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\nsynchronous_standby_names = ''\n`);
      await s.start();
      await this.query(`alter system set synchronous_standby_names = 'FIRST 1 (${name})'`);
      await this.query('select pg_reload_conf()');
      await until(`standby ${name} synchronous`, 30_000, async () => {
        const rows = await this.query("select 1 from pg_stat_replication where application_name = $1 and sync_state = 'sync'", [name]);
        return rows.length > 0;
      });
    } catch (err) {
      await s.remove();
      throw err;
    }
    return s;
  }

  async query<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Waits until this standby has replayed everything `primary` had written when called. */
  async waitForReplay(primary: BenchCluster, ms = 120_000): Promise<void> {
    const [{ lsn } = { lsn: '' }] = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    await until(`replay to ${lsn}`, ms, async () => {
      const [row] = await this.query<{ done: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn]);
      return row?.done;
    });
  }

  /**
   * CPU time so far of this cluster's processes (the postmaster and its children: backends,
   * walsender or walreceiver, startup, checkpointer…), in ms by pid (/proc; Linux).
   */
  cpu(): Map<number, number> {
    const byPid = new Map<number, number>();
    let postmaster: number;
    try {
      postmaster = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return byPid;
    }
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // the fields after the command name, which is in parentheses and may hold spaces
        const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        const pid = Number(entry);
        if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
        byPid.set(pid, (Number(fields[11]) + Number(fields[12])) * (1000 / 100));
      } catch {
        // gone since the listing
      }
    }
    return byPid;
  }

  /** Stopped at once (immediate) and its folder removed; safe to call twice. */
  async remove(): Promise<void> {
    if (existsSync(join(this.data, 'postmaster.pid')))
      await this.exec('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', '-t', '60', 'stop']).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** What a cluster's processes spent since `before` (those alive at the end). */
export function cpuSince(cluster: BenchCluster, before: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of cluster.cpu()) spent += ms - (before.get(pid) ?? 0);
  return spent;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A primary and its synchronous standby (`standby1`). `remove` stops both and removes their
 * folders; it also runs on Ctrl-C or SIGTERM (then the bench exits), so nothing is left behind.
 */
export async function replicatedPair(): Promise<{ primary: BenchCluster; standby: BenchCluster; remove(): Promise<void> }> {
  const made: BenchCluster[] = [];
  let removing: Promise<void> | null = null;
  const remove = () =>
    (removing ??= (async () => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      // the standby first: the primary waits for it, and is stopped immediate anyway
      for (const c of made.reverse()) await c.remove();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: removing the bench's clusters`);
    void remove().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const primary = await BenchCluster.primary();
    made.push(primary);
    const standby = await primary.standby('standby1');
    made.push(standby);
    return { primary, standby, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
