import cookie from 'cookie';
import { Router, type RequestHandler } from 'express';
import QRCode from 'qrcode';
import { AppError } from '../../domain/errors.js';
import { statusNames, typeNames } from '../../domain/messages.js';
import { triggerLabels } from '../../domain/filing.js';
import type { VerificationView } from '../../domain/schemas.js';
import type { Services } from '../../services/index.js';
import { clearCookie, COOKIES, param, startSession, web, type CookieOptions } from '../context.js';
import { field, type Form } from '../forms.js';
import { page } from '../render.js';
import { text, type UiKey } from '../strings.js';
import { VERIFY_ALPHABET, VERIFY_CODE_LENGTH } from '../../domain/codes.js';

/** Where a sign-in may send the visitor back to: a path of this site, never another host. */
export function safeNext(next: string | undefined): string | null {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 300 ? next : null;
}

export const homeOf = (role: string) => (role === 'supervisor' || role === 'admin' ? '/dashboard' : '/filings');

/** What is wrong with a code no filing has, as far as its shape tells: its length, characters no code uses. */
function codeTypos(typed: string): [UiKey, Record<string, string | number>][] {
  const code = typed.replace(/[\s-]/g, '').toUpperCase();
  const found: [UiKey, Record<string, string | number>][] = [];
  if (code.length !== VERIFY_CODE_LENGTH) found.push(['accCodeLength', { want: VERIFY_CODE_LENGTH, got: code.length }]);
  const strange = [...new Set([...code].filter((c) => !VERIFY_ALPHABET.includes(c)))];
  if (strange.length) found.push(['accCodeStrange', { chars: strange.join('、') }]);
  return found;
}

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
    // with no primary answering, the scan's answer is all there is (what it allows is decided on the primary)
    const filingId =
      v && w.principal && v.possiblyBehindSeconds === undefined ? await services.verification.filingIdFor(w.principal, code) : null;
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
    const typos = v ? [] : codeTypos(code).map(([key, params]) => text(w.lang, key, params));
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
        typos,
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
    data: { next: string; error?: string | null; notice?: string | null; way?: 'key' },
    status = 200,
  ) => page(res, 'login', text(web(res).lang, 'signInTitle'), { error: null, notice: null, ...data }, { status });

  r.get('/login', (req, res) => {
    const w = web(res);
    const next = safeNext(typeof req.query.next === 'string' ? req.query.next : undefined) ?? '';
    if (w.principal && !req.query.next) return res.redirect(303, homeOf(w.principal.role));
    const notice =
      w.sessionEnded || req.query.ended
        ? text(w.lang, 'sessionEnded')
        : req.query.out === 'all'
          ? text(w.lang, 'accSignedOutEverywhere')
          : req.query.out
            ? text(w.lang, 'signedOut')
            : null;
    if (w.sessionEnded) clearCookie(res, COOKIES.session, cookies);
    loginPage(res, { next, notice });
  });

  r.post('/login', limits.login, async (req, res) => {
    const w = web(res);
    const form = req.body as Form;
    const next = safeNext(field(form, 'next')) ?? '';
    const key = field(form, 'key');
    if (!key) return loginPage(res, { next, way: 'key', error: text(w.lang, 'keyMissing') }, 400);
    const session = key.length <= 200 ? await services.webSessions.signIn(key) : null;
    if (!session) {
      services.ctx.log.info({ reqId: req.id }, 'web sign-in refused');
      return loginPage(res, { next, way: 'key', error: text(w.lang, 'keyWrong') }, 401);
    }
    // signing in again (another key on a shared desk) ends the session and the device it replaces
    await startSession(req, res, services.webSessions, cookies, session);
    services.ctx.log.info({ reqId: req.id, keyId: session.principal.keyId, role: session.principal.role }, 'web sign-in');
    res.redirect(303, next || homeOf(session.principal.role));
  });

  r.post('/logout', async (req, res) => {
    const w = web(res);
    if (w.token) await services.webSessions.signOut(w.token);
    // signing out on a remembered device forgets the device too
    const jar = cookie.parse(req.headers.cookie ?? '');
    const device = await services.webSessions.unsign(jar[COOKIES.device]);
    if (device) await services.webSessions.forgetDevice(device, w.principal?.keyId ?? 'anonymous');
    if (jar[COOKIES.device]) clearCookie(res, COOKIES.device, cookies);
    clearCookie(res, COOKIES.session, cookies);
    res.redirect(303, '/login?out=1');
  });

  return r;
}
