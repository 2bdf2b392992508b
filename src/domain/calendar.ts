import type { Lang } from './i18n.js';

export const DAY_MS = 86_400_000;

/**
 * The instants this service accepts (1900 to 2999): JavaScript, PostgreSQL and the time zone
 * arithmetic all hold them, and no filing is outside them.
 */
export function isSupportedInstant(ms: number): boolean {
  return !Number.isNaN(ms) && ms >= Date.UTC(1900, 0, 1) && ms < Date.UTC(3000, 0, 1);
}

// Calendar arithmetic in the region's time zone (TZ_REGION). Instants are Date; calendar days
// are 'YYYY-MM-DD' strings so comparisons never depend on the server's own zone.

export function assertTimeZone(tz: string): void {
  // Intl throws RangeError on an unknown zone; node-cron would accept it silently.
  new Intl.DateTimeFormat('en-CA', { timeZone: tz });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Intl formatters are costly to build: one per zone and kind, kept. */
function cachedFormatter(tz: string, kind: 'date' | 'time'): Intl.DateTimeFormat {
  const key = `${kind} ${tz}`;
  let f = formatters.get(key);
  if (!f) {
    f =
      kind === 'date'
        ? new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
        : new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(key, f);
  }
  return f;
}

const offsets = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

/**
 * The zone's offset from UTC at an instant, in ms. Intl is slow (microseconds a call) and rules
 * ask for many dates, so offsets are cached per quarter hour: every real offset change happens
 * on a quarter hour, so all instants of one quarter share an offset.
 */
function offsetAt(ts: number, tz: string): number {
  let byQuarter = offsets.get(tz);
  if (!byQuarter) offsets.set(tz, (byQuarter = new Map<number, number>()));
  const q = Math.floor(ts / QUARTER_HOUR);
  let off = byQuarter.get(q);
  if (off === undefined) {
    const start = q * QUARTER_HOUR;
    const [y, m, d] = cachedFormatter(tz, 'date').format(start).split('-').map(Number) as [number, number, number];
    const hm = cachedFormatter(tz, 'time').format(start).split(':').map(Number) as [number, number];
    const wallClock = Date.UTC(y, m - 1, d, hm[0] % 24, hm[1]);
    off = wallClock - start;
    if (byQuarter.size > 200_000) byQuarter.clear();
    byQuarter.set(q, off);
  }
  return off;
}

/** Year, month (1-12) and day of a count of days since 1970-01-01 (proleptic Gregorian). */
function civil(days: number): [number, number, number] {
  // H. Hinnant's days_from_civil inverse: integer arithmetic only, no Date allocation
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function localCivil(ts: number, tz: string): [number, number, number] {
  return civil(Math.floor((ts + offsetAt(ts, tz)) / DAY_MS));
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(at: Date | number, tz: string): string {
  const [y, m, d] = localCivil(typeof at === 'number' ? at : at.getTime(), tz);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** The UTC instant of a wall-clock time in the zone (the offset at midnight may differ from now's). */
function wallToUtc(wall: number, tz: string): number {
  return wall - offsetAt(wall - offsetAt(wall, tz), tz);
}

/**
 * The UTC interval [from, to) of the calendar day or year that contains an instant, in the zone.
 * Rules compare instants with it instead of formatting every date they look at.
 */
export function localPeriod(at: Date | number, tz: string, unit: 'day' | 'year'): [number, number] {
  const [y, m, d] = localCivil(typeof at === 'number' ? at : at.getTime(), tz);
  const startWall = unit === 'year' ? Date.UTC(y, 0, 1) : Date.UTC(y, m - 1, d);
  const endWall = unit === 'year' ? Date.UTC(y + 1, 0, 1) : Date.UTC(y, m - 1, d + 1);
  return [wallToUtc(startWall, tz), wallToUtc(endWall, tz)];
}

/** The UTC interval [from, to) of a calendar day (YYYY-MM-DD) in the zone. */
export function dayBounds(day: string, tz: string): [number, number] {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return [wallToUtc(Date.UTC(y, m - 1, d), tz), wallToUtc(Date.UTC(y, m - 1, d + 1), tz)];
}

/** Whether a text is a real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** A calendar day `n` days after (or before, for n < 0) another, as YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function localYear(at: Date | number, tz: string): number {
  return localCivil(typeof at === 'number' ? at : at.getTime(), tz)[0];
}

/** An instant as local wall-clock time in the zone, "YYYY-MM-DD HH:mm", for people to read. */
export function formatLocal(at: Date | number, tz: string): string {
  const ts = typeof at === 'number' ? at : at.getTime();
  const local = ts + offsetAt(ts, tz);
  const minutes = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  return `${localDate(ts, tz)} ${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The calendar day of an instant in the zone as a document prints it: "2026年12月4日", or "4 Dec 2026". */
export function formatDocumentDate(at: Date | number, tz: string, lang: Lang): string {
  const [y, m, d] = localCivil(typeof at === 'number' ? at : at.getTime(), tz);
  return lang === 'en' ? `${d} ${MONTHS_EN[m - 1]} ${y}` : `${y}年${m}月${d}日`;
}

/** The local hour and minute of an instant in the zone: "9:00" in Chinese, "09:00" in English. */
export function formatDocumentClock(at: Date | number, tz: string, lang: Lang): string {
  const ts = typeof at === 'number' ? at : at.getTime();
  const minutes = Math.floor(((((ts + offsetAt(ts, tz)) % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  const hour = Math.floor(minutes / 60);
  return `${lang === 'en' ? pad2(hour) : hour}:${pad2(minutes % 60)}`;
}

/**
 * An instant as a document printed for people prints it, in the zone and without naming the zone
 * (paper is read where it is handed over): "2026年12月4日 9:00", or "4 Dec 2026, 09:00".
 */
export function formatDocumentTime(at: Date | number, tz: string, lang: Lang): string {
  return `${formatDocumentDate(at, tz, lang)}${lang === 'en' ? ',' : ''} ${formatDocumentClock(at, tz, lang)}`;
}

/**
 * A wall-clock time in the zone as written in a form ("YYYY-MM-DDTHH:mm", an <input
 * type="datetime-local">), as the instant it names; null when it is not such a time.
 */
export function wallTime(text: string, tz: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m || !isCalendarDay(text.slice(0, 10))) return null;
  const [h, min] = [Number(m[4]), Number(m[5])];
  if (h > 23 || min > 59) return null;
  return new Date(wallToUtc(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, min), tz));
}
