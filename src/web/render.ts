import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Response } from 'express';
import { Eta } from 'eta';
import { formatLocal } from '../domain/calendar.js';
import type { Localized } from '../domain/i18n.js';
import { escapeHtml } from '../domain/text.js';
import { web } from './context.js';
import { refererPath } from './referer.js';
import { name, roleNames, text, zoneName, type UiKey } from './strings.js';

// Templates escape every value (<%= %>); only markup this code made itself (an SVG chart, a
// rendered section) is written raw (<%~ %>), and such helpers escape what they embed.
const eta = new Eta({
  views: fileURLToPath(new URL('./views', import.meta.url)),
  autoEscape: true,
  cache: process.env.NODE_ENV !== 'development',
});

export interface PageOptions {
  status?: number;
  /** a page script under /assets (no inline scripts: the CSP forbids them) */
  script?: string;
}

function helpers(res: Response) {
  const w = web(res);
  const tz = res.app.locals.tz as string;
  return {
    lang: w.lang,
    user: w.principal,
    roleName: w.principal ? name(w.lang, roleNames[w.principal.role]) : '',
    // functions, called by the forms that need them: a page without a form makes no token and sets no cookie
    csrf: () => w.csrf,
    // a fresh token per form shown: see formClaim
    once: () => randomBytes(18).toString('base64url'),
    langHref: (lang: string) => {
      // a page answering a form post (a refused form) is not at its address: the same page in
      // the other language is the one the form was posted from
      const req = res.req;
      const at = req.method === 'GET' || req.method === 'HEAD' ? req.originalUrl : refererPath(req.get('referer'), req.get('host'));
      const u = new URL(at, 'http://page');
      u.searchParams.set('lang', lang);
      return `${u.pathname}${u.search}`;
    },
    // the zone by name (北京时间): pages say which clock their times are on
    tz: zoneName(tz, w.lang),
    t: (key: UiKey, params?: Record<string, string | number>) => text(w.lang, key, params),
    l: (x: Localized | undefined | null, fallback = '') => (x ? x[w.lang] : fallback),
    esc: (s: unknown) => escapeHtml(String(s)),
    when: (at: string | Date | null | undefined) => (at ? formatLocal(new Date(at), tz) : ''),
  };
}

/** Renders a page of the layout, in the visitor's language, with what every page needs. */
export function page(res: Response, view: string, title: string, data: Record<string, unknown> = {}, opts: PageOptions = {}): void {
  const html = eta.render(view, { ...data, ...helpers(res), title, script: opts.script ?? null });
  res
    .status(opts.status ?? 200)
    .type('html')
    .send(html);
}

/** A fragment of a page (no layout), for a page's script to put in place. */
export function partial(res: Response, view: string, data: Record<string, unknown>, status = 200): void {
  res
    .status(status)
    .type('html')
    .send(eta.render(view, { ...data, ...helpers(res) }));
}
