import { expect } from 'chai';
import type supertest from 'supertest';
import { clock, harness } from './harness.js';
import { filingBody, type World } from './fixtures.js';

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return m[1];
}

/** A browser-like client: keeps cookies, knows the token of the last page it loaded. */
export interface PageClient {
  agent: supertest.Agent;
  /** loads a page and remembers its form token */
  get(path: string): Promise<supertest.Response>;
  /** posts a form with the remembered token (or the one given) */
  post(path: string, form: Record<string, string | string[]>, token?: string): Promise<supertest.Response>;
  csrf: string;
}

export async function pageClient(agent?: supertest.Agent): Promise<PageClient> {
  const h = await harness();
  const a = agent ?? h.api();
  const client: PageClient = {
    agent: a,
    csrf: '',
    async get(path) {
      const res = await a.get(path);
      const m = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '');
      if (m?.[1]) client.csrf = m[1];
      return res;
    },
    async post(path, form, token) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries({ _csrf: token ?? client.csrf, ...form }))
        for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      const res = await a.post(path).type('form').send(body.toString());
      const m = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '');
      if (m?.[1]) client.csrf = m[1];
      return res;
    },
  };
  return client;
}

/** Signed in through the sign-in page with a key. */
export async function signedIn(key: string): Promise<PageClient> {
  const c = await pageClient();
  await c.get('/login');
  const res = await c.post('/login', { key });
  expect(res.status, res.text).to.equal(303);
  await c.get('/');
  return c;
}

/** A wall-clock time in Shanghai as a datetime-local field has it. */
export const localField = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);

/** The filing form as the page sends it, from the same values as the API fixture. */
export function filingForm(w: World, over: Record<string, string | string[]> = {}, now = clock.now()): Record<string, string | string[]> {
  const b = filingBody(w, {}, now);
  return {
    enterpriseUscc: w.uscc,
    type: 'routine',
    itemCodes: ['SAFE-01'],
    inspectorIds: w.inspectorIds,
    plannedStart: localField(new Date(b.plannedStart as string)),
    plannedEnd: localField(new Date(b.plannedEnd as string)),
    onSite: 'on',
    purpose: 'inspection',
    onSiteJustification: b.onSiteJustification as string,
    action: 'file',
    ...over,
  };
}
