import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { admin, auth, file, fromNow, later, world } from '../support/fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// One visit, seen from both sides: the enterprise's confirmation is its own, every arrival is
// kept, and what the enterprise confirmed cannot be recorded away.
describe('one visit, seen from both sides', () => {
  const arrive = async (code: string, key: string) => (await harness()).api().post(`/api/v1/verify/${code}/arrival`).set(auth(key));
  const violationsOf = async (filingId: string) =>
    (await (await harness()).runtime.store.db.selectFrom('violations').select('kind').where('filing_id', '=', filingId).execute())
      .map((v) => v.kind)
      .sort();

  it("the agency recording its arrival never shuts out the enterprise's confirmation; both are kept and shown", async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, { plannedStart: fromNow(HOUR), plannedEnd: fromNow(5 * HOUR) })).body;
    h.clock.set(later(2 * HOUR));
    expect((await arrive(filing.verifyCode, w.agencyKey)).status).to.equal(200);
    h.clock.set(later(60_000));
    const own = await arrive(filing.verifyCode, w.enterpriseKey);
    expect(own.status).to.equal(200);
    expect(own.body).to.include({ status: 'in_progress', withinWindow: true, violationId: null });
    const got = (await h.api().get(`/api/v1/filings/${filing.id}`).set(auth(w.enterpriseKey))).body.filing;
    expect(got.arrivals.map((a: { by: string; withinWindow: boolean }) => [a.by, a.withinWindow])).to.deep.equal([
      ['agency', true],
      ['enterprise', true],
    ]);
  });

  it('a confirmation after the window raises outside_window whatever the status, a result recorded included', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, { plannedStart: fromNow(HOUR), plannedEnd: fromNow(5 * HOUR) })).body;
    h.clock.set(later(2 * HOUR));
    const done = await h
      .api()
      .post(`/api/v1/filings/${filing.id}/result`)
      .set(auth(w.agencyKey))
      .send({ conductedAt: later(0).toISOString(), outcome: 'no_issues', summary: '未发现问题' });
    expect(done.status).to.equal(200);
    h.clock.set(later(2 * DAY));
    const late = await arrive(filing.verifyCode, w.enterpriseKey);
    expect(late.status).to.equal(200);
    expect(late.body).to.include({ status: 'completed', withinWindow: false });
    expect(await violationsOf(filing.id)).to.deep.equal(['outside_window']);
  });

  it('a filing covers one visit: consecutive days are one, a confirmation after a day without one raises repeated_entry', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, { plannedStart: fromNow(HOUR), plannedEnd: fromNow(6 * DAY) })).body;
    h.clock.set(later(2 * HOUR));
    expect((await arrive(filing.verifyCode, w.enterpriseKey)).body.violationId).to.equal(null);
    h.clock.set(later(DAY));
    expect((await arrive(filing.verifyCode, w.enterpriseKey)).body.violationId).to.equal(null);
    h.clock.set(later(2 * DAY));
    const again = await arrive(filing.verifyCode, w.enterpriseKey);
    expect(again.status).to.equal(200);
    expect(again.body.violationId).to.be.a('string');
    expect(await violationsOf(filing.id)).to.deep.equal(['repeated_entry']);
  });

  it('a visit the enterprise confirmed cannot be recorded not_conducted, nor conducted before it arrived', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, { plannedStart: fromNow(HOUR), plannedEnd: fromNow(8 * HOUR) })).body;
    h.clock.set(later(3 * HOUR));
    const arrivedAt = (await arrive(filing.verifyCode, w.enterpriseKey)).body.arrivedAt as string;
    // after the window: the enterprise's confirmation stands against not_conducted
    h.clock.set(later(6 * HOUR));
    const result = (body: Record<string, unknown>) =>
      h.api().post(`/api/v1/filings/${filing.id}/result`).set(auth(w.agencyKey)).set('Accept-Language', 'en').send(body);
    const erased = await result({ conductedAt: later(0).toISOString(), outcome: 'not_conducted', summary: '未实施' });
    expect(erased.status).to.equal(409);
    expect(erased.body.error.message).to.include('confirmed');
    const early = await result({ conductedAt: new Date(Date.parse(arrivedAt) - HOUR).toISOString(), outcome: 'no_issues', summary: 's' });
    expect(early.status).to.equal(400);
    expect(early.body.error.details[0].path).to.equal('/conductedAt');
    expect(
      (await result({ conductedAt: new Date(Date.parse(arrivedAt) + HOUR).toISOString(), outcome: 'no_issues', summary: '未发现问题' }))
        .status,
    ).to.equal(200);
  });

  it('a revoked credential shows on the card at once, and a visit left with fewer than two officers is not active', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, { plannedStart: fromNow(HOUR), plannedEnd: fromNow(8 * HOUR) })).body;
    h.clock.set(later(2 * HOUR));
    const card = async () => (await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body;
    expect((await card()).activeNow).to.equal(true);
    const [first] = w.inspectorIds;
    const revoked = await h
      .api()
      .post(`/api/v1/agencies/${w.agencyId}/inspectors/${first}/revoke`)
      .set(admin)
      .send({ reason: '调离执法岗位' });
    expect(revoked.status).to.equal(200);
    const after = await card();
    expect(after.filing.inspectors.map((i: { revoked: boolean }) => i.revoked)).to.deep.equal([true, false]);
    expect(after.activeNow).to.equal(false);
    expect(after.valid).to.equal(true);
    const page = await h.api().get(`/v/${filing.verifyCode}`);
    expect(page.text).to.include('执法证已注销');
  });
});
