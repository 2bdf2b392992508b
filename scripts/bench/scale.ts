// npm run bench -- scale [--duration S] [--connections N] [--enterprises N] [--small N] [--big N]   (needs DATABASE_URL)
// POST /api/v1/filings latency with --small (10 thousand) and then with --big (10 million) prior
// filings in PostgreSQL, in one run, in a schema of its own dropped at the end. Prior filings are
// completed case inspections spread over the last two years across --enterprises (1 million)
// enterprises, about 10 each at 10 million, so every new filing reads a real history.
//
// They are loaded with COPY, the way a bulk load is done: the table's own triggers off and its
// secondary indexes dropped for the load only, built again (and the table analyzed) before it is
// measured. Constraints stay: every row is checked against its agency, enterprise and decision.
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { migrateToLatest, openStore, type Db } from '../../src/store/db.js';
import { drive, filingPosts, forkService, numberFlag, waitReady, type Row } from './http.js';
import { loadRegistry, type BenchRegistry } from './registry.js';
import { scratchSchema } from './scratch.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const COLUMNS = [
  'id',
  'filing_no',
  'verify_code',
  'agency_id',
  'enterprise_uscc',
  'region',
  'type',
  'item_codes',
  'inspector_ids',
  'joint_agency_ids',
  'planned_start',
  'planned_end',
  'on_site',
  'reason',
  'purpose',
  'requires_legal_representative',
  'decision_id',
  'filed_at',
  'filed_by',
  'status',
  'result_outcome',
  'conducted_at',
  'result_summary',
  'trigger_kind',
  'trigger_reference',
];

/** Rows `from` to `to` of the prior filings, as COPY's text format. */
function* priorRows(reg: BenchRegistry, from: number, to: number): Generator<string> {
  const agencyIds = reg.agencies.map((a) => a.id);
  // the last two years, one filing every 90 s of them, over and over
  const origin = Date.now() - 730 * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  let chunk = '';
  for (let g = from; g < to; g++) {
    const uscc = reg.usccs[(g * 7919) % reg.usccs.length]!;
    const ts = origin + (g % 700_000) * 90_000;
    const cells = [
      `bulk_${g}`,
      `${uscc.slice(2, 8)}-B-${g}`,
      `BULK${g}`,
      agencyIds[g % agencyIds.length]!,
      uscc,
      uscc.slice(2, 8),
      'case',
      '{}',
      '{}',
      '{}',
      iso(ts),
      iso(ts + 4 * HOUR),
      't',
      '历史检查',
      'inspection',
      'f',
      'dec_bulk',
      iso(ts - 2 * DAY),
      'bench',
      'completed',
      g % 3 === 0 ? 'issues_found' : 'no_issues',
      iso(ts),
      'bulk',
      'complaint',
      `12345-${g}`,
    ];
    chunk += `${cells.join('\t')}\n`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** COPYs prior filings `from` to `to` into the table, with its triggers and secondary indexes off. */
async function bulkLoad(db: Db, url: string, reg: BenchRegistry, from: number, to: number): Promise<number> {
  const started = performance.now();
  const indexes = await sql<{ name: string; def: string }>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = current_schema() and i.tablename = 'filings'
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(db);
  for (const i of indexes.rows) await sql.raw(`drop index ${i.name}`).execute(db);
  await sql`alter table filings disable trigger user`.execute(db);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const copy = client.query(copyFrom(`copy filings (${COLUMNS.join(', ')}) from stdin`));
    await pipeline(Readable.from(priorRows(reg, from, to)), copy);
  } finally {
    await client.end();
    await sql`alter table filings enable trigger user`.execute(db);
    for (const i of indexes.rows) await sql.raw(i.def).execute(db);
  }
  await sql`analyze filings`.execute(db);
  return performance.now() - started;
}

export async function benchScale(argv: string[]): Promise<void> {
  const get = (name: string, def: number) => numberFlag(argv, name, def);
  const duration = get('duration', 20);
  const connections = get('connections', 20);
  const enterprises = get('enterprises', 1_000_000);
  const small = get('small', 10_000);
  const big = get('big', 10_000_000);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('npm run bench -- scale measures PostgreSQL: set DATABASE_URL');
  const scratch = await scratchSchema(databaseUrl);
  const store = await openStore({ databaseUrl: scratch.url, dataDir: '' });
  const port = 3911;
  const base = `http://127.0.0.1:${port}`;
  let server: ReturnType<typeof forkService> | null = null;
  const rows: Row[] = [];
  const loads: string[] = [];
  try {
    await migrateToLatest(store.db);
    let t = performance.now();
    const reg = await loadRegistry(store.db, enterprises);
    loads.push(`registry of ${enterprises.toLocaleString('en')} enterprises: ${((performance.now() - t) / 1000).toFixed(0)} s`);
    await sql`
      insert into decisions (id, outcome, findings, rule_sets, evaluated_at)
      values ('dec_bulk', 'allow', '[]', '[]', now()) on conflict do nothing`.execute(store.db);
    // the filings measured cite a registered higher campaign: outside the annual cap, as a real
    // campaign is, and grounding many visits of each agency to each enterprise
    await sql`
      insert into grounds (id, kind, reference, level, valid_from, valid_to, max_visits, status,
        registered_by, registered_role, registered_at)
      values ('gnd_bench', 'campaign', 'bench-campaign', 'higher', '2000-01-01', '2099-12-31', 100, 'verified', 'bench', 'admin', now())
      on conflict do nothing`.execute(store.db);
    t = await bulkLoad(store.db, scratch.url, reg, 0, small);
    loads.push(`${small.toLocaleString('en')} prior filings: ${(t / 1000).toFixed(1)} s`);

    server = forkService({ PORT: String(port), DATABASE_URL: scratch.url });
    let n = 0;
    const nextBody = () => {
      const agency = reg.agencies[n % reg.agencies.length]!;
      const uscc = reg.usccs[(n * 104_729) % reg.usccs.length]!;
      const start = new Date(Date.now() + 3 * DAY + (n % 5000) * 60_000);
      n++;
      return {
        key: agency.key,
        body: JSON.stringify({
          enterpriseUscc: uscc,
          type: 'special',
          campaign: { level: 'higher', reference: 'bench-campaign' },
          itemCodes: [agency.itemCodes[0]],
          inspectorIds: agency.inspectorIds.slice(0, 2),
          plannedStart: start.toISOString(),
          plannedEnd: new Date(start.getTime() + 4 * HOUR).toISOString(),
          onSiteJustification: '需现场核实',
        }),
      };
    };
    const run = (label: string) => drive(label, { url: base, connections, duration, requests: filingPosts(nextBody) });
    await waitReady(`${base}/readyz`);
    rows.push(await run(`${small.toLocaleString('en')} prior filings`));
    t = await bulkLoad(store.db, scratch.url, reg, small, big);
    loads.push(`${(big - small).toLocaleString('en')} more prior filings (COPY, indexes built again): ${(t / 1000).toFixed(0)} s`);
    rows.push(await run(`${big.toLocaleString('en')} prior filings`));
  } finally {
    if (server) {
      const exited = new Promise((r) => server?.once('exit', r));
      server.kill('SIGINT');
      await exited;
    }
    await store.close();
    await scratch.drop();
  }
  console.log(`\nPOST /api/v1/filings, PostgreSQL, ${connections} connections, ${duration} s each, node ${process.version}`);
  for (const l of loads) console.log(`loaded: ${l}`);
  console.log('history                          req/s   p50 ms  p99 ms  errors  non-2xx');
  for (const r of rows) {
    const cells = [r.name.padEnd(30) + r.rps.toFixed(0).padStart(7), String(r.p50).padStart(6), String(r.p99).padStart(6)];
    console.log([...cells, String(r.errors).padStart(6), String(r.non2xx).padStart(7)].join('  '));
  }
  console.log(
    `p50 ratio (large / small): ${(rows[1]!.p50 / rows[0]!.p50).toFixed(2)}x; p99 ratio: ${(rows[1]!.p99 / rows[0]!.p99).toFixed(2)}x`,
  );
}
