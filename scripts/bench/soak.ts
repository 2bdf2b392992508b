import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { migrateToLatest, openStore } from '../../src/store/db.js';
import { forkService, numberFlag, waitReady } from './http.js';
import { filingMaker, loadRegistry } from './registry.js';

// npm run bench -- soak [--minutes 10] [--connections 20] [--enterprises 40000]
// A long day in minutes: the service (PostgreSQL when DATABASE_URL is set, else PGlite in a temp
// folder) under a steady mix of scans, pages, lists, filings and arrivals, measured minute by
// minute. What it answers: do memory and tail latency at the end stay within 10 % of the first
// minute (no leak, no slow build-up)?

function rssMb(pid: number): number {
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(/\d+/.exec(line)?.[0] ?? 0) / 1024;
}

export async function benchSoak(argv: string[]): Promise<void> {
  const minutes = numberFlag(argv, 'minutes', 10);
  const connections = numberFlag(argv, 'connections', 20);
  const enterprises = numberFlag(argv, 'enterprises', 40_000);
  const databaseUrl = process.env.DATABASE_URL ?? null;
  const dataDir = databaseUrl ? '' : await mkdtemp(join(tmpdir(), 'bench-soak-'));
  const store = await openStore({ databaseUrl, dataDir });
  let reg;
  try {
    await migrateToLatest(store.db);
    reg = await loadRegistry(store.db, enterprises);
  } finally {
    await store.close();
  }
  const port = 3903;
  const base = `http://127.0.0.1:${port}`;
  const server = forkService({ PORT: String(port), DATA_DIR: dataDir, VERIFY_RATE_LIMIT: '1000000' });
  try {
    await waitReady(`${base}/readyz`);
    const nextFiling = filingMaker(reg, { onSiteJustification: '企业自查报告存在疑点，需现场核实' });
    const seeded: { code: string; key: string }[] = [];
    for (let i = 0; i < 500; i++) {
      const f = nextFiling();
      const res = await fetch(`${base}/api/v1/filings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.key}`, 'content-type': 'application/json' },
        body: f.body,
      });
      if (res.status === 201)
        seeded.push({ code: ((await res.json()) as { filing: { verifyCode: string } }).filing.verifyCode, key: f.key });
    }
    let v = 0;
    // one request kind per call, in these shares: scans 55 %, the scan page 10 %, lists 15 %,
    // new filings 15 %, arrivals on filed codes 5 %
    const mixed: autocannon.Request = {
      method: 'GET',
      path: '/',
      setupRequest: (req) => {
        const r = Math.random();
        const s = seeded[v++ % seeded.length]!;
        if (r < 0.55) return { ...req, method: 'GET', path: `/api/v1/verify/${s.code}` };
        if (r < 0.65) return { ...req, method: 'GET', path: `/v/${s.code}` };
        if (r < 0.8) return { ...req, method: 'GET', path: '/api/v1/filings?limit=20', headers: { authorization: `Bearer ${s.key}` } };
        if (r < 0.95) {
          const f = nextFiling();
          return {
            ...req,
            method: 'POST',
            path: '/api/v1/filings',
            headers: { authorization: `Bearer ${f.key}`, 'content-type': 'application/json' },
            body: f.body,
          };
        }
        return { ...req, method: 'POST', path: `/api/v1/verify/${s.code}/arrival`, headers: { authorization: `Bearer ${s.key}` } };
      },
    };
    const rows: { minute: number; rps: number; p50: number; p99: number; errors: number; non2xx: number; rss: number }[] = [];
    const where = databaseUrl ? 'PostgreSQL' : 'PGlite';
    console.log(`soak: ${where}, ${connections} connections, ${minutes} minutes, ${enterprises} enterprises, node ${process.version}`);
    console.log('minute   req/s   p50 ms  p99 ms  errors  non-2xx  RSS MB');
    for (let m = 1; m <= minutes; m++) {
      const r = await autocannon({ url: base, connections, duration: 60, requests: [mixed] });
      const row = {
        minute: m,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        rss: rssMb(server.pid ?? 0),
      };
      rows.push(row);
      const cells = [String(m).padStart(6), row.rps.toFixed(0).padStart(6), String(row.p50).padStart(6), String(row.p99).padStart(6)];
      console.log([...cells, String(row.errors).padStart(6), String(row.non2xx).padStart(7), row.rss.toFixed(0).padStart(6)].join('  '));
    }
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
    console.log(
      `\nlast minute against the first: RSS ${pct(last.rss, first.rss)}, p99 ${pct(last.p99, first.p99)}, ` +
        `req/s ${pct(last.rps, first.rps)} (goal: RSS and p99 within 10 %)`,
    );
  } finally {
    server.kill('SIGINT');
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
