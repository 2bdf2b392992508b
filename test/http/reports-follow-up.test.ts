import type { ReportRatesView } from '../../src/domain/schemas.js';
import { expect } from 'chai';
import { digestText } from '../../src/notify/digest-render.js';
import { admin, auth, createAgency, createEnterprise, createKey, world } from '../support/fixtures.js';
import { harness } from '../support/harness.js';

// An enterprise follows what it reported (我的反映): where each report stands, the supervisors'
// reply, and its satisfaction with the handling; the scorecard and the digest count, per period,
// the feedback rate (反馈率), the completion rate (办结率) and the satisfaction rate (满意率).

interface FollowUp {
  id: string;
  status: string;
  reply: { note: string; at: string; status: string } | null;
  acknowledgedAt: string | null;
  closedAt: string | null;
  canRate: boolean;
  satisfaction: { rating: number; comment: string | null; givenAt: string } | null;
}
type Rates = ReportRatesView;

async function report(key: string, agencyId: string, description = '执法人员未出示备案码入企检查') {
  const h = await harness();
  const res = await h
    .api()
    .post('/api/v1/reports')
    .set(auth(key))
    .send({
      kind: 'unfiled_inspection',
      occurredAt: new Date(h.clock.now().getTime() - 3_600_000).toISOString(),
      agencyId,
      description,
    });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.violationId as string;
}

async function work(sup: string, id: string, status: 'acknowledged' | 'resolved' | 'dismissed', note: string) {
  const h = await harness();
  const res = await h.api().patch(`/api/v1/violations/${id}`).set(auth(sup)).send({ status, note });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
}

async function mine(key: string, query = ''): Promise<{ items: FollowUp[]; nextCursor: string | null }> {
  const h = await harness();
  const res = await h.api().get(`/api/v1/reports${query}`).set(auth(key));
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body;
}

describe('an enterprise follows its reports (我的反映)', () => {
  it('when an enterprise lists its reports, then it sees its own only, with status, latest reply, acknowledged and closed', async () => {
    const h = await harness();
    h.clock.set('2026-08-03T10:00:00+08:00');
    const w = await world('450132');
    const other = await world('450132');
    const sup = await createKey({ role: 'supervisor', regions: ['4501'] });
    const first = await report(w.enterpriseKey, w.agencyId);
    h.clock.set('2026-08-03T10:05:00+08:00');
    const second = await report(w.enterpriseKey, other.agencyId, '另一执法主体未备案入企');
    const theirs = await report(other.enterpriseKey, w.agencyId);
    h.clock.set('2026-08-03T11:00:00+08:00');
    await work(sup, first, 'acknowledged', '已受理，正在核查');
    h.clock.set('2026-08-04T15:00:00+08:00');
    await work(sup, first, 'resolved', '经核查属实，已责令该执法主体整改');

    const list = await mine(w.enterpriseKey);
    expect(list.items.map((r) => r.id)).to.deep.equal([second, first]);
    expect(list.items.map((r) => r.id)).not.to.include(theirs);
    const done = list.items[1]!;
    expect(done.status).to.equal('resolved');
    expect(done.reply).to.deep.equal({ note: '经核查属实，已责令该执法主体整改', at: '2026-08-04T07:00:00.000Z', status: 'resolved' });
    expect(done.acknowledgedAt).to.equal('2026-08-03T03:00:00.000Z');
    expect(done.closedAt).to.equal('2026-08-04T07:00:00.000Z');
    expect(done).to.deep.include({ canRate: true, satisfaction: null });
    const waiting = list.items[0]!;
    expect(waiting).to.deep.include({ status: 'open', reply: null, acknowledgedAt: null, closedAt: null, canRate: false });

    // paginated like every list; filtered by status
    const page1 = await mine(w.enterpriseKey, '?limit=1');
    expect(page1.items.map((r) => r.id)).to.deep.equal([second]);
    const page2 = await mine(w.enterpriseKey, `?limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2.items.map((r) => r.id)).to.deep.equal([first]);
    expect(page2.nextCursor).to.equal(null);
    expect((await mine(w.enterpriseKey, '?status=resolved')).items.map((r) => r.id)).to.deep.equal([first]);
    expect((await mine(other.enterpriseKey)).items.map((r) => r.id)).to.deep.equal([theirs]);
  });

  it('when anyone but an enterprise asks for the reports, then it is refused (403), and a key-less call 401', async () => {
    const h = await harness();
    const w = await world('450132');
    const sup = await createKey({ role: 'supervisor', regions: ['4501'] });
    const hotline = await createKey({ role: 'hotline' });
    for (const key of [w.agencyKey, sup, hotline]) expect((await h.api().get('/api/v1/reports').set(auth(key))).status).to.equal(403);
    expect((await h.api().get('/api/v1/reports').set(admin)).status).to.equal(403);
    expect((await h.api().get('/api/v1/reports')).status).to.equal(401);
  });

  it('when the enterprise rates the handling, then only its own closed report, once, and the rating is audited', async () => {
    const h = await harness();
    h.clock.set('2026-08-03T10:00:00+08:00');
    const w = await world('450132');
    const other = await world('450132');
    const sup = await createKey({ role: 'supervisor', regions: ['4501'] });
    const id = await report(w.enterpriseKey, w.agencyId);
    const rate = (key: string, body: Record<string, unknown>, rid = id) =>
      h.api().post(`/api/v1/reports/${rid}/satisfaction`).set(auth(key)).send(body);

    // open, then acknowledged: the handling is not over, there is nothing to rate yet
    const early = await rate(w.enterpriseKey, { rating: 4 });
    expect(early.status).to.equal(409);
    expect(early.body.error.message).to.include('办结后才能评价');
    await work(sup, id, 'acknowledged', '已受理');
    expect((await rate(w.enterpriseKey, { rating: 4 })).status).to.equal(409);
    await work(sup, id, 'resolved', '经核查属实，已责令整改');

    // another enterprise's report is not there for it; other roles may not rate
    expect((await rate(other.enterpriseKey, { rating: 1 })).status).to.equal(404);
    expect((await rate(w.enterpriseKey, { rating: 4 }, 'vio_nosuchreport')).status).to.equal(404);
    for (const key of [w.agencyKey, sup]) expect((await rate(key, { rating: 1 })).status).to.equal(403);
    expect((await h.api().post(`/api/v1/reports/${id}/satisfaction`).set(admin).send({ rating: 1 })).status).to.equal(403);

    // a hostile rating is refused with a message naming what is allowed
    const bad = await h
      .api()
      .post(`/api/v1/reports/${id}/satisfaction`)
      .set(auth(w.enterpriseKey))
      .set('Accept-Language', 'zh-CN')
      .send({ rating: 6 });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].message).to.match(/5/);
    expect((await rate(w.enterpriseKey, { rating: 4, extra: 1 })).status).to.equal(400);

    h.clock.set('2026-08-05T09:00:00+08:00');
    const ok = await rate(w.enterpriseKey, { rating: 4, comment: '处理及时' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body).to.deep.include({ id, canRate: false });
    expect(ok.body.satisfaction).to.deep.equal({ rating: 4, comment: '处理及时', givenAt: '2026-08-05T01:00:00.000Z' });
    const again = await rate(w.enterpriseKey, { rating: 5 });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.include('只能评价一次');
    expect((await mine(w.enterpriseKey)).items[0]!.satisfaction?.rating).to.equal(4);

    // the supervisors see the rating on the violation
    const seen = await h.api().get(`/api/v1/violations/${id}`).set(auth(sup));
    expect(seen.body.satisfaction).to.deep.equal({ rating: 4, comment: '处理及时', givenAt: '2026-08-05T01:00:00.000Z' });

    const db = h.runtime.store.db;
    const events = await db.selectFrom('audit_events').select(['action', 'actor']).where('entity_id', '=', id).execute();
    expect(events.filter((e) => e.action === 'report.rated')).to.have.length(1);

    // a dismissed report's handling is rated the same way
    const other2 = await report(other.enterpriseKey, w.agencyId);
    await work(sup, other2, 'dismissed', '经核查，该次检查已备案，不予认定');
    expect((await rate(other.enterpriseKey, { rating: 2 }, other2)).status).to.equal(201);
  });
});

describe('反馈率, 办结率, 满意率 per period', () => {
  it('when reports were answered in time, late, never or not yet due, then scorecard and digest rate them; 0/0 is no value', async () => {
    const h = await harness();
    const region = '450131';
    h.clock.set('2026-08-03T10:00:00+08:00'); // a Monday
    const a = await world(region);
    const b = await createAgency(region);
    const quiet = await createAgency(region);
    const sup = await createKey({ role: 'supervisor', regions: [region] });
    const enterprises = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map(async () => createKey({ role: 'enterprise', uscc: await createEnterprise(region) })),
    );
    const [e1, e2, e3, e4, e5, e6, e7] = enterprises as [string, string, string, string, string, string, string];
    const r1 = await report(e1, a.agencyId); // answered in time, resolved, rated 5
    const r2 = await report(e2, a.agencyId); // answered late, dismissed, rated 2
    const r3 = await report(e3, a.agencyId); // never answered: due by now, late
    const r4 = await report(e4, a.agencyId); // resolved the same day, rated 4
    h.clock.set('2026-08-03T11:00:00+08:00');
    await work(sup, r1, 'acknowledged', '已受理');
    await work(sup, r4, 'resolved', '当日查实');
    h.clock.set('2026-08-04T16:00:00+08:00');
    await work(sup, r1, 'resolved', '查实处理');
    // the first answer was due by the end of Wednesday (two working days after Monday)
    h.clock.set('2026-08-06T09:00:00+08:00');
    await work(sup, r2, 'dismissed', '不予认定');
    h.clock.set('2026-08-06T15:00:00+08:00');
    // received Thursday: due by the end of Monday 10 August, so not due yet on Friday
    const r5 = await report(e5, a.agencyId);
    h.clock.set('2026-08-07T10:00:00+08:00');
    // about B, received on Friday: due by the end of Tuesday 11 August, so not due yet
    const rb = await report(e6, b.id);
    const rbToo = await report(e7, b.id);
    for (const [key, id, rating] of [
      [e1, r1, 5],
      [e2, r2, 2],
      [e4, r4, 4],
    ] as const)
      expect((await h.api().post(`/api/v1/reports/${id}/satisfaction`).set(auth(key)).send({ rating })).status).to.equal(201);
    expect([r3, r5, rb, rbToo]).to.have.length(4);

    const expectedA: Rates = {
      received: 5,
      dueFeedback: 4,
      fedBack: 2,
      closed: 3,
      rated: 3,
      satisfied: 2,
      feedbackRate: 0.5,
      completionRate: 0.6,
      satisfactionRate: 0.667,
    };
    // B: two reports, neither due nor answered nor rated: no feedback or satisfaction rate, 0% completed
    const expectedB: Rates = {
      received: 2,
      dueFeedback: 0,
      fedBack: 0,
      closed: 0,
      rated: 0,
      satisfied: 0,
      feedbackRate: null,
      completionRate: 0,
      satisfactionRate: null,
    };
    h.clock.set('2026-08-07T18:00:00+08:00');
    const card = await h.api().get('/api/v1/scorecards?from=2026-08-03T00:00:00%2B08:00&to=2026-08-08T00:00:00%2B08:00').set(auth(sup));
    expect(card.status).to.equal(200);
    const entry = (id: string) => (card.body.agencies as { agencyId: string; reports?: Rates }[]).find((x) => x.agencyId === id);
    expect(entry(a.agencyId)?.reports).to.deep.equal(expectedA);
    expect(entry(b.id)?.reports).to.deep.equal(expectedB);
    expect(entry(quiet.id)).to.equal(undefined);
    const csv = await h
      .api()
      .get('/api/v1/scorecards?from=2026-08-03T00:00:00%2B08:00&to=2026-08-08T00:00:00%2B08:00&format=csv')
      .set(auth(sup));
    expect(csv.text.split('\r\n')[0]).to.include('feedback_rate').and.include('completion_rate').and.include('satisfaction_rate');
    expect(csv.text).to.include(',5,4,2,0.5,3,0.6,3,2,0.667,');
    expect(csv.text).not.to.include('NaN');

    // a period with no reports at all: every rate is no value
    const empty = await h.api().get('/api/v1/scorecards?from=2026-07-01T00:00:00%2B08:00&to=2026-07-02T00:00:00%2B08:00').set(auth(sup));
    expect((empty.body.agencies as { reports?: Rates }[]).every((x) => !x.reports || x.reports.received === 0)).to.equal(true);

    // the digest of Friday, made early on Saturday: the 30 days ending with Friday
    h.clock.set('2026-08-08T02:30:00+08:00');
    const run = await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-08-07' });
    expect(run.status, JSON.stringify(run.body)).to.be.oneOf([200, 201]);
    const digest = await h.api().get('/api/v1/digests/2026-08-07').set(auth(sup));
    expect(digest.status).to.equal(200);
    const handling = digest.body.reportHandling;
    expect(handling.total).to.deep.equal({
      received: 7,
      dueFeedback: 4,
      fedBack: 2,
      closed: 3,
      rated: 3,
      satisfied: 2,
      feedbackRate: 0.5,
      completionRate: 0.429,
      satisfactionRate: 0.667,
    });
    const byAgency = handling.byAgency as (Rates & { agencyId: string; agencyName: string })[];
    expect(byAgency.map((x) => x.agencyId)).to.deep.equal([a.agencyId, b.id]);
    expect(byAgency[1]).to.deep.include({ feedbackRate: null, satisfactionRate: null, completionRate: 0 });
    // the day's scorecard carries the day's reports (Friday's one about B)
    const dayB = (digest.body.scorecard as { agencyId: string; reports?: Rates }[]).find((x) => x.agencyId === b.id);
    expect(dayB?.reports).to.deep.include({ received: 2, feedbackRate: null });

    const html = await h.api().get('/api/v1/digests/2026-08-07?format=html').set(auth(sup));
    expect(html.text).to.include('企业反映办理情况').and.include('50% (2/4)').and.include('43% (3/7)').and.include('67% (2/3)');
    expect(html.text).not.to.include('NaN');
    const table = await h.api().get('/api/v1/digests/2026-08-07?format=csv&table=report-handling').set(auth(sup));
    expect(table.status).to.equal(200);
    expect(table.text.split('\r\n')[1]).to.equal(',合计 total,7,4,2,0.5,3,0.429,3,2,0.667');
    expect(table.text).to.include(`${b.id},`);
    const text = digestText([digest.body]);
    expect(text).to.include('反馈率 50%').and.include('办结率 43%').and.include('满意率 67%');
  });
});
