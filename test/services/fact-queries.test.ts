import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Principal } from '../../src/domain/principal.js';
import type { FilingCreateBody } from '../../src/domain/schemas.js';
import { createServices } from '../../src/services/index.js';
import { RuleSetRegistry } from '../../src/services/rulesets.js';
import { countQueries, harness } from '../support/harness.js';
import { filingBody, registerGround, world } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

describe('facts are gathered in a fixed number of queries', () => {
  it('a filing is begin, one locked facts call, one write, commit — however many frequency rules are active', async () => {
    const h = await harness();
    // a rule folder with the shipped sets plus 20 more frequency rules
    const dir = await tempDir('rules');
    await cp('rules/national-baseline.json', join(dir, 'national-baseline.json'));
    const base = JSON.parse(await readFile('rules/national-baseline.json', 'utf8'));
    const alert = base.rules.find((r: { id: string }) => r.id === 'frequency.alert-month');
    const extra = Array.from({ length: 20 }, (_, i) => ({
      ...alert,
      id: `frequency.extra-${i}`,
      params: { ...alert.params, days: 10 + i },
    }));
    await writeFile(join(dir, 'many.json'), JSON.stringify({ ...base, id: 'many-frequency-rules', rules: extra }));
    const rules = new RuleSetRegistry(dir, h.log);
    await rules.reload();
    const many = createServices({ ...h.runtime.services.ctx, rules });

    const w = await world();
    await registerGround(w.uscc, { reference: '12345-2026-000001' });
    const principal: Principal = { keyId: 'test', role: 'agency', name: 't', agencyId: w.agencyId, uscc: null, regions: [] };
    const few = await countQueries(() => h.runtime.services.filings.file(principal, filingBody(w) as FilingCreateBody));
    const lots = await countQueries(() =>
      many.filings.file(
        principal,
        filingBody(w, {
          type: 'case',
          reason: '投诉举报核查',
          trigger: { kind: 'complaint', reference: '12345-2026-000001' },
        }) as FilingCreateBody,
      ),
    );
    const shape = (qs: string[]) => qs.map((q) => q.trim().split(/\s+/).slice(0, 2).join(' '));
    // the batch's write, then its chain heads signed with the audit key (computed here from the hashes it returned)
    expect(shape(few)).to.deep.equal(['begin', 'select filing_facts($1::int[],', 'with d', 'insert into', 'commit']);
    expect(shape(lots)).to.deep.equal(shape(few));
    const check = await countQueries(() => many.filings.check(principal, filingBody(w) as FilingCreateBody));
    expect(check).to.have.length(1);
  });
});
