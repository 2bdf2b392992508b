import { Router, type RequestHandler } from 'express';
import QRCode from 'qrcode';
import { AppError } from '../../domain/errors.js';
import { statusNames, typeNames } from '../../domain/messages.js';
import { triggerLabels } from '../../domain/filing.js';
import type { VerificationView } from '../../domain/schemas.js';
import type { Services } from '../../services/index.js';
import { clearCookie, COOKIES, param, setCookie, web, type CookieOptions } from '../context.js';
import { field, type Form } from '../forms.js';
import { page } from '../render.js';
import { SESSION_HOURS } from '../../services/web-sessions.js';
import { text } from '../strings.js';

/** Where a sign-in may send the visitor back to: a path of this site, never another host. */
function safeNext(next: string | undefined): string | null {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 300 ? next : null;
}

const homeOf = (role: string) => (role === 'supervisor' || role === 'admin' ? '/dashboard' : '/filings');

/** The landing page, verification by code, its QR code, and signing in and out. */
export function publicPages(services: Services, cookies: CookieOptions, limits: { verify: RequestHandler; login: RequestHandler }): Router {
  const r = Router();

  r.get('/', (_req, res) => page(res, 'home', text(web(res).lang, 'home')));

  // the home page's code box
  r.get('/v', (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code.trim().slice(0, 40) : '';
    res.redirect(303, code ? `/v/${encodeURIComponent(code)}` : '/');
  });

  r.get('/v/:code', limits.verify, async (req, res) => {
    const w = web(res);
    const code = param(req, 'code');
    let v: VerificationView | null = null;
    try {
      v = await services.verification.verify(code);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
    }
    const filingId = v && w.principal ? await services.verification.filingIdFor(w.principal, code) : null;
    // an enterprise holding another enterprise's code: that code allows no visit to it
    const notYours = !!v && w.principal?.role === 'enterprise' && !filingId;
    const flashKey = typeof req.query.done === 'string' ? req.query.done : '';
    // a link cannot make the page claim an arrival that was not recorded
    const arrived = v?.filing.status === 'in_progress' || v?.filing.status === 'completed';
    const flash = !arrived
      ? null
      : flashKey === 'arrival'
        ? text(w.lang, 'arrivalDone')
        : flashKey === 'arrival-outside'
          ? text(w.lang, 'arrivalOutside')
          : null;
    const f = v?.filing;
    page(
      res,
      'verify',
      text(w.lang, v?.valid ? 'filedTitle' : 'invalidTitle'),
      {
        v,
        code,
        filingId,
        notYours,
        flash,
        statusName: f ? statusNames[f.status][w.lang] : '',
        typeName: f ? typeNames[f.type][w.lang] : '',
        triggerName: f?.trigger ? triggerLabels[f.trigger.kind][w.lang] : '',
      },
      { status: v ? 200 : 404 },
    );
  });

  r.get('/v/:code/qr.svg', limits.verify, async (req, res) => {
    const code = param(req, 'code');
    // only a code that has a filing gets a QR: an image of anything typed would vouch for it
    await services.verification.verify(code);
    const url = `${services.ctx.publicUrl}/v/${encodeURIComponent(code)}`;
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    res.type('image/svg+xml').setHeader('Cache-Control', 'public, max-age=3600');
    res.send(svg);
  });

  r.post('/v/:code/arrival', limits.verify, async (req, res) => {
    const w = web(res);
    const code = param(req, 'code');
    if (!w.principal) return res.redirect(303, `/login?as=enterprise&next=${encodeURIComponent(`/v/${code}`)}`);
    try {
      const arrival = await services.verification.arrive(w.principal, code);
      res.redirect(303, `/v/${encodeURIComponent(code)}?done=${arrival.withinWindow ? 'arrival' : 'arrival-outside'}`);
    } catch (err) {
      // a second tap of the button: the arrival the first one recorded stands
      const id = err instanceof AppError && err.code === 'conflict' ? await services.verification.filingIdFor(w.principal, code) : null;
      const f = id ? (await services.filings.get(w.principal, id)).filing : null;
      if (f?.arrivedAt) {
        const inside = Date.parse(f.plannedStart) <= Date.parse(f.arrivedAt) && Date.parse(f.arrivedAt) <= Date.parse(f.plannedEnd);
        return res.redirect(303, `/v/${encodeURIComponent(code)}?done=${inside ? 'arrival' : 'arrival-outside'}`);
      }
      throw err;
    }
  });

  const loginPage = (
    res: Parameters<RequestHandler>[1],
    data: { next: string; error?: string | null; notice?: string | null },
    status = 200,
  ) => page(res, 'login', text(web(res).lang, 'signInTitle'), { error: null, notice: null, ...data }, { status });

  r.get('/login', (req, res) => {
    const w = web(res);
    const next = safeNext(typeof req.query.next === 'string' ? req.query.next : undefined) ?? '';
    if (w.principal && !req.query.next) return res.redirect(303, homeOf(w.principal.role));
    const notice = w.sessionEnded || req.query.ended ? text(w.lang, 'sessionEnded') : req.query.out ? text(w.lang, 'signedOut') : null;
    if (w.sessionEnded) clearCookie(res, COOKIES.session, cookies);
    loginPage(res, { next, notice });
  });

  r.post('/login', limits.login, async (req, res) => {
    const w = web(res);
    const form = req.body as Form;
    const next = safeNext(field(form, 'next')) ?? '';
    const key = field(form, 'key');
    if (!key) return loginPage(res, { next, error: text(w.lang, 'keyMissing') }, 400);
    const session = key.length <= 200 ? await services.webSessions.signIn(key) : null;
    if (!session) {
      services.ctx.log.info({ reqId: req.id }, 'web sign-in refused');
      return loginPage(res, { next, error: text(w.lang, 'keyWrong') }, 401);
    }
    // signing in again (another key on a shared desk) ends the session it replaces
    if (w.token) await services.webSessions.signOut(w.token);
    // the cookie outlives the session by a day, so that an ended session is explained, not mistaken for a forged form
    setCookie(res, COOKIES.session, await services.webSessions.sign(session.token), cookies, (SESSION_HOURS + 24) * 3600);
    clearCookie(res, COOKIES.pre, cookies);
    services.ctx.log.info({ reqId: req.id, keyId: session.principal.keyId, role: session.principal.role }, 'web sign-in');
    res.redirect(303, next || homeOf(session.principal.role));
  });

  r.post('/logout', async (_req, res) => {
    const w = web(res);
    if (w.token) await services.webSessions.signOut(w.token);
    clearCookie(res, COOKIES.session, cookies);
    res.redirect(303, '/login?out=1');
  });

  return r;
}
