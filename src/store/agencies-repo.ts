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
  parentAgencyId: string | null;
  /** printed on the 检查告知书: where the enterprise reaches the agency */
  address: string | null;
  phone: string | null;
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

export async function insertAgency(
  trx: Db,
  a: Omit<AgencyRecord, 'active' | 'createdAt' | 'address' | 'phone'> & Partial<Pick<AgencyRecord, 'address' | 'phone'>>,
): Promise<void> {
  await trx
    .insertInto('agencies')
    .values({
      id: a.id,
      code: a.code,
      name: a.name,
      region: a.region,
      parent_agency_id: a.parentAgencyId,
      address: a.address ?? null,
      phone: a.phone ?? null,
    })
    .execute();
  if (a.items.length) {
    await trx
      .insertInto('agency_item_records')
      .values(a.items.map((i) => ({ agency_id: a.id, ...i })))
      .execute();
  }
}

/** Holds the agency's row until the transaction ends; false when there is no such agency. */
export async function lockAgency(trx: Db, id: string): Promise<boolean> {
  return !!(await trx.selectFrom('agencies').select('id').where('id', '=', id).forUpdate().executeTakeFirst());
}

export async function setAgencyParent(trx: Db, id: string, parentAgencyId: string | null): Promise<void> {
  await trx.updateTable('agencies').set({ parent_agency_id: parentAgencyId }).where('id', '=', id).execute();
}

/** The agency's parent, its parent's parent, and so on up (at most `depth` of them). */
export async function ancestorsOf(db: Db, id: string, depth = 64): Promise<string[]> {
  const out: string[] = [];
  let at: string | null = id;
  while (at && out.length < depth) {
    const row: { parent_agency_id: string | null } | undefined = await db
      .selectFrom('agencies')
      .select('parent_agency_id')
      .where('id', '=', at)
      .executeTakeFirst();
    at = row?.parent_agency_id ?? null;
    if (at) out.push(at);
  }
  return out;
}

/** The agency's address and phone as given (null: none); fields left out stay as they are. */
export async function setAgencyContact(trx: Db, id: string, contact: { address?: string | null; phone?: string | null }): Promise<void> {
  await trx.updateTable('agencies').set(contact).where('id', '=', id).execute();
}

export async function setAgencyActive(trx: Db, id: string, active: boolean): Promise<void> {
  await trx.updateTable('agencies').set({ active }).where('id', '=', id).execute();
}

export interface ItemRecord {
  code: string;
  name: string;
  basis: string;
  withdrawnAt: Date | null;
}

/** Every item the agency ever published, withdrawn ones included. */
export async function itemRecords(db: Db, agencyId: string): Promise<ItemRecord[]> {
  const rows = await db
    .selectFrom('agency_item_records')
    .select(['code', 'name', 'basis', 'withdrawn_at'])
    .where('agency_id', '=', agencyId)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ code: r.code, name: r.name, basis: r.basis, withdrawnAt: r.withdrawn_at }));
}

/** Publishes an item (again): new, or a withdrawn one back in force, with the name and basis given. */
export async function publishItem(trx: Db, agencyId: string, item: { code: string; name: string; basis: string }): Promise<void> {
  await trx
    .insertInto('agency_item_records')
    .values({ agency_id: agencyId, ...item, withdrawn_at: null })
    .onConflict((oc) => oc.columns(['agency_id', 'code']).doUpdateSet({ name: item.name, basis: item.basis, withdrawn_at: null }))
    .execute();
}

export async function withdrawItems(trx: Db, agencyId: string, codes: string[], at: Date): Promise<void> {
  if (!codes.length) return;
  await trx
    .updateTable('agency_item_records')
    .set({ withdrawn_at: at })
    .where('agency_id', '=', agencyId)
    .where('code', 'in', codes)
    .where('withdrawn_at', 'is', null)
    .execute();
}

/** Which of these item codes filings of the agency (as filer or joint agency) have cited. */
export async function citedItemCodes(db: Db, agencyId: string, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const rows = await sql<{ code: string }>`
    select distinct c.code from filings f cross join lateral unnest(f.item_codes) as c(code)
    where (f.agency_id = ${agencyId} or ${agencyId} = any(f.joint_agency_ids)) and c.code = any(${codes}::text[])`.execute(db);
  return new Set(rows.rows.map((r) => r.code));
}

export async function agencyCodeTaken(db: Db, code: string): Promise<boolean> {
  return !!(await db.selectFrom('agencies').select('id').where('code', '=', code).executeTakeFirst());
}

const agencyColumns = sql<AgencyRecord>`json_build_object(
  'id', a.id, 'code', a.code, 'name', a.name, 'region', a.region, 'active', a.active, 'createdAt', a.created_at,
  'parentAgencyId', a.parent_agency_id, 'address', a.address, 'phone', a.phone,
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

export async function insertInspector(trx: Db, i: InspectorRecord): Promise<void> {
  await trx
    .insertInto('inspectors')
    .values({
      id: i.id,
      agency_id: i.agencyId,
      name: i.name,
      credential_no: i.credentialNo,
      valid_until: i.validUntil,
      created_at: i.createdAt,
    })
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
    .set((eb) => ({
      revoked_at: at,
      revoke_reason: reason,
      valid_until: sql<string>`least(${eb.ref('valid_until')}, ${validUntil}::date)`,
    }))
    .where('id', '=', id)
    .execute();
}

/** Names of agencies by id, for lists that show many at once. */
export async function agencyNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Whether the agency is active; null when there is no such agency. */
export async function agencyActive(db: Db, id: string): Promise<boolean | null> {
  const row = await db.selectFrom('agencies').select('active').where('id', '=', id).executeTakeFirst();
  return row ? row.active : null;
}
