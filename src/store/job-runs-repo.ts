import { sql } from 'kysely';
import type { Db } from './db.js';
import type { Insertable } from 'kysely';
import type { JobRunRow, JobRunsTable } from './tables.js';

export async function findSucceededRun(db: Db, job: string, period: string): Promise<JobRunRow | null> {
  return (
    (await db
      .selectFrom('job_runs')
      .selectAll()
      .where('job', '=', job)
      .where('period', '=', period)
      .where('outcome', '=', 'succeeded')
      .executeTakeFirst()) ?? null
  );
}

export async function insertJobRun(db: Db, run: Insertable<JobRunsTable>): Promise<JobRunRow> {
  return db.insertInto('job_runs').values(run).returningAll().executeTakeFirstOrThrow();
}

/** The earliest period a job succeeded for (periods of one job sort as text). */
export async function firstSucceededPeriod(db: Db, job: string): Promise<string | null> {
  const r = await db
    .selectFrom('job_runs')
    .select((eb) => eb.fn.min('period').as('p'))
    .where('job', '=', job)
    .where('outcome', '=', 'succeeded')
    .executeTakeFirst();
  return r?.p ?? null;
}

export async function succeededPeriodsSince(db: Db, job: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('job_runs')
    .select('period')
    .where('job', '=', job)
    .where('outcome', '=', 'succeeded')
    .where('period', '>=', since)
    .execute();
  return rows.map((r) => r.period);
}

export async function listJobRuns(
  db: Db,
  f: { job?: string | undefined; outcome?: 'succeeded' | 'failed' | undefined },
  page: { limit: number; after: { startedAt: Date; id: string } | null },
): Promise<JobRunRow[]> {
  let q = db.selectFrom('job_runs').selectAll();
  if (f.job) q = q.where('job', '=', f.job);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (page.after) q = q.where(sql<boolean>`(started_at, id) < (${page.after.startedAt}, ${page.after.id})`);
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}
