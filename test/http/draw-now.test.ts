import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { addInspector, admin, auth, createAgency, createEnterprise, createKey, shanghaiAt, unique } from '../support/fixtures.js';

// POST /api/v1/draw-plans/:id/draw: a plan's committed draw made now, its seed hash published
// already. Who may, what it refuses and why (409, in words), what the trail records, and that a
// second call draws nothing.

const region = '530111';

async function setup(enterprises = 10) {
  const ag = await createAgency(region);
  const inspectors = [await addInspector(ag.id), await addInspector(ag.id), await addInspector(ag.id)];
  // an enterprise drawn (and not yet visited) is drawn by no other plan of the agency: a few to spare
  for (let i = 0; i < enterprises; i++) await createEnterprise(region, { riskClass: 'B' });
  return { ag, inspectors };
}

async function plan(agencyId: string, over: Record<string, unknown> = {}, key = admin) {
  const h = await harness();
  const res = await h
    .api()
    .post('/api/v1/draw-plans')
    .set(key)
    .send({ agencyId, name: unique('立即抽取-'), filter: {}, size: 1, periodDays: 10, ...over });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; nextDraw: { id: string; seedHash: string } };
}

const drawNow = async (id: string, key: Record<string, string>) =>
  (await harness()).api().post(`/api/v1/draw-plans/${id}/draw`).set(key).send({});

describe('draw now (POST /api/v1/draw-plans/:id/draw)', () => {
  let ag: { id: string; key: string };
  let inspectors: string[];
  before(async () => {
    ({ ag, inspectors } = await setup(20));
  });

  it('is for the admin and the supervisor of the region; others are refused, another region gets 404', async () => {
    const sup = await createKey({ role: 'supervisor', regions: ['5301'] });
    const elsewhere = await createKey({ role: 'supervisor', regions: ['4601'] });
    const enterprise = await createKey({ role: 'enterprise', uscc: await createEnterprise(region) });
    const hotline = await createKey({ role: 'hotline' });
    const p = await plan(ag.id, {}, auth(sup));
    for (const key of [ag.key, enterprise, hotline]) expect((await drawNow(p.id, auth(key))).status).to.equal(403);
    expect((await drawNow(p.id, auth(elsewhere))).status).to.equal(404);
    expect((await (await harness()).api().post(`/api/v1/draw-plans/${p.id}/draw`).send({})).status).to.equal(401);
    const nope = await drawNow('dpl_nope', admin);
    expect(nope.status).to.equal(404);
    // the plan is what is missing, not a draw
    expect(nope.body.error.message).to.equal('未找到抽查计划：dpl_nope');
    const refused = await drawNow(p.id, auth(hotline));
    // said to whoever asks, signed in by a key or with a password
    expect(refused.body.error.message).to.include('当前身份').and.not.include('密钥');
    const res = await drawNow(p.id, auth(sup));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.id).to.equal(p.nextDraw.id);
    expect(res.body.status).to.equal('drawn');
    expect(res.body.seedHash).to.equal(p.nextDraw.seedHash);
    expect(res.body.seed).to.be.a('string');
    expect(res.body.assignments).to.have.length(1);
  });

  it('records the draw on the trail as made by the caller, and draws nothing the second time (409, in words)', async () => {
    const h = await harness();
    const p = await plan(ag.id);
    const first = await drawNow(p.id, admin);
    expect(first.status).to.equal(200);
    const events = () =>
      h.runtime.store.db
        .selectFrom('audit_events')
        .select(['action', 'actor'])
        .where('entity_id', '=', p.nextDraw.id)
        .where('action', '=', 'draw.made')
        .execute();
    const made = await events();
    expect(made).to.have.length(1);
    expect(made[0]!.actor).not.to.equal('draw-job');
    const second = await drawNow(p.id, admin);
    expect(second.status).to.equal(409);
    expect(second.body.error.message).to.include('已经抽取');
    expect(await events()).to.have.length(1);
    const again = (await h.api().get(`/api/v1/draws/${p.nextDraw.id}`)).body;
    expect(again.seed).to.equal(first.body.seed);
    expect(again.assignments).to.deep.equal(first.body.assignments);
    const en = await h.api().post(`/api/v1/draw-plans/${p.id}/draw`).set(admin).set('Accept-Language', 'en').send({});
    expect(en.status).to.equal(409);
  });

  it('refuses a draw not due yet, naming its day; a repeating plan once its period is drawn', async () => {
    const tomorrow = new Date(shanghaiAt(1, 9).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const later = await plan(ag.id, { schedule: { firstDrawOn: tomorrow } });
    const res = await drawNow(later.id, admin);
    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.include(tomorrow).and.include('到期当天');
    const repeating = await plan(ag.id, { schedule: { everyDays: 30 } });
    expect((await drawNow(repeating.id, admin)).status).to.equal(200);
    const twice = await drawNow(repeating.id, admin);
    expect(twice.status).to.equal(409);
    expect(twice.body.error.message).to.include('下一次抽取定在');
  });

  it('refuses a stopped plan, a deactivated agency and a pool under three inspectors', async () => {
    const h = await harness();
    const stopped = await plan(ag.id);
    expect((await h.api().post(`/api/v1/draw-plans/${stopped.id}/stop`).set(admin).send({ reason: '暂停' })).status).to.equal(200);
    const s = await drawNow(stopped.id, admin);
    expect(s.status).to.equal(409);
    expect(s.body.error.message).to.include('停止');

    const few = await setup();
    const thin = await plan(few.ag.id);
    const revoked = await h
      .api()
      .post(`/api/v1/agencies/${few.ag.id}/inspectors/${few.inspectors[0]}/revoke`)
      .set(admin)
      .send({ reason: '调离执法岗位' });
    expect(revoked.status, JSON.stringify(revoked.body)).to.equal(200);
    const small = await drawNow(thin.id, admin);
    expect(small.status).to.equal(409);
    expect(small.body.error.message).to.include('至少需要 3 名');

    const gone = await setup();
    const p = await plan(gone.ag.id);
    expect((await h.api().patch(`/api/v1/agencies/${gone.ag.id}`).set(admin).send({ active: false })).status).to.equal(200);
    expect((await drawNow(p.id, admin)).status).to.equal(409);
    expect(inspectors).to.have.length(3);
  });
});
