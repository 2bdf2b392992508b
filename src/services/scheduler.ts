import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { JobRunner } from './jobs.js';

/**
 * node-cron in TZ_REGION: the digest (02:00 by default), the hourly sweep and draw, with the runs
 * missed while no process was up caught up at start. Every process may run a scheduler: the
 * job runner's lock and its one-run-per-period row make the second process's tick a no-op.
 */
export function startScheduler(jobs: JobRunner, s: { tz: string; digest: string; sweep: string; draw: string }, log: Logger) {
  let stopped = false;
  const tick = (job: 'digest' | 'sweep' | 'draw') => async () => {
    if (stopped) return;
    await jobs.run(job, { trigger: 'schedule' }).catch((err: unknown) => log.error({ err, job }, 'scheduled job could not start'));
  };
  const tasks: ScheduledTask[] = [
    cron.schedule(s.digest, tick('digest'), { timezone: s.tz, name: 'digest', noOverlap: true }),
    cron.schedule(s.sweep, tick('sweep'), { timezone: s.tz, name: 'sweep', noOverlap: true }),
    cron.schedule(s.draw, tick('draw'), { timezone: s.tz, name: 'draw', noOverlap: true }),
  ];
  const catchUp = jobs
    .catchUp()
    .then((runs) =>
      log.info(
        { ran: runs.filter((r) => !r.alreadyRan && r.outcome === 'succeeded').map((r) => `${r.job} ${r.period}`), checked: runs.length },
        'missed job runs caught up',
      ),
    )
    .catch((err: unknown) => log.error({ err }, 'catching up missed job runs failed'));
  log.info({ digest: s.digest, sweep: s.sweep, draw: s.draw, tz: s.tz }, 'scheduler started');
  return {
    async stop(): Promise<void> {
      stopped = true;
      for (const t of tasks) await t.destroy();
      await catchUp;
      await jobs.drain();
    },
  };
}
