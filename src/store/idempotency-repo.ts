import type { Db } from './db.js';
import type { StoredResponse } from './filings-repo.js';

export type { StoredResponse };

/** The response stored under a principal's key, if one was committed. */
export async function findStoredResponse(db: Db, principalId: string, key: string): Promise<StoredResponse | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('principal_id', '=', principalId)
    .where('idem_key', '=', key)
    .executeTakeFirst();
  return row ? { principalId, key, requestHash: row.request_hash, status: row.status_code, body: row.response } : null;
}

/** Stores a response; a response already stored under the key stays (the first answer is the answer). */
export async function saveResponse(db: Db, r: StoredResponse): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({
      principal_id: r.principalId,
      idem_key: r.key,
      request_hash: r.requestHash,
      status_code: r.status,
      response: JSON.stringify(r.body),
      ...(r.createdAt ? { created_at: r.createdAt } : {}),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Forgets responses stored before `before` (the sweep: a retry comes within hours, not days). */
export async function purgeStoredResponses(db: Db, before: Date): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
