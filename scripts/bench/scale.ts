// npm run bench -- scale [--duration S] [--connections N] [--big N]   (needs DATABASE_URL)
// POST /api/v1/filings latency with 10 thousand and then with 1 million prior filings in
// PostgreSQL, bulk-loaded. Prior filings are case inspections spread over two years across
// 50,000 enterprises (about 20 each at a million), so every new filing reads a real history.
import { sql } from 'kysely';
import { migrateToLatest, openStore, type Db } from '../../src/store/db.js';
import { drive, filingPosts, forkService, numberFlag, waitReady, type Row } from './http.js';
import { loadRegistry, type BenchRegistry } from './registry.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function bulkLoad(db: Db, reg: BenchRegistry, from: number, to: number): Promise<void> {
  const agencyIds = reg.agencies.map((a) => a.id);
  const chunk = 100_000;
  for (let lo = from; lo < to; lo += chunk) {
    const hi = Math.min(to, lo + chunk);
    await sql`
      insert into filings (id, filing_no, verify_code, agency_id, enterprise_uscc, region, type, item_codes, inspector_ids,
        joint_agency_ids, planned_start, planned_end, on_site, reason, purpose, requires_legal_representative, decision_id,
        filed_at, filed_by, status, result_outcome, conducted_at, result_summary)
      select 'bulk_' || g, e.region || '-B-' || g, 'BULK' || g, (${agencyIds}::text[])[1 + g % ${agencyIds.length}], e.uscc, e.region,
        'case', '{}', '{}', '{}', ts, ts + interval '4 hours', true, '历史检查', 'inspection', false, 'dec_bulk',
        ts - interval '2 days', 'bench', 'completed', case when g % 3 = 0 then 'issues_found' else 'no_issues' end, ts, 'bulk'
      from generate_series(${lo}::bigint, ${hi - 1}::bigint) g
      cross join lateral (select (${reg.usccs}::text[])[1 + g % ${reg.usccs.length}] as uscc) u
      join enterprises e on e.uscc = u.uscc
      cross join lateral (select now() - interval '730 days' + (g % 700000) * interval '90 seconds' as ts) t`.execute(db);
    process.stdout.write(`  ${hi} prior filings\r`);
  }
  await sql`analyze filings`.execute(db);
  console.log();
}

export async function benchScale(argv: string[]): Promise<void> {
  const get = (name: string, def: number) => numberFlag(argv, name, def);
  const duration = get('duration', 10);
  const connections = get('connections', 20);
  const big = get('big', 1_000_000);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('npm run bench -- scale measures PostgreSQL: set DATABASE_URL');
  const store = await openStore({ databaseUrl, dataDir: '' });
  let reg: BenchRegistry;
  try {
    await migrateToLatest(store.db);
    reg = await loadRegistry(store.db, 50_000);
    await sql`insert into decisions (id, outcome, findings, rule_sets, evaluated_at) values ('dec_bulk', 'allow', '[]', '[]', now()) on conflict do nothing`.execute(
      store.db,
    );
    console.log('loading 10,000 prior filings ...');
    await bulkLoad(store.db, reg, 0, 10_000);
  } catch (err) {
    await store.close();
    throw err;
  }

  const port = 3911;
  const base = `http://127.0.0.1:${port}`;
  const server = forkService({ PORT: String(port) });
  let n = 0;
  const nextBody = () => {
    const agency = reg.agencies[n % reg.agencies.length]!;
    const uscc = reg.usccs[(n * 7919) % reg.usccs.length]!;
    const start = new Date(Date.now() + 3 * DAY + (n % 5000) * 60_000);
    n++;
    return {
      key: agency.key,
      body: JSON.stringify({
        enterpriseUscc: uscc,
        type: 'case',
        reason: '投诉举报核查',
        itemCodes: [agency.itemCodes[0]],
        inspectorIds: agency.inspectorIds.slice(0, 2),
        plannedStart: start.toISOString(),
        plannedEnd: new Date(start.getTime() + 4 * HOUR).toISOString(),
        onSiteJustification: '需现场核实',
      }),
    };
  };
  const run = (label: string) => drive(label, { url: base, connections, duration, requests: filingPosts(nextBody) });
  const rows: Row[] = [];
  try {
    await waitReady(`${base}/readyz`);
    rows.push(await run('10 thousand prior filings'));
    console.log(`loading up to ${big.toLocaleString('en')} prior filings ...`);
    await bulkLoad(store.db, reg, 10_000, big);
    rows.push(await run(`${(big / 1e6).toFixed(1)} million prior filings`));
  } finally {
    server.kill('SIGINT');
    await store.close();
  }
  console.log(`\nPOST /api/v1/filings, PostgreSQL, ${connections} connections, ${duration} s each, node ${process.version}`);
  console.log('history                          req/s   p50 ms  p99 ms  errors  non-2xx');
  for (const r of rows)
    console.log(
      `${r.name.padEnd(30)} ${r.rps.toFixed(0).padStart(6)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.errors).padStart(6)}  ${String(r.non2xx).padStart(7)}`,
    );
  console.log(`p50 ratio (large / small): ${(rows[1]!.p50 / rows[0]!.p50).toFixed(2)}x`);
}
