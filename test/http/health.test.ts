import { readdir } from 'node:fs/promises';
import { expect } from 'chai';
import { harness } from '../support/harness.js';

describe('health', () => {
  it('reports ready with the database kind and the loaded rule sets', async () => {
    const h = await harness();
    const res = await h.api().get('/readyz');
    expect(res.status).to.equal(200);
    const shipped = (await readdir('rules')).filter((f) => f.endsWith('.json')).length;
    expect(res.body).to.deep.equal({ status: 'ready', database: h.runtime.store.kind, ruleSets: shipped, writes: true });
    expect((await h.api().get('/healthz')).body).to.deep.equal({ status: 'ok' });
  });
});
