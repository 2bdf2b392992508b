import { localize, type Lang, type Params } from './i18n.js';
import { entities, messages, type Entity, type MessageKey } from './messages.js';

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

/** A detail names the offending field (a JSON pointer into the body) and says what is wrong. */
export interface ErrorDetail {
  path: string;
  message: string;
}

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

export const notFound = (what: Entity, id: string, details: ErrorDetail[] = []) => new AppError('not_found', 'not_found', { what: entities[what], id }, details);

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; requestId?: string };
  [extra: string]: unknown;
}

/** The response body of an error, in one language; services that store responses use it too. */
export function errorBody(err: AppError, lang: Lang, requestId: string): ErrorBody {
  const message = localize(messages[err.messageKey], lang, err.params);
  return { error: { code: err.code, message, details: err.details, requestId }, ...err.extra };
}
