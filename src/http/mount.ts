import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { AppError, forbidden } from '../domain/errors.js';
import { pickLang } from '../domain/i18n.js';
import type { Principal } from '../domain/principal.js';
import type { Services } from '../services/index.js';
import { StoredReplay, type IdempotencyClaim } from '../services/idempotency.js';
import { errorReply, toAppError } from './errors.js';
import type { AnyRoute, Reply } from './route.js';
import { bodyValidator, queryValidator, rejectUnstorable } from './validation.js';

export const bearer = (req: Request): string | null => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;

/** Whether `given` is the configured token, compared in constant time (as digests of equal length). */
function isToken(given: string | null, token: string | null | undefined): boolean {
  if (!given || !token) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** Tokens from the configuration that routes may accept besides keys (RouteDef.token). */
export type RouteTokens = Partial<Record<NonNullable<AnyRoute['token']>, string | null>>;

async function authenticate(req: Request, services: Services): Promise<Principal> {
  const key = bearer(req);
  const principal = key ? await services.keys.authenticate(key) : null;
  if (!principal) throw new AppError('unauthorized', 'unauthorized');
  return principal;
}

/**
 * Writes a reply, JSON (as text the handler may already have) or another media type it names,
 * with the response's own methods: res.send would look the media type up again and run
 * freshness checks that never apply here (no ETags, no Last-Modified), on every scan.
 */
function send(res: Response, reply: Reply): void {
  const body = reply.contentType ? String(reply.body) : (reply.json ?? JSON.stringify(reply.body));
  res.statusCode = reply.status;
  res.setHeader('Content-Type', reply.contentType ?? 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Turns a route definition into an Express handler: authenticate, authorize by role, validate,
 * honour Idempotency-Key, call the handler, send. Everything a route declares is enforced here.
 */
export function mountRoute(
  router: Router,
  route: AnyRoute,
  services: Services,
  bodyLimit: number,
  extra: RequestHandler[] = [],
  tokens: RouteTokens = {},
): RequestHandler {
  const token = route.token ? tokens[route.token] : null;
  const validateBody = route.body ? bodyValidator(route.body) : null;
  const validateQuery = route.query ? queryValidator(route.query) : null;
  const successStatus = Number(Object.keys(route.responses).find((s) => s.startsWith('2')) ?? 200);

  const handler: RequestHandler = async (req, res) => {
    const lang = pickLang(req.headers['accept-language']);
    const requestId = req.id;
    let principal: Principal | null = null;
    if (route.auth !== 'public' && !isToken(bearer(req), token)) {
      principal = await authenticate(req, services);
      if (!route.auth.includes(principal.role)) throw forbidden(principal.role);
    }
    // express.json() leaves other media types unparsed; say so instead of "body must be object".
    // a request without a body is no media type at all to req.is(): say it is empty
    const bodyless = req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
    if (route.body && bodyless && req.headers['content-type']) throw new AppError('validation_failed', 'body_empty');
    if (route.body && req.headers['content-type'] && !req.is('application/json')) {
      throw new AppError('unsupported_media_type', 'unsupported_media_type');
    }
    const body: unknown = req.body ?? {};
    // Express 5 exposes req.query as a getter that parses the URL each time; validate (and
    // coerce) a copy, and parse nothing when there is no query (every scan of a code)
    const query: Record<string, unknown> = req.url.includes('?') ? { ...(req.query as Record<string, unknown>) } : {};
    rejectUnstorable(req.params);
    rejectUnstorable(query);
    rejectUnstorable(body);
    validateQuery?.(query);
    validateBody?.(body);
    const ctx = { body, query, params: req.params as Record<string, string>, principal, lang, requestId, services };

    const idemKey = req.headers['idempotency-key'];
    if (route.creates && principal && typeof idemKey === 'string') {
      if (!IDEMPOTENCY_KEY.test(idemKey)) {
        throw new AppError('validation_failed', 'validation_failed', {}, [
          { path: 'Idempotency-Key', message: { 'zh-CN': '1 至 200 个可打印 ASCII 字符', en: '1-200 printable ASCII characters' } },
        ]);
      }
      const claim: IdempotencyClaim = {
        principalId: principal.keyId,
        key: idemKey,
        requestHash: createHash('sha256')
          .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(body)}`)
          .digest('hex'),
        successStatus,
        lang,
        requestId,
        saved: false,
        at: services.ctx.clock.now(),
      };
      const replay = (r: StoredReplay) => {
        res.setHeader('Idempotent-Replayed', 'true');
        send(res, { status: r.status, body: r.body });
      };
      const stored = await services.idempotency.lookup(claim);
      if (stored) return replay(stored);
      let reply: Reply;
      try {
        reply = await route.handler({ ...ctx, idempotency: claim });
      } catch (err) {
        if (err instanceof StoredReplay) return replay(err);
        const appErr = toAppError(err, bodyLimit, services.ctx.health);
        // A client error is the answer to this request and is replayed; a server error is not.
        if (appErr && appErr.status < 500 && !claim.saved) {
          await services.idempotency.save(claim, appErr.status, errorReply(appErr, lang, requestId).body).catch(() => undefined);
        }
        throw err;
      }
      // a service that did not store its answer with its work: store it now
      if (!claim.saved) await services.idempotency.save(claim, reply.status, reply.body);
      return send(res, reply);
    }
    send(res, await route.handler(ctx));
  };
  router[route.method](route.path, ...extra, handler);
  return handler;
}
