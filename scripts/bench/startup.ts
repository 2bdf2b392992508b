import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openStore } from '../../src/store/db.js';
import { numberFlag } from './http.js';

// npm run build && npm run bench -- startup [--rounds 5] [--first]
// How `npm start` starts: through tsx (TypeScript compiled as it is loaded) against the compiled
// JavaScript of `npm run build` (node dist/server.js). Each round starts both, alternately, on a
// copy of one migrated embedded database (or on DATABASE_URL when set), and measures the time
// from spawning to the first 200 of /readyz, and the resident memory of the whole process tree
// (tsx runs the server in a child process) at that moment.

const PORT = 3911;

function rssKb(pid: number): number {
  try {
    const line =
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('VmRSS:')) ?? '';
    return Number(/\d+/.exec(line)?.[0] ?? 0);
  } catch {
    return 0;
  }
}

/** A process and all its descendants, as /proc lists them. */
function treeRssMb(pid: number): number {
  let kb = rssKb(pid);
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    for (const child of children ? children.split(' ') : []) kb += treeRssMb(Number(child)) * 1024;
  }
  return kb / 1024;
}

async function ready(url: string, child: ChildProcess, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startOnce(command: string[], dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn', SCHEDULER: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await ready(`http://127.0.0.1:${PORT}/readyz`, child);
    const ms = performance.now() - started;
    return { ms, rssMb: treeRssMb(child.pid ?? 0) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * --first: the compiled server's first start on an empty folder (initdb and every migration)
 * against a restart on the folder that start left, each round on a new folder; RSS at /readyz.
 */
async function firstAgainstRestart(rounds: number): Promise<void> {
  const first: { ms: number[]; rss: number[] } = { ms: [], rss: [] };
  const again: { ms: number[]; rss: number[] } = { ms: [], rss: [] };
  for (let round = 0; round < rounds; round++) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-first-'));
    try {
      const dataDir = join(dir, 'data');
      const a = await startOnce([process.execPath, 'dist/server.js'], dataDir);
      first.ms.push(a.ms);
      first.rss.push(a.rssMb);
      const b = await startOnce([process.execPath, 'dist/server.js'], dataDir);
      again.ms.push(b.ms);
      again.rss.push(b.rssMb);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`first start against restart: PGlite, compiled, ${rounds} rounds, node ${process.version}`);
  console.log('start              ready ms (median)  RSS MB (median)  RSS MB (all)');
  for (const [name, r] of [
    ['first (empty folder)', first],
    ['restart', again],
  ] as const) {
    const all = r.rss.map((x) => x.toFixed(0)).join(', ');
    console.log(`${name.padEnd(20)} ${median(r.ms).toFixed(0).padStart(15)}  ${median(r.rss).toFixed(0).padStart(15)}  ${all}`);
  }
  console.log(`first/restart: RSS ${(median(first.rss) / median(again.rss)).toFixed(2)}x`);
}

export async function benchStartup(argv: string[]): Promise<void> {
  const rounds = numberFlag(argv, 'rounds', 5);
  if (argv.includes('--first')) {
    if (!existsSync('dist/server.js')) throw new Error('run npm run build first');
    await firstAgainstRestart(rounds);
    return;
  }
  if (!existsSync('dist/server.js')) throw new Error('run npm run build first: dist/server.js is what is measured against tsx');
  const databaseUrl = process.env.DATABASE_URL ?? null;
  const template = databaseUrl ? '' : await mkdtemp(join(tmpdir(), 'bench-startup-'));
  const store = await openStore({ databaseUrl, dataDir: template });
  await migrateToLatest(store.db);
  await store.close();
  const variants = { tsx: ['node_modules/.bin/tsx', 'src/server.ts'], compiled: [process.execPath, 'dist/server.js'] } as const;
  const results: Record<keyof typeof variants, { ms: number[]; rss: number[] }> = {
    tsx: { ms: [], rss: [] },
    compiled: { ms: [], rss: [] },
  };
  const dirs: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 ? (['compiled', 'tsx'] as const) : (['tsx', 'compiled'] as const)) {
        const dataDir = databaseUrl ? '' : `${template}-${name}-${round}`;
        if (dataDir) {
          cpSync(template, dataDir, { recursive: true });
          dirs.push(dataDir);
        }
        const r = await startOnce([...variants[name]], dataDir);
        results[name].ms.push(r.ms);
        results[name].rss.push(r.rssMb);
      }
    }
  } finally {
    await Promise.all([template, ...dirs].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
  }
  console.log(`startup: ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, ${rounds} rounds each, alternating, node ${process.version}`);
  console.log('variant    ready ms (median)  RSS MB (median)');
  for (const [name, r] of Object.entries(results))
    console.log(`${name.padEnd(10)} ${median(r.ms).toFixed(0).padStart(17)}  ${median(r.rss).toFixed(0).padStart(15)}`);
  const t = results.tsx;
  const c = results.compiled;
  console.log(`compiled/tsx: start time ${(median(c.ms) / median(t.ms)).toFixed(2)}x, RSS ${(median(c.rss) / median(t.rss)).toFixed(2)}x`);
}
