import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { migrateToLatest, openStore } from '../../src/store/db.js';
import { filingMaker, loadRegistry, type BenchRegistry } from './registry.js';
import { scratchSchema } from './scratch.js';
import { cpuSince, replicatedPair, type BenchCluster } from './standby.js';

// npm run bench -- http [--duration S] [--rounds R] [--connections N] [--enterprises N] [--codes N]
//   [--only verify,page,filing,draws] [--tsx] [--standby]
// Starts the service (PostgreSQL when DATABASE_URL is set, else PGlite in a temp folder) and the
// bare Express baselines as separate processes, and drives each with the same autocannon settings.
// Reads are compared with a bare JSON route; filing, which must write durably, with a bare route
// that parses the same body and makes one INSERT on the same database and pool size.
// --standby: a primary and a synchronous standby of the bench's own (scripts/bench/standby.ts)
// instead of DATABASE_URL, and scans measured against the same service reading on the standby
// (DATABASE_READ_URL) rather than against bare Express.

interface Options {
  only: string[];
  /** seconds per route, in `rounds` slices alternating with its baseline */
  duration: number;
  rounds: number;
  connections: number;
  enterprises: number;
  /** filings seeded through the API whose codes the scans go round (more than the verification cache holds: every scan reads) */
  codes: number;
  /** a primary and a synchronous standby of its own; scans with and without DATABASE_READ_URL */
  standby: boolean;
  /** run the service from its TypeScript through tsx (`npm run dev`) instead of the build (`npm start`) */
  tsx: boolean;
}

/** `--name N` from the bench's arguments, or the default. */
export function numberFlag(argv: string[], name: string, def: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string, def: number) => numberFlag(argv, name, def);
  const i = argv.indexOf('--only');
  const only = i >= 0 ? (argv[i + 1] ?? '').split(',') : ['verify', 'page', 'filing'];
  const codes = get('codes', 300);
  return {
    only,
    duration: get('duration', 12),
    rounds: get('rounds', 3),
    connections: get('connections', 50),
    // each seeded filing is for another enterprise, so that none meets a cap
    enterprises: Math.max(get('enterprises', 20_000), codes),
    codes,
    standby: argv.includes('--standby'),
    tsx: argv.includes('--tsx'),
  };
}

export function start(script: string, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      env: { ...process.env, ...env },
      execArgv: ['--import', 'tsx/esm'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * The service as `npm start` runs it: the compiled build (bin/start.js builds it first when src/
 * is newer). Through tsx, every closure made per request would also pay esbuild's keep-names
 * helper, which production does not. BENCH_PROFILE_DIR=/tmp/x writes a CPU profile of it.
 */
export function forkService(env: Record<string, string>, tsx = false): ChildProcess {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  return fork(tsx ? 'src/server.ts' : 'bin/start.js', [], {
    env: { ...process.env, LOG_LEVEL: 'warn', SCHEDULER: 'off', PG_POOL_SIZE: '20', ...env },
    execArgv: [...(tsx ? ['--import', 'tsx/esm'] : []), ...profile],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

export async function waitReady(url: string, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An autocannon request list that POSTs a new filing each time, as `next` makes it. */
export function filingPosts(next: () => { key: string; body: string }, path = '/api/v1/filings'): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path,
      setupRequest: (req) => {
        const f = next();
        return { ...req, headers: { ...req.headers, authorization: `Bearer ${f.key}`, 'content-type': 'application/json' }, body: f.body };
      },
    },
  ];
}

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** CPU time the serving process spent in the measured run (user + system), when known */
  cpuMs?: number;
  /** CPU time local PostgreSQL processes spent in the measured run, when there are any */
  dbCpuMs?: number;
  /** what a `probe` given to drive() counted over the measured run (summed over slices) */
  extra?: Record<string, number>;
}

/**
 * CPU time a process has used so far, in ms (/proc; Linux). Throughput on a shared machine moves
 * with the neighbours; the CPU a request costs the serving process moves much less, so the bench
 * reports both.
 */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuMsIn(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** User + system CPU time in a /proc/PID/stat line, in ms. */
function cpuMsIn(stat: string): number | undefined {
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * (1000 / 100) : undefined;
}

/**
 * CPU time so far of every PostgreSQL process on this machine, in ms by pid; empty when none runs
 * here (PGlite's work is in the service's own process). A filing's cost is mostly the
 * database's, on the same two cores.
 */
function postgresCpu(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) byPid.set(Number(entry), cpuMsIn(stat) ?? 0);
    } catch {
      // gone since the listing
    }
  }
  return byPid;
}

/**
 * Where drive() reads the database's CPU: every PostgreSQL process here when DATABASE_URL is set,
 * or (--standby) the processes of the bench's own clusters only, not of another one on this machine.
 */
let databaseProcesses: (() => Map<number, number>) | null = null;
const dbCpuSource = () => databaseProcesses ?? (process.env.DATABASE_URL ? postgresCpu : null);

/** What the PostgreSQL processes alive at the end spent since `before` (one that ended took its count with it). */
function postgresCpuSince(before: Map<number, number>, source: () => Map<number, number> = postgresCpu): number | undefined {
  const after = source();
  if (after.size === 0) return undefined;
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}

/** Slices of one measurement as one row: mean rate, median p50, worst p99, totals. */
function merged(slices: Row[]): Row {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const sum = (f: (r: Row) => number) => slices.reduce((t, r) => t + f(r), 0);
  return {
    name: slices[0]?.name ?? '',
    rps: sum((r) => r.rps) / slices.length,
    p50: mid(slices.map((r) => r.p50)),
    p99: Math.max(...slices.map((r) => r.p99)),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    requests: sum((r) => r.requests),
    cpuMs: slices.every((r) => r.cpuMs !== undefined) ? sum((r) => r.cpuMs ?? 0) : undefined,
    dbCpuMs: slices.every((r) => r.dbCpuMs !== undefined) ? sum((r) => r.dbCpuMs ?? 0) : undefined,
    extra: slices.some((r) => r.extra)
      ? Object.fromEntries(Object.keys(slices[0]?.extra ?? {}).map((k) => [k, sum((r) => r.extra?.[k] ?? 0)]))
      : undefined,
  };
}

/**
 * `pid`: the serving process, whose CPU time the run is charged with. `probe`: called right before
 * the measured run (after the warm-up); what it returns is called right after it, and its counts
 * are the row's `extra`.
 */
export async function drive(
  name: string,
  opts: autocannon.Options,
  pid?: number,
  probe?: () => Promise<() => Promise<Record<string, number>>>,
): Promise<Row> {
  // a short warm-up so that JIT and connection pools are in the same state for every route
  await autocannon({ ...opts, duration: 2 });
  // with PGlite the database's work is the service's own
  const db = dbCpuSource();
  const probed = await probe?.();
  const [cpuBefore, dbBefore] = [cpuMsOf(pid), db ? db() : null];
  const r = await autocannon(opts);
  const [cpuAfter, dbCpuMs] = [cpuMsOf(pid), db && dbBefore ? postgresCpuSince(dbBefore, db) : undefined];
  const extra = await probed?.();
  const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
  return {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
    cpuMs,
    dbCpuMs,
    ...(extra ? { extra } : {}),
  };
}

/**
 * Scans quiet, then scans while another client asks for draw plans (most refused: above the cap,
 * more than the population allows, past the agency's plan limit or the key's hourly limit) and
 * checks a made draw over the whole registry again and again (GET /draws/:id/verify), in `rounds`
 * pairs of slices; reports the scans' p99 under that load against the quiet one (issue 18).
 */
async function drawLoad(o: Options, base: string, reg: BenchRegistry, codes: string[], pid: number | undefined, seconds: number) {
  const admin = { authorization: `Bearer ${reg.adminKey}`, 'content-type': 'application/json' };
  const agency = reg.agencies[reg.agencies.length - 1]!;
  // a draw over the whole city: the registry's every enterprise
  const made = await fetch(`${base}/api/v1/draw-plans`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ agencyId: agency.id, name: '基准抽查', filter: { region: '2112' }, ratio: 0.05, periodDays: 30 }),
  });
  if (made.status !== 201) throw new Error(`draw plan: ${made.status} ${await made.text()}`);
  const plan = (await made.json()) as { id: string; nextDraw: { id: string } };
  const drawn = await fetch(`${base}/api/v1/draw-plans/${plan.id}/draw`, { method: 'POST', headers: admin, body: '{}' });
  if (drawn.status !== 200) throw new Error(`draw: ${drawn.status} ${await drawn.text()}`);
  const drawId = plan.nextDraw.id;
  // what the other client asks for, in turn: a plan above the 20% cap, one that needs more
  // enterprises than there are (counted up to what it needs), and plans that would be accepted
  // until the agency has its most active plans (then 409) or the key its hourly most (then 429)
  const plans = [
    { agencyId: agency.id, name: '超比例', filter: { region: '2112' }, ratio: 0.3 },
    { agencyId: agency.id, name: '超总体', filter: { region: '2112' }, size: o.enterprises },
    { agencyId: agency.id, name: '每日抽查', filter: { region: '2112' }, size: 10, schedule: { everyDays: 1 } },
  ].map((b) => JSON.stringify(b));
  let p = 0;
  const statuses = new Map<number, number>();
  const load = () =>
    Promise.all([
      autocannon({
        url: base,
        connections: 2,
        overallRate: 20,
        duration: seconds + 2,
        requests: [{ method: 'GET', path: `/api/v1/draws/${drawId}/verify` }],
      }),
      autocannon({
        url: base,
        connections: 1,
        overallRate: 5,
        duration: seconds + 2,
        requests: [
          { method: 'POST', setupRequest: (req) => ({ ...req, path: '/api/v1/draw-plans', headers: admin, body: plans[p++ % 3] ?? '' }) },
        ],
      }).then((r) => {
        const byStatus: Record<string, { count?: number }> = r.statusCodeStats ?? {};
        for (const [k, c] of Object.entries(byStatus)) statuses.set(Number(k), (statuses.get(Number(k)) ?? 0) + (c.count ?? 0));
        return r;
      }),
    ]);
  let v = 0;
  const scans = (name: string) =>
    drive(
      name,
      {
        connections: o.connections,
        duration: seconds,
        url: base,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/verify/${codes[v++ % codes.length]}` }) }],
      },
      pid,
    );
  const quiet: Row[] = [];
  const loaded: Row[] = [];
  const verifies: autocannon.Result[] = [];
  for (let i = 0; i < o.rounds; i++) {
    quiet.push(await scans('GET /verify/:code, quiet'));
    const [row, [verify]] = await Promise.all([scans('GET /verify/:code, draw load'), load()]);
    loaded.push(row);
    verifies.push(verify);
  }
  const q = merged(quiet);
  const l = merged(loaded);
  const verifyP99 = Math.max(...verifies.map((r) => r.latency.p99));
  const verified = verifies.reduce((t, r) => t + r.requests.total, 0);
  console.log(
    `\nscans under a draw load (${o.rounds} x ${seconds} s each, ${o.connections} connections; the load: GET /draws/:id/verify ` +
      `at 20/s over a draw of ${o.enterprises} enterprises, POST /draw-plans at 5/s)`,
  );
  console.log('scans                          req/s   p50 ms  p99 ms  errors  non-2xx');
  for (const r of [q, l])
    console.log(
      `${r.name.padEnd(30)} ${r.rps.toFixed(0).padStart(6)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ` +
        `${String(r.errors).padStart(6)}  ${String(r.non2xx).padStart(7)}`,
    );
  console.log(`draw checks: ${verified} answered, p99 ${verifyP99} ms`);
  console.log(`draw plans asked for, by status: ${[...statuses].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  console.log(`scan p99 under the draw load / quiet: ${(l.p99 / Math.max(q.p99, 1)).toFixed(2)}x (within 2x: ${l.p99 <= 2 * q.p99})`);
}

interface ScanService {
  label: string;
  base: string;
  pid: number | undefined;
}

/** The service's replica_reads_total by `from` (its /metrics, with the bench's admin key). */
async function replicaReads(base: string, adminKey: string): Promise<Record<string, number>> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
  if (!res.ok) throw new Error(`${base}/metrics: ${res.status}`);
  const counts: Record<string, number> = { standby: 0, primary: 0, standby_primary_down: 0 };
  for (const m of (await res.text()).matchAll(/^replica_reads_total\{from="(\w+)"\} (\S+)$/gm)) counts[m[1] ?? ''] = Number(m[2]);
  return counts;
}

/**
 * Scans (GET /api/v1/verify/:code) on the service with DATABASE_URL only, and on the same service
 * with DATABASE_READ_URL at the standby too, in `rounds` alternating slices each: over 300 codes
 * (each scan after the first of a code answered by the verification cache), and, when `--codes`
 * seeded more filings than the cache holds (20,000), over all of them round robin, so that every
 * scan reads a database: each service goes round them on its own (its cache keeps the codes it
 * read last, in order, and a walk shared with the other service would come back to some of them),
 * from the 301st (the first 300 it has cached already come last, long evicted). Reports each
 * one's CPU per scan in the service and in each cluster, and where the standby-reading service's
 * reads went (replica_reads_total).
 */
async function scansWithStandby(
  o: Options,
  seconds: number,
  codes: string[],
  alone: ScanService,
  reading: ScanService,
  pair: { primary: BenchCluster; standby: BenchCluster },
  adminKey: string,
): Promise<void> {
  const sets = codes.length > 300 ? [codes.slice(0, 300), codes] : [codes];
  const results: { codes: number; rows: Row[] }[] = [];
  for (const set of sets) {
    const next = new Map<ScanService, number>();
    const code = (s: ScanService) => {
      const v = next.get(s) ?? (set === codes ? 300 : 0);
      next.set(s, v + 1);
      return set[v % set.length];
    };
    const slice = (s: ScanService) =>
      drive(
        s.label,
        {
          connections: o.connections,
          duration: seconds,
          url: s.base,
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/verify/${code(s)}` }) }],
        },
        s.pid,
        async () => {
          const [p, st, reads] = [pair.primary.cpu(), pair.standby.cpu(), await replicaReads(reading.base, adminKey)];
          return async () => {
            const after = await replicaReads(reading.base, adminKey);
            const readsSince = Object.entries(after).map(([k, n]): [string, number] => [`reads ${k}`, n - (reads[k] ?? 0)]);
            return { primaryCpuMs: cpuSince(pair.primary, p), standbyCpuMs: cpuSince(pair.standby, st), ...Object.fromEntries(readsSince) };
          };
        },
      );
    const as: Row[] = [];
    const rs: Row[] = [];
    for (let i = 0; i < o.rounds; i++) {
      as.push(await slice(alone));
      rs.push(await slice(reading));
    }
    results.push({ codes: set.length, rows: [merged(as), merged(rs)] });
  }
  const [version] = await pair.primary.query<{ v: string }>("select current_setting('server_version') as v");
  console.log(
    `\nScans with and without a standby: PostgreSQL ${version?.v ?? ''}, ` +
      `a primary and its synchronous standby of the bench's own, ${o.connections} connections, ${o.rounds} x ${seconds} s per service ` +
      `alternating, ${o.enterprises} enterprises, node ${process.version}, service ${o.tsx ? 'through tsx' : 'compiled (npm start)'}`,
  );
  console.log("µs/scan: CPU time per scan of the service, of the primary's PostgreSQL processes, of the standby's, and their sum");
  console.log('reads: replica_reads_total of the standby-reading service (standby / primary); reached a DB: those reads per scan');
  console.log(
    'codes   service        req/s   p50 ms  p99 ms  errors  non-2xx  ratio  service µs  primary µs  standby µs  total µs' +
      '  reads standby / primary  reached a DB',
  );
  const per = (ms: number | undefined, r: Row) => (ms === undefined ? '-' : ((1000 * ms) / r.requests).toFixed(0));
  for (const { codes: n, rows } of results) {
    const [a] = rows;
    for (const r of rows) {
      const x = r.extra ?? {};
      const reads = r === a ? undefined : (x['reads standby'] ?? 0) + (x['reads primary'] ?? 0) + (x['reads standby_primary_down'] ?? 0);
      const total = r.cpuMs === undefined ? undefined : r.cpuMs + (x.primaryCpuMs ?? 0) + (x.standbyCpuMs ?? 0);
      const cells = [
        `${String(n).padStart(5)}   ${r.name.padEnd(12)} ${r.rps.toFixed(0).padStart(6)}`,
        String(r.p50).padStart(6),
        String(r.p99).padStart(6),
        String(r.errors).padStart(6),
        String(r.non2xx).padStart(7),
        `${(r.requests / (a?.requests ?? r.requests)).toFixed(2).padStart(4)}x`,
        per(r.cpuMs, r).padStart(10),
        per(x.primaryCpuMs, r).padStart(10),
        per(x.standbyCpuMs, r).padStart(10),
        per(total, r).padStart(8),
        (reads === undefined ? '-' : `${x['reads standby'] ?? 0} / ${x['reads primary'] ?? 0}`).padStart(23),
        (reads === undefined ? '-' : `${((100 * reads) / r.requests).toFixed(1)} %`).padStart(12),
      ];
      console.log(cells.join('  '));
    }
  }
  // since it started, warm-ups included: where the cache of the standby-reading service was filled from
  const all = await replicaReads(reading.base, adminKey);
  console.log(
    `replica_reads_total of the standby-reading service at the end: ${Object.entries(all)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
}

export async function benchHttp(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  if (o.standby) {
    console.log("starting a primary and a synchronous streaming standby of the bench's own ...");
    const pair = await replicatedPair();
    databaseProcesses = () => new Map([...pair.primary.cpu(), ...pair.standby.cpu()]);
    try {
      await benchHttpOn(o, pair.primary.url, pair);
    } finally {
      databaseProcesses = null;
      await pair.remove();
    }
    return;
  }
  const scratch = process.env.DATABASE_URL ? await scratchSchema(process.env.DATABASE_URL) : null;
  try {
    await benchHttpOn(o, scratch?.url ?? null);
  } finally {
    await scratch?.drop();
  }
}

/** `pair`: with --standby, the bench's own primary (at `databaseUrl`) and its standby */
async function benchHttpOn(o: Options, databaseUrl: string | null, pair?: { primary: BenchCluster; standby: BenchCluster }): Promise<void> {
  const dataDir = databaseUrl ? '' : await mkdtemp(join(tmpdir(), 'bench-pglite-'));
  console.log(`loading registry (${o.enterprises} enterprises) into ${databaseUrl ? 'PostgreSQL' : `PGlite ${dataDir}`} ...`);
  const store = await openStore({ databaseUrl, dataDir });
  let reg: BenchRegistry;
  try {
    await migrateToLatest(store.db);
    reg = await loadRegistry(store.db, o.enterprises);
  } finally {
    await store.close();
  }

  const port = 3901;
  const base = `http://127.0.0.1:${port}`;
  const server = forkService(
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      VERIFY_RATE_LIMIT: '1000000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      // with --standby, this one reads only its primary
      ...(pair ? { DATABASE_READ_URL: '' } : {}),
    },
    o.tsx,
  );
  const serverExit = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`the service exited with ${code}`))));
  serverExit.catch(() => undefined);
  // with --standby, the same service a second time, reading scans on the standby
  const readerPort = 3903;
  const reader = pair
    ? forkService(
        {
          PORT: String(readerPort),
          DATA_DIR: '',
          VERIFY_RATE_LIMIT: '1000000',
          DATABASE_URL: pair.primary.url,
          DATABASE_READ_URL: pair.standby.url,
        },
        o.tsx,
      )
    : null;
  const readerExit = new Promise<never>((_, reject) =>
    reader?.once('exit', (code) => reject(new Error(`the standby-reading service exited with ${code}`))),
  );
  readerExit.catch(() => undefined);
  const baselineDir = databaseUrl ? '' : await mkdtemp(join(tmpdir(), 'bench-baseline-'));
  const baseline = await start('scripts/bench/baseline-server.ts', {
    PORT: '3902',
    PG_POOL_SIZE: '20',
    ...(baselineDir ? { BASELINE_DATA_DIR: baselineDir } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  // a bench ended by a signal (process.exit) takes its services with it
  const orphans = () => [server, baseline, reader].forEach((p) => p?.kill('SIGKILL'));
  process.once('exit', orphans);
  try {
    await Promise.race([waitReady(`${base}/readyz`), serverExit]);
    if (reader) await Promise.race([waitReady(`http://127.0.0.1:${readerPort}/readyz`), readerExit]);
    // Filings to verify: file `--codes` (a few hundred by default) through the API first, a few at a time.
    const nextFiling = filingMaker(reg);
    const baselineBodies = filingMaker(reg);
    const codes: string[] = [];
    const seedOne = async (): Promise<void> => {
      while (codes.length < o.codes) {
        const f = nextFiling();
        const at = codes.push('') - 1; // its place taken now: the other seeders stop in time
        const res = await fetch(`${base}/api/v1/filings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${f.key}`, 'content-type': 'application/json' },
          body: f.body,
        });
        if (res.status !== 201) throw new Error(`seeding filing failed: ${res.status} ${await res.text()}`);
        codes[at] = ((await res.json()) as { filing: { verifyCode: string } }).filing.verifyCode;
      }
    };
    await Promise.all(Array.from({ length: 8 }, seedOne));
    if (pair) {
      // scans on the standby find what the primary committed once the standby has replayed it
      await pair.standby.waitForReplay(pair.primary);
      console.log(`${codes.length} filings seeded; the standby has replayed them`);
    }

    // One real scan's answer, for the baseline that sends the same bytes and headers
    const answer = await fetch(`${base}/api/v1/verify/${codes[0]}`);
    const skip = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
    const headers = Object.fromEntries([...answer.headers].filter(([k]) => !skip.has(k)));
    const body = await answer.text();
    await fetch('http://127.0.0.1:3902/baseline/sample', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ headers, body }),
    });
    console.log(`a scan's answer: ${Buffer.byteLength(body)} bytes of JSON, ${Object.keys(headers).length + skip.size - 1} headers`);

    // The machine is shared and noisy: each route is measured in `rounds` slices, each right
    // after a slice of its baseline, and its ratio is that of the totals, so that a drift of the
    // machine's speed during the run falls on both sides alike.
    const common = { connections: o.connections, duration: Math.max(2, Math.round(o.duration / o.rounds)) };
    const baselines = {
      get: () => drive('baseline GET (bare Express)', { ...common, url: 'http://127.0.0.1:3902/baseline' }, baseline.pid),
      answer: () =>
        drive("baseline GET, a scan's answer (bare Express)", { ...common, url: 'http://127.0.0.1:3902/baseline/answer' }, baseline.pid),
      // its own sequence of bodies: the service's must not come round to an enterprise again
      // (a second filing by the same agency would meet its cap and be refused, a cheaper answer)
      insert: () =>
        drive(
          'baseline POST + 1 INSERT (bare Express)',
          { ...common, url: 'http://127.0.0.1:3902', requests: filingPosts(baselineBodies, '/baseline/insert') },
          baseline.pid,
        ),
    };
    const rows: (Row & { ratio: number; cpuRatio?: number })[] = [];
    const cpuPerRequest = (r: Row) => (r.cpuMs === undefined ? undefined : (1000 * r.cpuMs) / r.requests);
    const dbCpuPerRequest = (r: Row) => (r.dbCpuMs === undefined ? undefined : (1000 * r.dbCpuMs) / r.requests);
    const measure = async (row: () => Promise<Row>, against: keyof typeof baselines = 'get') => {
      const bs: Row[] = [];
      const rs: Row[] = [];
      for (let i = 0; i < o.rounds; i++) {
        bs.push(await baselines[against]());
        rs.push(await row());
      }
      const b = merged(bs);
      const r = merged(rs);
      const [bCpu, rCpu] = [cpuPerRequest(b), cpuPerRequest(r)];
      rows.push({ ...b, ratio: 1, cpuRatio: bCpu === undefined ? undefined : 1 });
      rows.push({ ...r, ratio: r.requests / b.requests, cpuRatio: bCpu === undefined || rCpu === undefined ? undefined : bCpu / rCpu });
    };
    let v = 0;
    if (o.only.includes('verify') && pair && reader) {
      // with a standby, against the same service without one (bare Express is measured without --standby)
      await scansWithStandby(
        o,
        common.duration,
        codes,
        { label: 'primary only', base, pid: server.pid },
        { label: 'with standby', base: `http://127.0.0.1:${readerPort}`, pid: reader.pid },
        pair,
        reg.adminKey,
      );
    } else if (o.only.includes('verify')) {
      const scan = () =>
        drive(
          'GET /api/v1/verify/:code',
          {
            ...common,
            url: base,
            requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/verify/${codes[v++ % codes.length]}` }) }],
          },
          server.pid,
        );
      await measure(scan);
      // and against bare Express sending the very same answer: what is left is the service's own work
      await measure(scan, 'answer');
    }
    if (o.only.includes('page')) {
      // the page an enterprise's phone opens from the QR code: the same lookup, rendered as HTML
      await measure(() =>
        drive(
          'GET /v/:code (page)',
          {
            ...common,
            url: base,
            requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v/${codes[v++ % codes.length]}` }) }],
          },
          server.pid,
        ),
      );
    }
    if (o.only.includes('draws')) await drawLoad(o, base, reg, codes, server.pid, common.duration);
    if (o.only.includes('filing')) {
      await measure(() => drive('POST /api/v1/filings', { ...common, url: base, requests: filingPosts(nextFiling) }, server.pid), 'insert');
    }
    if (!rows.length) return;
    console.log(
      `\nHTTP benchmark: ${databaseUrl ? 'PostgreSQL' : 'PGlite'}, ${o.connections} connections, ` +
        `${o.rounds} x ${common.duration} s per route alternating with its baseline, ${o.enterprises} enterprises, ` +
        `node ${process.version}, service ${o.tsx ? 'through tsx' : 'compiled (npm start)'}`,
    );
    // ratio: throughput against the baseline's; CPU ratio: the baseline's CPU time per request in
    // its process against the route's in the service's; DB CPU: local PostgreSQL's, per request
    console.log(
      'route                                    req/s   p50 ms  p99 ms  errors  non-2xx  ratio  CPU µs/req  CPU ratio  DB CPU µs/req',
    );
    for (const r of rows) {
      const cells = [
        `${r.name.padEnd(39)} ${r.rps.toFixed(0).padStart(6)}`,
        String(r.p50).padStart(6),
        String(r.p99).padStart(6),
        String(r.errors).padStart(6),
        String(r.non2xx).padStart(7),
        `${r.ratio.toFixed(2).padStart(4)}x`,
        (cpuPerRequest(r)?.toFixed(0) ?? '-').padStart(10),
        (r.cpuRatio === undefined ? '-' : `${r.cpuRatio.toFixed(2)}x`).padStart(9),
        (dbCpuPerRequest(r)?.toFixed(0) ?? '-').padStart(13),
      ];
      console.log(cells.join('  '));
    }
  } finally {
    const stopped = [server, baseline, ...(reader ? [reader] : [])].map((p) =>
      p.exitCode === null ? new Promise((r) => p.once('exit', r)) : Promise.resolve(),
    );
    server.kill('SIGINT');
    reader?.kill('SIGINT');
    baseline.kill('SIGTERM');
    await Promise.all(stopped);
    process.off('exit', orphans);
    await Promise.all([dataDir, baselineDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
  }
}
