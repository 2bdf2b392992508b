import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { runInRequest } from '../request-context.js';

declare module 'http' {
  interface IncomingMessage {
    id: string;
    startedAt: number;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Request id: the caller's (a gateway's) when it is sane, otherwise a new one. Nothing else
 * happens per request here: no listener, no closure; the access line is written where the
 * response is sent (logAccess). A 'finish' listener per request cost a measurable share of a
 * verification scan (README, Performance).
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.startedAt = performance.now();
    res.setHeader('X-Request-Id', req.id);
    runInRequest(req.id, next);
  };
}

/**
 * One access line per API response, at info (2xx/3xx, and 503: an outage is logged once, at
 * warn, where it is found, not again for every request it fails), warn (4xx) or error (other
 * 5xx); no headers: they carry keys.
 */
export function logAccess(log: Logger, req: Request, res: Response): void {
  const status = res.statusCode;
  const elapsed = performance.now() - req.startedAt;
  // by route pattern, not URL: a label per filing id would grow without bound
  const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
  (req.app.locals.metrics as Metrics | undefined)?.http.observe({ method: req.method, route, status: String(status) }, elapsed / 1000);
  const level = status === 503 ? 'info' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!log.isLevelEnabled(level)) return;
  const ms = Math.round(elapsed * 10) / 10;
  log[level]({ reqId: req.id, method: req.method, url: req.originalUrl, status, ms }, 'request completed');
}
