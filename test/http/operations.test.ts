import { expect } from 'chai';
import { addDays, localDate } from '../../src/domain/calendar.js';
import { harness } from '../support/harness.js';
import { addInspector, admin, auth, createAgency, createEnterprise, createKey, file, unique, world } from '../support/fixtures.js';

const ruleIds = (body: { decision?: { findings: { ruleId: string }[] } }) => (body.decision?.findings ?? []).map((f) => f.ruleId);

describe('everyday operations: agencies, inspectors, enterprises', () => {
  it('a deactivated agency files nothing (agency.registered) until it is active again; both changes are audited', async () => {
    const h = await harness();
    const w = await world();
    const off = await h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(admin).send({ active: false });
    expect(off.status).to.equal(200);
    expect(off.body.active).to.equal(false);
    const blocked = await file(w);
    expect(blocked.status).to.equal(422);
    expect(ruleIds(blocked.body)).to.include('agency.registered');
    expect((await h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(admin).send({ active: true })).body.active).to.equal(true);
    expect((await file(w)).status).to.equal(201);
    expect((await h.api().patch('/api/v1/agencies/ag_nope').set(admin).send({ active: false })).status).to.equal(404);
    expect((await h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(admin).send({ active: 'no' })).status).to.equal(400);
    const events = await h.runtime.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', w.agencyId)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).to.include.members(['agency.deactivated', 'agency.activated']);
  });

  it('publishes an item list anew: left-out items withdrawn yet named by filings citing them; cited items kept', async () => {
    const h = await harness();
    const w = await world();
    const item = (code: string, basis = '依据') => ({ code, name: `事项 ${code}`, basis });
    const patch = (body: Record<string, unknown>) => h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(admin).send(body);
    const fileAt = async (itemCodes: string[]) => file(w, { itemCodes, enterpriseUscc: await createEnterprise() });
    const before = await fileAt(['SAFE-01']);
    expect(before.status).to.equal(201);

    // SAFE-02 left out, FIRE-01 (never cited) gets a new basis, NEW-01 is new
    const changed = await patch({ items: [item('SAFE-01'), item('FIRE-01', '《消防法》第五十三条'), item('NEW-01')] });
    expect(changed.status).to.equal(200);
    expect(changed.body.items.map((i: { code: string }) => i.code)).to.deep.equal(['FIRE-01', 'NEW-01', 'SAFE-01']);
    expect(changed.body.items.find((i: { code: string }) => i.code === 'FIRE-01').basis).to.equal('《消防法》第五十三条');
    const withdrawn = await fileAt(['SAFE-02']);
    expect(withdrawn.status).to.equal(422);
    expect(ruleIds(withdrawn.body)).to.include('items.published');
    expect((await fileAt(['NEW-01'])).status).to.equal(201);

    // withdrawing a cited item: no new filing may cite it, the old one still names it
    expect((await patch({ items: [item('FIRE-01', '《消防法》第五十三条'), item('NEW-01')] })).status).to.equal(200);
    expect(ruleIds((await fileAt(['SAFE-01'])).body)).to.include('items.published');
    const page = await h.api().get(`/api/v1/verify/${before.body.filing.verifyCode}`);
    expect(page.body.filing.items).to.deep.include({
      code: 'SAFE-01',
      name: '事项 SAFE-01',
      basis: '依据',
      agency: page.body.filing.agency.name,
    });

    // rewriting what a filing cites is refused, in the caller's language, and changes nothing
    const rewrite = await patch({ items: [item('NEW-01'), item('SAFE-01', '另一个依据')] }).set('Accept-Language', 'zh-CN');
    expect(rewrite.status).to.equal(409);
    expect(rewrite.body.error.details).to.deep.equal([
      { path: '/items/1', message: '检查事项清单（第 2 项）：检查事项“SAFE-01”已被备案引用，其名称和依据不能改写' },
    ]);
    const now = await h.api().get(`/api/v1/agencies/${w.agencyId}`).set(admin);
    expect(now.body.items.map((i: { code: string }) => i.code)).to.deep.equal(['FIRE-01', 'NEW-01']);

    // published again as it was, it is back in force
    expect((await patch({ items: [item('NEW-01'), item('SAFE-01')] })).status).to.equal(200);
    expect((await fileAt(['SAFE-01'])).status).to.equal(201);

    expect((await patch({ items: [item('A'), item('A')] })).body.error.details[0].path).to.equal('/items/1/code');
    expect((await patch({})).status).to.equal(400);
    expect((await h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(auth(w.agencyKey)).send({ items: [] })).status).to.equal(403);
    const events = await h.runtime.store.db
      .selectFrom('audit_events')
      .select(['action', 'payload'])
      .where('entity_id', '=', w.agencyId)
      .where('action', '=', 'agency.items_changed')
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.payload)).to.deep.equal([
      { published: ['NEW-01'], revised: ['FIRE-01'], withdrawn: ['SAFE-02'] },
      { published: [], revised: [], withdrawn: ['SAFE-01'] },
      { published: ['SAFE-01'], revised: [], withdrawn: ['FIRE-01'] },
    ]);
  });

  it('a revoked credential is refused from today on; the register (admin) revokes it, no agency', async () => {
    const h = await harness();
    const w = await world();
    const [first] = w.inspectorIds;
    const other = await createAgency();
    for (const key of [other.key, w.agencyKey]) {
      const refused = await h
        .api()
        .post(`/api/v1/agencies/${w.agencyId}/inspectors/${first}/revoke`)
        .set(auth(key))
        .send({ reason: '调离执法岗位' });
      expect(refused.status).to.equal(403);
    }
    expect(
      (await h.api().post(`/api/v1/agencies/${other.id}/inspectors/${first}/revoke`).set(admin).send({ reason: '调离执法岗位' })).status,
    ).to.equal(404);
    const res = await h.api().post(`/api/v1/agencies/${w.agencyId}/inspectors/${first}/revoke`).set(admin).send({ reason: '调离执法岗位' });
    expect(res.status).to.equal(200);
    expect(res.body.revokedAt).to.be.a('string');
    expect(res.body.validUntil).to.equal(addDays(localDate(h.clock.now(), 'Asia/Shanghai'), -1));
    const blocked = await file(w);
    expect(blocked.status).to.equal(422);
    expect(ruleIds(blocked.body)).to.include('inspectors.min-certified');
    // with a new officer the agency files again
    const fresh = await addInspector(w.agencyId);
    expect((await file(w, { inspectorIds: [w.inspectorIds[1], fresh] })).status).to.equal(201);
  });

  it('searches enterprises by name, code, region, risk class and no-disturb; a supervisor sees its regions only', async () => {
    const h = await harness();
    const quiet = await createEnterprise('320581', { name: '常熟%特别_纺织有限公司', riskClass: 'B', noDisturb: true });
    await createEnterprise('320581', { name: '常熟普通纺织有限公司', riskClass: 'C' });
    const byName = await h
      .api()
      .get(`/api/v1/enterprises?q=${encodeURIComponent('%特别_')}`)
      .set(admin);
    expect(byName.status).to.equal(200);
    expect(byName.body.items.map((e: { uscc: string }) => e.uscc)).to.deep.equal([quiet]);
    const byCode = await h
      .api()
      .get(`/api/v1/enterprises?q=${quiet.slice(0, 12).toLowerCase()}`)
      .set(admin);
    expect(byCode.body.items.map((e: { uscc: string }) => e.uscc)).to.include(quiet);
    const filtered = await h.api().get('/api/v1/enterprises?region=320581&riskClass=B&noDisturb=true').set(admin);
    expect(filtered.body.items.map((e: { uscc: string }) => e.uscc)).to.deep.equal([quiet]);
    const elsewhere = await h
      .api()
      .get('/api/v1/enterprises?region=3205')
      .set(auth(await createKey({ role: 'supervisor', regions: ['1101'] })));
    expect(elsewhere.body.items).to.deep.equal([]);
    const page1 = await h.api().get('/api/v1/enterprises?region=3205&limit=1').set(admin);
    const page2 = await h
      .api()
      .get(`/api/v1/enterprises?region=3205&limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`)
      .set(admin);
    expect(page2.body.items[0].uscc > page1.body.items[0].uscc).to.equal(true);
  });

  it('an enterprise put on the no-disturb list is treated so by the next decision; the change is audited', async () => {
    const h = await harness();
    const w = await world();
    expect(ruleIds((await file(w)).body)).not.to.include('enterprise.no-disturb');
    const res = await h.api().patch(`/api/v1/enterprises/${w.uscc}`).set(admin).send({ noDisturb: true, riskClass: 'A' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ noDisturb: true, riskClass: 'A' });
    const next = await file(w);
    expect(next.status).to.equal(422);
    expect(ruleIds(next.body)).to.include('enterprise.no-disturb');
    expect((await h.api().patch(`/api/v1/enterprises/${w.uscc}`).set(admin).send({})).status).to.equal(400);
    expect((await h.api().patch(`/api/v1/enterprises/${w.uscc}`).set(admin).send({ region: '12' })).status).to.equal(400);
    const event = await h.runtime.store.db
      .selectFrom('audit_events')
      .select(['action', 'payload'])
      .where('entity_id', '=', w.uscc)
      .where('action', '=', 'enterprise.updated')
      .executeTakeFirstOrThrow();
    expect(event.payload).to.deep.include({ noDisturb: { from: false, to: true }, riskClass: { from: 'D', to: 'A' } });
  });

  it('the request id reaches every log line written while the request is handled, services included', async () => {
    const h = await harness();
    const reqId = unique('als-');
    const res = await h.api().post('/api/v1/rulesets/reload').set(admin).set('X-Request-Id', reqId);
    expect(res.status).to.equal(200);
    const lines = h.logs.lines.map((l) => JSON.parse(l) as { msg: string; reqId?: string }).filter((l) => l.reqId === reqId);
    expect(lines.map((l) => l.msg)).to.include.members(['rule sets loaded', 'request completed']);
  });

  it('a date that is not one is refused with an example of the expected form, in the caller’s language', async () => {
    const h = await harness();
    const w = await world();
    const zh = await file(w, { plannedStart: '2026-13-01 09:00' });
    expect(zh.status).to.equal(400);
    expect(zh.body.error.details.find((d: { path: string }) => d.path === '/plannedStart').message).to.include(
      '例如 2026-12-01T09:00:00+08:00',
    );
    const en = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .set('Accept-Language', 'en')
      .send({ role: 'supervisor', name: 'n', expiresAt: 'tomorrow' });
    expect(en.body.error.details[0].message).to.include('for example 2026-12-01T09:00:00+08:00');
  });
});
