import { sql } from 'kysely';
import type { Db } from './db.js';

/** The credential number as normalizeCredential spells it, in SQL (migration 0006 indexes it). */
const normalizedCredential = sql`upper(regexp_replace(credential_no, '[^0-9A-Za-z]', '', 'g'))`;

export interface AgencyRecord {
  id: string;
  code: string;
  name: string;
  region: string;
  active: boolean;
  createdAt: Date;
  items: { code: string; name: string; basis: string }[];
}

export interface InspectorRecord {
  id: string;
  agencyId: string;
  name: string;
  credentialNo: string;
  validUntil: string;
  createdAt: Date;
  revokedAt?: Date | null;
}

export async function insertAgency(trx: Db, a: Omit<AgencyRecord, 'active' | 'createdAt'>): Promise<void> {
  await trx.insertInto('agencies').values({ id: a.id, code: a.code, name: a.name, region: a.region }).execute();
  if (a.items.length) {
    await trx.insertInto('agency_items').values(a.items.map((i) => ({ agency_id: a.id, ...i }))).execute();
  }
}

export async function setAgencyActive(trx: Db, id: string, active: boolean): Promise<void> {
  await trx.updateTable('agencies').set({ active }).where('id', '=', id).execute();
}

export async function agencyCodeTaken(db: Db, code: string): Promise<boolean> {
  return !!(await db.selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirst());
}

const agencyColumns = sql<AgencyRecord>`json_build_object(
  'id', a.id, 'code', a.code, 'name', a.name, 'region', a.region, 'active', a.active, 'createdAt', a.created_at,
  'items', coalesce((select json_agg(json_build_object('code', i.code, 'name', i.name, 'basis', i.basis) order by i.code)
                     from agency_items i where i.agency_id = a.id), '[]'::json))`;

function revive(r: AgencyRecord): AgencyRecord {
  return { ...r, createdAt: new Date(r.createdAt) };
}

export async function findAgency(db: Db, id: string): Promise<AgencyRecord | null> {
  const row = await sql<{ a: AgencyRecord }>`select ${agencyColumns} as a from agencies a where a.id = ${id}`.execute(db);
  return row.rows[0] ? revive(row.rows[0].a) : null;
}

export async function listAgencies(db: Db, opts: { limit: number; after: string | null; onlyId?: string | null }): Promise<AgencyRecord[]> {
  const rows = await sql<{ a: AgencyRecord }>`
    select ${agencyColumns} as a from agencies a
    where ${opts.after ? sql`a.id > ${opts.after}` : sql`true`}
      and ${opts.onlyId ? sql`a.id = ${opts.onlyId}` : sql`true`}
    order by a.id limit ${opts.limit}`.execute(db);
  return rows.rows.map((r) => revive(r.a));
}

export async function existingAgencyIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('agencies').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertInspector(trx: Db, i: Omit<InspectorRecord, 'createdAt'>): Promise<void> {
  await trx
    .insertInto('inspectors')
    .values({ id: i.id, agency_id: i.agencyId, name: i.name, credential_no: i.credentialNo, valid_until: i.validUntil })
    .execute();
}

/** Whether any agency has registered this credential, however it was spelt when it was. */
export async function credentialTaken(db: Db, credentialNo: string): Promise<boolean> {
  const r = await sql<{ one: number }>`select 1 as one from inspectors where ${normalizedCredential} = ${credentialNo} limit 1`.execute(db);
  return r.rows.length > 0;
}

export async function listInspectors(db: Db, agencyId: string): Promise<InspectorRecord[]> {
  const rows = await db.selectFrom('inspectors').selectAll().where('agency_id', '=', agencyId).orderBy('name').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    agencyId: r.agency_id,
    name: r.name,
    credentialNo: r.credential_no,
    validUntil: r.valid_until,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/** Ends a credential early: revoked now, valid until the day given (the day before, in TZ_REGION). */
export async function revokeInspector(trx: Db, id: string, at: Date, reason: string, validUntil: string): Promise<void> {
  await trx
    .updateTable('inspectors')
    .set((eb) => ({ revoked_at: at, revoke_reason: reason, valid_until: sql<string>`least(${eb.ref('valid_until')}, ${validUntil}::date)` }))
    .where('id', '=', id)
    .execute();
}

/** Names of agencies by id, for lists that show many at once. */
export async function agencyNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('agencies').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
