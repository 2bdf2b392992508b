import type { ChangeFeed } from '../store/change-feed.js';
import type { VerifyView } from '../store/filings-repo.js';

export type CachedVerification = VerifyView;

const MAX_ENTRIES = 20_000;
const TTL_MS = 5 * 60_000;

/**
 * Verification views by code. Scans are the hottest read and a filing rarely changes, so views
 * are cached; every change to a filing evicts it (here and, through the change feed, in every
 * other process). A load that started before an eviction is not stored, so a slow read can never
 * put back a view that a change has already replaced.
 */
export class VerifyCache {
  private readonly entries = new Map<string, { value: CachedVerification; until: number }>();
  private generation = 0;

  /** `changedHere`: told of each filing this process changes, as it evicts it (before the change is answered) */
  constructor(
    private readonly feed: ChangeFeed,
    private readonly changedHere: (code: string) => void = () => undefined,
  ) {
    feed.subscribe(
      (code) => this.evict(code),
      () => this.clear(),
    );
  }

  /** `load` says whether what it read may be kept (not what a standby said while no primary answered) */
  async get(code: string, load: () => Promise<{ value: CachedVerification | null; keep: boolean }>): Promise<CachedVerification | null> {
    const now = Date.now();
    const hit = this.entries.get(code);
    if (hit && hit.until > now && this.feed.healthy()) return hit.value;
    const generation = this.generation;
    const { value, keep } = await load();
    // Unknown codes are not cached: a filing made a moment ago in another process must be found.
    if (value && keep && this.feed.healthy() && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(code, { value, until: now + TTL_MS });
    }
    return value;
  }

  evict(code: string): void {
    this.changedHere(code);
    this.generation++;
    this.entries.delete(code);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
