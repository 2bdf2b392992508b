import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fingerprint } from '../domain/audit-signing.js';
import { AppError, notFound, RetryLater, type ErrorDetail } from '../domain/errors.js';
import { newId } from '../domain/codes.js';
import { inRegions, type Principal } from '../domain/principal.js';
import { validateUscc } from '../domain/uscc.js';
import {
  accountPrincipal,
  findAccountByKey,
  findAccountByLogin,
  insertAccount,
  setActivationCode,
  spendCodeSetPassword,
  type AccountRow,
} from '../store/accounts-repo.js';
import type { Db } from '../store/db.js';
import { findEnterprise } from '../store/enterprises-repo.js';
import { findKey, keyInForce } from '../store/keys-repo.js';
import { endAccountDevices, endKeySessions } from '../store/sessions-repo.js';
import { activeAuditKeyring } from './audit-keyring.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';
import type { KeyService } from './keys.js';

// Accounts let people sign in to the pages with a password. The identity (role, scope) stays on
// an api_keys row, so every permission check, session and revocation is that of keys: an
// enterprise's account gets a key of its own whose secret is thrown away at once (only its hash
// is stored, nobody can use it as a key); a staff account is bound to the key its holder has.

export const ACTIVATION_DAYS = 7;
export const PASSWORD_MIN = 8;
const PASSWORD_MAX = 200;
/** no 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read off a letter and typed on a phone */
const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
const STAFF_LOGIN = /^[a-z0-9._-]{3,40}$/;

// scrypt (RFC 7914) at OWASP's recommended cost; the parameters are stored with each hash, so
// they can be raised later without breaking the passwords set before
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

/**
 * Hashes at once, and hashes waiting for a turn. scrypt runs on libuv's thread pool, which static
 * files, mail and DNS share: a flood of wrong passwords (each address within its own failure
 * limit) would otherwise queue every one of them behind it. Beyond the waiting room, a sign-in is
 * told to come back (429 with Retry-After) instead of waiting without end.
 */
const HASHING = { running: 2, waiting: 16 };
let hashing = 0;
const turns: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (hashing < HASHING.running) hashing++;
  else if (turns.length >= HASHING.waiting) throw new RetryLater(2, 'password_busy', { seconds: 2 });
  else await new Promise<void>((resolve) => turns.push(resolve));
  try {
    return await work();
  } finally {
    // the turn passes to the next one waiting, or the slot is freed
    const next = turns.shift();
    if (next) next();
    else hashing--;
  }
}

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return inTurn(() => scryptNow(password, salt, keylen, opts));
}

function scryptNow(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keylen, { ...opts, maxmem: 128 * (opts.N ?? 1) * (opts.r ?? 8) * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64'), want.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(got, want);
}

// compared against when there is no account or no password, so that an unknown login takes as long as a wrong password
let decoy: Promise<string> | null = null;

/** 12 characters, grouped in fours: XXXX-XXXX-XXXX (25^12, about 2^56, guessed at 20 tries per 10 minutes). */
function newActivationCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}
/** any case, dashes and spaces optional */
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, '');
const hashCode = (code: string) =>
  createHash('sha256')
    .update(`activation:${normalizeCode(code)}`)
    .digest('hex');

/** The logins a typed login may be: a credit code in capitals, a login name in lower case, or as typed (a key id). */
export function loginCandidates(typed: string): string[] {
  const t = typed.trim();
  return [...new Set([t, t.toUpperCase(), t.toLowerCase()])].filter((x) => x.length > 0 && x.length <= 64);
}

const isEnterpriseLogin = (login: string) => /^[0-9A-Z]{18}$/.test(login);
/** An enterprise's account events go on the enterprise's chain, staff accounts' on the keys' chain. */
const chainOf = (a: Pick<AccountRow, 'login'>) => (isEnterpriseLogin(a.login) ? chains.enterprise(a.login) : chains.keys);

export async function recordAccountEvent(
  trx: Db,
  a: Pick<AccountRow, 'id' | 'login'>,
  e: { at: Date; actor: string; action: string; payload?: Record<string, unknown> },
): Promise<void> {
  await record(trx, {
    chain: chainOf(a),
    at: e.at,
    actor: e.actor,
    action: e.action,
    entityType: 'account',
    entityId: a.id,
    payload: { login: a.login, ...(e.payload ?? {}) },
  });
}

function passwordProblems(password: string, login: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) problems.push({ path: '/password', key: 'password_too_short', params: { min: PASSWORD_MIN } });
  if (chars.length > PASSWORD_MAX) problems.push({ path: '/password', key: 'password_too_long', params: { max: PASSWORD_MAX } });
  if (chars.length > 0 && new Set(chars).size === 1) problems.push({ path: '/password', key: 'password_one_char' });
  if (password.trim().toUpperCase() === login.toUpperCase()) problems.push({ path: '/password', key: 'password_is_login' });
  return problems;
}

/** Two first codes for one account at once: the unique login lets one in, the other is told to retry. */
async function raced<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if ((err as { code?: unknown }).code === '23505') throw new AppError('conflict', 'account_issue_raced');
    throw err;
  }
}

export interface ActivationIssued {
  login: string;
  code: string;
  expiresAt: string;
}

export function createAccountService(ctx: ServiceContext, keys: KeyService) {
  const expiry = (now: Date) => new Date(now.getTime() + ACTIVATION_DAYS * 86_400_000);

  /** Stores a new code for the account (making the account first when there is none) and records it. */
  async function issue(
    actor: Principal,
    target: { login: string; keyId: string; existing: AccountRow | null; rebind: boolean },
  ): Promise<ActivationIssued> {
    const now = ctx.clock.now();
    const code = newActivationCode();
    const expiresAt = expiry(now);
    await raced(
      ctx.db.transaction().execute(async (trx) => {
        let account = target.existing;
        if (!account) {
          const id = newId('acc');
          await insertAccount(trx, { id, login: target.login, keyId: target.keyId, at: now });
          account = { id, login: target.login } as AccountRow;
          await recordAccountEvent(trx, account, {
            at: now,
            actor: actor.keyId,
            action: 'account.created',
            payload: { keyId: target.keyId },
          });
        }
        await setActivationCode(trx, account.id, {
          codeHash: hashCode(code),
          expiresAt,
          at: now,
          ...(target.rebind ? { keyId: target.keyId } : {}),
        });
        // never the code nor its hash: a keyed fingerprint of the hash, so a code planted in the table is told
        await recordAccountEvent(trx, account, {
          at: now,
          actor: actor.keyId,
          action: 'account.activation_issued',
          payload: {
            keyId: target.keyId,
            expiresAt: expiresAt.toISOString(),
            codeFingerprint: fingerprint(activeAuditKeyring(), 'activation code', hashCode(code)),
          },
        });
      }),
    );
    return { login: target.login, code, expiresAt: expiresAt.toISOString() };
  }

  return {
    /** An activation code for an enterprise's account (admin, or a supervisor whose regions cover it). */
    async issueForEnterprise(actor: Principal, rawUscc: string): Promise<ActivationIssued> {
      const uscc = validateUscc(rawUscc, 'uscc');
      const enterprise = await findEnterprise(ctx.db, uscc);
      // a supervisor of another region learns nothing about the enterprise: the same 404 as an unknown one
      if (!enterprise || (actor.role === 'supervisor' && !inRegions(enterprise.region, actor.regions))) throw notFound('enterprise', uscc);
      const now = ctx.clock.now();
      const existing = await findAccountByLogin(ctx.db, [uscc]);
      const live = existing ? await accountPrincipal(ctx.db, existing.key_id, now) : null;
      if (existing && live) return issue(actor, { login: uscc, keyId: existing.key_id, existing, rebind: false });
      // the account's own key, whose secret is dropped here: it exists to carry the role and scope
      const made = await keys.create(actor, { role: 'enterprise', uscc, name: `账号 ${enterprise.name}`.slice(0, 100) });
      try {
        return await issue(actor, { login: uscc, keyId: made.id, existing, rebind: !!existing });
      } catch (err) {
        // another first code won the account: the key made for this one carries nothing, so it goes
        if (err instanceof AppError && err.messageKey === 'account_issue_raced') await keys.revoke(actor, made.id);
        throw err;
      }
    },

    /** An activation code for the holder of a staff key (admin only); `login` names the account at its first activation. */
    async issueForKey(actor: Principal, keyId: string, body: { login?: string }): Promise<ActivationIssued> {
      const key = await findKey(ctx.db, keyId);
      if (!key) throw notFound('key', keyId);
      if (key.role === 'enterprise')
        throw new AppError('validation_failed', 'account_enterprise_key', {}, [{ path: 'path', key: 'not_for_role' }]);
      // the 12345/8890 platform is a system, not a person, and has no page to land on
      if (key.role === 'hotline')
        throw new AppError('validation_failed', 'account_hotline_key', {}, [{ path: 'path', key: 'not_for_role' }]);
      const now = ctx.clock.now();
      const inForce = await ctx.db.selectFrom('api_keys').select('id').where('id', '=', keyId).where(keyInForce(now)).executeTakeFirst();
      if (!inForce) throw new AppError('conflict', 'account_key_inactive');
      const existing = await findAccountByKey(ctx.db, keyId);
      if (existing) return issue(actor, { login: existing.login, keyId, existing, rebind: false });
      const login = body.login?.trim().toLowerCase() ?? key.id;
      if (body.login !== undefined && (!STAFF_LOGIN.test(login) || login.length === 18))
        throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/login', key: 'login_name_format' }]);
      if (await findAccountByLogin(ctx.db, loginCandidates(login))) throw new AppError('conflict', 'account_login_taken', { login });
      return issue(actor, { login, keyId, existing: null, rebind: false });
    },

    /**
     * Sets the password with an activation code, which is spent. A wrong code is a 401 (the sign-in
     * failure limit counts it); a password that is too weak is refused before the code is looked at.
     */
    async activate(body: {
      uscc?: string;
      login?: string;
      code: string;
      password: string;
    }): Promise<{ login: string; principal: Principal }> {
      const typed = body.uscc ?? body.login;
      if (!typed || (body.uscc !== undefined && body.login !== undefined))
        throw new AppError('validation_failed', 'account_who', {}, [{ path: '/uscc', key: 'account_one_of' }]);
      const logins = loginCandidates(typed);
      const weak = passwordProblems(body.password, typed.trim());
      if (weak.length) throw new AppError('validation_failed', 'account_password_weak', {}, weak);
      const now = ctx.clock.now();
      const account = logins.length ? await findAccountByLogin(ctx.db, logins) : null;
      const hash = hashCode(body.code);
      const codeHash = account?.code_hash ?? null;
      // both are SHA-256 in hex, of equal length
      const right = !!codeHash && timingSafeEqual(Buffer.from(codeHash), Buffer.from(hash));
      if (!account || !right) throw new AppError('unauthorized', 'account_code_wrong', {}, [{ path: '/code', key: 'account_code_check' }]);
      if (account.code_spent_at)
        throw new AppError('unauthorized', 'account_code_spent', {}, [{ path: '/code', key: 'account_code_check' }]);
      if (!account.code_expires_at || account.code_expires_at <= now)
        throw new AppError('unauthorized', 'account_code_expired', {}, [{ path: '/code', key: 'account_code_check' }]);
      const principal = await accountPrincipal(ctx.db, account.key_id, now);
      if (!principal) throw new AppError('conflict', 'account_key_inactive');
      const passwordHash = await hashPassword(body.password);
      const reset = !!account.password_hash;
      await ctx.db.transaction().execute(async (trx) => {
        const spent = await spendCodeSetPassword(trx, account.id, hash, passwordHash, now);
        if (!spent) throw new AppError('unauthorized', 'account_code_spent', {}, [{ path: '/code', key: 'account_code_check' }]);
        // a new password (a reset) signs the account out wherever the old one was used
        if (reset) {
          await endKeySessions(trx, account.key_id, now);
          await endAccountDevices(trx, account.id, now);
        }
        // a keyed fingerprint of the stored hash: `audit verify` tells a password swapped in the table
        await recordAccountEvent(trx, account, {
          at: now,
          actor: account.key_id,
          action: 'account.password_set',
          payload: { reset, passwordFingerprint: fingerprint(activeAuditKeyring(), 'account password', passwordHash) },
        });
      });
      return { login: account.login, principal };
    },

    /** The account and its principal when the password is right and the account's key in force; null otherwise. */
    async checkPassword(typed: string, password: string): Promise<{ account: AccountRow; principal: Principal } | null> {
      const logins = loginCandidates(typed);
      const account = logins.length && password.length <= PASSWORD_MAX ? await findAccountByLogin(ctx.db, logins) : null;
      if (!account?.password_hash) {
        await passwordMatches(password.slice(0, PASSWORD_MAX), await (decoy ??= hashPassword('decoy password, never matched')));
        return null;
      }
      if (!(await passwordMatches(password, account.password_hash))) return null;
      const principal = await accountPrincipal(ctx.db, account.key_id, ctx.clock.now());
      return principal ? { account, principal } : null;
    },

    accountOfKey: (keyId: string) => findAccountByKey(ctx.db, keyId),
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
