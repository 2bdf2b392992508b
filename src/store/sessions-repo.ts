import type { Principal } from '../domain/principal.js';
import type { Db } from './db.js';
import { keyInForce, principalOf } from './keys-repo.js';

export async function insertSession(db: Db, s: { id: string; keyId: string; expiresAt: Date }): Promise<void> {
  await db.insertInto('web_sessions').values({ id: s.id, key_id: s.keyId, expires_at: s.expiresAt }).execute();
}

/** The principal of a live session: not ended, not expired, and its key not revoked. */
export async function findSessionPrincipal(db: Db, id: string, now: Date): Promise<Principal | null> {
  const r = await db
    .selectFrom('web_sessions as s')
    .innerJoin('api_keys as k', 'k.id', 's.key_id')
    .select(['k.id', 'k.role', 'k.name', 'k.agency_id', 'k.uscc', 'k.regions'])
    .where('s.id', '=', id)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where(keyInForce(now, 'k'))
    .executeTakeFirst();
  return r ? principalOf(r) : null;
}

export async function endSession(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('web_sessions').set({ ended_at: at }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Ends every session of a key (an account's "sign out on every device"). */
export async function endKeySessions(db: Db, keyId: string, at: Date): Promise<number> {
  const r = await db
    .updateTable('web_sessions')
    .set({ ended_at: at })
    .where('key_id', '=', keyId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes sessions (and remembered devices) that expired, or were ended, before `before`: no cookie can bring them back. */
export async function purgeSessions(db: Db, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('ended_at', '<', before)]))
    .executeTakeFirst();
  const d = await db
    .deleteFrom('remembered_devices')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('ended_at', '<', before)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows) + Number(d.numDeletedRows);
}

export async function insertDevice(db: Db, d: { id: string; accountId: string; keyId: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('remembered_devices')
    .values({ id: d.id, account_id: d.accountId, key_id: d.keyId, expires_at: d.expiresAt })
    .execute();
}

/**
 * The account and principal of a remembered device: not ended, not expired, its key in force and
 * still the account's key (an account given a new key after a revocation leaves old devices behind).
 */
export async function findDevice(db: Db, id: string, now: Date): Promise<{ accountId: string; principal: Principal } | null> {
  const r = await db
    .selectFrom('remembered_devices as d')
    .innerJoin('accounts as a', (j) => j.onRef('a.id', '=', 'd.account_id').onRef('a.key_id', '=', 'd.key_id'))
    .innerJoin('api_keys as k', 'k.id', 'd.key_id')
    .select(['d.account_id', 'k.id', 'k.role', 'k.name', 'k.agency_id', 'k.uscc', 'k.regions'])
    .where('d.id', '=', id)
    .where('d.ended_at', 'is', null)
    .where('d.expires_at', '>', now)
    .where(keyInForce(now, 'k'))
    .executeTakeFirst();
  return r ? { accountId: r.account_id, principal: principalOf(r) } : null;
}

/** Ends one device; the account it kept signed in, when it was in force. */
export async function endDevice(db: Db, id: string, at: Date): Promise<string | null> {
  const r = await db
    .updateTable('remembered_devices')
    .set({ ended_at: at })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .returning('account_id')
    .executeTakeFirst();
  return r?.account_id ?? null;
}

export async function endAccountDevices(db: Db, accountId: string, at: Date): Promise<number> {
  const r = await db
    .updateTable('remembered_devices')
    .set({ ended_at: at })
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
