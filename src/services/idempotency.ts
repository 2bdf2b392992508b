import { AppError } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import type { Db } from '../store/db.js';
import { findStoredResponse, saveResponse, type StoredResponse } from '../store/idempotency-repo.js';
import { lockIdempotencyKey } from '../store/locks.js';
import type { ServiceContext } from './context.js';

/**
 * An Idempotency-Key on a request that creates something. There is no "in flight" record: the
 * response is stored by the transaction that does the work, which holds the key's advisory lock
 * while it runs. A retry during that time waits for the lock and then replays what committed; a
 * process that dies mid-request takes its transaction, and with it the lock, along, so a retry
 * afterwards is simply one new attempt.
 */
export interface IdempotencyClaim {
  principalId: string;
  key: string;
  requestHash: string;
  /** the status a success answers with (the route's) */
  successStatus: number;
  /** the language and request id a stored error body is written in, as the error handler would */
  lang: Lang;
  requestId: string;
  /** set once the response was stored by the transaction that produced it */
  saved: boolean;
  /** when the request came (the service's clock): the stored response is kept a day from then */
  at?: Date;
}

/** Thrown where a request turns out to repeat one whose response is stored; the HTTP layer replays it. */
export class StoredReplay extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('idempotent replay');
  }
}

/** What a stored response means for this request: a replay, or a 409 if the body was another. */
export function replayOf(stored: StoredResponse, claim: IdempotencyClaim): StoredReplay {
  if (stored.requestHash !== claim.requestHash) {
    throw new AppError('conflict', 'idempotency_mismatch', {}, [{ path: 'Idempotency-Key', key: 'idempotency_key_reused' }]);
  }
  return new StoredReplay(stored.status, stored.body);
}

export const storedFrom = (claim: IdempotencyClaim, status: number, body: unknown): StoredResponse => ({
  principalId: claim.principalId,
  key: claim.key,
  requestHash: claim.requestHash,
  status,
  body,
  ...(claim.at ? { createdAt: claim.at } : {}),
});

/**
 * A transaction that, for an idempotent request, first holds its key (waiting for a concurrent
 * attempt with the same key), replays a response that committed meanwhile, and stores its own
 * success response before it commits.
 */
export async function transact<T>(
  db: Db,
  claim: IdempotencyClaim | undefined,
  work: (trx: Db) => Promise<T>,
  /** what a retry gets instead of this very response (a secret shown once is never stored) */
  storedAs?: (value: T, claim: IdempotencyClaim) => { status: number; body: unknown },
): Promise<T> {
  const result = await db.transaction().execute(async (trx) => {
    if (claim) {
      await lockIdempotencyKey(trx, claim.principalId, claim.key);
      const stored = await findStoredResponse(trx, claim.principalId, claim.key);
      if (stored) throw replayOf(stored, claim);
    }
    const value = await work(trx);
    if (claim) {
      const stored = storedAs ? storedAs(value, claim) : { status: claim.successStatus, body: value };
      await saveResponse(trx, storedFrom(claim, stored.status, stored.body));
    }
    return value;
  });
  if (claim) claim.saved = true;
  return result;
}

export function createIdempotencyService(ctx: ServiceContext) {
  return {
    /** The fast path for a retry: the stored response, before any work is started. */
    async lookup(claim: IdempotencyClaim): Promise<StoredReplay | null> {
      const stored = await findStoredResponse(ctx.db, claim.principalId, claim.key);
      return stored ? replayOf(stored, claim) : null;
    },

    /**
     * Stores an answer that its transaction could not (a client error that rolled the work back,
     * or a route whose service keeps no store). A response stored first stays.
     */
    async save(claim: IdempotencyClaim, status: number, body: unknown): Promise<void> {
      await saveResponse(ctx.db, storedFrom(claim, status, body));
      claim.saved = true;
    },
  };
}
