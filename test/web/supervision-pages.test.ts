import { expect } from 'chai';
import { formatLocal } from '../../src/domain/calendar.js';
import { ADMIN_KEY, harness } from '../support/harness.js';
import {
  addInspector,
  admin,
  auth,
  createAgency,
  createEnterprise,
  createKey,
  file,
  registerGround,
  shanghaiAt,
  world,
} from '../support/fixtures.js';
import { signedIn, type PageClient } from '../support/web.js';

// The supervisors' pages: draw plans, draws and their re-check, violations with history and
// filters, blocked attempts, the grounds register, the digest in the layout; each for the
// supervisor of the region and the admin, never for anyone else, never as raw JSON.

const onceOf = (html: string) => /name="_once" value="([^"]+)"/.exec(html)?.[1] ?? '';
const html = (res: { status: number; headers: Record<string, string>; text: string }, what: string) => {
  expect(String(res.headers['content-type']), what).to.match(/^text\/html/);
  expect(res.text.trimStart(), what).to.match(/^<!doctype html>/i);
};

describe('supervision pages', () => {
  const region = '530102';
  let ag: { id: string; key: string };
  let sup: string;
  let other: string;
  let supC: PageClient;
  let adminC: PageClient;
  let otherC: PageClient;
  let planId: string;
  let drawId: string;
  let violationId: string;
  let groundId: string;

  before(async () => {
    const h = await harness();
    // a day of its own, later than the suite's: draws and digests are per day
    h.clock.set(shanghaiAt(620, 10));
    ag = await createAgency(region);
    for (let i = 0; i < 3; i++) await addInspector(ag.id);
    for (let i = 0; i < 10; i++) await createEnterprise(region, { riskClass: 'C' });
    sup = await createKey({ role: 'supervisor', regions: ['5301'] });
    other = await createKey({ role: 'supervisor', regions: ['4601'] });
    supC = await signedIn(sup);
    adminC = await signedIn(ADMIN_KEY);
    otherC = await signedIn(other);
  });

  describe('draw plans and draws', () => {
    it('a supervisor makes a plan on the page, draws it now, reads the draw and re-checks it: 复核一致', async () => {
      const form = await supC.get('/dashboard/draw-plans');
      expect(form.status).to.equal(200);
      html(form, 'plans');
      expect(form.text).to.include(`<option value="${ag.id}"`).and.include('新建抽查计划');
      const planForm = {
        _once: onceOf(form.text),
        agencyId: ag.id,
        name: '页面抽查计划',
        by: 'ratio',
        ratioPercent: '20',
        riskClasses: ['C'],
        periodDays: '10',
      };
      const made = await supC.post('/dashboard/draw-plans', planForm);
      expect(made.status, made.text.slice(0, 2000)).to.equal(303);
      // the form sent twice (a double tap) makes one plan
      const resent = await supC.post('/dashboard/draw-plans', planForm);
      expect(resent.headers.location).to.equal(made.headers.location);
      const m = /#plan-(\S+)$/.exec(String(made.headers.location));
      planId = m?.[1] ?? '';
      expect(planId).to.match(/^dpl/);
      const list = await supC.get('/dashboard/draw-plans');
      expect(list.text).to.include('页面抽查计划').and.include('立即抽取').and.include('C 类').and.include('按比例 20%');
      expect(list.text).not.to.include('/api/v1/');
      // the committed draw has a page before it is drawn: its seed hash, no seed, no check yet
      const committed = /href="(\/dashboard\/draws\/[^"]+)">尚未抽取/.exec(list.text)?.[1] ?? '';
      const before = await supC.get(committed);
      expect(before.status, committed).to.equal(200);
      expect(before.text).to.include('尚未公开').and.include('种子公开后才能复核');
      const drawn = await supC.post(`/dashboard/draw-plans/${planId}/draw`, {});
      expect(drawn.status, drawn.text.slice(0, 2000)).to.equal(303);
      expect(drawn.headers.location).to.match(/^\/dashboard\/draws\/drw/);
      drawId = /\/dashboard\/draws\/([^?]+)/.exec(String(drawn.headers.location))?.[1] ?? '';
      const page = await supC.get(String(drawn.headers.location));
      expect(page.status).to.equal(200);
      html(page, 'draw');
      expect(page.text).to.include('已立即抽取').and.include('复核一致').and.include('测试企业').and.include('执法员');
      const api = (await (await harness()).api().get(`/api/v1/draws/${drawId}`)).body;
      expect(page.text).to.include(api.seedHash).and.include(api.seed);
      const again = await supC.post(`/dashboard/draws/${drawId}/recheck`, {});
      expect(again.status).to.equal(303);
      const rechecked = await supC.get(String(again.headers.location));
      expect(rechecked.text).to.include('复核一致').and.include('最近一次复核').and.include('已重新复核');
    });

    it('refuses a second draw of the period with a message a person can act on', async () => {
      await supC.get('/dashboard/draw-plans');
      const twice = await supC.post(`/dashboard/draw-plans/${planId}/draw`, {});
      expect(twice.status).to.equal(409);
      html(twice, 'draw twice');
      expect(twice.text).to.include('已经抽取');
    });

    it('shows the admin the same pages; a supervisor of another region nothing of them', async () => {
      expect((await adminC.get(`/dashboard/draws/${drawId}`)).text).to.include('复核一致');
      expect((await adminC.get('/dashboard/draw-plans')).text).to.include('页面抽查计划');
      const theirs = await otherC.get('/dashboard/draw-plans');
      expect(theirs.status).to.equal(200);
      expect(theirs.text).not.to.include('页面抽查计划').and.not.to.include(ag.id);
      const draw = await otherC.get(`/dashboard/draws/${drawId}`);
      expect(draw.status).to.equal(404);
      html(draw, 'other draw');
      expect((await otherC.post(`/dashboard/draws/${drawId}/recheck`, {})).status).to.equal(404);
      expect((await otherC.post(`/dashboard/draw-plans/${planId}/draw`, {})).status).to.equal(404);
      expect((await otherC.get('/dashboard')).text).not.to.include('页面抽查计划');
    });

    it('keeps a refused plan on the form with the reason beside it', async () => {
      const form = await supC.get('/dashboard/draw-plans');
      const refused = await supC.post('/dashboard/draw-plans', {
        _once: onceOf(form.text),
        agencyId: ag.id,
        name: '太多了',
        by: 'ratio',
        ratioPercent: '50',
      });
      expect(refused.status).to.equal(400);
      html(refused, 'refused plan');
      expect(refused.text).to.include('20%').and.include('value="太多了"');
    });

    it('stops a plan with a reason, and lists it among the stopped', async () => {
      await supC.get('/dashboard/draw-plans');
      const stopped = await supC.post(`/dashboard/draw-plans/${planId}/stop`, { reason: '专项整治期间暂停' });
      expect(stopped.status).to.equal(303);
      const list = await supC.get(String(stopped.headers.location));
      expect(list.text).to.include('已停止的抽查计划').and.include('专项整治期间暂停').and.include('抽查计划已停止');
    });
  });

  describe('violations', () => {
    before(async () => {
      const h = await harness();
      const res = await h
        .api()
        .post('/api/v1/violations')
        .set(auth(sup))
        .send({ kind: 'unfiled_inspection', agencyId: ag.id, occurredAt: h.clock.now().toISOString(), description: '暗访发现未备案入企' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      violationId = res.body.id;
    });

    it('opens a violation with its history: who changed it, when, with what note', async () => {
      const detail = await supC.get(`/dashboard/violations/${violationId}`);
      expect(detail.status).to.equal(200);
      html(detail, 'violation');
      expect(detail.text).to.include('暗访发现未备案入企').and.include('处理经过').and.include('未备案入企检查');
      const ack = await supC.post(`/dashboard/violations/${violationId}`, {
        status: 'acknowledged',
        note: '已受理，约谈执法主体',
        back: 'detail',
      });
      expect(ack.status).to.equal(303);
      expect(ack.headers.location).to.equal(`/dashboard/violations/${violationId}?done=1`);
      const after = await supC.get(String(ack.headers.location));
      expect(after.text).to.include('已受理，约谈执法主体').and.include('待处理 → 已受理');
      const done = await supC.post(`/dashboard/violations/${violationId}`, { status: 'resolved', note: '查实，已处理', back: 'detail' });
      expect(done.status).to.equal(303);
    });

    it('keeps resolved ones findable: the closed list and the filters', async () => {
      const open = await supC.get('/dashboard/violations');
      expect(open.status).to.equal(200);
      const closed = await supC.get('/dashboard/violations?status=closed');
      expect(closed.text).to.include(`/dashboard/violations/${violationId}`);
      const byAgency = await supC.get(`/dashboard/violations?status=resolved&agency=${ag.id}&kind=unfiled_inspection`);
      expect(byAgency.text).to.include(`/dashboard/violations/${violationId}`);
      const none = await supC.get(`/dashboard/violations?status=open&agency=${ag.id}`);
      expect(none.text).not.to.include(`/dashboard/violations/${violationId}`);
      const day = formatLocal((await harness()).clock.now(), 'Asia/Shanghai').slice(0, 10);
      const period = await supC.get(`/dashboard/violations?status=closed&from=${day}&to=${day}`);
      expect(period.text).to.include(`/dashboard/violations/${violationId}`);
      expect((await adminC.get(`/dashboard/violations/${violationId}`)).text).to.include('查实，已处理');
    });

    it('answers a hostile or impossible filter with a 400 page that says what to do', async () => {
      const theirAgency = await createAgency('460105');
      for (const q of [
        'status=bogus',
        'kind=%3Cscript%3E',
        `agency=${theirAgency.id}`,
        'from=2026-13-45',
        'from=2026-06-10&to=2026-06-01',
        'status=open&status=closed',
        'enterprise=nope',
        `enterprise=${'x'.repeat(500)}`,
      ]) {
        const res = await supC.get(`/dashboard/violations?${q}`);
        expect(res.status, q).to.equal(400);
        html(res, q);
        expect(res.text, q).to.include('请从页面上的选项中选择');
      }
      expect((await supC.get('/dashboard/attempts?kind=all')).status).to.equal(400);
      expect((await supC.get('/dashboard/grounds?status=%00')).status).to.equal(400);
      expect((await supC.get('/dashboard/digests/not-a-day')).status).to.equal(400);
    });

    it('says where the note is the reply an enterprise reads: on a report, never on a supervisor’s own finding', async () => {
      const h = await harness();
      const enterprise = await createKey({ role: 'enterprise', uscc: await createEnterprise(region) });
      const reported = await h.api().post('/api/v1/reports').set(auth(enterprise)).send({
        kind: 'unfiled_inspection',
        occurredAt: h.clock.now().toISOString(),
        agencyId: ag.id,
        description: '有人进门检查，未出示检查码',
      });
      expect(reported.status, JSON.stringify(reported.body)).to.equal(201);
      const reportId = reported.body.violationId as string;
      const report = await supC.get(`/dashboard/violations/${reportId}`);
      expect(report.status).to.equal(200);
      expect(report.text).to.include(`<label for="n-${reportId}">答复企业（企业可见）</label>`);
      const raised = await h
        .api()
        .post('/api/v1/violations')
        .set(auth(sup))
        .send({ kind: 'unfiled_inspection', agencyId: ag.id, occurredAt: h.clock.now().toISOString(), description: '暗访发现' });
      const ownId = raised.body.id as string;
      const own = await supC.get(`/dashboard/violations/${ownId}`);
      expect(own.text).to.include(`<label for="n-${ownId}">处理意见</label>`).and.not.include('企业可见');
      const dashboard = await supC.get('/dashboard');
      expect(dashboard.status).to.equal(200);
      // under the bulk form's note, and under the report's own
      expect(dashboard.text).to.include('id="bulk-note-hint">反映件的处理意见会作为答复展示给反映企业');
      expect(dashboard.text).to.include(`aria-describedby="n-${reportId}-hint"`);
      expect(dashboard.text).to.include(`id="n-${reportId}-hint">反映件的处理意见会作为答复展示给反映企业`);
      const en = await supC.get(`/dashboard/violations/${reportId}?lang=en`);
      expect(en.text).to.include('Reply to the enterprise (it reads this)');
      await supC.get('/dashboard?lang=zh-CN');
    });

    it('answers a day that is not in the calendar with a 400 page that says so', async () => {
      for (const day of ['2026-02-30', '2027-02-29', '2026-04-31']) {
        const res = await supC.get(`/dashboard/digests/${day}`);
        expect(res.status, day).to.equal(400);
        html(res, day);
        expect(res.text, day).to.include('没有这一天').and.not.include('尚未生成');
      }
      const filter = await supC.get('/dashboard/violations?from=2026-02-30');
      expect(filter.status).to.equal(400);
      expect(filter.text).to.include('起始时间：没有这一天');
    });

    it('shows a supervisor of another region nothing of this one', async () => {
      expect((await otherC.get(`/dashboard/violations/${violationId}`)).status).to.equal(404);
      expect((await otherC.get('/dashboard/violations?status=closed')).text).not.to.include(violationId);
    });
  });

  describe('blocked attempts and the grounds register', () => {
    it('lists a blocked attempt with agency, enterprise name and the rule in Chinese (its id a tooltip)', async () => {
      const w = await world(region);
      const refused = await file(w, { itemCodes: ['NOT-PUBLISHED'] });
      expect(refused.status).to.equal(422);
      const res = await supC.get(`/dashboard/attempts?agency=${w.agencyId}`);
      expect(res.status).to.equal(200);
      html(res, 'attempts');
      expect(res.text).to.include(w.uscc).and.include('测试企业').and.include('title="items.published"').and.include('检查事项');
      expect(res.text).not.to.match(/>items\.published</);
      expect((await otherC.get('/dashboard/attempts')).text).not.to.include(w.uscc);
    });

    it('lists grounds by kind and opens one with the filings that cite it', async () => {
      const w = await world(region);
      const g = await registerGround(w.uscc);
      groundId = g.id;
      const list = await supC.get('/dashboard/grounds?kind=complaint');
      expect(list.status).to.equal(200);
      expect(list.text).to.include(g.reference);
      const detail = await supC.get(`/dashboard/grounds/${g.id}`);
      expect(detail.status).to.equal(200);
      html(detail, 'ground');
      expect(detail.text).to.include(g.reference).and.include('引用此事由的备案');
      // an agency's own lead, rejected on its page with a note; back on the page, the note shown
      const lead = await (
        await harness()
      )
        .api()
        .post('/api/v1/grounds')
        .set(auth(w.agencyKey))
        .send({ kind: 'monitoring', reference: `抽检-${w.uscc.slice(-6)}`, enterpriseUscc: w.uscc });
      expect(lead.body.status).to.equal('unverified');
      const unverified = await supC.get(`/dashboard/grounds/${lead.body.id}`);
      expect(unverified.text).to.include('核实属实').and.include('不成立');
      const rejected = await supC.post(`/dashboard/grounds/${lead.body.id}`, {
        status: 'rejected',
        note: '抽检报告不存在',
        back: 'detail',
      });
      expect(rejected.status).to.equal(303);
      expect(rejected.headers.location).to.equal(`/dashboard/grounds/${lead.body.id}?done=1`);
      expect((await supC.get(String(rejected.headers.location))).text)
        .to.include('抽检报告不存在')
        .and.not.include('核实属实');
      expect((await otherC.get(`/dashboard/grounds/${groundId}`)).status).to.equal(404);
      expect((await otherC.get('/dashboard/grounds')).text).not.to.include(g.reference);
    });
  });

  describe('digests and the dashboard chart', () => {
    it('shows a digest inside the site’s layout, its time in the region’s zone', async () => {
      const h = await harness();
      const day = formatLocal(new Date(h.clock.now().getTime() - 86_400_000), 'Asia/Shanghai').slice(0, 10);
      const run = await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: day });
      expect(run.status, JSON.stringify(run.body)).to.equal(200);
      const page = await supC.get(`/dashboard/digests/${day}`);
      expect(page.status).to.equal(200);
      html(page, 'digest');
      expect(page.text).to.include('<header class="top">').and.include(`${day} 每日摘要`);
      const api = (await h.api().get(`/api/v1/digests/${day}`).set(auth(sup))).body;
      expect(page.text).to.include(`生成于 ${formatLocal(new Date(api.generatedAt), 'Asia/Shanghai')}`);
      expect(page.text).not.to.include(api.generatedAt);
      expect(page.text).not.to.include('style="');
      // read once, the scope's digest is kept: the archive lists it
      const list = await supC.get('/dashboard/digests');
      expect(list.status).to.equal(200);
      expect(list.text).to.include(`/dashboard/digests/${day}`);
    });

    it('draws the trend to fit a phone, today marked, reachable by keyboard, with a table of its numbers', async () => {
      const res = await supC.get('/dashboard');
      expect(res.status).to.equal(200);
      expect(res.text).to.match(/<figure class="sv-chart" tabindex="0"/);
      expect(res.text).to.include('class="sv-bar today"').and.include('以表格查看逐日数字').and.include('(今天)');
      expect(res.text).to.match(/<svg[^>]*viewBox="0 0 330 150"[^>]*role="img"[^>]*aria-label="[^"]+今天备案/);
      expect(res.text).not.to.include('href="/api/v1/');
    });
  });

  describe('who may open them', () => {
    const pages = () => [
      '/dashboard/draw-plans',
      `/dashboard/draws/${drawId}`,
      '/dashboard/violations',
      `/dashboard/violations/${violationId}`,
      '/dashboard/attempts',
      '/dashboard/grounds',
      `/dashboard/grounds/${groundId}`,
      '/dashboard/digests',
    ];

    it('opens each for the supervisor and the admin, as HTML', async () => {
      for (const c of [supC, adminC])
        for (const p of pages()) {
          const res = await c.get(p);
          expect(res.status, p).to.equal(200);
          html(res, p);
        }
      // the same pages in English, asked for once and remembered
      const en = await signedIn(ADMIN_KEY);
      expect((await en.get('/dashboard?lang=en')).text).to.include('See the numbers day by day');
      for (const p of pages()) {
        const res = await en.get(p);
        expect(res.status, p).to.equal(200);
        expect(res.text, p).to.include('<html lang="en">').and.not.include('请从页面上的选项中选择');
      }
    });

    it('refuses agency, enterprise and hotline sessions, and sends the signed-out to sign in', async () => {
      const w = await world(region);
      const hotline = await createKey({ role: 'hotline' });
      for (const key of [w.agencyKey, w.enterpriseKey, hotline]) {
        const c = await signedIn(key);
        for (const p of pages()) {
          const res = await c.get(p);
          expect(res.status, p).to.equal(403);
          html(res, p);
        }
        expect((await c.post(`/dashboard/draw-plans/${planId}/draw`, {})).status).to.equal(403);
      }
      const h = await harness();
      for (const p of pages()) expect((await h.api().get(p)).status, p).to.equal(303);
    });
  });
});
