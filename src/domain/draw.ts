import { createHash } from 'node:crypto';

// The random draw (双随机) as a pure function of its seed and what was recorded: the sorted
// population with each enterprise's stratum, the sorted inspector pool, and the pair to avoid
// per enterprise. Anyone holding those can make the draw again, with this code or their own:
//
//   stream: SHA-256 of "<seed>:<n>" for n = 0, 1, 2, ..., each digest read as eight big-endian
//           unsigned 32-bit integers;
//   below(k): the next integer x from the stream with x < floor(2^32 / k) * k, as x mod k
//           (rejection keeps every value equally likely);
//   quotas: the sample size split over the strata (sorted by name) in proportion to their size,
//           floors first, then one more to the largest remainders (ties: stratum name);
//   per stratum, in name order: a partial Fisher-Yates shuffle of its enterprises (in population
//           order): for i = 0 .. quota-1, swap i with i + below(size - i); the first `quota` are
//           drawn, in that order;
//   then, per drawn enterprise in drawn order: a pair from the pool, a = below(n), b = below(n-1)
//           (b >= a: b + 1), drawn again while it is the pair to avoid for that enterprise.

/** At most this share of the population is sampled (Liaoning's plans: 20% of the directory). */
export const MAX_DRAW_RATIO = 0.2;
/**
 * A draw is random only over enough enterprises: at least this many, and (by the ratio cap) at
 * least five for every one drawn; below it a plan would pick its enterprises by its filter.
 */
export const MIN_DRAW_POPULATION = 10;

export interface PopulationMember {
  uscc: string;
  /** the risk class, or "unknown" */
  stratum: string;
}

export interface DrawInput {
  seed: string;
  /** sorted by uscc (code-unit order), no duplicates */
  population: PopulationMember[];
  /** the sample size, already capped */
  target: number;
  /** inspector ids, sorted */
  pool: string[];
  /** per enterprise, the inspectors of its last visit by this agency: a pair of them is not drawn again */
  avoid: Record<string, string[]>;
}

export interface DrawnAssignment {
  uscc: string;
  stratum: string;
  inspectorIds: [string, string];
}

export class SeedStream {
  private block: Buffer = Buffer.alloc(0);
  private offset = 32;
  private counter = 0;
  constructor(private readonly seed: string) {}

  private next32(): number {
    if (this.offset >= 32) {
      this.block = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      this.offset = 0;
    }
    const v = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A uniform integer in [0, k). */
  below(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > 2 ** 32) throw new RangeError(`below(${k})`);
    const limit = Math.floor(2 ** 32 / k) * k;
    for (;;) {
      const x = this.next32();
      if (x < limit) return x % k;
    }
  }
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** A population as it is recorded: JSON, members as [uscc, stratum]. */
export const populationJson = (population: PopulationMember[]) => JSON.stringify(population.map((m) => [m.uscc, m.stratum]));
/** The hash that pins a recorded population: SHA-256 of its recorded JSON. */
export const populationHash = (population: PopulationMember[]) => sha256(populationJson(population));

/** The sample size a plan asks for from a population of `n`, capped at MAX_DRAW_RATIO. */
export function sampleSize(n: number, plan: { ratio?: number | null; size?: number | null }): { target: number; cap: number } {
  const cap = n < MIN_DRAW_POPULATION ? 0 : Math.floor(n * MAX_DRAW_RATIO + 1e-9);
  const wanted = plan.ratio != null ? Math.round(n * plan.ratio) : (plan.size ?? 0);
  return { target: Math.min(wanted, cap), cap };
}

/**
 * The fewest enterprises a plan can draw from, known from the plan alone: MIN_DRAW_POPULATION, five
 * for every one a `size` asks for (the 20% cap), and for a `ratio` enough that it draws at least one.
 * Reaching it is all a new plan is checked for, so its population is counted up to this and no further.
 */
export function populationNeeded(plan: { ratio?: number | null; size?: number | null }): number {
  const bySize = plan.size != null ? Math.ceil(plan.size / MAX_DRAW_RATIO - 1e-9) : 0;
  const byRatio = plan.ratio != null && plan.ratio > 0 ? Math.ceil(0.5 / plan.ratio - 1e-9) : 0;
  return Math.max(MIN_DRAW_POPULATION, bySize, byRatio);
}

function quotas(strata: Map<string, PopulationMember[]>, total: number, target: number): Map<string, number> {
  const names = [...strata.keys()].sort();
  const q = new Map<string, number>();
  let given = 0;
  const rest: { name: string; remainder: number }[] = [];
  for (const name of names) {
    const exact = (target * strata.get(name)!.length) / total;
    const floor = Math.floor(exact + 1e-9);
    q.set(name, floor);
    given += floor;
    rest.push({ name, remainder: exact - floor });
  }
  rest.sort((a, b) => b.remainder - a.remainder || (a.name < b.name ? -1 : 1));
  for (let i = 0; given < target && i < rest.length; i++, given++) q.set(rest[i]!.name, q.get(rest[i]!.name)! + 1);
  return q;
}

/** The first half of a draw: which enterprises, in drawn order, and the stream positioned for the pairs. */
export function drawEnterprises(input: Pick<DrawInput, 'seed' | 'population' | 'target'>): {
  stream: SeedStream;
  drawn: PopulationMember[];
} {
  const { population, target } = input;
  const stream = new SeedStream(input.seed);
  if (target <= 0 || !population.length) return { stream, drawn: [] };
  const strata = new Map<string, PopulationMember[]>();
  for (const m of population) (strata.get(m.stratum) ?? strata.set(m.stratum, []).get(m.stratum)!).push(m);
  const q = quotas(strata, population.length, Math.min(target, population.length));
  const drawn: PopulationMember[] = [];
  for (const name of [...strata.keys()].sort()) {
    const members = strata.get(name)!.slice();
    const k = q.get(name) ?? 0;
    for (let i = 0; i < k; i++) {
      const j = i + stream.below(members.length - i);
      [members[i], members[j]] = [members[j]!, members[i]!];
      drawn.push(members[i]!);
    }
  }
  return { stream, drawn };
}

/** The second half: a pair for each drawn enterprise, from the same stream, never the pair to avoid. */
export function drawPairs(
  stream: SeedStream,
  drawn: PopulationMember[],
  pool: string[],
  avoidFor: Record<string, string[]>,
): DrawnAssignment[] {
  if (drawn.length && pool.length < 2) throw new RangeError('an inspector pair needs a pool of at least two');
  return drawn.map((m) => {
    const avoid = avoidFor[m.uscc] ?? [];
    // a pool of two whose only pair is the one to avoid cannot rotate: the caller checks the pool first
    for (let tries = 0; ; tries++) {
      const a = stream.below(pool.length);
      let b = stream.below(pool.length - 1);
      if (b >= a) b++;
      const pair: [string, string] = [pool[Math.min(a, b)]!, pool[Math.max(a, b)]!];
      if (!(avoid.includes(pair[0]) && avoid.includes(pair[1]))) return { uscc: m.uscc, stratum: m.stratum, inspectorIds: pair };
      if (tries > 10_000) throw new RangeError(`no pair other than the last one is left for ${m.uscc}`);
    }
  });
}

export function drawSample(input: DrawInput): DrawnAssignment[] {
  const { stream, drawn } = drawEnterprises(input);
  return drawPairs(stream, drawn, input.pool, input.avoid);
}

/**
 * What a made draw commits to beyond its population, hashed into its audit event: who drew, the
 * period, the pool, the pairs to avoid, the sample size and every assignment. The audit chain
 * keeps the hash, so a draw rewritten in the database no longer matches it.
 */
export function drawRecordHash(r: {
  populationHash: string;
  agencyId: string;
  periodStart: Date;
  periodEnd: Date;
  pool: string[];
  avoid: Record<string, string[]>;
  target: number;
  assignments: { uscc: string; stratum: string; inspectorIds: string[] }[];
}): string {
  const avoid = Object.keys(r.avoid)
    .sort()
    .map((k) => [k, [...(r.avoid[k] ?? [])].sort()]);
  return sha256(
    JSON.stringify([
      r.populationHash,
      r.agencyId,
      r.periodStart.toISOString(),
      r.periodEnd.toISOString(),
      r.pool,
      avoid,
      r.target,
      r.assignments.map((a) => [a.uscc, a.stratum, [...a.inspectorIds].sort()]),
    ]),
  );
}
