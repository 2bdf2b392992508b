import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import type { Services } from '../services/index.js';
import { errorHandler, routeNotFound } from './errors.js';
import { bearer, mountRoute, type RouteTokens } from './mount.js';
import { failureLimiter, windowLimiter } from './rate-limit.js';
import { requestContext } from './request-log.js';
import { buildOpenApi } from './openapi.js';
import type { AnyRoute } from './route.js';
import { accountRoutes } from './routes/accounts.js';
import { drawRoutes } from './routes/draws.js';
import { filingRoutes } from './routes/filings.js';
import { opsRoutes } from './routes/ops.js';
import { jobRoutes } from './routes/jobs.js';
import { registryRoutes } from './routes/registry.js';
import { groundRoutes } from './routes/grounds.js';
import { reportRoutes } from './routes/reports.js';
import { supervisionRoutes } from './routes/supervision.js';
import { verifyRoutes } from './routes/verify.js';
import { webRouter } from '../web/router.js';

// Verification first: it is the hottest path and the router tries routes in order.
export const apiRoutes: readonly AnyRoute[] = [
  ...verifyRoutes,
  ...opsRoutes,
  ...registryRoutes,
  ...groundRoutes,
  ...filingRoutes,
  ...supervisionRoutes,
  ...reportRoutes,
  ...jobRoutes,
  ...drawRoutes,
  ...accountRoutes,
];

export interface AppOptions {
  services: Services;
  log: Logger;
  bodyLimit: number;
  verifyRateLimit: number;
  /** Express's `trust proxy` (TRUST_PROXY): hops, or addresses/subnets of the proxies */
  trustProxy?: number | string | null;
  /** failed key authentications per 10 minutes per address, the API and the sign-in page together (AUTH_FAILURE_LIMIT; 20) */
  authFailureLimit?: number;
  /** METRICS_TOKEN: opens /metrics as a Bearer token; unset: an admin key only */
  metricsToken?: string | null;
  /** draw plans a key may ask for per hour, refused ones included (DRAW_PLAN_RATE_LIMIT; 20) */
  drawPlanRateLimit?: number;
  version: string;
}

export function createApp(opts: AppOptions): Express {
  const { services, log } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // behind a reverse proxy the client's address is in X-Forwarded-For; without this every client
  // would share the proxy's address, and with it one rate-limit bucket (TRUST_PROXY)
  if (opts.trustProxy !== undefined && opts.trustProxy !== null) app.set('trust proxy', opts.trustProxy);
  // Responses are dynamic (a filing's status changes); hashing each one for an ETag buys nothing.
  app.set('etag', false);

  app.locals.tz = services.ctx.tz;
  // HSTS and upgrade-insecure-requests only where the service is reached over https: on plain
  // http they would send browsers to a port nothing listens on.
  const https = services.ctx.publicUrl.startsWith('https:');
  const strict = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
  const hsts = https ? { maxAge: 31_536_000, includeSubDomains: true } : false;
  const pageHeaders = (directives: Record<string, string[]>) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      strictTransportSecurity: hsts,
      // same-site pages tell where a form came from (to return there after signing in); other sites learn nothing
      referrerPolicy: { policy: 'same-origin' },
    });
  const forPages = pageHeaders(strict);
  // swagger-ui at /docs needs inline styles; nothing anywhere runs inline scripts
  const forDocs = pageHeaders({ ...strict, 'style-src': ["'self'", "'unsafe-inline'"] });
  // JSON is never rendered as a page: the API needs only what stops a browser from sniffing it,
  // framing it or loading it into another site (OWASP's REST Security Cheat Sheet)
  const forApi = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: hsts,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  app.use(requestContext(log, services.ctx.metrics));
  // helmet works each header's value out once, when its middleware is made; paths are matched
  // without regard to case, as Express's router matches them
  app.use((req, res, next) => (/^\/api\//i.test(req.path) ? forApi : /^\/docs(\/|$)/i.test(req.path) ? forDocs : forPages)(req, res, next));

  const limiter = () => windowLimiter({ limit: opts.verifyRateLimit, windowMs: 60_000 });
  // the enterprise at its door is never refused because someone re-ran draws from the same address
  const verifyLimiter = limiter();
  const drawLimiter = limiter();

  // One count of failed authentications per address, for the API's keys and the sign-in page
  // alike: the page never refuses a right key sooner than the API would, and a guesser gains
  // nothing by switching between them. Once an address is over the limit, every keyed request
  // from it is refused until the window ends: letting a right key through would tell a guesser
  // which guess was right.
  const authFailures = failureLimiter({
    limit: opts.authFailureLimit ?? 20,
    windowMs: 10 * 60_000,
    failed: (res) => res.statusCode === 401,
    // the key an API request or the sign-in form tries (hashed: the secret is not kept)
    attempt: (req) => {
      const form = req.body as { key?: unknown } | undefined;
      const tried = bearer(req) ?? (typeof form?.key === 'string' ? form.key : null);
      return tried ? createHash('sha256').update(tried).digest('base64') : null;
    },
  });
  // a request that carries no key guesses nothing: it neither counts nor is refused
  const keyFailures: RequestHandler = (req, res, next) => (req.headers.authorization ? authFailures(req, res, next) : next());
  const tokens: RouteTokens = { metrics: opts.metricsToken ?? null };
  // per key, on the service's clock: a key (one principal) that asks for plan after plan is
  // refused before anything is counted or looked up for them; a request without a key is refused anyway
  const perKey = windowLimiter({
    limit: opts.drawPlanRateLimit ?? 20,
    windowMs: 3_600_000,
    now: () => services.ctx.clock.now().getTime(),
    // the key itself, however the header spells "Bearer": one key, one count
    key: (req) => {
      const token = bearer(req);
      return token ? createHash('sha256').update(token).digest('base64') : null;
    },
  });

  const openapi = buildOpenApi(apiRoutes, opts.version);
  const json = express.json({
    limit: opts.bodyLimit,
    // no compressed request bodies: nothing here needs them, and a bad stream is not worth decoding (415)
    inflate: false,
    // JSON is UTF-8 (RFC 8259); the decoder would silently turn broken bytes into U+FFFD
    verify: (_req, _res, buf) => {
      if (!isUtf8(buf)) throw Object.assign(new Error('the body is not valid UTF-8'), { type: 'entity.invalid_utf8', status: 400 });
    },
  });
  for (const route of apiRoutes) {
    const before = [
      ...(route.rateLimited ? [route.path.startsWith('/api/v1/draws') ? drawLimiter : verifyLimiter] : []),
      ...(route.auth !== 'public' ? [keyFailures] : route.signIn ? [authFailures] : []),
      ...(route.limitedPerKey ? [perKey] : []),
      ...(route.method === 'get' ? [] : [json]),
    ];
    mountRoute(app, route, services, opts.bodyLimit, before, tokens);
  }
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'inspection-filing API' }));
  app.use(webRouter({ services, log, bodyLimit: opts.bodyLimit, verifyLimiter, authFailures }));

  app.use((req, _res, next) => next(routeNotFound(req)));
  app.use(errorHandler(log, opts.bodyLimit, services.ctx.health));
  return app;
}
