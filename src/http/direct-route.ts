import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeNotFound } from './errors.js';

/**
 * A GET route of the form `prefix:param` answered without Express's router, which walks its
 * layers, matches paths and processes parameters on every request: for the scan of a code, the
 * hottest and cheapest route, that was about a sixth of its CPU (README, Performance). Only a
 * plain URL is taken (one non-empty segment, no query, no trailing slash, valid escapes);
 * anything else goes on to the router, where the same route answers it, so both ways give the
 * same answer.
 */
export function directGet(method: string, routePath: string, chain: readonly RequestHandler[]): (req: Request, res: Response, next: NextFunction) => boolean {
  const colon = routePath.lastIndexOf('/:');
  const prefix = routePath.slice(0, colon + 1);
  const param = routePath.slice(colon + 2);
  if (method !== 'get' || colon < 0 || !param || param.includes('/')) throw new Error(`a direct route is a GET whose path ends in one parameter: ${method} ${routePath}`);
  // what the router would put on the request: logs and metrics name the route by its pattern
  const route = { path: routePath };

  return (req, res, next) => {
    if (req.method !== 'GET' || !req.url.startsWith(prefix)) return false;
    const raw = req.url.slice(prefix.length);
    if (raw === '' || raw.includes('/') || raw.includes('?')) return false;
    let value: string;
    try {
      value = decodeURIComponent(raw);
    } catch {
      return false;
    }
    req.params = { [param]: value };
    (req as { route?: unknown }).route = route;
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const handler = chain[i++];
      // the last handler answers; were one to pass the request on, the router would run the
      // same route again, so the request ends here as the router would end it
      if (!handler) return next(routeNotFound(req));
      try {
        const out: unknown = handler(req, res, step);
        if (out instanceof Promise) out.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
    return true;
  };
}
