import { expect } from 'chai';
import { auth, createKey, world } from '../support/fixtures.js';
import { harness } from '../support/harness.js';
import { pageClient, signedIn } from '../support/web.js';

// 我的反映 on the pages: the enterprise sees where its reports stand, the supervisors' reply, and
// rates the handling of a closed one on the national five levels.

const onceOf = (html: string, id: string) =>
  new RegExp(`action="/reports/${id}/satisfaction"[\\s\\S]*?name="_once" value="([^"]+)"`).exec(html)?.[1] ?? '';

async function reportAbout(key: string, agencyId: string, description = '执法人员未出示备案码入企检查'): Promise<string> {
  const h = await harness();
  const res = await h
    .api()
    .post('/api/v1/reports')
    .set(auth(key))
    .send({ kind: 'unfiled_inspection', occurredAt: new Date(h.clock.now().getTime() - 3_600_000).toISOString(), agencyId, description });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.violationId as string;
}

describe('我的反映 (my reports page)', () => {
  it('when a report is closed with a reply, then the enterprise sees 已办结 and the reply, rates 满意 and is told what happened', async () => {
    const h = await harness();
    h.clock.set('2026-08-10T10:00:00+08:00');
    const w = await world('450133');
    const other = await world('450133');
    const sup = await createKey({ role: 'supervisor', regions: ['450133'] });
    const closed = await reportAbout(w.enterpriseKey, w.agencyId);
    const waiting = await reportAbout(w.enterpriseKey, other.agencyId, '另一执法主体未备案入企');
    const theirs = await reportAbout(other.enterpriseKey, w.agencyId, '他人的反映内容');
    await h.api().patch(`/api/v1/violations/${closed}`).set(auth(sup)).send({ status: 'resolved', note: '经核查属实，已责令整改' });

    const c = await signedIn(w.enterpriseKey);
    const home = await c.get('/');
    expect(home.text).to.include('href="/reports"').and.include('我的反映');
    const list = await c.get('/reports');
    expect(list.status).to.equal(200);
    expect(list.text).to.include('已办结（查实处理）').and.include('经核查属实，已责令整改').and.include('待受理');
    expect(list.text).to.include(closed).and.include(waiting).and.not.include(theirs).and.not.include('他人的反映内容');
    for (const level of ['非常不满意', '不满意', '基本满意', '满意', '非常满意']) expect(list.text).to.include(`> ${level}</label>`);
    // only the closed one has the form; the waiting one says when it can be rated
    expect(list.text).to.include(`action="/reports/${closed}/satisfaction"`).and.not.include(`action="/reports/${waiting}/satisfaction"`);
    expect(list.text).to.include('办结后可以评价处理结果');
    // no field names, enum values or ids shown as words in the Chinese page
    const words = list.text.replace(/<[^>]+>/g, ' ');
    for (const raw of ['resolved', 'unfiled_inspection', 'acknowledged', 'canRate', 'null', 'undefined', 'NaN'])
      expect(words, raw).not.to.include(raw);

    // a rating out of the five levels is refused on the page, with a message beside the form
    const bad = await c.post(`/reports/${closed}/satisfaction`, { rating: '9', _once: onceOf(list.text, closed) });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('role="alert"');

    const page = await c.get('/reports');
    const done = await c.post(`/reports/${closed}/satisfaction`, { rating: '4', comment: '处理及时', _once: onceOf(page.text, closed) });
    expect(done.status, done.text).to.equal(201);
    expect(done.text).to.include('评价已提交').and.include(closed).and.include('“满意”').and.include('href="/reports"');
    const after = await c.get('/reports');
    expect(after.text).to.include('您的评价：满意').and.not.include(`action="/reports/${closed}/satisfaction"`);

    // a second rating of the same report: told it was rated already
    const twice = await c.post(`/reports/${closed}/satisfaction`, { rating: '5', _once: 'AAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(twice.status).to.equal(409);
    expect(twice.text).to.include('只能评价一次');
    // another enterprise's report is not there for it
    const notMine = await c.post(`/reports/${theirs}/satisfaction`, { rating: '1' });
    expect(notMine.status).to.equal(404);

    // the English page
    const en = await c.get('/reports?lang=en');
    expect(en.text).to.include('My reports').and.include('closed: founded and dealt with').and.include('Your rating: satisfied');
  });

  it('when no enterprise is signed in, then the page sends to sign-in, and other roles are refused', async () => {
    const h = await harness();
    const w = await world('450133');
    const anon = await pageClient();
    const res = await anon.get('/reports');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login?next=%2Freports');
    const agency = await signedIn(w.agencyKey);
    const refused = await agency.get('/reports');
    expect(refused.status).to.equal(403);
    expect(refused.text).not.to.include('href="/reports"');
    expect((await h.api().get('/reports/')).status).to.equal(303);
  });

  it('when a report is followed from the report form, then the success page leads to 我的反映', async () => {
    const h = await harness();
    h.clock.set('2026-08-10T10:00:00+08:00');
    const w = await world('450133');
    const c = await signedIn(w.enterpriseKey);
    const form = await c.get('/report');
    expect(form.status).to.equal(200);
    const once = /name="_once" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const sent = await c.post('/report', {
      kind: 'unfiled_inspection',
      occurredAt: '2026-08-10T09:00',
      agencyName: '某执法局',
      description: '无人出示备案码',
      _once: once,
    });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.text).to.include('href="/reports"');
    const list = await c.get('/reports');
    expect(list.text).to.include('某执法局').and.include('无人出示备案码').and.include('尚未答复');
  });
});
