import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../domain/principal.js';
import { endSession, findSessionPrincipal, insertSession } from '../store/sessions-repo.js';
import { activeAuditKeyring } from './audit-keyring.js';
import type { ServiceContext } from './context.js';
import type { KeyService } from './keys.js';

/** How long a page session lasts: a working day. */
export const SESSION_HOURS = 8;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const derivedSecret = () =>
  createHmac('sha256', activeAuditKeyring().current.secret).update('inspection-filing session cookies v1').digest('base64url');

/**
 * Sessions of the web pages. The cookie is `token.signature`: the token is random, the database
 * keeps its hash, and the signature (HMAC-SHA256) lets a forged or altered cookie be turned away
 * before any query. CSRF tokens are HMACs of the session token (or, before sign-in, of a random
 * value in its own cookie), so a page from elsewhere can neither read nor make one.
 */
export function createWebSessions(ctx: ServiceContext, keys: KeyService) {
  // SESSION_SECRET, or one derived from the audit key, which the database never holds: someone
  // with the database cannot sign a cookie for a session row they plant
  let loaded: Buffer | null = null;
  const key = (): Buffer => (loaded ??= Buffer.from(ctx.sessionSecret ?? derivedSecret(), 'utf8'));
  const macWith = (k: Buffer, purpose: string, value: string) => createHmac('sha256', k).update(`${purpose}:${value}`).digest('base64url');
  const mac = (purpose: string, value: string) => macWith(key(), purpose, value);
  const same = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };

  return {
    sign(token: string): Promise<string> {
      return Promise.resolve(`${token}.${mac('cookie', token)}`);
    },
    /** The token of a signed cookie value, or null when it was not signed here. */
    unsign(value: string | undefined): Promise<string | null> {
      const dot = value && value.length <= 200 ? value.lastIndexOf('.') : -1;
      if (!value || dot <= 0) return Promise.resolve(null);
      const token = value.slice(0, dot);
      return Promise.resolve(same(value.slice(dot + 1), mac('cookie', token)) ? token : null);
    },
    newToken: () => randomBytes(24).toString('base64url'),

    /** Signs in with an API key; null when the key is unknown or revoked. */
    async signIn(apiKey: string): Promise<{ token: string; principal: Principal; expiresAt: Date } | null> {
      const principal = await keys.authenticate(apiKey.trim());
      if (!principal) return null;
      const token = randomBytes(24).toString('base64url');
      const expiresAt = new Date(ctx.clock.now().getTime() + SESSION_HOURS * 3_600_000);
      await insertSession(ctx.db, { id: hashToken(token), keyId: principal.keyId, expiresAt });
      return { token, principal, expiresAt };
    },
    principal(token: string): Promise<Principal | null> {
      return findSessionPrincipal(ctx.db, hashToken(token), ctx.clock.now());
    },
    async signOut(token: string): Promise<void> {
      await endSession(ctx.db, hashToken(token), ctx.clock.now());
    },

    /** Loads the signing secret; after it, csrfTokenNow answers without waiting. */
    ready: (): Promise<void> => {
      key();
      return Promise.resolve();
    },
    csrfTokenNow(bound: string): string {
      if (!loaded) throw new Error('web sessions: ready() first');
      return macWith(loaded, 'csrf', bound);
    },
    csrfValid(bound: string, given: unknown): Promise<boolean> {
      return Promise.resolve(bound !== '' && typeof given === 'string' && same(given, mac('csrf', bound)));
    },
  };
}
export type WebSessions = ReturnType<typeof createWebSessions>;
