import type { Logger } from 'pino';

// SQLSTATE class 08 (connection exception), admin/crash shutdown, "the database system is
// starting up / shutting down", too many connections; and the socket errors of a lost server.
// 25006: a write refused because the server is a standby (or read-only): no primary to write to.
const OUTAGE_CODES = new Set([
  '25006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const OUTAGE_MESSAGES =
  /query read timeout|connection terminated|terminating connection|not queryable|connection ended|timeout exceeded when trying to connect|client was closed|cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)/i;

/** Whether an error says the database is out of reach (as opposed to a bad statement or a constraint). */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (OUTAGE_CODES.has(code) || code.startsWith('08'))) return true;
  return OUTAGE_MESSAGES.test(err.message);
}

/** A unique constraint refused a row: two requests created the same thing at once. */
export function isDuplicate(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === '23505';
}

/**
 * Whether the database is reachable, as the last statements found it. An outage is logged once
 * when it begins and once when it ends, however many requests fail in between.
 */
export class DatabaseHealth {
  private up = true;
  private downSince = 0;
  /** an outage is news only once the database has answered: a process that never reached it says why at start */
  private answered = false;

  constructor(private readonly log: Logger | null) {}

  isUp(): boolean {
    return this.up;
  }

  /** Records an error if it is an outage; returns what the error means for the client. */
  classify(err: unknown): 'outage' | 'duplicate' | null {
    if (this.failed(err)) return 'outage';
    return isDuplicate(err) ? 'duplicate' : null;
  }

  /** Records an error if it is an outage; returns whether it was one. */
  failed(err: unknown): boolean {
    if (!isOutage(err)) return false;
    if (this.up) {
      this.up = false;
      this.downSince = Date.now();
      if (this.answered)
        this.log?.warn(
          { reason: err instanceof Error ? err.message : String(err) },
          'database unavailable: requests are answered 503 until it is back',
        );
    }
    return true;
  }

  succeeded(): void {
    const wasKnown = this.answered;
    this.answered = true;
    if (!this.up) {
      this.up = true;
      // at the outage's own level, so that whoever saw it go also sees it come back
      if (wasKnown) this.log?.warn({ downForSeconds: Math.round((Date.now() - this.downSince) / 1000) }, 'database available again');
    }
  }
}
