import type { Db } from './db.js';

export interface StoredResponse {
  requestHash: string;
  statusCode: number | null;
  body: unknown;
}

/** Claims the key; returns null when this call claimed it, else what is stored under it. */
export async function claimIdempotencyKey(db: Db, principalId: string, key: string, requestHash: string): Promise<StoredResponse | null> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ principal_id: principalId, idem_key: key, request_hash: requestHash, status_code: null, response: null })
    .onConflict((oc) => oc.doNothing())
    .returning('idem_key')
    .executeTakeFirst();
  if (inserted) return null;
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('principal_id', '=', principalId)
    .where('idem_key', '=', key)
    .executeTakeFirstOrThrow();
  return { requestHash: row.request_hash, statusCode: row.status_code, body: row.response };
}

export async function completeIdempotencyKey(db: Db, principalId: string, key: string, statusCode: number, body: unknown): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response: JSON.stringify(body) })
    .where('principal_id', '=', principalId)
    .where('idem_key', '=', key)
    .execute();
}

/** A request that failed with a server error releases its key so the client can retry. */
export async function releaseIdempotencyKey(db: Db, principalId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('principal_id', '=', principalId).where('idem_key', '=', key).execute();
}
