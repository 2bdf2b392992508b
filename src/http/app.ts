import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { AppError } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import { errorHandler } from './errors.js';
import { mountRoute } from './mount.js';
import { buildOpenApi } from './openapi.js';
import type { AnyRoute } from './route.js';
import { filingRoutes } from './routes/filings.js';
import { opsRoutes } from './routes/ops.js';
import { registryRoutes } from './routes/registry.js';
import { verifyRoutes } from './routes/verify.js';

export const apiRoutes: readonly AnyRoute[] = [...opsRoutes, ...registryRoutes, ...filingRoutes, ...verifyRoutes];

export interface AppOptions {
  services: Services;
  log: Logger;
  bodyLimit: number;
  verifyRateLimit: number;
  version: string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

export function createApp(opts: AppOptions): Express {
  const { services, log } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: log,
      // Honour a caller's request id (a gateway's) when it is sane; otherwise make one.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // No headers in logs: they carry API keys.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        // swagger-ui at /docs needs inline styles; everything else is same-origin only.
        directives: { 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] },
      },
    }),
  );
  app.use(express.json({ limit: opts.bodyLimit }));

  const verifyLimiter = rateLimit({
    windowMs: 60_000,
    limit: opts.verifyRateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'rate_limited')),
  });

  const openapi = buildOpenApi(apiRoutes, opts.version);
  for (const route of apiRoutes) mountRoute(app, route, services, opts.bodyLimit, route.rateLimited ? [verifyLimiter] : []);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'inspection-filing API' }));

  app.use((req, _res, next) => next(new AppError('not_found', 'route_not_found', { method: req.method, path: req.path })));
  app.use(errorHandler(log, opts.bodyLimit));
  return app;
}
