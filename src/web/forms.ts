import { AppError } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import { errorBody } from '../domain/errors.js';

// Forms arrive as urlencoded text; the pages turn them into the API's request bodies and let
// the same JSON Schemas and services judge them, so a page can accept nothing the API refuses.

export type Form = Record<string, unknown>;

/** A text field, trimmed; undefined when empty, so that optional fields stay out of the body. */
export function field(form: Form, name: string): string | undefined {
  const v = form[name];
  const s = (Array.isArray(v) ? v[0] : v) as unknown;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  return t ? t : undefined;
}

/** Every value of a repeated field (checkboxes), non-empty ones only. */
export function fields(form: Form, name: string): string[] {
  const v = form[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

export const checked = (form: Form, name: string) => field(form, name) !== undefined;

/** What to show on a form that was refused: a message, and one per field the error names. */
export interface FormErrors {
  message: string;
  fields: Record<string, string>;
}

/**
 * The field errors of a refusal the user can fix by editing the form (bad input, not found,
 * a conflict); null for anything else, which the page's error handler shows instead.
 */
export function formErrors(err: unknown, lang: Lang, requestId: string, byCode: Record<string, string> = {}): FormErrors | null {
  if (!(err instanceof AppError) || err.status >= 500 || err.status === 401 || err.status === 403) return null;
  const body = errorBody(err, lang, requestId);
  const out: Record<string, string> = {};
  for (const d of err.details) {
    const name = d.path.split('/').filter(Boolean)[0] ?? '';
    if (name && !out[name]) out[name] = d.message;
  }
  // errors that name no field but can only be about one (a malformed credit code)
  const only = byCode[err.code];
  if (only && !err.details.length) out[only] = body.error.message;
  return { message: body.error.message, fields: out };
}
