import { sql, type Selectable } from 'kysely';
import type { Principal, Role } from '../domain/principal.js';
import type { ApiKeysTable } from './tables.js';
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
  expiresAt?: Date | null;
}

export async function insertKey(trx: Db, k: NewKey): Promise<void> {
  await trx
    .insertInto('api_keys')
    .values({
      id: k.id,
      key_hash: k.keyHash,
      role: k.role,
      name: k.name,
      agency_id: k.agencyId,
      uscc: k.uscc,
      regions: k.regions,
      email: k.email ?? null,
      expires_at: k.expiresAt ?? null,
    })
    .execute();
}

export async function keyHashExists(db: Db, keyHash: string): Promise<boolean> {
  return !!(await db.selectFrom('api_keys').select('id').where('key_hash', '=', keyHash).executeTakeFirst());
}

/** A key in force at `now`: neither revoked nor expired. `table` is the api_keys table's name in the query. */
export const keyInForce = (now: Date, table: 'api_keys' | 'k' = 'api_keys') => {
  const expires = sql.ref(`${table}.expires_at`);
  return sql<boolean>`${sql.ref(`${table}.revoked_at`)} is null and (${expires} is null or ${expires} > ${now})`;
};

type PrincipalColumns = Pick<KeyRow, 'id' | 'role' | 'name' | 'agency_id' | 'uscc' | 'regions'>;
export const principalOf = (r: PrincipalColumns): Principal => ({
  keyId: r.id,
  role: r.role,
  name: r.name,
  agencyId: r.agency_id,
  uscc: r.uscc,
  regions: r.regions,
});

/** The principal of a key that is neither revoked nor expired at `now`, with when it expires. */
export async function findPrincipalByHash(
  db: Db,
  keyHash: string,
  now: Date,
): Promise<{ principal: Principal; expiresAt: Date | null } | null> {
  const r = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'name', 'agency_id', 'uscc', 'regions', 'expires_at'])
    .where('key_hash', '=', keyHash)
    .where(keyInForce(now))
    .executeTakeFirst();
  return r ? { principal: principalOf(r), expiresAt: r.expires_at } : null;
}

export type KeyRow = Selectable<ApiKeysTable>;

export async function listKeys(
  db: Db,
  q: { limit: number; after: { at: Date; id: string } | null; role?: string; active?: boolean; now: Date },
): Promise<KeyRow[]> {
  let query = db.selectFrom('api_keys').selectAll();
  if (q.role) query = query.where('role', '=', q.role as KeyRow['role']);
  if (q.active !== undefined) query = query.where(q.active ? keyInForce(q.now) : sql<boolean>`not (${keyInForce(q.now)})`);
  if (q.after) query = query.where(sql<boolean>`(created_at, id) < (${q.after.at}, ${q.after.id})`);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

export async function findKey(db: Db, id: string): Promise<KeyRow | null> {
  return (await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Revokes a key; null when it was already revoked (nothing changed). */
export async function revokeKey(trx: Db, id: string, at: Date): Promise<KeyRow | null> {
  return (
    (await trx
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}

/** Active admin keys other than this one (a revocation must not lock every administrator out). */
export async function otherActiveAdmins(db: Db, id: string, now: Date): Promise<number> {
  const r = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('role', '=', 'admin')
    .where('id', '!=', id)
    .where(keyInForce(now))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function anyActiveAdmin(db: Db, now: Date): Promise<boolean> {
  return !!(await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where(keyInForce(now)).limit(1).executeTakeFirst());
}

/** Supervisors' digest addresses, each with the scopes (regions) of the keys that gave it. */
export async function digestRecipients(db: Db, now: Date): Promise<{ email: string; regions: string[] }[]> {
  return db
    .selectFrom('api_keys')
    .select(['email', 'regions'])
    .where('role', '=', 'supervisor')
    .where(keyInForce(now))
    .where('email', 'is not', null)
    .orderBy('email')
    .orderBy('id')
    .execute() as Promise<{ email: string; regions: string[] }[]>;
}
