import { AppError } from '../domain/errors.js';

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
  throw new AppError('validation_failed', 'cursor_invalid', {}, [{ path: '/cursor', message: 'invalid cursor' }]);
}

/** Fetch one more row than asked, so the presence of a next page is known without a count. */
export function pageOf<R, T>(rows: R[], limit: number, view: (r: R) => T, key: (r: R) => unknown): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { items: shown.map(view), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}
