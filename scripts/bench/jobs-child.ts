// One measured job run in a process of its own (see jobs.ts): its time, and the peak RSS of the process.
import { sql } from 'kysely';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import type { Principal } from '../../src/domain/principal.js';
import { startRuntime } from '../../src/runtime.js';

const [what, day, from, to] = process.argv.slice(2) as [string, string, string?, string?];
const clock = { now: () => new Date(what === 'digest' ? `${day}T00:00:00+08:00` : `${day}T10:00:00+08:00`) };
if (what === 'digest') clock.now = () => new Date(Date.parse(`${day}T10:00:00+08:00`) + 86_400_000);
const rt = await startRuntime(loadConfig({ ...process.env, SCHEDULER: 'off' }), pino({ level: 'warn' }), { clock, quiet: true });
const db = rt.store.db;
const idleRssMb = process.memoryUsage().rss / 2 ** 20;
const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
};
const result: Record<string, number> = { idleRssMb };
if (what === 'digest') {
  await sql`delete from digest_deliveries where day = ${day}::date`.execute(db);
  await sql`delete from digests where day = ${day}::date`.execute(db);
  await sql`delete from job_runs where job = 'digest' and period = ${day}`.execute(db);
  const [, baselineMs] = await time(() =>
    sql`select count(*) from filings where filed_at >= ${new Date(Number(from))} and filed_at < ${new Date(Number(to))}`.execute(db),
  );
  const [run, ms] = await time(() => rt.services.jobs.run('digest', { date: day, trigger: 'manual' }));
  if (run.outcome !== 'succeeded') throw new Error(run.error ?? 'digest failed');
  Object.assign(result, { ms, baselineMs });
} else {
  const agency = await db.selectFrom('agencies').select('id').where('name', 'like', '基准执法局%').orderBy('id').executeTakeFirstOrThrow();
  const admin: Principal = { keyId: 'bench', role: 'admin', name: 'bench', agencyId: null, uscc: null, regions: [] };
  await sql`delete from job_runs where job = 'draw' and period like ${`${day}%`}`.execute(db);
  // a province-level agency (Liaoning, 210000): its jurisdiction covers every bench enterprise
  await sql`update agencies set region = '210000' where id = ${agency.id}`.execute(db);
  const plan = await rt.services.draws.createPlan(admin, {
    agencyId: agency.id,
    name: 'bench draw',
    filter: { region: '21' },
    ratio: 0.05,
  });
  const [population, baselineMs] = await time(() =>
    db.selectFrom('enterprises').select(['uscc', 'risk_class', 'no_disturb']).where('region', 'like', '21%').execute(),
  );
  const [run, ms] = await time(() => rt.services.jobs.run('draw', { date: day, trigger: 'manual' }));
  if (run.outcome !== 'succeeded') throw new Error(run.error ?? 'draw failed');
  const drawId = plan.nextDraw!.id;
  const [v, verifyMs] = await time(() => rt.services.draws.verify(drawId));
  if (!v.matches) throw new Error('the draw does not verify');
  Object.assign(result, { ms, baselineMs, verifyMs, population: population.length, assignments: v.recorded });
}
result.peakRssMb = process.resourceUsage().maxRSS / 1024;
await rt.close();
process.send?.(result);
process.exit(0);
