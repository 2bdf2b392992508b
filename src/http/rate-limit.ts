import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { AppError } from '../domain/errors.js';

// The one rate limiter: counts per client in fixed windows, kept in this process. Written here,
// not taken from express-rate-limit, because it guards the hottest route: that library's
// middleware is a chain of awaits, about ten promises a request, which a profile of verification
// put at about 8 % of a scan's CPU; this one, a map lookup, at under 2 % (docs/performance.md).
// Its headers and its 429 (with Retry-After) are those of express-rate-limit's IETF draft-7 mode.

export interface WindowLimit {
  /** requests (or failures) per window per client */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** whom a request counts against (default: its client address); null: not counted, passed on */
  key?: (req: Request) => string | null;
}

/**
 * The client a request counts against: its address (behind `trust proxy`, the forwarded one);
 * IPv6 addresses grouped by /56 as express-rate-limit does, since one household or host holds a
 * whole prefix.
 */
function clientKey(req: Request): string {
  const ip = req.ip ?? '';
  return ip.includes(':') && !ip.startsWith('::ffff:') ? ipKeyGenerator(ip) : ip;
}

/** Counts per client in windows that start together for everyone; a new window forgets the last one's clients. */
function windowCounter({ limit, windowMs, now = Date.now }: WindowLimit) {
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  let windowEnds = 0;
  let counts = new Map<string, number>();
  const roll = (t: number) => {
    // a clock set back (the service's clock can be) starts the window it is now in, not a long wait
    if (t < windowEnds && t >= windowEnds - windowMs) return;
    windowEnds = (Math.floor(t / windowMs) + 1) * windowMs;
    counts = new Map();
  };
  return {
    /** the client's count so far in this window, after adding `add`, and the seconds until the window ends */
    count(key: string, add: number): { used: number; reset: number } {
      const t = now();
      roll(t);
      const used = Math.max(0, (counts.get(key) ?? 0) + add);
      if (add) counts.set(key, used);
      return { used, reset: Math.max(0, Math.ceil((windowEnds - t) / 1000)) };
    },
    headers(res: Response, used: number, reset: number): void {
      res.setHeader('RateLimit-Policy', policy);
      res.setHeader('RateLimit', `limit=${limit}, remaining=${Math.max(limit - used, 0)}, reset=${reset}`);
    },
  };
}

/** Requests per client per window: the request over the limit is refused (429). */
export function windowLimiter(opts: WindowLimit): RequestHandler {
  const counter = windowCounter(opts);
  return (req, res, next) => {
    const key = opts.key ? opts.key(req) : clientKey(req);
    if (key === null) return next();
    const { used, reset } = counter.count(key, 1);
    counter.headers(res, used, reset);
    if (used <= opts.limit) return next();
    res.setHeader('Retry-After', String(reset));
    next(new AppError('rate_limited', 'rate_limited'));
  };
}

/**
 * Failures per client per window (a wrong key at sign-in): once a client has `limit` of them in a
 * window, its next requests are refused (429) until the window ends, whatever they carry. A
 * credential being checked counts as a failure until its answer says otherwise, once however many
 * requests carry it: guesses sent all at once are counted before any is answered, while one
 * system's key used by fifty requests at a time counts once.
 */
export function failureLimiter(
  opts: WindowLimit & {
    failed: (res: Response) => boolean;
    /** the credential a request tries (null: one of its own) */
    attempt: (req: Request) => string | null;
  },
): RequestHandler {
  const counter = windowCounter(opts);
  /** per client: the credentials being checked now, and how many requests carry each */
  const pending = new Map<string, Map<string, number>>();
  let unnamed = 0;
  return (req, res, next) => {
    const key = clientKey(req);
    const mine = pending.get(key) ?? new Map<string, number>();
    const tried = opts.attempt(req) ?? `#${unnamed++}`;
    const { used, reset } = counter.count(key, 0);
    const inFlight = mine.size + (mine.has(tried) ? 0 : 1);
    counter.headers(res, used, reset);
    if (used >= opts.limit || used + inFlight > opts.limit) {
      res.setHeader('Retry-After', String(reset));
      return next(new AppError('rate_limited', 'rate_limited'));
    }
    mine.set(tried, (mine.get(tried) ?? 0) + 1);
    pending.set(key, mine);
    res.once('close', () => {
      const left = (mine.get(tried) ?? 1) - 1;
      if (left > 0) mine.set(tried, left);
      else mine.delete(tried);
      if (!mine.size) pending.delete(key);
      if (opts.failed(res)) counter.count(key, 1);
    });
    next();
  };
}
