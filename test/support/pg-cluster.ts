import { execFile } from 'node:child_process';
import { chown, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.js';
import { tempDir } from './temp.js';

// A PostgreSQL cluster of the test's own, in a temp folder, that the test may stop and start
// (immediate shutdown, as a crash or a failover would) without disturbing the shared database.

const run = promisify(execFile);
const candidates = [process.env.PG_BIN, '/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

export class PrivateCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** null when no PostgreSQL server binaries are installed here */
  static async create(): Promise<PrivateCluster | null> {
    const bin = candidates.find((c) => c && existsSync(join(c, 'initdb')));
    if (!bin) return null;
    const dir = await tempDir('pg');
    const cluster = new PrivateCluster(bin, dir, await freePort());
    // PostgreSQL refuses to run as root: as root, its files belong to postgres and it runs as postgres
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
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
