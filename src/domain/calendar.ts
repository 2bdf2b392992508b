// Calendar arithmetic in the region's time zone (TZ_REGION). Instants are Date; calendar days
// are 'YYYY-MM-DD' strings so comparisons never depend on the server's own zone.

export function assertTimeZone(tz: string): void {
  // Intl throws RangeError on an unknown zone; node-cron would accept it silently.
  new Intl.DateTimeFormat('en-CA', { timeZone: tz });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(at: Date, tz: string): string {
  return formatter(tz).format(at);
}

export function localYear(at: Date, tz: string): number {
  return Number(localDate(at, tz).slice(0, 4));
}

export const DAY_MS = 86_400_000;
