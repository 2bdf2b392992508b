import { Router, type RequestHandler, type Response } from 'express';
import { AppError, detailMessage, errorBody } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { Services } from '../../services/index.js';
import { DEVICE_DAYS } from '../../services/web-sessions.js';
import { clearCookie, COOKIES, need, setCookie, startSession, web, type CookieOptions } from '../context.js';
import { field, type Form } from '../forms.js';
import { page } from '../render.js';
import { ROLES } from '../../domain/principal.js';
import { text } from '../strings.js';
import { homeOf, safeNext } from './public.js';

/** A password as typed: never trimmed (spaces may be part of it), never logged. */
function secret(form: Form, name: string): string {
  const v = form[name];
  const s = (Array.isArray(v) ? v[0] : v) as unknown;
  return typeof s === 'string' ? s : '';
}

/** Signing in with a password, remembering a device, setting a password with an activation code, signing out everywhere. */
export function accountPages(services: Services, cookies: CookieOptions, limits: { login: RequestHandler }): Router {
  const r = Router();
  const sessions = services.webSessions;

  const loginPage = (res: Response, data: { next: string; login?: string; error?: string | null }, status: number) =>
    page(res, 'login', text(web(res).lang, 'signInTitle'), { notice: null, error: null, way: 'password', ...data }, { status });

  r.post('/login/password', limits.login, async (req, res) => {
    const w = web(res);
    const form = req.body as Form;
    const next = safeNext(field(form, 'next')) ?? '';
    const login = field(form, 'login') ?? '';
    const password = secret(form, 'password');
    if (!login || !password) return loginPage(res, { next, login, error: text(w.lang, 'accPasswordMissing') }, 400);
    const session = await sessions.signInWithPassword(login, password);
    if (!session) {
      services.ctx.log.info({ reqId: req.id }, 'web password sign-in refused');
      return loginPage(res, { next, login: login.slice(0, 64), error: text(w.lang, 'accPasswordWrong') }, 401);
    }
    await startSession(req, res, sessions, cookies, session);
    if (form.remember !== undefined) {
      const device = await sessions.rememberDevice(session.accountId, session.principal);
      setCookie(res, COOKIES.device, await sessions.sign(device.token), cookies, DEVICE_DAYS * 86_400);
    }
    services.ctx.log.info({ reqId: req.id, keyId: session.principal.keyId, role: session.principal.role }, 'web password sign-in');
    res.redirect(303, next || homeOf(session.principal.role));
  });

  const activatePage = (res: Response, data: { login?: string; error?: string | null; details?: string[] }, status = 200) =>
    page(res, 'activate', text(web(res).lang, 'accActivateTitle'), { error: null, details: [], login: '', ...data }, { status });

  r.get('/activate', (req, res) => {
    const typed = typeof req.query.login === 'string' ? req.query.login.slice(0, 64) : '';
    activatePage(res, { login: typed });
  });

  r.post('/activate', limits.login, async (req, res) => {
    const w = web(res);
    const form = req.body as Form;
    const login = field(form, 'login') ?? '';
    const code = field(form, 'code') ?? '';
    const password = secret(form, 'password');
    if (!login || !code || !password) return activatePage(res, { login, error: text(w.lang, 'accActivateMissing') }, 400);
    if (password !== secret(form, 'password2')) return activatePage(res, { login, error: text(w.lang, 'accMismatch') }, 400);
    let principal: Principal;
    try {
      ({ principal } = await services.accounts.activate({ login, code, password }));
    } catch (err) {
      if (!(err instanceof AppError) || !['validation_failed', 'unauthorized', 'conflict'].includes(err.code)) throw err;
      const body = errorBody(err, w.lang, req.id);
      const details = err.messageKey === 'account_password_weak' ? err.details.map((d) => detailMessage(d)[w.lang]) : [];
      return activatePage(res, { login, error: body.error.message, details }, err.status);
    }
    await startSession(req, res, sessions, cookies, await sessions.start(principal));
    services.ctx.log.info({ reqId: req.id, keyId: principal.keyId, role: principal.role }, 'account activated on the page');
    res.redirect(303, `/account?done=activated`);
  });

  r.get('/account', async (req, res) => {
    const w = web(res);
    const me = need(res, ROLES);
    const account = await services.accounts.accountOfKey(me.keyId);
    const done = req.query.done;
    const notice = done === 'activated' ? text(w.lang, 'accActivated') : null;
    page(res, 'account', text(w.lang, 'accAccountTitle'), { login: account?.login ?? null, notice, home: homeOf(me.role) });
  });

  r.post('/logout/all', async (req, res) => {
    const me = need(res, ROLES);
    const ended = await sessions.signOutEverywhere(me);
    clearCookie(res, COOKIES.session, cookies);
    clearCookie(res, COOKIES.device, cookies);
    services.ctx.log.info({ reqId: req.id, keyId: me.keyId, ...ended }, 'signed out everywhere');
    res.redirect(303, '/login?out=all');
  });

  return r;
}
