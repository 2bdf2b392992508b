import { sql } from 'kysely';
import type { Db } from './db.js';
import type { GroundsTable } from './tables.js';
import type { Selectable } from 'kysely';

export type GroundRow = Selectable<GroundsTable>;

export async function insertGround(trx: Db, g: GroundRow): Promise<void> {
  await trx.insertInto('grounds').values(g).execute();
}

/** A ground of this kind and reference about this enterprise (or, for a campaign, about none) already registered. */
export async function groundTaken(db: Db, kind: string, reference: string, uscc: string | null): Promise<string | null> {
  const r = await db
    .selectFrom('grounds')
    .select('id')
    .where('kind', '=', kind as GroundRow['kind'])
    .where('reference', '=', reference)
    .where(sql<boolean>`coalesce(enterprise_uscc, '') = ${uscc ?? ''}`)
    .executeTakeFirst();
  return r?.id ?? null;
}

export async function findGround(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<GroundRow | null> {
  let q = db.selectFrom('grounds').selectAll().where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}

export interface GroundScope {
  /** a supervisor's regions (enterprise grounds in them; campaigns everywhere); undefined = all */
  regions?: string[] | undefined;
  /** an agency: grounds assigned to it, or to nobody within its jurisdiction prefix (campaigns naming nobody too) */
  agency?: { id: string; prefix: string } | undefined;
}
export interface GroundFilter {
  kind?: string | undefined;
  uscc?: string | undefined;
  agencyId?: string | undefined;
  status?: string | undefined;
}

export async function listGrounds(
  db: Db,
  scope: GroundScope,
  f: GroundFilter,
  page: { limit: number; after: { at: Date; id: string } | null },
): Promise<GroundRow[]> {
  let q = db.selectFrom('grounds').selectAll();
  if (scope.regions?.length) {
    const prefixes = scope.regions;
    q = q.where((eb) => eb.or([eb('region', 'is', null), ...prefixes.map((p) => eb('region', 'like', `${p}%`))]));
  }
  if (scope.agency) {
    const { id, prefix } = scope.agency;
    q = q.where((eb) =>
      eb.or([
        eb(sql<boolean>`${id} = any(agency_ids)`, '=', true),
        eb.and([eb(sql<number>`cardinality(agency_ids)`, '=', 0), eb.or([eb('region', 'is', null), eb('region', 'like', `${prefix}%`)])]),
      ]),
    );
  }
  if (f.kind) q = q.where('kind', '=', f.kind as GroundRow['kind']);
  if (f.uscc) q = q.where('enterprise_uscc', '=', f.uscc);
  if (f.agencyId) q = q.where(sql<boolean>`${f.agencyId} = any(agency_ids)`);
  if (f.status) q = q.where('status', '=', f.status as GroundRow['status']);
  if (page.after) {
    const { at, id } = page.after;
    q = q.where((eb) => eb.or([eb('registered_at', '<', at), eb.and([eb('registered_at', '=', at), eb('id', '<', id)])]));
  }
  return q.orderBy('registered_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** The filings that cite a ground (an agency sees its own only). */
export async function filingsOnGround(db: Db, groundId: string, agencyId?: string) {
  let q = db
    .selectFrom('filings')
    .select(['id', 'filing_no', 'agency_id', 'status', 'planned_start', 'enterprise_uscc', 'region'])
    .where('ground_id', '=', groundId);
  if (agencyId) q = q.where('agency_id', '=', agencyId);
  return q.orderBy('planned_start').orderBy('id').execute();
}

/** The county's registration of a ground an agency had entered unverified: its terms, verified, under the same id. */
export async function adoptGround(trx: Db, id: string, g: GroundRow, by: string, at: Date): Promise<GroundRow> {
  return trx
    .updateTable('grounds')
    .set({
      agency_ids: g.agency_ids,
      title: g.title,
      valid_from: g.valid_from,
      valid_to: g.valid_to,
      max_visits: g.max_visits,
      status: 'verified',
      status_note: `registered by ${g.registered_role}`,
      status_changed_at: at,
      status_changed_by: by,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setGroundStatus(
  trx: Db,
  id: string,
  change: { status: 'verified' | 'rejected'; note: string; at: Date; by: string },
): Promise<GroundRow> {
  return trx
    .updateTable('grounds')
    .set({ status: change.status, status_note: change.note, status_changed_at: change.at, status_changed_by: change.by })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Emergencies whose start is more than `hours` ago, not cancelled, for which no ground with their
 * trigger (kind, reference, enterprise) was registered within `hours` after the start and stands,
 * assigned to their agency (or to none) and not already used up by that agency's earlier visits
 * to the enterprise (one ground grounds maxVisits visits, emergencies included).
 */
export async function unfoundedEmergencies(db: Db, now: Date, hours: number) {
  const r = await sql<{
    id: string;
    agency_id: string;
    enterprise_uscc: string;
    region: string;
    planned_start: Date;
    trigger_kind: string;
    trigger_reference: string;
  }>`
    select f.id, f.agency_id, f.enterprise_uscc, f.region, f.planned_start, f.trigger_kind, f.trigger_reference
      from filings f
     where f.type = 'emergency' and f.status <> 'cancelled'
       and f.planned_start <= ${now}::timestamptz - make_interval(hours => ${hours})
       and not exists (select 1 from violations v where v.dedupe_key = 'emergency_unfounded:' || f.id)
       and not exists (
         select 1 from grounds g
          where g.kind = f.trigger_kind and g.reference = f.trigger_reference and g.enterprise_uscc = f.enterprise_uscc
            and g.status <> 'rejected'
            and g.registered_at <= f.planned_start + make_interval(hours => ${hours})
            and (cardinality(g.agency_ids) = 0 or f.agency_id = any(g.agency_ids))
            and (select count(*) from filings o
                  where o.agency_id = f.agency_id and o.enterprise_uscc = f.enterprise_uscc and o.status <> 'cancelled'
                    and (o.planned_start, o.id) < (f.planned_start, f.id)
                    and (o.ground_id = g.id or (o.type = 'emergency' and o.trigger_kind = g.kind and o.trigger_reference = g.reference))
                ) < g.max_visits)`.execute(db);
  return r.rows;
}
