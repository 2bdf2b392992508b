import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadFixtures, type Fixture } from '../../src/rules/fixtures.js';
import { loadRuleSets } from '../../src/rules/load.js';
import { runFixture } from '../../src/services/rule-fixtures.js';
import { harness } from '../support/harness.js';

// Every fixture in rules/tests runs as part of npm test, through the store: registry and history
// written, facts read back with the filing service's own query, in a transaction rolled back.
const fixtures = await loadFixtures('rules/tests');
const sets = await loadRuleSets('rules');
const run = async (fixture: Fixture) => {
  const h = await harness();
  return runFixture(h.runtime.store.db, sets, fixture, 'Asia/Shanghai', h.log);
};
const steps = (results: Awaited<ReturnType<typeof run>>) => results.map((r) => ({ step: r.step, ...r.actual }));

describe('rule fixtures (rules/tests), through the store', () => {
  for (const { path, fixture } of fixtures) {
    it(`${fixture.name} (${path})`, async () => {
      const results = await run(fixture);
      expect(steps(results)).to.deep.equal(results.map((r) => ({ step: r.step, ...r.expected })));
    });
  }

  it('a fixture that expects the wrong thing fails, naming the step', async () => {
    const doc = JSON.parse(readFileSync('rules/tests/annual-cap.json', 'utf8')) as Fixture;
    doc.steps[1]!.expect = { outcome: 'allow', findings: [] };
    const results = await run(doc);
    expect(results.filter((r) => !r.ok).map((r) => r.step)).to.deep.equal(['the third of 2026 is over the cap']);
  });

  it('leaves nothing behind in the store', async () => {
    const h = await harness();
    const db = h.runtime.store.db;
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('agencies')
            .select(db.fn.countAll<number>().as('n'))
            .where('code', 'like', 'fixture-%')
            .executeTakeFirstOrThrow()
        ).n,
      );
    await run(fixtures[0]!.fixture);
    expect(await count()).to.equal(0);
  });
});
