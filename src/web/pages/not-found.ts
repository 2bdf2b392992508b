import type { Request, Response } from 'express';
import { web } from '../context.js';
import { page } from '../render.js';
import { text } from '../strings.js';

// An address with no page: a browser is shown the site's page (with the way home), a program
// the API's JSON 404. Only a GET or HEAD that asks for HTML first is a browser; the API's, the
// operators' and the documentation's addresses never are.

const NEVER_PAGES = /^\/(?:api|healthz|readyz|metrics|docs)(?:\/|$)|^\/openapi\.json$/i;
/** how much of an address the page shows back: enough to spot a typo */
const SHOWN_CHARS = 200;

/** A browser's GET of an address outside the pages: answered with the not-found page. */
export function wantsNotFoundPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (NEVER_PAGES.test(req.path)) return false;
  // no Accept, or */*: a program (curl, a client library); it keeps the JSON answer
  return req.accepts(['json', 'html']) === 'html';
}

/** A client that asked for JSON rather than HTML (Accept: application/json), on a page's address too. */
export const prefersJson = (req: Request): boolean => !!req.headers.accept && req.accepts(['html', 'json']) === 'json';

export function notFoundPage(req: Request, res: Response): void {
  let path = req.path;
  try {
    path = decodeURIComponent(path);
  } catch {
    // not percent-encoded UTF-8: shown as typed
  }
  const chars = [...path];
  const shown = chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS).join('')}…` : path;
  page(res, 'not-found', text(web(res).lang, 'nfTitle'), { path: shown }, { status: 404 });
}
