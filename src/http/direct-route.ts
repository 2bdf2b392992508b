import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { routeNotFound } from './errors.js';

/** A route answered before Express's router: its method, path and the handlers that answer it, in order. */
export interface DirectRoute {
  method: string;
  path: string;
  chain: readonly RequestHandler[];
}

type Handle = (req: IncomingMessage, res: ServerResponse, done?: (err?: unknown) => void) => void;

/**
 * The route's parameters when `url` is a plain URL of it, else null. A path without parameters
 * matches itself only (no query, no fragment, no trailing slash); `prefix/:param` matches one
 * non-empty segment with valid escapes.
 */
function matcher(routePath: string): (url: string) => Record<string, string> | null {
  const colon = routePath.indexOf('/:');
  if (colon < 0) {
    // one object for every request: frozen, so that no handler can change another's params
    const none = Object.freeze({});
    return (url) => (url === routePath ? none : null);
  }
  const prefix = routePath.slice(0, colon + 1);
  const param = routePath.slice(colon + 2);
  if (!param || param.includes('/') || param.includes(':'))
    throw new Error(`a direct route has no parameter or one at its end: ${routePath}`);
  return (url) => {
    if (!url.startsWith(prefix)) return null;
    const raw = url.slice(prefix.length);
    // a '#' reaches the server only from a hand-made request; Express's URL parser cuts it off
    // as a fragment, so the router answers it, as it answers a query
    if (raw === '' || raw.includes('/') || raw.includes('?') || raw.includes('#')) return null;
    try {
      return { [param]: decodeURIComponent(raw) };
    } catch {
      return null;
    }
  };
}

/**
 * Answers the plain URLs of these routes before Express's application and router see them:
 * they walk their layers, match paths, process parameters and build a final handler on every
 * request, which for the scan of a code (the hottest route, and the cheapest) was about a sixth
 * of its CPU, and for a filing, which passes every route before it, a twentieth (README,
 * Performance). Any other form of the URL (a query, a trailing slash, a bad escape) goes through
 * the router to the same route, so both ways give the same answer.
 *
 * A request answered here gets what Express and its router give every request before a
 * handler runs (circular references, locals, originalUrl, params, route, Express's request
 * prototype), then `enter` (what the application's first middleware does to every request),
 * then the route's chain; errors go to `fail`, the application's error handler, with Express's
 * response prototype. A direct route's handlers therefore write their answer with Node's own
 * response API (setHeader, end), as mountRoute's do.
 */
export function answerDirectly(app: Express, routes: readonly DirectRoute[], enter: RequestHandler, fail: ErrorRequestHandler): void {
  const direct = routes.map((r) => ({ method: r.method.toUpperCase(), match: matcher(r.path), route: { path: r.path }, chain: r.chain }));
  // Express's own entry, called by the application function (app(req, res)) and by app.listen
  const express = app as unknown as { handle: Handle; request: object; response: object };
  const viaRouter = express.handle.bind(app);
  express.handle = (req, res, done) => {
    for (const d of direct) {
      if (req.method !== d.method || !req.url) continue;
      const params = d.match(req.url);
      if (params) return answer(req as Request, res as Response, params, d.route, d.chain);
    }
    viaRouter(req, res, done);
  };

  function answer(
    req: Request,
    res: Response,
    params: Record<string, string>,
    route: { path: string },
    chain: readonly RequestHandler[],
  ): void {
    // Properties first, prototype last: V8 adds a property to an object whose prototype was
    // just replaced on a slow path, about 1 % of a scan's CPU for each (the profile), while
    // before the change every request takes the same fast transitions. The request id and start
    // time (set by `enter`) get their slots here for the same reason. The response keeps Node's
    // own prototype on the way to success (mount.ts writes with Node's API): every write to
    // a response whose prototype was replaced was slow too, and Express's response methods are
    // needed only by the error handler, which gets them below.
    req.res = res;
    res.req = req;
    res.locals = Object.create(null) as Response['locals'];
    req.baseUrl = '';
    req.originalUrl = req.url;
    req.params = params;
    // what the router would put on the request: logs and metrics name the route by its pattern
    (req as { route?: unknown }).route = route;
    req.id = '';
    req.startedAt = 0;
    Object.setPrototypeOf(req, express.request);
    // the error handler answers every error itself and never passes one on
    const failed = (err: unknown) => {
      Object.setPrototypeOf(res, express.response);
      fail(err, req, res, () => undefined);
    };
    let i = 0;
    const step: NextFunction = (err?: unknown): void => {
      if (err) {
        failed(err);
        return;
      }
      const handler = chain[i++];
      // the last handler answers; one that passed the request on would find no other route here
      if (!handler) {
        failed(routeNotFound(req));
        return;
      }
      try {
        const out: unknown = handler(req, res, step);
        if (out instanceof Promise) out.catch(failed);
      } catch (thrown) {
        failed(thrown);
      }
    };
    try {
      enter(req, res, step);
    } catch (thrown) {
      failed(thrown);
    }
  }
}
