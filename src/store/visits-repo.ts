import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import type { FilingArrivalsTable, JointResponsesTable } from './tables.js';

// What happened under a filing, seen from both sides: every arrival confirmed (by the enterprise
// or the agency), and each joint agency's answer to being named.

export type ArrivalRow = Selectable<FilingArrivalsTable>;
export type JointResponseRow = Selectable<JointResponsesTable>;

export async function arrivalsOf(db: Db, filingId: string): Promise<ArrivalRow[]> {
  return db.selectFrom('filing_arrivals').selectAll().where('filing_id', '=', filingId).orderBy('at').orderBy('id').execute();
}

export async function insertArrival(trx: Db, a: ArrivalRow): Promise<void> {
  await trx.insertInto('filing_arrivals').values(a).execute();
}

export async function jointResponsesOf(db: Db, filingId: string): Promise<JointResponseRow[]> {
  return db.selectFrom('joint_responses').selectAll().where('filing_id', '=', filingId).execute();
}

export async function insertJointResponse(trx: Db, r: JointResponseRow): Promise<void> {
  await trx.insertInto('joint_responses').values(r).execute();
}
