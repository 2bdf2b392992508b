// npm run bench -- jobs [--filings N] [--violations N] [--enterprises N]   (needs DATABASE_URL; loads data into it)
// The nightly digest of a day with a million filings and 100 thousand violations, and a draw from
// 100 thousand enterprises, each run in a fresh child process (time and peak RSS of that process),
// each next to a baseline in the same run: a plain count over the same day's filings, and the
// population query alone.
import { fork } from 'node:child_process';
import { sql } from 'kysely';
import { addDays, dayBounds, localDate } from '../../src/domain/calendar.js';
import { migrateToLatest, openStore, type Db } from '../../src/store/db.js';
import { numberFlag } from './http.js';
import { loadRegistry, type BenchRegistry } from './registry.js';

const TZ = 'Asia/Shanghai';

async function loadDay(db: Db, reg: BenchRegistry, day: string, filings: number, violations: number): Promise<void> {
  const [from, to] = dayBounds(day, TZ);
  const step = (to - from) / filings;
  const agencyIds = reg.agencies.map((a) => a.id);
  await sql`insert into decisions (id, outcome, findings, rule_sets, evaluated_at) values
    ('dec_bench_allow', 'allow', '[]', '[]', now()),
    ('dec_bench_warn', 'warn', '[{"ruleId":"filing.onsite-justified","severity":"warn"}]', '[]', now()),
    ('dec_bench_block', 'block', '[{"ruleId":"frequency.annual-same-agency","severity":"block"}]', '[]', now())
    on conflict do nothing`.execute(db);
  // the enterprises numbered once: joining on a number is cheap, indexing a 100,000-element array parameter per row is not
  await sql`drop table if exists bench_e`.execute(db);
  await sql`create table bench_e as select (row_number() over (order by uscc) - 1)::bigint as i, uscc, region from enterprises`.execute(db);
  await sql`create unique index on bench_e (i)`.execute(db);
  const n = Number((await sql<{ n: string }>`select count(*) as n from bench_e`.execute(db)).rows[0]!.n);
  const chunk = 100_000;
  for (let lo = 0; lo < filings; lo += chunk) {
    const hi = Math.min(filings, lo + chunk);
    await sql`
      insert into filings (id, filing_no, verify_code, agency_id, enterprise_uscc, region, type, item_codes, inspector_ids,
        joint_agency_ids, planned_start, planned_end, on_site, reason, purpose, requires_legal_representative, decision_id,
        filed_at, filed_by, status)
      select 'bj_' || g, e.region || '-J-' || g, 'BJ' || g, (${agencyIds}::text[])[1 + g % ${agencyIds.length}], e.uscc, e.region,
        'routine', '{}', '{}', '{}', ts + interval '2 days', ts + interval '2 days 4 hours', g % 5 <> 0, null, 'inspection', false,
        case when g % 10 = 0 then 'dec_bench_warn' else 'dec_bench_allow' end, ts, 'bench', 'filed'
      from generate_series(${lo}::bigint, ${hi - 1}::bigint) g
      join bench_e e on e.i = (g * 7919) % ${n}
      cross join lateral (select to_timestamp(${from / 1000}::double precision + g * ${step / 1000}::double precision) as ts) t`.execute(
      db,
    );
    process.stdout.write(`  ${hi} filings\r`);
  }
  console.log();
  await sql`
    insert into filing_attempts (id, agency_id, enterprise_uscc, region, body, decision_id, attempted_at, actor)
    select 'ba_' || g, (${agencyIds}::text[])[1 + g % ${agencyIds.length}], e.uscc, e.region, '{}', 'dec_bench_block',
      to_timestamp(${from / 1000}::double precision + g * ${(to - from) / 50_000 / 1000}::double precision), 'bench'
    from generate_series(0::bigint, 49999::bigint) g
    join bench_e e on e.i = (g * 104729) % ${n}`.execute(db);
  const kinds = ['outside_window', 'result_overdue', 'unfiled_inspection', 'conduct', 'emergency_late'];
  await sql`
    insert into violations (id, kind, status, source, agency_id, enterprise_uscc, region, filing_id, details,
      occurred_at, raised_at, updated_at, conduct_rule_ids)
    select 'bv_' || g, (${kinds}::text[])[1 + g % ${kinds.length}], case when g % 4 = 0 then 'acknowledged' else 'open' end, 'system',
      (${agencyIds}::text[])[1 + g % ${agencyIds.length}], e.uscc, e.region, null, '{}', ts, ts, ts, '{}'
    from generate_series(0, ${violations - 1}::bigint) g
    join bench_e e on e.i = (g * 31) % ${n}
    cross join lateral (
      select to_timestamp(${from / 1000}::double precision + g * ${(to - from) / violations / 1000}::double precision) as ts
    ) t`.execute(db);
  await sql`
    insert into feedback (filing_id, enterprise_uscc, agency_id, region, rating, conduct_rule_ids, comment, violation_id,
      given_at, given_by)
    select f.id, f.enterprise_uscc, f.agency_id, f.region, 1 + (row_number() over ()) % 5, '{}', null, null, f.filed_at, 'bench'
    from filings f where f.id like 'bj\\_%' and f.filed_at >= ${new Date(from)} and f.filed_at < ${new Date(to)} limit 50000`.execute(db);
  await sql`analyze`.execute(db);
}

function child(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const c = fork('scripts/bench/jobs-child.ts', args, {
      execArgv: ['--import', 'tsx/esm'],
      env: { ...process.env, LOG_LEVEL: 'warn', SCHEDULER: 'off' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    c.once('message', (m) => resolve(m as Record<string, number>));
    c.once('exit', (code) => (code ? reject(new Error(`child exited ${code}`)) : undefined));
  });
}

export async function benchJobs(argv: string[]): Promise<void> {
  const get = (name: string, def: number) => numberFlag(argv, name, def);
  const filings = get('filings', 1_000_000);
  const violations = get('violations', 100_000);
  const enterprises = get('enterprises', 100_000);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('npm run bench -- jobs measures PostgreSQL: set DATABASE_URL (it loads data into that database)');
  // a day that has no other data: a week ago
  const day = addDays(localDate(Date.now(), TZ), -7);
  const store = await openStore({ databaseUrl, dataDir: '' });
  try {
    await migrateToLatest(store.db);
    console.log(`loading ${enterprises} enterprises ...`);
    const reg = await loadRegistry(store.db, enterprises);
    console.log(`loading ${filings} filings, 50,000 blocked attempts, ${violations} violations and 50,000 ratings on ${day} ...`);
    await loadDay(store.db, reg, day, filings, violations);
    // the draw plan: every enterprise of the bench regions, 5% (5,000 of 100,000)
    const agency = reg.agencies[0]!;
    await sql`insert into api_keys (id, key_hash, role, name, regions, email) values
      ('key_bench_sup1', 'bench-sup-1', 'supervisor', 'bench supervisor', '{2112}', null),
      ('key_bench_sup2', 'bench-sup-2', 'supervisor', 'bench supervisor', '{211223}', null) on conflict do nothing`.execute(store.db);
    console.log(JSON.stringify({ agency: agency.id }));
  } finally {
    await store.close();
  }

  const [from, to] = dayBounds(day, TZ);
  const rows: string[] = [];
  const digest = await child(['digest', day, String(from), String(to)]);
  const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
  const rss = (r: Record<string, number>) => `${r.peakRssMb!.toFixed(0)} MB (idle runtime ${r.idleRssMb!.toFixed(0)} MB)`;
  rows.push(
    [
      `| digest of a day: ${filings.toLocaleString('en')} filings, ${violations.toLocaleString('en')} violations, 3 scopes`,
      seconds(digest.ms),
      rss(digest),
      `baseline \`count(*)\` of the day's filings ${seconds(digest.baselineMs)}: ${(digest.ms! / digest.baselineMs!).toFixed(1)}x |`,
    ].join(' | '),
  );
  const draw = await child(['draw', day]);
  rows.push(
    [
      `| draw from ${draw.population!.toLocaleString('en')} enterprises (${draw.assignments!.toLocaleString('en')} drawn)`,
      seconds(draw.ms),
      rss(draw),
      `baseline population query ${seconds(draw.baselineMs)}: ${(draw.ms! / draw.baselineMs!).toFixed(1)}x; ` +
        `verify ${seconds(draw.verifyMs)} |`,
    ].join(' | '),
  );
  console.log('\n| run | time | peak RSS of the process | against the baseline |\n|---|---|---|---|');
  for (const r of rows) console.log(r);
}
