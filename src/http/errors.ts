import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, type ErrorDetail } from '../domain/errors.js';
import { localize, pickLang, type Lang } from '../domain/i18n.js';
import { messages } from '../domain/messages.js';
import { logAccess } from './request-log.js';

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string; details: ErrorDetail[]; requestId?: string } } & Record<string, unknown>;
}

/** body-parser's errors carry a `type`; map them to ours so bad input is never a 500. */
function fromParserError(err: unknown, bodyLimit: number): AppError | null {
  const type = (err as { type?: unknown }).type;
  if (typeof type !== 'string') return null;
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('validation_failed', 'malformed_json', { reason: (err as Error).message.slice(0, 200) });
    case 'entity.too.large':
      return new AppError('payload_too_large', 'payload_too_large', { limit: `${Math.round(bodyLimit / 1024)} KiB` });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'unsupported_media_type');
    default:
      return type.startsWith('entity.') || type.startsWith('request.') ? new AppError('validation_failed', 'validation_failed') : null;
  }
}

export function toAppError(err: unknown, bodyLimit: number): AppError | null {
  if (err instanceof AppError) return err;
  return fromParserError(err, bodyLimit);
}

export function errorReply(err: AppError, lang: Lang, requestId: string): ErrorReply {
  const message = localize(messages[err.messageKey], lang, err.params);
  return {
    status: err.status,
    body: { error: { code: err.code, message, details: err.details, requestId }, ...err.extra },
  };
}

export function internalReply(lang: Lang, requestId: string): ErrorReply {
  return errorReply(new AppError('internal', 'internal', { requestId }), lang, requestId);
}

/** The one error handler: operational errors become their status, anything else a logged 500. */
export function errorHandler(log: Logger, bodyLimit: number): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const lang = pickLang(req.headers['accept-language']);
    const requestId = req.id;
    const appErr = toAppError(err, bodyLimit);
    const reply = appErr ? errorReply(appErr, lang, requestId) : internalReply(lang, requestId);
    if (!appErr) log.error({ err, reqId: requestId }, 'unhandled error');
    if (res.headersSent) return;
    res.status(reply.status).json(reply.body);
    logAccess(log, req, res);
  };
}
