import { labelled } from './field-labels.js';
import { localize, type Lang, type Localized, type Params } from './i18n.js';
import type { Role } from './principal.js';
import { detailTexts, entities, messages, roleNames, type DetailKey, type Entity, type MessageKey } from './messages.js';

export type ErrorCode =
  | 'validation_failed'
  | 'uscc_invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rule_blocked'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  uscc_invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rule_blocked: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * A detail names the offending field (a JSON pointer into the body) and says what is wrong: by a
 * key of the catalog with its parameters (what services raise), or, at the edge, in both languages
 * (a validator's own words).
 */
export type ErrorDetail = { path: string; key: DetailKey; params?: Params } | { path: string; message: Localized };

/** A detail in both languages. */
export function detailMessage(d: ErrorDetail): Localized {
  if ('message' in d) return d.message;
  return { 'zh-CN': localize(detailTexts[d.key], 'zh-CN', d.params), en: localize(detailTexts[d.key], 'en', d.params) };
}

/** A detail as a response carries it: in the request's language. */
export interface ResponseDetail {
  path: string;
  message: string;
}

/**
 * Where to look when an error names no field: every error response has at least one detail, so a
 * client can always show "what, where" the same way.
 */
const WHERE: Record<ErrorCode, string> = {
  validation_failed: '/',
  uscc_invalid: '/',
  unauthorized: 'Authorization',
  forbidden: 'Authorization',
  not_found: 'path',
  conflict: 'path',
  payload_too_large: '/',
  unsupported_media_type: 'Content-Type',
  rule_blocked: '/decision',
  rate_limited: 'Retry-After',
  unavailable: 'Retry-After',
  internal: 'requestId',
};

/**
 * The one error type. Messages are resolved per request language by the HTTP error handler,
 * so domain code stays language-free and carries a message key plus its parameters.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: MessageKey,
    readonly params: Params = {},
    readonly details: ErrorDetail[] = [],
    /** extra top-level fields of the error response, e.g. the blocking decision */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.status = statusOf[code];
  }
}

/** A key of this role may not do this. */
export const forbidden = (role: Role) => new AppError('forbidden', 'forbidden', { role: roleNames[role] });

/** Not found, naming what was asked for (cut short: an id is echoed, not a page of it). */
export const notFound = (what: Entity, id: string, details: ErrorDetail[] = []) =>
  new AppError('not_found', 'not_found', { what: entities[what], id: id.length > 80 ? `${id.slice(0, 80)}…` : id }, details);

export interface ErrorBody {
  error: { code: string; message: string; details: ResponseDetail[]; requestId?: string };
  [extra: string]: unknown;
}

/** An error's details, or, when it names no field, one saying where the problem lies and what it is. */
export function detailsOf(err: AppError): { path: string; message: Localized }[] {
  // each names its field as people call it; the path stays the pointer a program reads
  if (err.details.length) return err.details.map((d) => ({ path: d.path, message: labelled(d.path, detailMessage(d)) }));
  const message = messages[err.messageKey];
  return [{ path: WHERE[err.code], message: { 'zh-CN': localize(message, 'zh-CN', err.params), en: localize(message, 'en', err.params) } }];
}

/** The response body of an error, in one language; services that store responses use it too. */
export function errorBody(err: AppError, lang: Lang, requestId: string): ErrorBody {
  const message = localize(messages[err.messageKey], lang, err.params);
  const details = detailsOf(err).map((d) => ({ path: d.path, message: d.message[lang] }));
  return { error: { code: err.code, message, details, requestId }, ...err.extra };
}

/** A 429 that says when to come back (the Retry-After header, in seconds), e.g. a daily quota used up. */
export class RetryLater extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    messageKey: MessageKey,
    params: Params = {},
    extra: Record<string, unknown> = {},
  ) {
    super('rate_limited', messageKey, params, [], extra);
  }
}
