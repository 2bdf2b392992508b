import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../domain/principal.js';
import { findAccountByKey } from '../store/accounts-repo.js';
import {
  endAccountDevices,
  endDevice,
  endKeySessions,
  endSession,
  findDevice,
  findSessionPrincipal,
  insertDevice,
  insertSession,
} from '../store/sessions-repo.js';
import { recordAccountEvent, type AccountService } from './accounts.js';
import { activeAuditKeyring } from './audit-keyring.js';
import type { ServiceContext } from './context.js';
import type { KeyService } from './keys.js';

/** How long a page session lasts: a working day. */
export const SESSION_HOURS = 8;
/** How long a remembered device keeps an account signed in. */
export const DEVICE_DAYS = 30;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const derivedSecret = () =>
  createHmac('sha256', activeAuditKeyring().current.secret).update('inspection-filing session cookies v1').digest('base64url');

/**
 * Sessions of the web pages. The cookie is `token.signature`: the token is random, the database
 * keeps its hash, and the signature (HMAC-SHA256) lets a forged or altered cookie be turned away
 * before any query. CSRF tokens are HMACs of the session token (or, before sign-in, of a random
 * value in its own cookie), so a page from elsewhere can neither read nor make one.
 */
export function createWebSessions(ctx: ServiceContext, keys: KeyService, accounts: AccountService) {
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

  async function start(principal: Principal): Promise<{ token: string; principal: Principal; expiresAt: Date }> {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(ctx.clock.now().getTime() + SESSION_HOURS * 3_600_000);
    await insertSession(ctx.db, { id: hashToken(token), keyId: principal.keyId, expiresAt });
    return { token, principal, expiresAt };
  }

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
      return principal ? start(principal) : null;
    },
    /** Signs in with an account's login and password; null when either is wrong or the account's key is not in force. */
    async signInWithPassword(
      login: string,
      password: string,
    ): Promise<{ token: string; principal: Principal; expiresAt: Date; accountId: string } | null> {
      const found = await accounts.checkPassword(login, password);
      return found ? { ...(await start(found.principal)), accountId: found.account.id } : null;
    },
    /** A session for a principal already checked (an account just activated). */
    start: (principal: Principal) => start(principal),

    /** Remembers this device for the account (DEVICE_DAYS): the token for its cookie. */
    async rememberDevice(accountId: string, principal: Principal): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(24).toString('base64url');
      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + DEVICE_DAYS * 86_400_000);
      const account = await findAccountByKey(ctx.db, principal.keyId);
      await ctx.db.transaction().execute(async (trx) => {
        await insertDevice(trx, { id: hashToken(token), accountId, keyId: principal.keyId, expiresAt });
        if (account)
          await recordAccountEvent(trx, account, {
            at: now,
            actor: principal.keyId,
            action: 'account.device_remembered',
            payload: { expiresAt: expiresAt.toISOString() },
          });
      });
      return { token, expiresAt };
    },
    /** A new session from a remembered device, when the device, its account and its key are all still in force. */
    async resume(deviceToken: string): Promise<{ token: string; principal: Principal; expiresAt: Date } | null> {
      const found = await findDevice(ctx.db, hashToken(deviceToken), ctx.clock.now());
      return found ? start(found.principal) : null;
    },
    /** Forgets one device (signing out on it). */
    async forgetDevice(deviceToken: string, actor: string): Promise<void> {
      const now = ctx.clock.now();
      await ctx.db.transaction().execute(async (trx) => {
        const accountId = await endDevice(trx, hashToken(deviceToken), now);
        const account = accountId
          ? await trx.selectFrom('accounts').select(['id', 'login']).where('id', '=', accountId).executeTakeFirst()
          : null;
        if (account)
          await recordAccountEvent(trx, account, { at: now, actor, action: 'account.device_forgotten', payload: { devices: 1 } });
      });
    },
    /** Ends every session of the principal's key and every device of its account. */
    async signOutEverywhere(principal: Principal): Promise<{ sessions: number; devices: number }> {
      const now = ctx.clock.now();
      return ctx.db.transaction().execute(async (trx) => {
        const sessions = await endKeySessions(trx, principal.keyId, now);
        const account = await findAccountByKey(trx, principal.keyId);
        const devices = account ? await endAccountDevices(trx, account.id, now) : 0;
        if (account)
          await recordAccountEvent(trx, account, {
            at: now,
            actor: principal.keyId,
            action: 'account.device_forgotten',
            payload: { everywhere: true, devices, sessions },
          });
        return { sessions, devices };
      });
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
