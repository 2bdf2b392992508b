import { sql, type Selectable } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { Db } from './db.js';
import { keyInForce, principalOf } from './keys-repo.js';
import type { AccountsTable } from './tables.js';

export type AccountRow = Selectable<AccountsTable>;

/** The account of a login as typed, in any case: logins differ by more than case (a unique index on lower(login)). */
export async function findAccountByLogin(db: Db, logins: string[]): Promise<AccountRow | null> {
  const lowered = [...new Set(logins.map((l) => l.toLowerCase()))];
  if (!lowered.length) return null;
  return (
    (await db
      .selectFrom('accounts')
      .selectAll()
      .where(sql<string>`lower(login)`, 'in', lowered)
      .executeTakeFirst()) ?? null
  );
}

export async function findAccountByKey(db: Db, keyId: string): Promise<AccountRow | null> {
  return (await db.selectFrom('accounts').selectAll().where('key_id', '=', keyId).executeTakeFirst()) ?? null;
}

export async function insertAccount(db: Db, a: { id: string; login: string; keyId: string; at: Date }): Promise<void> {
  await db.insertInto('accounts').values({ id: a.id, login: a.login, key_id: a.keyId, updated_at: a.at }).execute();
}

/** A new activation code replaces the one before it (spent or not); a new key (after a revocation) clears the password. */
export async function setActivationCode(
  db: Db,
  id: string,
  c: { codeHash: string; expiresAt: Date; at: Date; keyId?: string },
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({
      code_hash: c.codeHash,
      code_expires_at: c.expiresAt,
      code_spent_at: null,
      updated_at: c.at,
      ...(c.keyId ? { key_id: c.keyId, password_hash: null, password_set_at: null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Sets the password and spends the code, once: null when another request spent it first. */
export async function spendCodeSetPassword(
  db: Db,
  id: string,
  codeHash: string,
  passwordHash: string,
  at: Date,
): Promise<AccountRow | null> {
  return (
    (await db
      .updateTable('accounts')
      .set({ password_hash: passwordHash, password_set_at: at, code_spent_at: at, updated_at: at })
      .where('id', '=', id)
      .where('code_hash', '=', codeHash)
      .where('code_spent_at', 'is', null)
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

/** The principal of an account's key, when that key is in force. */
export async function accountPrincipal(db: Db, keyId: string, now: Date): Promise<Principal | null> {
  const r = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'name', 'agency_id', 'uscc', 'regions'])
    .where('id', '=', keyId)
    .where(keyInForce(now))
    .executeTakeFirst();
  return r ? principalOf(r) : null;
}
