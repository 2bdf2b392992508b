import type { Command } from 'commander';
import { isCalendarDay } from '../domain/calendar.js';
import { JOB_NAMES } from '../domain/jobs.js';
import { ExitCode, say, type Cli } from './shared.js';

export function registerJobs(program: Command, { io, withRuntime }: Cli): void {
  program
    .command('jobs')
    .description('scheduled jobs')
    .command('run <job>')
    .description('run digest, sweep or draw now; a period that already ran is not run again (same guard as the scheduler)')
    .option('--date <YYYY-MM-DD>', 'digest: the day to report (default yesterday in TZ_REGION); draw: the day')
    .action(async (job: string, o: { date?: string }) => {
      if (!(JOB_NAMES as readonly string[]).includes(job)) {
        io.err(`no such job: ${job} (known: ${JOB_NAMES.join(', ')})`);
        throw new ExitCode(2);
      }
      if (o.date !== undefined && !isCalendarDay(o.date)) {
        io.err(say('--date 应为日期，形如 2026-12-01', '--date must be a calendar day, YYYY-MM-DD (2026-12-01)'));
        throw new ExitCode(2);
      }
      const run = await withRuntime((rt) => rt.services.jobs.run(job, { date: o.date, trigger: 'manual' }));
      io.out(`${run.job} ${run.period}: ${run.alreadyRan ? 'already ran' : run.outcome} (${run.durationMs} ms, ${run.host})`);
      io.out(JSON.stringify(run.summary));
      if (run.outcome === 'failed') {
        io.err(run.error ?? 'failed');
        throw new ExitCode(1);
      }
    });
}
