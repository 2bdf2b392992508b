import { fieldLabel } from '../domain/field-labels.js';
import { createHash } from 'node:crypto';
import { AppError, detailMessage, errorBody } from '../domain/errors.js';
import { wallTime } from '../domain/calendar.js';
import type { Principal } from '../domain/principal.js';
import type { Services } from '../services/index.js';
import { StoredReplay, type IdempotencyClaim } from '../services/idempotency.js';
import type { Lang } from '../domain/i18n.js';

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

/** A form's date and time (in TZ_REGION) as the API's instant; what cannot be one stays as typed, for the schema to refuse. */
export function formInstant(
  raw: string | undefined,
  tz: string,
  errors: Record<string, string>,
  name: string,
  lang: Lang,
): string | undefined {
  if (raw === undefined) return undefined;
  const at = wallTime(raw, tz);
  if (!at) errors[name] = lang === 'en' ? 'a date and time, e.g. 2026-12-01 09:00' : '请填写日期和时间，例如 2026-12-01 09:00';
  return at ? at.toISOString() : raw;
}

/** Validates a body built from a form; field errors of our own (dates) come first. */
export function validateForm(check: (b: unknown) => void, body: Record<string, unknown>, own: Record<string, string>): void {
  // our own field errors are written in the page's language already
  const ours = Object.entries(own).map(([k, message]) => ({ path: `/${k}`, message: { 'zh-CN': message, en: message } }));
  try {
    check(body);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, err.messageKey, err.params, [...ours, ...err.details]);
    throw err;
  }
  if (ours.length) throw new AppError('validation_failed', 'validation_failed', {}, ours);
}

/** What to show on a form that was refused: a message, and one per field the error names. */
export interface FormErrors {
  message: string;
  fields: Record<string, string>;
  /** each field of `fields` by its label, for a list of the errors away from the fields (开始时间) */
  labels?: Record<string, string>;
}

/**
 * The field errors of a refusal the user can fix by editing the form (bad input, not found,
 * a conflict); null for anything else, which the page's error handler shows instead.
 */
export function formErrors(err: unknown, lang: Lang, requestId: string, byCode: Record<string, string> = {}): FormErrors | null {
  if (!(err instanceof AppError) || err.status >= 500 || err.status === 401 || err.status === 403) return null;
  const body = errorBody(err, lang, requestId);
  const out: Record<string, string> = {};
  const labels: Record<string, string> = {};
  // the API's top-level message asks to read `details`; a page shows them beside the fields instead
  const general = err.messageKey === 'validation_failed';
  // the error's own details only: the ones every error gets name no form field
  for (const d of err.details) {
    const name = d.path.split('/').filter(Boolean)[0] ?? '';
    if (!name || out[name]) continue;
    out[name] = detailMessage(d)[lang];
    const label = fieldLabel(name);
    if (label) labels[name] = label[lang];
  }
  // errors that name no field but can only be about one (a malformed credit code)
  const only = byCode[err.code];
  if (only && !err.details.length) out[only] = body.error.message;
  return { message: general && Object.keys(out).length ? '' : body.error.message, fields: out, labels };
}

/**
 * A form that creates something carries a token made when the form was shown (`_once`); it is
 * the request's Idempotency-Key, so a double click or a resent form creates one thing, and the
 * second answer is the first one's.
 */
export function formClaim(
  p: Principal,
  form: Form,
  body: unknown,
  lang: Lang,
  requestId: string,
  successStatus: number,
): IdempotencyClaim | null {
  const once = field(form, '_once');
  if (!once || !/^[A-Za-z0-9_-]{16,64}$/.test(once)) return null;
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return { principalId: p.keyId, key: `web:${once}`, requestHash, successStatus, lang, requestId, saved: false };
}

/** Whether the form's claim was answered already (a resent form: the first answer stands, nothing is asked again). */
export async function answered(services: Services, claim: IdempotencyClaim | null): Promise<boolean> {
  if (!claim) return false;
  // a changed form under the same token is refused by `once`, which says why
  return !!(await services.idempotency.lookup(claim).catch(() => null));
}

/** Runs a creating service call under the form's claim: its value, or the stored answer of the first submission. */
export async function once<T>(
  services: Services,
  claim: IdempotencyClaim | null,
  run: (claim?: IdempotencyClaim) => Promise<T>,
): Promise<{ value: T } | { replay: StoredReplay }> {
  if (claim) {
    const stored = await services.idempotency.lookup(claim).catch((err: unknown) => {
      // the form was sent, then changed and sent again: that is a new form, not a retry
      if (err instanceof AppError && err.messageKey === 'idempotency_mismatch') throw new AppError('conflict', 'form_resent');
      throw err;
    });
    if (stored) return { replay: stored };
  }
  try {
    return { value: await run(claim ?? undefined) };
  } catch (err) {
    if (err instanceof StoredReplay) return { replay: err };
    throw err;
  }
}
