import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { addInspector, admin, auth, createAgency, createEnterprise, createKey, randomUscc, unique } from '../support/fixtures.js';

describe('registry API', () => {
  it('registers an agency with its published items and returns it with an opaque id', async () => {
    const h = await harness();
    const res = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send({
        code: unique('SCJG-'),
        name: '西丰县市场监督管理局',
        region: '211223',
        items: [{ code: 'FOOD-01', name: '食品经营许可检查', basis: '《食品安全法》' }],
      });
    expect(res.status).to.equal(201);
    expect(res.body.id).to.match(/^ag_[A-Za-z0-9_-]{16}$/);
    expect(res.body).to.include({ name: '西丰县市场监督管理局', region: '211223', active: true });
    expect(res.body.items).to.deep.equal([{ code: 'FOOD-01', name: '食品经营许可检查', basis: '《食品安全法》' }]);
    expect(res.body.inspectors).to.deep.equal([]);
    const got = await h.api().get(`/api/v1/agencies/${res.body.id}`).set(admin);
    expect(got.body).to.deep.equal(res.body);
  });

  it('refuses a second agency with the same code (409) and duplicate item codes (400)', async () => {
    const h = await harness();
    const body = { code: unique('DUP-'), name: 'A', region: '110101', items: [] };
    expect((await h.api().post('/api/v1/agencies').set(admin).send(body)).status).to.equal(201);
    const again = await h.api().post('/api/v1/agencies').set(admin).send(body);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('conflict');
    const dupItems = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send({
        ...body,
        code: unique('DUPI-'),
        items: [
          { code: 'X', name: 'x', basis: 'b' },
          { code: 'X', name: 'y', basis: 'b' },
        ],
      });
    expect(dupItems.status).to.equal(400);
    expect(dupItems.body.error.details[0].path).to.equal('/items/1/code');
  });

  it("the credential register is the county's: an agency certifies nobody, not even for itself; credentials come back masked", async () => {
    const h = await harness();
    const a = await createAgency();
    const b = await createAgency();
    const body = { name: '张三', credentialNo: 'LN11010100001234', validUntil: '2030-12-31' };
    for (const target of [a.id, b.id]) {
      const self = await h.api().post(`/api/v1/agencies/${target}/inspectors`).set(auth(a.key)).set('Accept-Language', 'en').send(body);
      expect(self.status, target).to.equal(403);
      expect(self.body.error.code).to.equal('forbidden');
    }
    expect((await h.api().get(`/api/v1/agencies/${a.id}`).set(admin)).body.inspectors).to.deep.equal([]);
    const own = await h.api().post(`/api/v1/agencies/${a.id}/inspectors`).set(admin).send(body);
    expect(own.status).to.equal(201);
    expect(own.body.credentialNo).to.equal('LN1**********234');
    // nor does it end one: a revoked credential is the register's decision too
    const revoke = await h
      .api()
      .post(`/api/v1/agencies/${a.id}/inspectors/${own.body.id}/revoke`)
      .set(auth(a.key))
      .send({ reason: '调离' });
    expect(revoke.status).to.equal(403);
    const dup = await h
      .api()
      .post(`/api/v1/agencies/${a.id}/inspectors`)
      .set(admin)
      .send({ ...body, validUntil: '2031-12-31' });
    expect(dup.status).to.equal(409);
  });

  it('registers an enterprise and names the expected USCC check character on a typo', async () => {
    const h = await harness();
    const uscc = randomUscc();
    const wrong = uscc.slice(0, 17) + (uscc[17] === 'A' ? 'B' : 'A');
    const bad = await h
      .api()
      .post('/api/v1/enterprises')
      .set(admin)
      .set('Accept-Language', 'en')
      .send({ uscc: wrong, name: 'X', region: '110101' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('uscc_invalid');
    expect(bad.body.error.message).to.equal(
      `The Unified Social Credit Code check character is wrong: position 18 should be "${uscc[17]}", not "${wrong[17]}"`,
    );
    const zh = await h.api().post('/api/v1/enterprises').set(admin).send({ uscc: wrong, name: 'X', region: '110101' });
    expect(zh.body.error.message).to.include(`第 18 位应为“${uscc[17]}”`);

    const ok = await h
      .api()
      .post('/api/v1/enterprises')
      .set(admin)
      .send({ uscc: uscc.toLowerCase(), name: '西丰县某某农业有限公司', region: '211223', riskClass: 'B' });
    expect(ok.status).to.equal(201);
    expect(ok.body).to.include({ uscc, riskClass: 'B', noDisturb: false, industry: null });
    expect((await h.api().post('/api/v1/enterprises').set(admin).send({ uscc, name: 'again', region: '211223' })).status).to.equal(409);
  });

  it('creates keys per role, shows each once, and refuses scope fields that do not fit the role', async () => {
    const h = await harness();
    const agency = await createAgency();
    const res = await h.api().post('/api/v1/keys').set(admin).send({ role: 'agency', name: 'desk', agencyId: agency.id });
    expect(res.status).to.equal(201);
    expect(res.body.key).to.match(/^ifk_[A-Za-z0-9_-]{32}$/);
    const stored = await h.runtime.store.db.selectFrom('api_keys').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.to.include(res.body.key);
    expect((await h.api().get('/api/v1/agencies').set(auth(res.body.key))).status).to.equal(200);

    const missing = await h.api().post('/api/v1/keys').set(admin).send({ role: 'agency', name: 'x' });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details[0].path).to.equal('/agencyId');
    const extra = await h.api().post('/api/v1/keys').set(admin).send({ role: 'supervisor', name: 'x', uscc: randomUscc() });
    expect(extra.status).to.equal(400);
    const unknownAgency = await h.api().post('/api/v1/keys').set(admin).send({ role: 'agency', name: 'x', agencyId: 'ag_nope' });
    expect(unknownAgency.status).to.equal(404);
    const unknownEnterprise = await h.api().post('/api/v1/keys').set(admin).send({ role: 'enterprise', name: 'x', uscc: randomUscc() });
    expect(unknownEnterprise.status).to.equal(404);
    expect(await createKey({ role: 'supervisor', regions: ['2112'] })).to.match(/^ifk_/);
  });

  it('pages through agencies with a cursor', async () => {
    const h = await harness();
    for (let i = 0; i < 3; i++) await createAgency();
    const first = await h.api().get('/api/v1/agencies?limit=2').set(admin);
    expect(first.status).to.equal(200);
    expect(first.body.items).to.have.length(2);
    expect(first.body.nextCursor).to.be.a('string');
    const second = await h.api().get(`/api/v1/agencies?limit=2&cursor=${first.body.nextCursor}`).set(admin);
    expect(second.body.items[0].id > first.body.items[1].id).to.equal(true);
    const bad = await h.api().get('/api/v1/agencies?cursor=garbage').set(admin);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal('/cursor');
  });

  it('an enterprise reads itself, not others; a supervisor only in its regions', async () => {
    const h = await harness();
    const mine = await createEnterprise('110101');
    const other = await createEnterprise('330102');
    const key = await createKey({ role: 'enterprise', uscc: mine });
    expect((await h.api().get(`/api/v1/enterprises/${mine}`).set(auth(key))).status).to.equal(200);
    expect((await h.api().get(`/api/v1/enterprises/${other}`).set(auth(key))).status).to.equal(403);
    const sup = await createKey({ role: 'supervisor', regions: ['1101'] });
    expect((await h.api().get(`/api/v1/enterprises/${mine}`).set(auth(sup))).status).to.equal(200);
    expect((await h.api().get(`/api/v1/enterprises/${other}`).set(auth(sup))).status).to.equal(404);
    await addInspector((await createAgency()).id);
  });
});
