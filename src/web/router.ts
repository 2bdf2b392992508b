import { fileURLToPath } from 'node:url';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, detailMessage, errorBody, RetryLater } from '../domain/errors.js';
import { labelled } from '../domain/field-labels.js';
import { rejectUnstorable } from '../http/validation.js';
import { routeNotFound, toAppError } from '../http/errors.js';
import type { Services } from '../services/index.js';
import { csrfGuard, SignInNeeded, web, webContext, type CookieOptions } from './context.js';
import { accountPages } from './pages/accounts.js';
import { dashboardPages } from './pages/dashboard.js';
import { filingPages } from './pages/filings.js';
import { publicPages } from './pages/public.js';
import { reportPages } from './pages/report.js';
import { notFoundPage, prefersJson, wantsNotFoundPage } from './pages/not-found.js';
import { page } from './render.js';
import { refererPath } from './referer.js';
import { text } from './strings.js';

export interface WebOptions {
  services: Services;
  log: Logger;
  bodyLimit: number;
  verifyLimiter: RequestHandler;
  /** failed authentications per address, counted with the API's failed keys (app.ts) */
  authFailures: RequestHandler;
}

// Express matches routes case-insensitively and with or without a trailing slash; so does this
const PAGE_PATHS =
  /^\/(?:$|v(?:\/|$)|login(?:\/password)?\/?$|logout(?:\/all)?\/?$|activate\/?$|account\/?$|filings(?:\/|$)|report\/?$|reports(?:\/|$)|dashboard(?:\/|$)|assets\/)/i;
const ASSETS_DIR = fileURLToPath(new URL('./assets', import.meta.url));

/** The pages: server-rendered HTML for enterprises, agencies and supervisors, over the same services as the API. */
export function webRouter(opts: WebOptions): Router {
  const { services, log } = opts;
  const cookies: CookieOptions = { secure: services.ctx.publicUrl.startsWith('https:') };
  const r = Router();
  // only the pages' paths: anything else (the API, its 404s) passes by untouched
  // and a browser's GET of an address that has no page: it gets the not-found page, not JSON
  r.use((req, _res, next) => (PAGE_PATHS.test(req.path) || wantsNotFoundPage(req) ? next() : next('router')));
  r.use('/assets', express.static(ASSETS_DIR, { maxAge: '1h', index: false }));

  r.use(webContext(services.webSessions, cookies));
  // what no database stores (NUL) in a page's address is refused before it reaches a query
  r.use((req, _res, next) => {
    if (/%00/.test(req.originalUrl))
      return next(
        new AppError('validation_failed', 'path_invalid', {}, [
          { path: 'path', message: { 'zh-CN': '页面地址含有 NUL（%00）', en: 'The page address contains NUL (%00)' } },
        ]),
      );
    next();
  });
  r.use(express.urlencoded({ extended: false, limit: opts.bodyLimit, parameterLimit: 500, inflate: false }));
  r.use((req, _res, next) => {
    if (req.method !== 'POST') return next();
    // a page posts forms; anything else (JSON, multipart) is not one of ours
    if (req.headers['content-type'] && !req.is('application/x-www-form-urlencoded'))
      return next(new AppError('unsupported_media_type', 'form_media_type'));
    req.body ??= {};
    next();
  });
  r.use(csrfGuard(services.webSessions));
  // what no database stores (NUL, lone surrogates) is a typing problem, shown on the form
  r.use((req, _res, next) => {
    if (req.method === 'POST') rejectUnstorable(req.body);
    next();
  });

  // only a wrong key or password counts (401): an empty form or a refused token is not a guess
  const login: RequestHandler = (req, res, next) =>
    opts.authFailures(req, res, (err?: unknown) => {
      if (!err) return next();
      const lang = web(res).lang;
      page(res, 'login', text(lang, 'signInTitle'), { next: '', notice: null, error: text(lang, 'tooManySignIns') }, { status: 429 });
    });

  r.use(publicPages(services, cookies, { verify: opts.verifyLimiter, login }));
  r.use(accountPages(services, cookies, { login }));
  r.use(filingPages(services));
  r.use(reportPages(services));
  r.use(dashboardPages(services));
  // a program that asked for JSON gets the API's 404
  r.use((req, _res, next) => (prefersJson(req) ? next('router') : next(routeNotFound(req))));
  r.use(pageErrors(services, log, opts.bodyLimit));
  return r;
}

/** Errors of a page are pages: a plain message, the way back, never a stack trace. */
function pageErrors(services: Services, log: Logger, bodyLimit: number): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (!res.locals.web) return next(err); // before the page context exists (a bad cookie parse): the API's handler answers
    const w = web(res);
    if (err instanceof AppError && err.messageKey === 'route_not_found') return notFoundPage(req, res);
    if (err instanceof SignInNeeded) {
      const back = req.method === 'GET' ? req.originalUrl : refererPath(req.get('referer'), req.get('host'));
      return res.redirect(303, `/login?next=${encodeURIComponent(back || '/')}${err.ended ? '&ended=1' : ''}`);
    }
    let appErr = toAppError(err, bodyLimit, services.ctx.health) ?? null;
    if (appErr?.code === 'unsupported_media_type') appErr = new AppError('unsupported_media_type', 'form_media_type');
    if (!appErr) log.error({ err, reqId: req.id }, 'unhandled error on a page');
    const shown = appErr ?? new AppError('internal', 'internal', { requestId: req.id });
    if (shown instanceof RetryLater) res.setHeader('Retry-After', String(shown.retryAfterSeconds));
    const body = errorBody(shown, w.lang, req.id);
    // the API's "see details" is no help on a page
    const message = shown.messageKey === 'validation_failed' ? text(w.lang, 'badRequest') : body.error.message;
    // each named by its field's label: the pointer is for programs (a tooltip on the page)
    const details = shown.details.map((d) => ({ path: d.path, message: labelled(d.path, detailMessage(d))[w.lang] }));
    const heading =
      shown.code === 'forbidden' && shown.messageKey === 'csrf_invalid'
        ? text(w.lang, 'csrfTitle')
        : shown.status === 404
          ? text(w.lang, 'notFoundTitle')
          : text(w.lang, 'errorTitle');
    page(res, 'error', heading, { heading, message, details, requestId: req.id, backTo: '/' }, { status: shown.status });
  };
}
