import type { Db } from './db.js';
import type { FeedbackTable } from './tables.js';

export async function findFeedback(db: Db, filingId: string) {
  return (await db.selectFrom('feedback').selectAll().where('filing_id', '=', filingId).executeTakeFirst()) ?? null;
}

/** Once per filing: a second rating of the same filing inserts nothing and returns null. */
export async function insertFeedback(trx: Db, row: FeedbackTable) {
  return (
    (await trx
      .insertInto('feedback')
      .values(row)
      .onConflict((oc) => oc.column('filing_id').doNothing())
      .returningAll()
      .executeTakeFirst()) ?? null
  );
}
