import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { admin, auth, file, filingBody, unique, world } from '../support/fixtures.js';

// Idempotency-Key: a response is stored by the transaction that made it, so a retry gets exactly
// that response, and concurrent retries wait for the first instead of being told "in flight".

async function filingsOf(uscc: string): Promise<number> {
  const db = (await harness()).runtime.store.db;
  return Number(
    (await db.selectFrom('filings').select(db.fn.countAll<number>().as('n')).where('enterprise_uscc', '=', uscc).executeTakeFirstOrThrow())
      .n,
  );
}
const key = () => `idem-${Math.random().toString(36).slice(2)}`;

describe('Idempotency-Key', () => {
  it('the same key and body return the first response; another body is 409; one filing exists', async () => {
    const h = await harness();
    const w = await world();
    const k = key();
    const body = filingBody(w);
    const first = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k).send(body);
    expect(first.status).to.equal(201);
    const again = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k).send(body);
    expect(again.status).to.equal(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
    const other = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(w.agencyKey))
      .set('Idempotency-Key', k)
      .send({ ...body, onSiteJustification: '另一个理由' });
    expect(other.status).to.equal(409);
    expect(other.body.error.details[0].path).to.equal('Idempotency-Key');
    expect(await filingsOf(w.uscc)).to.equal(1);
  });

  it('ten concurrent retries with one key give one filing, and every one of them its response', async () => {
    const h = await harness();
    const w = await world();
    const k = key();
    const body = filingBody(w);
    const all = await Promise.all(
      Array.from({ length: 10 }, () => h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k).send(body)),
    );
    expect(all.map((r) => r.status)).to.deep.equal(Array(10).fill(201));
    expect(new Set(all.map((r) => r.body.filing.id)).size).to.equal(1);
    expect(await filingsOf(w.uscc)).to.equal(1);
  });

  it('one key sent at once with two different bodies: one is filed, the other is 409, never a 500', async () => {
    const h = await harness();
    const w = await world();
    const k = key();
    const [a, b] = await Promise.all([
      h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k).send(filingBody(w)),
      h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .set('Idempotency-Key', k)
        .send(filingBody(w, { onSiteJustification: '另一个理由' })),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
    expect(await filingsOf(w.uscc)).to.equal(1);
  });

  it('a blocked filing replays its 422 and is recorded once; a client error replays too', async () => {
    const h = await harness();
    const w = await world();
    const k = key();
    const body = filingBody(w, { itemCodes: ['NOT-PUBLISHED'] });
    const first = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k).send(body);
    expect(first.status).to.equal(422);
    const again = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k).send(body);
    expect(again.status).to.equal(422);
    expect(again.body.decision).to.deep.equal(first.body.decision);
    const db = h.runtime.store.db;
    expect(await db.selectFrom('filing_attempts').select('id').where('enterprise_uscc', '=', w.uscc).execute()).to.have.length(1);
    const k2 = key();
    const missing = filingBody(w, { inspectorIds: ['insp_nobody', w.inspectorIds[0]] });
    const notFound = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k2).send(missing);
    expect(notFound.status).to.equal(404);
    const replay = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', k2).send(missing);
    expect(replay.status).to.equal(404);
    expect(replay.headers['idempotent-replayed']).to.equal('true');
  });

  it('a lifecycle change and a registry write replay their response', async () => {
    const h = await harness();
    const w = await world();
    const filing = (await file(w)).body.filing;
    const k = key();
    const cancel = () =>
      h.api().post(`/api/v1/filings/${filing.id}/cancel`).set(auth(w.agencyKey)).set('Idempotency-Key', k).send({ reason: '计划调整' });
    const first = await cancel();
    expect(first.status).to.equal(200);
    const again = await cancel();
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(first.body);
    const code = unique('IDEM-');
    const k3 = key();
    const agency = () =>
      h
        .api()
        .post('/api/v1/agencies')
        .set(admin)
        .set('Idempotency-Key', k3)
        .send({ code, name: '幂等测试局', region: '110101', items: [] });
    const made = await agency();
    expect(made.status).to.equal(201);
    expect((await agency()).body).to.deep.equal(made.body);
  });

  it('an API key is shown once: a retry says the key exists and that it was not stored', async () => {
    const h = await harness();
    const k = key();
    const create = () =>
      h
        .api()
        .post('/api/v1/keys')
        .set(admin)
        .set('Idempotency-Key', k)
        .set('Accept-Language', 'en')
        .send({ role: 'supervisor', name: '幂等监督员' });
    const first = await create();
    expect(first.status).to.equal(201);
    const again = await create();
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.include(first.body.id).and.include('shown once');
    const stored = JSON.stringify(await h.runtime.store.db.selectFrom('idempotency_keys').select('response').execute());
    expect(stored).not.to.include(first.body.key);
  });
});
