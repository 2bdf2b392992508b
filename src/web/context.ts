import cookie from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import type { Principal, Role } from '../domain/principal.js';
import type { WebSessions } from '../services/web-sessions.js';
import { SESSION_HOURS } from '../services/web-sessions.js';
import { roleNames } from './strings.js';

// Who is looking at a page and in which language. Three cookies, all HttpOnly and SameSite=Lax
// (a scanned link still arrives signed in; a form posted from another site does not):
//   ifs  the signed session, after sign-in
//   ifp  a random value that binds the CSRF token of forms shown before sign-in
//   lang the chosen language, a year long (not secret: readable is fine, but it is HttpOnly anyway)
//   ifd  a remembered device (30 days, an account's choice at sign-in): signed like ifs; it starts
//        a new session when the working day's one is gone, while its account's key is in force
export const COOKIES = { session: 'ifs', pre: 'ifp', lang: 'lang', device: 'ifd' } as const;
const LANGS: readonly Lang[] = ['zh-CN', 'en'];

export interface WebContext {
  lang: Lang;
  principal: Principal | null;
  /** the session token, when signed in */
  token: string | null;
  /** a session cookie came but its session has ended (expired, signed out, key revoked) */
  sessionEnded: boolean;
  csrf: string;
  /** what the CSRF token is bound to: the session token, or the pre-session value */
  bound: string;
}

export function web(res: Response): WebContext {
  const w = res.locals.web as WebContext | undefined;
  if (!w) throw new Error('web context missing: webContext() must run first');
  return w;
}

export interface CookieOptions {
  secure: boolean;
}

export function setCookie(res: Response, name: string, value: string, opts: CookieOptions, maxAgeSeconds: number): void {
  res.append(
    'Set-Cookie',
    cookie.serialize(name, value, { httpOnly: true, sameSite: 'lax', secure: opts.secure, path: '/', maxAge: maxAgeSeconds }),
  );
}
export const clearCookie = (res: Response, name: string, opts: CookieOptions) => setCookie(res, name, '', opts, 0);

export function webContext(sessions: WebSessions, opts: CookieOptions): RequestHandler {
  return async (req, res, next) => {
    const jar = cookie.parse(req.headers.cookie ?? '');
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    let lang: Lang = 'zh-CN';
    if (asked && (LANGS as readonly string[]).includes(asked)) {
      lang = asked as Lang;
      setCookie(res, COOKIES.lang, lang, opts, 365 * 86_400);
    } else if (jar.lang && (LANGS as readonly string[]).includes(jar.lang)) {
      lang = jar.lang as Lang;
    }
    let token = await sessions.unsign(jar[COOKIES.session]);
    let principal = token ? await sessions.principal(token) : null;
    // a remembered device starts a new session once the last one is gone (the key checked as for any session)
    if (!principal && jar[COOKIES.device]) {
      const device = await sessions.unsign(jar[COOKIES.device]);
      const resumed = device ? await sessions.resume(device) : null;
      if (resumed) {
        token = resumed.token;
        principal = resumed.principal;
        setCookie(res, COOKIES.session, await sessions.sign(resumed.token), opts, (SESSION_HOURS + 24) * 3600);
      } else {
        // ended, expired, or its key revoked: nothing to come back to
        clearCookie(res, COOKIES.device, opts);
      }
    }
    // an ended session's cookie stays until the sign-in page has said so: every tab still open
    // then learns why its form needs a new sign-in, not only the first one to ask
    const sessionEnded = !!jar[COOKIES.session] && !principal;
    await sessions.ready();
    const signedIn = !!(principal && token);
    const pre = jar[COOKIES.pre] ?? '';
    let bound = signedIn && token ? token : /^[A-Za-z0-9_-]{32}$/.test(pre) ? pre : '';
    let csrf: string | null = null;
    const ctx: WebContext = {
      lang,
      principal: signedIn ? principal : null,
      token: signedIn ? token : null,
      sessionEnded,
      // made when a page shows a form: a visitor who only reads (a scanned code) gets no cookie
      get csrf() {
        if (!bound) {
          bound = sessions.newToken();
          setCookie(res, COOKIES.pre, bound, opts, SESSION_HOURS * 3600);
        }
        return (csrf ??= sessions.csrfTokenNow(bound));
      },
      get bound() {
        return bound;
      },
    };
    res.locals.web = ctx;
    // pages show what one signed-in person may see: never from a shared or back-button cache
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * Starts a signed-in session on this browser: the session it replaces ends, and so does a device
 * remembered here for whoever signed in before (a shared desk: their device must not sign the
 * browser back in as them once this session is gone). The cookie outlives the session by a day,
 * so that an ended session is explained, not mistaken for a forged form.
 */
export async function startSession(
  req: Request,
  res: Response,
  sessions: WebSessions,
  opts: CookieOptions,
  session: { token: string; principal: Principal },
): Promise<void> {
  const w = web(res);
  if (w.token) await sessions.signOut(w.token);
  const carried = cookie.parse(req.headers.cookie ?? '')[COOKIES.device];
  const left = await sessions.unsign(carried);
  if (left) await sessions.forgetDevice(left, session.principal.keyId);
  if (carried) clearCookie(res, COOKIES.device, opts);
  setCookie(res, COOKIES.session, await sessions.sign(session.token), opts, (SESSION_HOURS + 24) * 3600);
  clearCookie(res, COOKIES.pre, opts);
}

/** Every form post carries the token of the page it came from; anything else changes nothing. */
export function csrfGuard(sessions: WebSessions): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST') return next();
    // a form of a session that has ended since: to sign in again (the form's token died with it)
    if (web(res).sessionEnded && !/^\/(?:login(?:\/password)?|activate)\/?$/i.test(req.path)) return next(new SignInNeeded(true));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const given = body._csrf ?? req.headers['x-csrf-token'];
    if (!(await sessions.csrfValid(web(res).bound, given))) return next(new AppError('forbidden', 'csrf_invalid'));
    next();
  };
}

/** The principal of a page only some roles may open; otherwise to sign-in (or a plain refusal). */
export function need(res: Response, roles: readonly Role[]): Principal {
  const w = web(res);
  if (!w.principal) throw new SignInNeeded(w.sessionEnded);
  if (!roles.includes(w.principal.role)) {
    throw new AppError('forbidden', 'page_role', {
      roles: { 'zh-CN': roles.map((r) => roleNames[r]['zh-CN']).join('、'), en: roles.map((r) => roleNames[r].en).join(', ') },
    });
  }
  return w.principal;
}

/** Thrown by `need`: the error handler sends the visitor to sign in and back here afterwards. */
export class SignInNeeded extends Error {
  constructor(readonly ended: boolean) {
    super('sign-in needed');
  }
}

/** A path parameter as text (Express types allow arrays, for wildcards this site does not use). */
export function param(req: Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}
