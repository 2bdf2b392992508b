import type { Logger } from 'pino';
import type { Db } from '../store/db.js';

/** The outcome of one item of a batch: its value, or the error that concerns it alone. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface BatchItem {
  /** items sharing any of these keys never share a batch (one enterprise, one Idempotency-Key) */
  exclusive: string[];
}

interface Pending<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

const MAX_BATCH = 32;
const MAX_RUNNING = 2;

/**
 * Group commit: the mechanics only. Items that arrive together are handed to `run` in ONE
 * transaction; what an item means and what it writes is the caller's business. On this hardware
 * a database round trip costs more than the statements themselves, so a batch of filings costs
 * the same four round trips as one. With no load a batch is one item and nothing waits: a batch
 * starts as soon as fewer than MAX_RUNNING are running.
 */
export class GroupCommit<I extends BatchItem, O> {
  private readonly queue: Pending<I, O>[] = [];
  private running = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly run: (trx: Db, items: I[]) => Promise<Settled<O>[]>,
    /** an error that says the database is out of reach: retrying alone would only fail again */
    private readonly isOutage: (err: unknown) => boolean,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < MAX_RUNNING && this.queue.length > 0) {
      const batch = this.take();
      this.running++;
      void this.execute(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** Oldest first, never two items with a key in common: a later one waits for the next batch, so it sees the first. */
  private take(): Pending<I, O>[] {
    const batch: Pending<I, O>[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < MAX_BATCH;) {
      const p = this.queue[i] as Pending<I, O>;
      if (p.item.exclusive.some((k) => taken.has(k))) {
        i++;
        continue;
      }
      for (const k of p.item.exclusive) taken.add(k);
      batch.push(p);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async execute(batch: Pending<I, O>[]): Promise<void> {
    let settled: Settled<O>[];
    try {
      settled = await this.db.transaction().execute((trx) =>
        this.run(
          trx,
          batch.map((p) => p.item),
        ),
      );
    } catch (err) {
      // A database error fails the whole transaction: retry each item on its own, so that one
      // item's problem is reported to it and not to the others that happened to share its batch.
      if (batch.length > 1 && !this.isOutage(err)) {
        this.log.warn({ err, size: batch.length }, 'filing batch failed; retrying its filings one by one');
        await Promise.all(batch.map((p) => this.execute([p])));
      } else {
        for (const p of batch) p.reject(err);
      }
      return;
    }
    settled.forEach((s, i) => {
      const p = batch[i] as Pending<I, O>;
      if (s.ok) p.resolve(s.value);
      else p.reject(s.error);
    });
  }
}
