import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createServices } from '../../src/services/index.js';
import { RuleSetRegistry } from '../../src/services/rulesets.js';
import { harness } from '../support/harness.js';
import { admin, auth, createEnterprise, filingBody, world } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

/** An app over the shared database whose rule sets come from a folder this test controls. */
async function appWithRules(dir: string) {
  const h = await harness();
  const rules = new RuleSetRegistry(dir, h.log);
  await rules.reload();
  const services = createServices({ ...h.runtime.services.ctx, rules });
  return supertest(createApp({ services, log: h.log, bodyLimit: 65536, verifyRateLimit: 1000, version: 'test' }));
}

describe('rule sets: listing and reload', () => {
  it('lists the active sets with version and content hash', async () => {
    const h = await harness();
    const res = await h.api().get('/api/v1/rulesets').set(admin);
    expect(res.status).to.equal(200);
    const shipped = JSON.parse(await readFile('rules/national-baseline.json', 'utf8')).version as string;
    expect(res.body.items[0]).to.include({ id: 'national-baseline', version: shipped, jurisdiction: '', enabled: true, template: false });
    // the seven not-allowed ship as a template for Xifeng County, and say so
    expect(res.body.items.find((s: { id: string }) => s.id === 'seven-not-allowed')).to.include({ jurisdiction: '211223', template: true });
    expect(res.body.items[0].sha256).to.match(/^[0-9a-f]{64}$/);
    expect(res.body.items[0].rules.map((r: { id: string }) => r.id)).to.include('inspectors.min-certified');
  });

  it('a bad file refuses the reload with path and pointer, and the active sets stay in force', async () => {
    const dir = await tempDir('rules');
    await cp('rules/national-baseline.json', join(dir, 'national-baseline.json'));
    const api = await appWithRules(dir);
    const doc = JSON.parse(await readFile(join(dir, 'national-baseline.json'), 'utf8'));
    const shipped = doc.version as string;
    doc.version = '9.9.9';
    doc.rules[1].params.min = 'two';
    await writeFile(join(dir, 'national-baseline.json'), JSON.stringify(doc));
    const res = await api.post('/api/v1/rulesets/reload').set(admin).set('Accept-Language', 'en');
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.include('nothing was reloaded');
    expect(res.body.error.details[0].path).to.equal(`${join(dir, 'national-baseline.json')}#/rules/1/params/min`);
    expect((await api.get('/api/v1/rulesets').set(admin)).body.items[0].version).to.equal(shipped);

    // a filing made under the shipped version keeps its decision after the rules change
    const before = await world();
    const made = await api.post('/api/v1/filings').set(auth(before.agencyKey)).send(filingBody(before));
    expect(made.status).to.equal(201);

    doc.rules[1].params.min = 3;
    await writeFile(join(dir, 'national-baseline.json'), JSON.stringify(doc));
    const ok = await api.post('/api/v1/rulesets/reload').set(admin);
    expect(ok.status).to.equal(200);
    expect(ok.body.items[0].version).to.equal('9.9.9');
    // the new parameter applies at once: two inspectors are no longer enough
    const w = await world();
    const blocked = await api.post('/api/v1/filings/check').set(auth(w.agencyKey)).send(filingBody(w));
    expect(blocked.body.decision.outcome).to.equal('block');
    expect(blocked.body.decision.ruleSets[0].version).to.equal('9.9.9');
    const kept = await api.get(`/api/v1/filings/${made.body.filing.id}`).set(admin);
    expect(kept.body.decision).to.deep.equal(made.body.decision);
    expect(kept.body.decision.ruleSets[0]).to.include({ version: shipped });
  });

  it('a reload from a folder with no rule set is refused and the active sets stay', async () => {
    const dir = await tempDir('rules');
    await cp('rules/national-baseline.json', join(dir, 'national-baseline.json'));
    const api = await appWithRules(dir);
    await rm(join(dir, 'national-baseline.json'));
    const res = await api.post('/api/v1/rulesets/reload').set(admin);
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].message).to.include('no rule set');
    expect((await api.get('/api/v1/rulesets').set(admin)).body.items).to.have.length(1);
  });

  it('a filing no rule set applies to is refused with 503 and nothing is filed', async () => {
    const dir = await tempDir('rules');
    const doc = JSON.parse(await readFile('rules/national-baseline.json', 'utf8'));
    await writeFile(join(dir, 'local.json'), JSON.stringify({ ...doc, id: 'tieling-only', jurisdiction: '1101' }));
    const api = await appWithRules(dir);
    const w = await world('110101');
    const elsewhere = await createEnterprise('330102');
    const h = await harness();
    const before = await h.runtime.store.db
      .selectFrom('filings')
      .select(h.runtime.store.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await api
      .post('/api/v1/filings')
      .set(auth(w.agencyKey))
      .send(filingBody({ ...w, uscc: elsewhere }));
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('unavailable');
    const after = await h.runtime.store.db
      .selectFrom('filings')
      .select(h.runtime.store.db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).to.equal(Number(before.n));
    expect(h.logs.text()).to.include('no rule set applies');
    expect((await api.post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w))).status).to.equal(201);
  });
});
