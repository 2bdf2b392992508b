import { addDays, isSupportedInstant, localDate } from './calendar.js';
import { AppError } from './errors.js';

// The scheduled jobs and the period each run covers. A period is what makes a run unique across
// processes: one succeeded run per job and period, whoever ran it and however often it was asked.

export const JOB_NAMES = ['digest', 'sweep', 'draw'] as const;
export type JobName = (typeof JOB_NAMES)[number];
export const JOB_TRIGGERS = ['schedule', 'manual', 'catch-up'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];
export const JOB_OUTCOMES = ['succeeded', 'failed'] as const;

export const jobNames = {
  digest: { 'zh-CN': '每日摘要', en: 'digest' },
  sweep: { 'zh-CN': '逾期巡查', en: 'sweep' },
  draw: { 'zh-CN': '双随机抽取', en: 'draw' },
} as const;

export function assertJobName(name: string): JobName {
  if ((JOB_NAMES as readonly string[]).includes(name)) return name as JobName;
  throw new AppError('not_found', 'job_unknown', { name: name.slice(0, 40), known: JOB_NAMES.join(', ') });
}

/** The local calendar day before the one `now` falls on: what a digest at 02:00 reports. */
export const previousDay = (now: Date, tz: string) => addDays(localDate(now, tz), -1);

/** The local hour `now` falls in, as YYYY-MM-DDTHH: one sweep per hour. */
export function hourOf(now: Date, tz: string): string {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(now);
  return `${localDate(now, tz)}T${hour}`;
}

/**
 * The period a run covers: the digest a given (or the previous) day, which must be over; a
 * sweep and a draw run the current hour.
 */
export function periodFor(job: JobName, now: Date, tz: string, date?: string): string {
  if (job === 'digest') {
    const day = date ?? previousDay(now, tz);
    if (!isSupportedInstant(Date.parse(`${day}T00:00:00Z`)))
      throw new AppError('validation_failed', 'validation_failed', {}, [
        { path: '/date', message: { 'zh-CN': '须为 1900 至 2999 年间的日期', en: 'a day from 1900 to 2999' } },
      ]);
    if (day >= localDate(now, tz))
      throw new AppError('validation_failed', 'job_period_future', { date: day, job: jobNames.digest }, [
        { path: '/date', message: { 'zh-CN': '这一天尚未结束', en: 'the day is not over yet' } },
      ]);
    return day;
  }
  if (job === 'sweep') {
    if (date !== undefined)
      throw new AppError('validation_failed', 'validation_failed', {}, [
        {
          path: '/date',
          message: { 'zh-CN': '逾期清查针对当前小时运行，不接受日期', en: 'the sweep runs for the current hour; it takes no date' },
        },
      ]);
    return hourOf(now, tz);
  }
  // the draw job makes the plans due by today, hourly, so that a plan made during the day is
  // drawn within the hour; a draw is made on the day it is run, never for another
  if (date !== undefined && date !== localDate(now, tz))
    throw new AppError('validation_failed', 'draw_day_ahead', { date }, [
      { path: '/date', message: { 'zh-CN': '抽取只在运行当天进行', en: 'a draw is made on the day it is run' } },
    ]);
  return hourOf(now, tz);
}
