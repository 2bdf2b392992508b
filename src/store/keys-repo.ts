import type { Principal, Role } from '../domain/principal.js';
import type { Db } from './db.js';

export interface NewKey {
  id: string;
  keyHash: string;
  role: Role;
  name: string;
  agencyId: string | null;
  uscc: string | null;
  regions: string[];
  email?: string | null;
}

export async function insertKey(trx: Db, k: NewKey): Promise<void> {
  await trx
    .insertInto('api_keys')
    .values({ id: k.id, key_hash: k.keyHash, role: k.role, name: k.name, agency_id: k.agencyId, uscc: k.uscc, regions: k.regions, email: k.email ?? null })
    .execute();
}

export async function keyHashExists(db: Db, keyHash: string): Promise<boolean> {
  return !!(await db.selectFrom('api_keys').select('id').where('key_hash', '=', keyHash).executeTakeFirst());
}

export async function findPrincipalByHash(db: Db, keyHash: string): Promise<Principal | null> {
  const r = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'name', 'agency_id', 'uscc', 'regions'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!r) return null;
  return { keyId: r.id, role: r.role, name: r.name, agencyId: r.agency_id, uscc: r.uscc, regions: r.regions };
}

export async function anyActiveAdmin(db: Db): Promise<boolean> {
  return !!(await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).limit(1).executeTakeFirst());
}

/** Supervisors' digest addresses, each with the scopes (regions) of the keys that gave it. */
export async function digestRecipients(db: Db): Promise<{ email: string; regions: string[] }[]> {
  return db
    .selectFrom('api_keys')
    .select(['email', 'regions'])
    .where('role', '=', 'supervisor')
    .where('revoked_at', 'is', null)
    .where('email', 'is not', null)
    .orderBy('email')
    .orderBy('id')
    .execute() as Promise<{ email: string; regions: string[] }[]>;
}
