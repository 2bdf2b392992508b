import { isSupportedInstant } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import { fieldName } from '../domain/field-labels.js';

// Cursors are opaque to clients: base64url JSON of the last row's sort key.
function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | null {
  if (!cursor) return null;
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    // a cursor is ours to make; one that carries NUL or a lone surrogate was made by someone else
    if (/\\u0000|\\ud[89a-f]/i.test(text) || text.includes('\u0000')) throw new Error('not a cursor of ours');
    const v: unknown = JSON.parse(text);
    if (check(v)) return v;
  } catch {
    // fall through to the same error as a well-formed but wrong cursor
  }
  throw new AppError('validation_failed', 'cursor_invalid', {}, [{ path: '/cursor', key: 'cursor_invalid' }]);
}

/** Fetch one more row than asked, so the presence of a next page is known without a count. */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  view: (r: R) => T,
  key: (r: R) => unknown,
): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { items: shown.map(view), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}

/** The cursor of a list ordered by (time, id) descending: the last row's time and id, or null for the first page. */
export function timeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  const v = decodeCursor(
    cursor,
    (x): x is [string, string] =>
      Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'string') && isSupportedInstant(Date.parse(x[0] as string)),
  );
  return v ? { at: new Date(v[0]), id: v[1] } : null;
}

/** A list's `from`/`to` filter as instants; `to` must come after `from`. */
export function dateRange(from?: string, to?: string): { from: Date | undefined; to: Date | undefined } {
  const f = from ? new Date(from) : undefined;
  const t = to ? new Date(to) : undefined;
  if (f && t && t <= f)
    throw new AppError('validation_failed', 'date_order', { from: fieldName('from'), to: fieldName('to') }, [
      { path: '/to', key: 'after_field', params: { field: fieldName('from') } },
    ]);
  return { from: f, to: t };
}
