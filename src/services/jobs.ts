import { hostname } from 'node:os';
import { addDays, localDate } from '../domain/calendar.js';
import { newId } from '../domain/codes.js';
import { AppError } from '../domain/errors.js';
import { assertJobName, periodFor, previousDay, type JobName, type JobTrigger } from '../domain/jobs.js';
import type { JobRunListQueryT, JobRunView, PageOf } from '../domain/schemas.js';
import type { Db } from '../store/db.js';
import { findSucceededRun, firstSucceededPeriod, insertJobRun, listJobRuns, succeededPeriodsSince } from '../store/job-runs-repo.js';
import { lockJob } from '../store/locks.js';
import type { JobRunRow } from '../store/tables.js';
import type { ServiceContext } from './context.js';
import { pageOf, timeCursor } from './pagination.js';

/** What a job does for one period: its work inside the run's transaction, and what follows the commit (deliveries). */
export interface JobWork {
  run?(trx: Db, period: string, now: Date): Promise<Record<string, unknown>>;
  /**
   * instead of `run`: work that takes short transactions of its own (the draw: one per plan), so
   * that nothing waits for all of it; it must be safe to repeat, since the run's row is written
   * after it (under the job's lock, once per period)
   */
  runAlone?(period: string, now: Date): Promise<Record<string, unknown>>;
  /** after the commit, and again on a repeated run: work that leaves the database (mail, webhook), idempotent per recipient */
  after?(period: string): Promise<Record<string, unknown>>;
}

const HOST = `${hostname()}:${process.pid}`;
/** How far back a start catches up missed digests. */
const CATCH_UP_DAYS = 31;

export function runView(r: JobRunRow, alreadyRan = false, extra: Record<string, unknown> = {}): JobRunView {
  return {
    id: r.id,
    job: r.job as JobName,
    period: r.period,
    outcome: r.outcome,
    trigger: r.trigger,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at.toISOString(),
    durationMs: r.duration_ms,
    summary: { ...(r.summary as Record<string, unknown>), ...extra },
    error: r.error,
    host: r.host,
    alreadyRan,
  };
}

/**
 * Runs a job at most once per period across every process on one database: the run holds an
 * advisory lock for its job and period, and a succeeded run's row (unique per job and period)
 * is written in the same transaction as the job's work. A run that fails leaves no work behind
 * and a failed row for the record; the next run of the period tries again.
 */
export function createJobRunner(ctx: ServiceContext, works: Record<JobName, JobWork>) {
  const running = new Set<Promise<unknown>>();

  async function execute(job: JobName, period: string, trigger: JobTrigger): Promise<JobRunView> {
    const now = ctx.clock.now();
    const started = performance.now();
    // the row of this run, as it ends (duration measured on the monotonic clock)
    const ended = (outcome: 'succeeded' | 'failed', summary: Record<string, unknown>, error: string | null) => {
      const ms = Math.round(performance.now() - started);
      return {
        id: newId('run'),
        job,
        period,
        outcome,
        trigger,
        started_at: now,
        finished_at: new Date(now.getTime() + ms),
        duration_ms: ms,
        summary: JSON.stringify(summary),
        error,
        host: HOST,
      };
    };
    const work = works[job];
    try {
      // a job whose work takes transactions of its own does it first, then writes the run's row
      // under the job's lock; another process that ran the period meanwhile did the same work
      const done = work.runAlone ? await findSucceededRun(ctx.db, job, period) : null;
      const summary = work.runAlone && !done ? await work.runAlone(period, now) : null;
      const { row, alreadyRan } = done
        ? { row: done, alreadyRan: true }
        : await ctx.db.transaction().execute(async (trx) => {
            await lockJob(trx, job, period);
            const ran = await findSucceededRun(trx, job, period);
            if (ran) return { row: ran, alreadyRan: true };
            const out = summary ?? (work.run ? await work.run(trx, period, now) : {});
            return { row: await insertJobRun(trx, ended('succeeded', out, null)), alreadyRan: false };
          });
      ctx.metrics.jobRuns.inc({ job, outcome: alreadyRan ? 'skipped' : 'succeeded' });
      if (!alreadyRan) ctx.metrics.jobDuration.observe({ job }, row.duration_ms / 1000);
      const after = works[job].after ? await works[job].after(period) : {};
      if (!alreadyRan) ctx.log.info({ job, period, trigger, durationMs: row.duration_ms, summary: row.summary, ...after }, 'job run');
      else ctx.log.debug({ job, period, trigger }, 'job already ran for this period');
      return runView(row, alreadyRan, after);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) throw err;
      const message = err instanceof Error ? err.message : String(err);
      ctx.log.error({ job, period, trigger, err }, 'job run failed');
      ctx.metrics.jobRuns.inc({ job, outcome: 'failed' });
      const failed = ended('failed', {}, message.slice(0, 2000));
      const row = await insertJobRun(ctx.db, failed).catch(() => null);
      return runView(row ?? { ...failed, summary: {} }, false);
    }
  }

  /** Tracked, so that a shutdown waits for a running job. */
  function track<T>(p: Promise<T>): Promise<T> {
    running.add(p);
    void p.finally(() => running.delete(p)).catch(() => undefined);
    return p;
  }

  return {
    run(name: string, opts: { date?: string | undefined; trigger: JobTrigger }): Promise<JobRunView> {
      const job = assertJobName(name);
      const period = periodFor(job, ctx.clock.now(), ctx.tz, opts.date);
      return track(execute(job, period, opts.trigger));
    },

    /**
     * At start: a digest for every day missed since the last one (at most a month back; none
     * before the first day this database ran one, so a new install does not mail a month of
     * empty days), and the current hour's sweep and draw.
     */
    async catchUp(): Promise<JobRunView[]> {
      const now = ctx.clock.now();
      const yesterday = previousDay(now, ctx.tz);
      const floor = addDays(localDate(now, ctx.tz), -CATCH_UP_DAYS);
      const done = new Set(await succeededPeriodsSince(ctx.db, 'digest', floor));
      const first = await firstSucceededPeriod(ctx.db, 'digest');
      // every day without a digest since the first one (a gap left by a failed run too), at most a
      // month back; a new installation starts with yesterday
      let day = first ? (first < floor ? floor : first) : yesterday;
      const runs: JobRunView[] = [];
      for (; day <= yesterday; day = addDays(day, 1)) if (!done.has(day)) runs.push(await track(execute('digest', day, 'catch-up')));
      runs.push(await track(execute('sweep', periodFor('sweep', now, ctx.tz), 'catch-up')));
      runs.push(await track(execute('draw', periodFor('draw', now, ctx.tz), 'catch-up')));
      return runs;
    },

    async list(q: JobRunListQueryT): Promise<PageOf<JobRunView>> {
      const limit = q.limit ?? 50;
      const after = timeCursor(q.cursor);
      const rows = await listJobRuns(
        ctx.db,
        { job: q.job, outcome: q.outcome },
        { limit: limit + 1, after: after ? { startedAt: after.at, id: after.id } : null },
      );
      return pageOf(
        rows,
        limit,
        (r) => runView(r),
        (r) => [r.started_at.toISOString(), r.id],
      );
    },

    /** Resolves when every job this process started has finished. */
    async drain(): Promise<void> {
      while (running.size) await Promise.allSettled([...running]);
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
