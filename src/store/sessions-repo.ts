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

/** Deletes sessions that expired, or were ended, before `before`: no cookie can bring them back. */
export async function purgeSessions(db: Db, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('ended_at', '<', before)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
