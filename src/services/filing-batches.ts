import { newId, newVerifyCode } from '../domain/codes.js';
import { localYear } from '../domain/calendar.js';
import type { Decision } from '../rules/decision.js';
import type { FilingInput } from '../rules/facts.js';
import { loadFactRows, writeFilingBatch, type BatchRecord, type FactRows } from '../store/filings-repo.js';
import type { FilingRow } from '../store/tables.js';
import { chains } from './audit.js';
import type { ServiceContext } from './context.js';

export interface FilingRequest {
  input: FilingInput;
  body: unknown;
  actor: string;
}
export type FilingOutcome = { blocked: true; decision: Decision } | { blocked: false; decision: Decision; row: FilingRow };

/** Decides one filing from the facts of its batch; throws an AppError that concerns it alone. */
export type Decider = (input: FilingInput, rows: FactRows) => { decision: Decision; region: string };

interface Pending extends FilingRequest {
  resolve(o: FilingOutcome): void;
  reject(e: unknown): void;
}

const DAY = 86_400_000;
const uniq = (xs: string[]) => [...new Set(xs)];

/**
 * What to load for a set of filings: their enterprises, agencies and inspectors, and the
 * enterprises' history wide enough for every history rule (a calendar year or 365 days back,
 * 30 days around).
 */
export function factQueryFor(inputs: FilingInput[]) {
  const starts = inputs.map((i) => i.plannedStart.getTime());
  const ends = inputs.map((i) => i.plannedEnd.getTime());
  return {
    usccs: uniq(inputs.map((i) => i.enterpriseUscc)),
    agencyIds: uniq(inputs.flatMap((i) => [i.agencyId, ...i.jointAgencyIds])),
    inspectorIds: uniq(inputs.flatMap((i) => i.inspectorIds)),
    historyFrom: new Date(Math.min(...starts) - 400 * DAY),
    historyTo: new Date(Math.max(...ends) + 31 * DAY),
  };
}

const MAX_BATCH = 32;
const MAX_RUNNING = 2;

/**
 * Group commit for filings. Every filing is decided and written in a transaction that holds its
 * enterprise's lock, as one filing alone would be; filings for different enterprises that arrive
 * together share that transaction. On this hardware a database round trip costs more than the
 * statements themselves, and a transaction takes four of them (begin, locks and facts, one
 * write, commit), whatever the number of filings in it. With no load a batch is one filing and
 * nothing waits: a batch starts as soon as fewer than MAX_RUNNING are running.
 */
export class FilingBatcher {
  private readonly queue: Pending[] = [];
  private running = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly decide: Decider,
  ) {}

  submit(request: FilingRequest): Promise<FilingOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < MAX_RUNNING && this.queue.length > 0) {
      const batch = this.take();
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  /** Oldest first, at most one filing per enterprise: a second one waits for the next batch, so it sees the first. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const usccs = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < MAX_BATCH; ) {
      const p = this.queue[i] as Pending;
      if (usccs.has(p.input.enterpriseUscc)) {
        i++;
        continue;
      }
      usccs.add(p.input.enterpriseUscc);
      batch.push(p);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async run(batch: Pending[]): Promise<void> {
    let settled: ((FilingOutcome & { ok: true }) | { ok: false; error: unknown })[];
    try {
      settled = await this.ctx.db.transaction().execute(async (trx) => {
        const rows = await loadFactRows(trx, factQueryFor(batch.map((p) => p.input)), true);
        const at = this.ctx.clock.now();
        const records: BatchRecord[] = [];
        const results = batch.map((p) => {
          try {
            const { decision, region } = this.decide(p.input, rows);
            const blocked = decision.outcome === 'block';
            const decisionId = newId('dec');
            const findings = decision.findings.map((f) => f.ruleId);
            const id = newId(blocked ? 'att' : 'fil');
            const violations = decision.findings
              .filter((f) => f.raises)
              .map((f) => ({ id: newId('vio'), kind: f.raises as string, details: { ruleId: f.ruleId, decisionId, [blocked ? 'attemptId' : 'filingId']: id, message: f.message } }));
            records.push({
              kind: blocked ? 'attempt' : 'filing',
              id,
              decisionId,
              decision,
              agencyId: p.input.agencyId,
              enterpriseUscc: p.input.enterpriseUscc,
              region,
              body: p.body,
              verifyCode: blocked ? null : newVerifyCode(),
              input: p.input,
              actor: p.actor,
              audit: {
                chain: chains.enterprise(p.input.enterpriseUscc),
                action: blocked ? 'filing.blocked' : 'filing.filed',
                entityType: blocked ? 'filing_attempt' : 'filing',
                payload: blocked ? { decisionId, findings } : { decisionId, outcome: decision.outcome, body: p.body },
              },
              violations,
            });
            return { ok: true as const, recordIndex: records.length - 1, decision };
          } catch (error) {
            return { ok: false as const, error };
          }
        });
        const written = records.length ? await writeFilingBatch(trx, records, at, localYear(at, this.ctx.tz)) : [];
        const byId = new Map(written.map((r) => [r.id, r]));
        return results.map((r) => {
          if (!r.ok) return r;
          const rec = records[r.recordIndex] as BatchRecord;
          const row = byId.get(rec.id);
          return row ? { ok: true as const, blocked: false as const, decision: r.decision, row } : { ok: true as const, blocked: true as const, decision: r.decision };
        });
      });
    } catch (err) {
      // A database error fails the whole transaction: retry each filing on its own, so that one
      // filing's problem is reported to it and not to the others that happened to share its batch.
      if (batch.length > 1) {
        this.ctx.log.warn({ err, size: batch.length }, 'filing batch failed; retrying its filings one by one');
        await Promise.all(batch.map((p) => this.run([p])));
      } else {
        batch[0]?.reject(err);
      }
      return;
    }
    settled.forEach((s, i) => {
      const p = batch[i] as Pending;
      if (!s.ok) p.reject(s.error);
      else {
        const { ok: _ok, ...outcome } = s;
        p.resolve(outcome);
      }
    });
  }
}
