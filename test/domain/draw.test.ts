import { expect } from 'chai';
import { drawSample, populationHash, sampleSize, SeedStream, type PopulationMember } from '../../src/domain/draw.js';

const members = (n: number, stratum: (i: number) => string = () => 'B'): PopulationMember[] =>
  Array.from({ length: n }, (_, i) => ({ uscc: `E${String(i).padStart(4, '0')}`, stratum: stratum(i) }));
const POOL = ['i1', 'i2', 'i3', 'i4'];

describe('the random draw (pure)', () => {
  it('is a function of its seed and inputs: the same seed gives the same draw, another seed another', () => {
    const input = { seed: 'a1b2c3', population: members(100), target: 20, pool: POOL, avoid: {} };
    expect(drawSample(input)).to.deep.equal(drawSample({ ...input, population: members(100) }));
    expect(drawSample({ ...input, seed: 'a1b2c4' })).not.to.deep.equal(drawSample(input));
  });

  it('shows no bias over many seeds: chi-square of how often each enterprise is drawn stays below the 0.1% critical value', () => {
    const population = members(40);
    const counts = new Map(population.map((m) => [m.uscc, 0]));
    const seeds = 2000;
    for (let s = 0; s < seeds; s++)
      for (const d of drawSample({ seed: `seed-${s}`, population, target: 8, pool: POOL, avoid: {} }))
        counts.set(d.uscc, counts.get(d.uscc)! + 1);
    const expected = (seeds * 8) / 40;
    const chi2 = [...counts.values()].reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
    // 39 degrees of freedom: P(chi2 > 72.05) = 0.001 for a fair draw
    expect(chi2).to.be.below(72.05);
    // and the inspector pairs: six pairs from four inspectors, each as likely
    const pairs = new Map<string, number>();
    for (let s = 0; s < seeds; s++)
      for (const d of drawSample({ seed: `pair-${s}`, population, target: 8, pool: POOL, avoid: {} }))
        pairs.set(d.inspectorIds.join('+'), (pairs.get(d.inspectorIds.join('+')) ?? 0) + 1);
    expect(pairs.size).to.equal(6);
    const e2 = (seeds * 8) / 6;
    // 5 degrees of freedom: 20.52 at 0.1%
    expect([...pairs.values()].reduce((sum, o) => sum + (o - e2) ** 2 / e2, 0)).to.be.below(20.52);
  });

  it('stratifies by risk class in proportion, largest remainders first, and never draws anyone twice', () => {
    const population = members(100, (i) => (i < 50 ? 'A' : i < 80 ? 'C' : 'D'));
    const drawn = drawSample({ seed: 'strata', population, target: 10, pool: POOL, avoid: {} });
    const by = (s: string) => drawn.filter((d) => d.stratum === s).length;
    expect([by('A'), by('C'), by('D')]).to.deep.equal([5, 3, 2]);
    expect(new Set(drawn.map((d) => d.uscc)).size).to.equal(10);
  });

  it('caps the sample at 20% of the population', () => {
    expect(sampleSize(100, { ratio: 0.5 })).to.deep.equal({ target: 20, cap: 20 });
    expect(sampleSize(12, { size: 5 })).to.deep.equal({ target: 2, cap: 2 });
    // under ten enterprises there is no random draw at all: a filter would pick them
    expect(sampleSize(9, { size: 1 })).to.deep.equal({ target: 0, cap: 0 });
    expect(sampleSize(50, { ratio: 0.2 })).to.deep.equal({ target: 10, cap: 10 });
  });

  it('never draws the pair that inspected the enterprise last (回避), even from a pool of three', () => {
    const population = members(200);
    const avoid = Object.fromEntries(population.map((m) => [m.uscc, ['i1', 'i2']]));
    const drawn = drawSample({ seed: 'rotate', population, target: 40, pool: ['i1', 'i2', 'i3'], avoid });
    expect(drawn).to.have.length(40);
    for (const d of drawn) expect(d.inspectorIds).not.to.deep.equal(['i1', 'i2']);
  });

  it('the stream is uniform below any bound (rejection sampling)', () => {
    const s = new SeedStream('bound');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[s.below(3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).to.be.below(500);
    expect(() => s.below(0)).to.throw(RangeError);
  });

  it('pins a population by its hash: one enterprise more or less, or another stratum, is another hash', () => {
    const p = members(10);
    expect(populationHash(p)).to.equal(populationHash(members(10)));
    expect(populationHash(p.slice(1))).not.to.equal(populationHash(p));
    expect(populationHash([{ ...p[0]!, stratum: 'A' }, ...p.slice(1)])).not.to.equal(populationHash(p));
  });
});
