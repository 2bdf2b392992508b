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
 * The route a request matched, by its pattern (a label per filing id would grow without bound);
 * what a mounted middleware answered (static files, the API docs) by where it is mounted.
 */
function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  return req.baseUrl ? `${req.baseUrl}/*` : 'unmatched';
}

/**
 * The first middleware of the application, for every response (API, pages, documents, assets,
 * 404s): a request id (the caller's, a gateway's, when it is sane; otherwise a new one), carried
 * into every log line written while the request is handled; and, once the response is done, one
 * access line and one observation of the request-duration metric.
 *
 * The access line is at info (2xx/3xx, and 503: an outage is logged once, at warn, where it is
 * found, not again for every request it fails), warn (4xx) or error (other 5xx); it carries no
 * headers, which hold keys, and no query string, which may hold a code.
 */
export function requestContext(log: Logger, metrics: Metrics | undefined): RequestHandler {
  const done = (req: Request, res: Response) => {
    const status = res.statusCode;
    const elapsed = performance.now() - req.startedAt;
    metrics?.http.observe({ method: req.method, route: routeLabel(req), status: String(status) }, elapsed / 1000);
    const level = status === 503 ? 'info' : status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!log.isLevelEnabled(level)) return;
    const ms = Math.round(elapsed * 10) / 10;
    // a client that went away before the answer was written
    const aborted = res.writableFinished ? undefined : true;
    log[level]({ reqId: req.id, method: req.method, url: req.originalUrl.split('?')[0], status, ms, aborted }, 'request completed');
  };
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    req.startedAt = performance.now();
    res.setHeader('X-Request-Id', req.id);
    // 'finish' when the answer is handed to the connection; 'close' alone when the client left first
    let logged = false;
    const once = () => {
      if (logged) return;
      logged = true;
      done(req, res);
    };
    res.once('finish', once);
    res.once('close', once);
    runInRequest(req.id, next);
  };
}
