import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import { AppError, errorBody, RetryLater, type ErrorBody } from '../domain/errors.js';
import { pickLang, type Lang } from '../domain/i18n.js';
import { reasons } from '../domain/messages.js';

export interface ErrorReply {
  status: number;
  body: ErrorBody;
}

/** What tells a database outage or a duplicate row from other errors (and logs an outage once): the store's health. */
export interface DatabaseErrors {
  classify(err: unknown): 'outage' | 'duplicate' | null;
}

/** Seconds a client is asked to wait before retrying while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Why a body is not JSON, in words: valid JSON that is not an object (`null`, `"hello"`) is said
 * to be that; otherwise where the syntax breaks (the parser's own text is English only).
 */
function malformedJson(err: Error & { body?: unknown }): AppError {
  const raw = typeof err.body === 'string' ? err.body.trim() : '';
  if (raw && !raw.startsWith('{') && !raw.startsWith('['))
    return new AppError('validation_failed', 'body_not_object', {}, [
      { path: '/', message: { 'zh-CN': '应为对象（{…}）', en: 'must be an object ({…})' } },
    ]);
  const at = /position (\d+)/.exec(err.message)?.[1];
  const token = /Unexpected token '?(.)'?/.exec(err.message)?.[1];
  const zh = at
    ? `第 ${Number(at) + 1} 个字符附近有语法错误`
    : token
      ? `意外的字符“${token}”`
      : /end of (JSON )?input/i.test(err.message)
        ? '内容不完整（意外结束）'
        : '语法错误';
  const reason = { 'zh-CN': zh, en: err.message.slice(0, 200) };
  return new AppError('validation_failed', 'malformed_json', { reason });
}

/** body-parser's errors carry a `type`; map them to ours so bad input is never a 500. */
function fromParserError(err: unknown, bodyLimit: number): AppError | null {
  const type = (err as { type?: unknown }).type;
  if (typeof type !== 'string') return null;
  switch (type) {
    case 'entity.parse.failed':
      return malformedJson(err as Error & { body?: unknown });
    case 'entity.too.large':
      return new AppError('payload_too_large', 'payload_too_large', { limit: `${Math.round(bodyLimit / 1024)} KiB` });
    case 'encoding.unsupported':
      return new AppError('unsupported_media_type', 'content_encoding', {
        encoding: String((err as { encoding?: string }).encoding ?? '').slice(0, 40),
      });
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'unsupported_media_type');
    case 'parameters.too.many':
      return new AppError('payload_too_large', 'form_too_many_fields');
    case 'entity.invalid_utf8':
      return new AppError('validation_failed', 'invalid_utf8', {}, [
        { path: '/', message: { 'zh-CN': '请求体不是合法的 UTF-8', en: 'the body is not valid UTF-8' } },
      ]);
    case 'entity.too_deep':
      return new AppError('validation_failed', 'too_deep', { max: (err as { maxDepth?: number }).maxDepth ?? 0 }, [
        { path: '/', message: { 'zh-CN': '嵌套过深', en: 'nested too deep' } },
      ]);
    default:
      return type.startsWith('entity.') || type.startsWith('request.') ? new AppError('validation_failed', 'validation_failed') : null;
  }
}

/** No route answers this method and path (the API's or the pages'). */
export function routeNotFound(req: Request): AppError {
  return new AppError('not_found', 'route_not_found', { method: req.method, path: req.path });
}

/**
 * What an error means for the client. Operational errors become their status: bad input a 4xx,
 * a database out of reach 503; anything else is a programmer error (null: a logged 500).
 */
export function toAppError(err: unknown, bodyLimit: number, health: DatabaseErrors): AppError | null {
  if (err instanceof AppError) return err;
  // the router could not decode a path parameter (percent-encoded bytes that are not UTF-8)
  if (err instanceof URIError)
    return new AppError('validation_failed', 'path_invalid', {}, [
      { path: 'path', message: { 'zh-CN': '不是合法的 UTF-8 百分号编码', en: 'not valid percent-encoded UTF-8' } },
    ]);
  const parsed = fromParserError(err, bodyLimit);
  if (parsed) return parsed;
  switch (health.classify(err)) {
    case 'outage':
      return new AppError('unavailable', 'unavailable', { reason: reasons.databaseAway });
    case 'duplicate':
      // a check-then-insert raced another request creating the same thing
      return new AppError('conflict', 'conflict_duplicate', {}, [
        { path: '/', message: { 'zh-CN': '同一时刻被另一个请求创建', en: 'created by another request at the same moment' } },
      ]);
    default:
      return null;
  }
}

export function errorReply(err: AppError, lang: Lang, requestId: string): ErrorReply {
  return { status: err.status, body: errorBody(err, lang, requestId) };
}

function internalReply(lang: Lang, requestId: string): ErrorReply {
  return errorReply(new AppError('internal', 'internal', { requestId }), lang, requestId);
}

/** The one error handler: operational errors become their status, anything else a logged 500. */
export function errorHandler(log: Logger, bodyLimit: number, health: DatabaseErrors): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const lang = pickLang(req.headers['accept-language']);
    const requestId = req.id;
    const appErr = toAppError(err, bodyLimit, health);
    const reply = appErr ? errorReply(appErr, lang, requestId) : internalReply(lang, requestId);
    if (!appErr) log.error({ err, reqId: requestId }, 'unhandled error');
    if (res.headersSent) return;
    if (reply.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    if (appErr instanceof RetryLater) res.setHeader('Retry-After', String(appErr.retryAfterSeconds));
    res.status(reply.status).json(reply.body);
  };
}
