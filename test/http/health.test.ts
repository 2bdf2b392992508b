import { expect } from 'chai';
import { harness } from '../support/harness.js';

describe('health', () => {
  it('reports ready with the database kind and the loaded rule sets', async () => {
    const h = await harness();
    const res = await h.api().get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ready', database: h.runtime.store.kind, ruleSets: 1 });
    expect((await h.api().get('/healthz')).body).to.deep.equal({ status: 'ok' });
  });
});
