import { createRequire } from 'node:module';

// Working days of the People's Republic of China (statutory holidays and the weekend days
// worked in lieu), from the maintained `chinese-days` package. It covers published years only;
// for a later year the calendar falls back to Monday-Friday and reports that once per year,
// so that a deadline is never silently computed from a calendar nobody published.

const require = createRequire(import.meta.url);
// the package's own data: its functions read a day in the process's time zone, so that in Los
// Angeles a Saturday would be a working day; the data are calendar days, whatever the zone
const data = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string>; workdays: Record<string, string> };
const COVERED = new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))));

export interface WorkdayCalendar {
  /** whether a calendar day (YYYY-MM-DD) is a working day */
  isWorkday(day: string): boolean;
  /** the calendar day `n` working days after `day` (n >= 0; 0 = the next working day on or after it) */
  addWorkdays(day: string, n: number): string;
  covers(year: number): boolean;
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function createWorkdayCalendar(onFallback: (year: number) => void): WorkdayCalendar {
  const reported = new Set<number>();
  const isWorkday = (day: string): boolean => {
    const year = Number(day.slice(0, 4));
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    if (COVERED.has(year)) return Object.hasOwn(data.holidays, day) ? false : Object.hasOwn(data.workdays, day) ? true : !weekend;
    if (!reported.has(year)) {
      reported.add(year);
      onFallback(year);
    }
    return !weekend;
  };
  return {
    isWorkday,
    covers: (year) => COVERED.has(year),
    addWorkdays(day, n) {
      let d = day;
      while (!isWorkday(d)) d = nextDay(d);
      for (let left = n; left > 0;) {
        d = nextDay(d);
        if (isWorkday(d)) left--;
      }
      return d;
    },
  };
}
