import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadFixtures, runFixture, type Fixture } from '../../src/rules/fixtures.js';
import { loadRuleSets } from '../../src/rules/load.js';

// Every fixture in rules/tests runs as part of npm test, one test per step.
const fixtures = await loadFixtures('rules/tests');
const sets = await loadRuleSets('rules');

describe('rule fixtures (rules/tests)', () => {
  for (const { path, fixture } of fixtures) {
    describe(`${fixture.name} (${path})`, () => {
      for (const r of runFixture(sets, fixture, 'Asia/Shanghai')) {
        it(r.step, () => expect(r.actual).to.deep.equal(r.expected));
      }
    });
  }

  it('a fixture that expects the wrong thing fails, naming the step', () => {
    const doc = JSON.parse(readFileSync('rules/tests/annual-cap.json', 'utf8')) as Fixture;
    doc.steps[1]!.expect = { outcome: 'allow', findings: [] };
    const results = runFixture(sets, doc, 'Asia/Shanghai');
    expect(results.filter((r) => !r.ok).map((r) => r.step)).to.deep.equal(['the third of 2026 is over the cap']);
  });
});
