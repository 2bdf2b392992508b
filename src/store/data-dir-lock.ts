import { hostname } from 'node:os';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';

// PGlite is one process's database: two processes on one folder both accept writes, one loses
// them, and the folder can be left unusable. A process that opens it holds a lock file beside it
// (DATA_DIR.lock, with its pid); a second process refuses to start. A lock whose process is gone
// (a crash, SIGKILL) is stale and taken over.

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly pid: number,
    readonly host: string,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another inspection-filing process (pid ${pid}${host !== hostname() ? ` on ${host}` : ''}). ` +
        `Stop that process first, or set DATABASE_URL to a PostgreSQL database, which any number of processes can share. ` +
        `If no such process is running, delete ${lockFile}. / ` +
        `数据目录 ${dataDir} 正被另一个 inspection-filing 进程（pid ${pid}）使用：请先停止该进程，` +
        `或设置 DATABASE_URL 使用 PostgreSQL（可多个进程共用）；如该进程已不存在，请删除 ${lockFile}。`,
    );
  }
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<{ text: string; info: LockInfo | null } | null> {
  try {
    const text = await readFile(path, 'utf8');
    try {
      const info = JSON.parse(text) as LockInfo;
      return { text, info: typeof info.pid === 'number' ? info : null };
    } catch {
      return { text, info: null };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Locks this process holds: a lock file with our own pid is a second open here, or stale from an earlier process that had our pid. */
const heldHere = new Set<string>();

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = `${resolve(dataDir)}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockInfo);
  for (let attempt = 0; attempt < 5; attempt++) {
    // written whole under another name, then linked into place: link() fails if the lock exists,
    // and a reader never sees a half-written lock
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, mine);
    let linked = false;
    try {
      await link(tmp, path);
      linked = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    if (linked) {
      const ours = () => {
        try {
          return readFileSync(path, 'utf8') === mine;
        } catch {
          return false;
        }
      };
      // process.exit() skips async cleanup; the lock goes with the process either way
      const onExit = () => {
        if (ours()) unlinkSync(path);
      };
      process.once('exit', onExit);
      heldHere.add(path);
      return {
        path,
        release: async () => {
          heldHere.delete(path);
          process.removeListener('exit', onExit);
          if (ours()) await unlink(path).catch(() => undefined);
        },
      };
    }
    const held = await readLock(path);
    if (!held) continue; // released meanwhile
    const { info } = held;
    const live = info && (info.host !== hostname() || (info.pid === process.pid ? heldHere.has(path) : alive(info.pid)));
    if (info && live) {
      throw new DataDirLockedError(dataDir, path, info.pid, info.host);
    }
    // stale (its process is gone) or unreadable: take it over, unless someone else just did
    const again = await readLock(path);
    if (again?.text === held.text) await unlink(path).catch(() => undefined);
  }
  throw new Error(`could not take the lock ${path}`);
}
