import { expect } from 'chai';
import { ADMIN_KEY, clock, harness } from '../support/harness.js';
import {
  addInspector,
  admin,
  auth,
  createAgency,
  createEnterprise,
  createKey,
  file,
  fromNow,
  later,
  shanghaiAt,
  world,
  type World,
} from '../support/fixtures.js';
import { filingForm, localField, pageClient, signedIn } from '../support/web.js';

const HOUR = 3_600_000;
const onceOf = (html: string) => /name="_once" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function filingCount(w: World): Promise<number> {
  const h = await harness();
  const res = await h.api().get(`/api/v1/filings?enterprise=${w.uscc}&limit=500`).set(auth(w.agencyKey));
  return (res.body.items as unknown[]).length;
}

describe('web pages', () => {
  let w: World;
  // a world per test: each files a few times, and one enterprise's annual cap is small
  beforeEach(async () => {
    w = await world('110101');
  });

  describe('landing page and language', () => {
    it('is Chinese by default, English by the switch, and the choice is remembered', async () => {
      const c = await pageClient();
      const zh = await c.get('/');
      expect(zh.status).to.equal(200);
      expect(zh.text).to.include('<html lang="zh-CN">').and.include('核验检查').and.include('href="/docs"');
      const en = await c.get('/?lang=en');
      expect(en.text).to.include('<html lang="en">').and.include('Check a visit');
      expect(String(en.headers['set-cookie'])).to.match(/lang=en;.*HttpOnly/);
      const again = await c.get('/login');
      expect(again.text).to.include('<html lang="en">').and.include('Access key');
      const back = await c.get('/login?lang=zh-CN');
      expect(back.text).to.include('访问密钥');
    });

    it('sends the code box to the verification page', async () => {
      const h = await harness();
      const res = await h.api().get('/v?code=ab12-cd34');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/v/ab12-cd34');
    });

    it('serves pages under a strict CSP without inline scripts, and no HSTS over http', async () => {
      const h = await harness();
      const res = await h.api().get('/');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.include("script-src 'self'").and.include("style-src 'self'").and.include("frame-ancestors 'none'");
      expect(csp).not.to.include('unsafe-inline');
      expect(csp).not.to.include('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).to.equal(undefined);
      expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)/);
    });
  });

  describe('scan to verify', () => {
    it('shows a filed inspection: agency, inspectors with masked credentials, items with basis, the window', async () => {
      const filed = (await file(w)).body.filing;
      const h = await harness();
      const res = await h.api().get(`/v/${filed.verifyCode}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('class="card filed warn"').and.include('检查时间尚未开始');
      expect(res.text).to.include(filed.filingNo).and.include('测试执法局').and.include('事项 SAFE-01').and.include('依据');
      const api = await h.api().get(`/api/v1/verify/${filed.verifyCode}`);
      for (const p of api.body.filing.inspectors as { credentialNo: string }[]) {
        expect(p.credentialNo).to.include('*');
        expect(res.text).to.include(p.credentialNo);
      }
    });

    it('shows a visit inside its window in green', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
      const res = await h.api().get(`/v/${filed.verifyCode}`);
      expect(res.text).to.include('class="card filed ok"').and.include('现在在备案的检查时间内');
    });

    it('shows an unknown code, a cancelled one and odd characters as not a valid filing, with one button to report', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      await h.api().post(`/api/v1/filings/${filed.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整，改期检查' });
      const cancelled = await h.api().get(`/v/${filed.verifyCode}`);
      expect(cancelled.status).to.equal(200);
      expect(cancelled.text).to.include('不是有效的备案').and.include('已于').and.include(`/report?code=${filed.verifyCode}`);
      const unknown = await h.api().get('/v/ZZZZ-ZZZZ');
      expect(unknown.status).to.equal(404);
      expect(unknown.text).to.include('不是有效的备案').and.include('/report?code=ZZZZ-ZZZZ');
      const odd = await h.api().get(`/v/${encodeURIComponent('<script>alert(1)</script>')}`);
      expect(odd.status).to.equal(404);
      expect(odd.text).not.to.include('<script>alert').and.include('&lt;script&gt;');
      const bad = await h.api().get('/v/%E0%A4%A');
      expect(bad.status).to.be.within(400, 404);
      expect(bad.text).not.to.match(/at .*\.ts:\d+/);
    });

    it('draws the QR code of the page for a filed code only', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      const qr = await h
        .api()
        .get(`/v/${filed.verifyCode}/qr.svg`)
        .buffer(true)
        .parse((res, cb) => {
          let s = '';
          res.on('data', (c: Buffer) => (s += c.toString()));
          res.on('end', () => cb(null, s));
        });
      expect(qr.status).to.equal(200);
      expect(qr.headers['content-type']).to.include('image/svg+xml');
      expect(String(qr.body)).to.match(/^<svg[^>]+viewBox/);
      const none = await h.api().get('/v/ZZZZ-ZZZZ/qr.svg');
      expect(none.status).to.equal(404);
    });
  });

  describe('signing in', () => {
    it('tells a wrong key plainly and signs in with a right one into a signed HttpOnly cookie', async () => {
      const c = await pageClient();
      await c.get('/login');
      const wrong = await c.post('/login', { key: 'ifk_not-a-key' });
      expect(wrong.status).to.equal(401);
      expect(wrong.text).to.include('密钥不正确或已停用');
      const ok = await c.post('/login', { key: w.agencyKey, next: '/filings/new' });
      expect(ok.status).to.equal(303);
      expect(ok.headers.location).to.equal('/filings/new');
      const cookie = String(ok.headers['set-cookie']);
      expect(cookie).to.match(/ifs=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+;.*HttpOnly.*SameSite=Lax/);
      expect(cookie).not.to.include(w.agencyKey);
      expect((await c.get('/filings/new')).status).to.equal(200);
      const h = await harness();
      expect(h.logs.text()).not.to.include(w.agencyKey).and.not.include('ifk_not-a-key');
    });

    it('never sends a sign-in to another site', async () => {
      const c = await pageClient();
      await c.get('/login');
      const res = await c.post('/login', { key: w.agencyKey, next: '//evil.example/x' });
      expect(res.headers.location).to.equal('/filings');
    });

    it('ends the session at sign-out in the database: the old cookie no longer works', async () => {
      const c = await signedIn(w.agencyKey);
      const cookie = c.agent.jar.getCookie('ifs', { domain: '127.0.0.1', path: '/', secure: false, script: false });
      const out = await c.post('/logout', {});
      expect(out.status).to.equal(303);
      const h = await harness();
      const replay = await h
        .api()
        .get('/filings')
        .set('Cookie', `ifs=${cookie?.value ?? ''}`);
      expect(replay.status).to.equal(303);
      expect(replay.headers.location).to.match(/^\/login\?next=%2Ffilings&ended=1/);
    });

    it('sends an expired session to sign in again, saying why, and records nothing it posts', async () => {
      const h = await harness();
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const before = await filingCount(w);
      h.clock.set(fromNow(9 * HOUR));
      const res = await c.post('/filings/new', filingForm(w, {}, h.clock.now()));
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.match(/^\/login\?next=.*&ended=1$/);
      h.clock.reset();
      expect(await filingCount(w)).to.equal(before);
      const login = await c.get(res.headers.location as string);
      expect(login.text).to.include('登录已过期或已退出');
    });

    it('treats a cookie signed elsewhere as no session', async () => {
      const h = await harness();
      const res = await h.api().get('/filings').set('Cookie', 'ifs=abcdefghijklmnopqrstuvwxyz012345.forged');
      expect(res.status).to.equal(303);
    });
  });

  describe('forms are protected against CSRF', () => {
    it('refuses a missing, forged or another session’s token with a clear page and records nothing', async () => {
      const c = await signedIn(w.agencyKey);
      const other = await signedIn(w.agencyKey);
      await other.get('/filings/new');
      const before = await filingCount(w);
      for (const token of ['', 'forged-token', other.csrf]) {
        const res = await c.post('/filings/new', filingForm(w), token);
        expect(res.status, token).to.equal(403);
        expect(res.text).to.include('表单已失效');
      }
      expect(await filingCount(w)).to.equal(before);
    });

    it('refuses a sign-in posted without the page’s token', async () => {
      const c = await pageClient();
      const res = await c.post('/login', { key: w.agencyKey }, 'nope');
      expect(res.status).to.equal(403);
      expect(String(res.headers['set-cookie'] ?? '')).not.to.include('ifs=');
    });
  });

  describe('who may open which page', () => {
    const pages = ['/filings', '/filings/new', '/report', '/dashboard'];
    it('sends anonymous visitors to sign in, and refuses the wrong role with a page', async () => {
      const h = await harness();
      for (const p of pages) {
        const res = await h.api().get(p);
        expect(res.status, p).to.equal(303);
        expect(res.headers.location, p).to.equal(`/login?next=${encodeURIComponent(p)}`);
      }
      const supervisor = await createKey({ role: 'supervisor', regions: ['1101'] });
      const allowed: Record<string, string[]> = {
        agency: ['/filings', '/filings/new'],
        enterprise: ['/filings', '/report'],
        supervisor: ['/filings', '/dashboard'],
        admin: ['/filings', '/dashboard'],
      };
      const keys: Record<string, string> = { agency: w.agencyKey, enterprise: w.enterpriseKey, supervisor, admin: ADMIN_KEY };
      for (const [role, key] of Object.entries(keys)) {
        const c = await signedIn(key);
        for (const p of pages) {
          const res = await c.get(p);
          expect(res.status, `${role} ${p}`).to.equal(allowed[role]?.includes(p) ? 200 : 403);
          if (res.status === 403) expect(res.text).to.include('这个页面只对以下角色开放');
        }
      }
    });

    it('shows another agency’s or enterprise’s filing to nobody', async () => {
      const other = await world('330102');
      const filed = (await file(other)).body.filing;
      for (const key of [w.agencyKey, w.enterpriseKey]) {
        const c = await signedIn(key);
        for (const p of [`/filings/${filed.id}`, `/filings/${filed.id}/notice`]) {
          const res = await c.get(p);
          expect(res.status, p).to.equal(404);
          expect(res.text).not.to.include(filed.filingNo);
        }
      }
    });
  });

  describe('agency: filing through the form', () => {
    it('checks without recording, then files, and shows the filing', async () => {
      const c = await signedIn(w.agencyKey);
      const form = await c.get('/filings/new');
      expect(form.text).to.include('事项 SAFE-01').and.include('/assets/filing-form.js');
      const before = await filingCount(w);
      const check = await c.post('/filings/new', filingForm(w, { action: 'check', onSiteJustification: '' }));
      expect(check.status).to.equal(200);
      expect(check.text).to.include('可以备案，但有预警').and.include('filing.onsite-justified');
      expect(await filingCount(w)).to.equal(before);
      const live = await c.post('/filings/check', filingForm(w, { onSiteJustification: '' }));
      expect(live.status).to.equal(200);
      expect(live.text).to.include('filing.onsite-justified').and.not.include('<html');
      const filed = await c.post('/filings/new', filingForm(w));
      expect(filed.status, filed.text).to.equal(303);
      expect(filed.headers.location).to.match(/^\/filings\/[^/]+\?done=filed$/);
      expect(await filingCount(w)).to.equal(before + 1);
      const show = await c.get(filed.headers.location as string);
      expect(show.text).to.include('备案成功，备案号').and.include('打印检查告知书');
      const notice = await c.get(`${(filed.headers.location as string).split('?')[0]}/notice`);
      expect(notice.text).to.include('检查告知书').and.include('qr.svg').and.include('企业的权利').and.include('事项 SAFE-01');
    });

    it('files once when the same form is sent twice (a double click), and offers only valid officers', async () => {
      const c = await signedIn(w.agencyKey);
      const expired = await addInspector(w.agencyId, '2020-01-01');
      const form = await c.get('/filings/new');
      expect(form.text).not.to.include(expired);
      const once = /name="_once" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
      expect(once).to.have.length.above(15);
      const before = await filingCount(w);
      const first = await c.post('/filings/new', filingForm(w, { _once: once }));
      const second = await c.post('/filings/new', filingForm(w, { _once: once }));
      expect(first.status).to.equal(303);
      expect(second.headers.location).to.equal(first.headers.location);
      expect(await filingCount(w)).to.equal(before + 1);
    });

    it('offers its drawn inspections (双随机) and files one from the prefilled form', async () => {
      const h = await harness();
      // a day and a region of this test's own: the draw job runs once per hour, and draws the whole jurisdiction
      h.clock.set(shanghaiAt(500, 16));
      const region = '440106';
      const ag = await createAgency(region);
      const officers = [await addInspector(ag.id), await addInspector(ag.id), await addInspector(ag.id)];
      for (let i = 0; i < 10; i++) await createEnterprise(region, { riskClass: 'C' });
      // the county designs the draw; the agency carries it out
      const plan = await h
        .api()
        .post('/api/v1/draw-plans')
        .set(admin)
        .send({ agencyId: ag.id, name: '年度抽查', filter: {}, ratio: 0.2, periodDays: 10 });
      expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
      await h.api().post('/api/v1/jobs/draw/run').set(admin).send({});
      const drawn = (await h.api().get(`/api/v1/draws/${plan.body.nextDraw.id}`)).body;
      const a = drawn.assignments[0];
      expect(a, JSON.stringify(drawn)).to.be.an('object');
      const c = await signedIn(ag.key);
      const form = await c.get('/filings/new');
      expect(form.text).to.include(`/filings/new?assignment=${a.id}`).and.include(a.enterprise.name);
      const prefilled = await c.get(`/filings/new?assignment=${a.id}`);
      expect(prefilled.text)
        .to.include(`value="${a.enterprise.uscc}"`)
        .and.include(`value="${a.id}"`)
        .and.match(/<option value="random" selected>/);
      const start = new Date(h.clock.now().getTime() + 48 * HOUR);
      const pair = a.inspectors.map((i: { id: string }) => i.id);
      expect(officers).to.include.members(pair);
      const filed = await c.post('/filings/new', {
        _once: onceOf(prefilled.text),
        enterpriseUscc: a.enterprise.uscc,
        type: 'random',
        drawAssignmentId: a.id,
        itemCodes: ['SAFE-01'],
        inspectorIds: pair,
        plannedStart: localField(start),
        plannedEnd: localField(new Date(start.getTime() + 4 * HOUR)),
        onSite: 'on',
        purpose: 'inspection',
        onSiteJustification: '双随机抽查，现场核实',
        action: 'file',
      });
      expect(filed.status, filed.text.slice(filed.text.indexOf('<main'), filed.text.indexOf('<main') + 2500)).to.equal(303);
      expect((await c.get('/filings/new')).text).not.to.include(`assignment=${a.id}`);
    });

    it('shows errors next to the fields and keeps what was typed', async () => {
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const before = await filingCount(w);
      const res = await c.post('/filings/new', filingForm(w, { plannedStart: 'tomorrow', itemCodes: [], reason: '保留这段文字' }));
      expect(res.status).to.equal(400);
      expect(res.text).to.include('id="plannedStart-error"').and.include('id="itemCodes-error"');
      expect(res.text).to.include('value="tomorrow"').and.include('保留这段文字').and.include('例如 2026-12-01 09:00');
      const uscc = await c.post('/filings/new', filingForm(w, { enterpriseUscc: '12345' }));
      expect(uscc.status).to.equal(400);
      expect(uscc.text).to.include('id="enterpriseUscc-error"').and.include('value="12345"');
      expect(await filingCount(w)).to.equal(before);
    });

    it('explains a block with the rule, its numbers and basis, and records the attempt only', async () => {
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const before = await filingCount(w);
      const res = await c.post('/filings/new', filingForm(w, { inspectorIds: [w.inspectorIds[0] ?? ''], action: 'file-blocked' }));
      expect(res.status).to.equal(422);
      expect(res.text).to.include('不能备案').and.include('class="finding block"').and.include('依据');
      expect(await filingCount(w)).to.equal(before);
    });

    it('records a result and cancels a filing before its start, from the filing page', async () => {
      const c = await signedIn(w.agencyKey);
      const one = (await file(w)).body.filing;
      await c.get(`/filings/${one.id}`);
      const noReason = await c.post(`/filings/${one.id}/cancel`, { reason: '' });
      expect(noReason.status).to.equal(400);
      expect(noReason.text).to.include('id="reason-error"');
      const cancel = await c.post(`/filings/${one.id}/cancel`, { reason: '企业停产，改期检查', confirm: 'yes' });
      expect(cancel.status).to.equal(303);
      const h = await harness();
      expect((await h.api().get(`/api/v1/filings/${one.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('cancelled');

      const two = (await file(w)).body.filing;
      h.clock.set(new Date(Date.parse(two.plannedStart) + HOUR));
      const later = await signedIn(w.agencyKey);
      await later.get(`/filings/${two.id}`);
      const done = await later.post(`/filings/${two.id}/result`, {
        conductedAt: localField(h.clock.now()),
        outcome: 'no_issues',
        summary: '现场检查未发现问题',
      });
      expect(done.status, done.text).to.equal(303);
      expect((await h.api().get(`/api/v1/filings/${two.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('completed');
    });
  });

  describe('enterprise: arrival, report, rating', () => {
    it('confirms arrival for its own filing; another enterprise is refused and the filing is unchanged', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      const stranger = await world('110101');
      const s = await signedIn(stranger.enterpriseKey);
      await s.get(`/v/${filed.verifyCode}`);
      const refused = await s.post(`/v/${filed.verifyCode}/arrival`, {});
      expect(refused.status).to.equal(404);
      expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('filed');

      h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
      const c = await signedIn(w.enterpriseKey);
      const card = await c.get(`/v/${filed.verifyCode}`);
      expect(card.text).to.include('确认检查人员已到达');
      const ok = await c.post(`/v/${filed.verifyCode}/arrival`, {});
      expect(ok.status).to.equal(303);
      expect(ok.headers.location).to.equal(`/v/${filed.verifyCode}?done=arrival`);
      expect((await c.get(ok.headers.location as string)).text).to.include('已记录到达时间');
      expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('in_progress');
    });

    it('reports a cancelled code; the report reaches the supervisor dashboard', async () => {
      const h = await harness();
      // a district of its own: the dashboard lists the newest violations of the supervisor's regions
      const w = await world('110108');
      const filed = (await file(w)).body.filing;
      await h.api().post(`/api/v1/filings/${filed.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整，改期检查' });
      const c = await signedIn(w.enterpriseKey);
      const form = await c.get(`/report?code=${filed.verifyCode}`);
      expect(form.status).to.equal(200);
      expect(form.text).to.include(filed.filingNo).and.include('conduct.N1');
      const missing = await c.post('/report', {
        code: filed.verifyCode,
        kind: 'unfiled_inspection',
        occurredAt: localField(clock.now()),
        description: '',
      });
      expect(missing.status).to.equal(400);
      expect(missing.text).to.include('id="description-error"');
      const sent = await c.post('/report', {
        _once: onceOf(form.text),
        code: filed.verifyCode,
        kind: 'unfiled_inspection',
        occurredAt: localField(later(-HOUR)),
        description: '两名人员持已撤销的核验码上门检查',
        hotlineLine: '12345',
        hotlineTicket: 'GD20261126001',
      });
      expect(sent.status, sent.text).to.equal(201);
      const id = /vio_[A-Za-z0-9_-]+/.exec(sent.text)?.[0];
      const resent = await c.post('/report', {
        _once: onceOf(form.text),
        code: filed.verifyCode,
        kind: 'unfiled_inspection',
        occurredAt: localField(later(-HOUR)),
        description: '两名人员持已撤销的核验码上门检查',
        hotlineLine: '12345',
        hotlineTicket: 'GD20261126001',
      });
      expect(resent.text, 'sent twice, one report').to.include(id);
      expect(id).to.be.a('string');
      const supervisor = await signedIn(await createKey({ role: 'supervisor', regions: ['110108'] }));
      const dash = await supervisor.get('/dashboard');
      expect(dash.status).to.equal(200);
      expect(dash.text).to.include(`v-${id}`).and.include('两名人员持已撤销的核验码上门检查').and.include('GD20261126001');
      expect(dash.text).to.include('<svg').and.include('执法主体评分');
      const change = await supervisor.post(`/dashboard/violations/${id}`, { status: 'acknowledged', note: '已受理，联系企业核实' });
      expect(change.status).to.equal(303);
      const v = await h.api().get(`/api/v1/violations/${id}`).set(admin);
      expect(v.body.status).to.equal('acknowledged');
      expect(v.body.filingId).to.equal(filed.id);
    });

    it('rates a completed inspection once, naming conduct items', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
      await h
        .api()
        .post(`/api/v1/filings/${filed.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: h.clock.now().toISOString(), outcome: 'no_issues', summary: '未发现问题' });
      const stranger = await signedIn((await world('110101')).enterpriseKey);
      expect((await stranger.get(`/filings/${filed.id}`)).status).to.equal(404);
      await stranger.get('/filings');
      expect((await stranger.post(`/filings/${filed.id}/rate`, { rating: '1' })).status).to.equal(404);
      const c = await signedIn(w.enterpriseKey);
      const pageBefore = await c.get(`/filings/${filed.id}`);
      expect(pageBefore.text).to.include('评价检查');
      expect((await c.post(`/filings/${filed.id}/rate`, { rating: '9' })).status).to.equal(400);
      const ok = await c.post(`/filings/${filed.id}/rate`, {
        rating: '2',
        conductRuleIds: ['conduct.N3'],
        comment: '要求企业承担检测费用',
      });
      expect(ok.status, ok.text).to.equal(303);
      const after = await c.get(`/filings/${filed.id}?done=rated`);
      expect(after.text).to.include('已评价：不满意');
      expect((await c.post(`/filings/${filed.id}/rate`, { rating: '5' })).status).to.equal(409);
    });

    it('lists its own filings only', async () => {
      const mine = (await file(w)).body.filing;
      const other = await world('110101');
      const theirs = (await file(other)).body.filing;
      const c = await signedIn(w.enterpriseKey);
      const list = await c.get('/filings');
      expect(list.text).to.include(mine.filingNo).and.not.include(theirs.filingNo);
    });
  });

  describe('what a hostile tester found, fixed', () => {
    it('answers a form post that is not a form, too many fields or too large a body with a 4xx page', async () => {
      const c = await signedIn(w.agencyKey);
      const filed = (await file(w)).body.filing;
      await c.get(`/filings/${filed.id}`);
      const json = await c.agent.post(`/filings/${filed.id}/cancel`).set('X-CSRF-Token', c.csrf).send({ reason: '改期检查，企业停产' });
      expect(json.status).to.equal(415);
      expect(json.text).to.include('表单须以网页表单的标准格式（UTF-8 编码）提交');
      const empty = await c.agent.post(`/filings/${filed.id}/cancel`).set('X-CSRF-Token', c.csrf);
      expect(empty.status).to.equal(400);
      expect(empty.text).to.include('id="reason-error"');
      const many = await c.post(`/filings/${filed.id}/cancel`, Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, '1'])));
      expect(many.status).to.equal(413);
      const big = await c.post(`/filings/${filed.id}/cancel`, { reason: 'x'.repeat(70 * 1024) });
      expect(big.status).to.equal(413);
      expect(big.text).to.include('64 KiB');
      const h = await harness();
      expect(
        h.logs
          .text()
          .split('\n')
          .filter((l) => l.includes('unhandled error'))
          .join('\n'),
      ).to.equal('');
      expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('filed');
    });

    it('says a completed inspection covers no new visit, and marks a cancelled notice void without its QR code', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
      await h
        .api()
        .post(`/api/v1/filings/${filed.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: h.clock.now().toISOString(), outcome: 'no_issues', summary: '未发现问题' });
      const card = await h.api().get(`/v/${filed.verifyCode}`);
      expect(card.text).to.include('这次检查已经完成').and.not.include('现在在备案的检查时间内');
      h.clock.reset();
      const other = (await file(w)).body.filing;
      await h.api().post(`/api/v1/filings/${other.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整，改期检查' });
      const c = await signedIn(w.agencyKey);
      const notice = await c.get(`/filings/${other.id}/notice`);
      expect(notice.text).to.include('本备案已于').and.not.include('qr.svg').and.not.include('本次检查已备案');
    });

    it('files a joint inspection through the form: ticking a joint agency lists its officers', async () => {
      const h = await harness();
      const partner = await createAgency('110101');
      const partnerOfficer = await addInspector(partner.id);
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const checked = await c.post('/filings/new', filingForm(w, { action: 'check', jointAgencyIds: [partner.id] }));
      expect(checked.text).to.include(`value="${partnerOfficer}"`).and.include('inspectors.each-agency');
      const filed = await c.post(
        '/filings/new',
        filingForm(w, { jointAgencyIds: [partner.id], inspectorIds: [...w.inspectorIds, partnerOfficer] }),
      );
      expect(filed.status, filed.text.slice(0, 3000)).to.equal(303);
      const id = (filed.headers.location as string).split('/')[2]?.split('?')[0] ?? '';
      expect((await h.api().get(`/api/v1/filings/${id}`).set(auth(w.agencyKey))).body.filing.jointAgencyIds).to.deep.equal([partner.id]);
    });

    it('speaks the page’s language beside the fields, and keeps a refused note on the dashboard', async () => {
      const c = await signedIn(w.enterpriseKey);
      const form = await c.get('/report?kind=conduct');
      const res = await c.post('/report', {
        _once: onceOf(form.text),
        kind: 'conduct',
        occurredAt: localField(later(48 * HOUR)),
        description: '',
        agencyName: '某执法局',
        conductRuleIds: ['conduct.N3'],
      });
      expect(res.status).to.equal(400);
      const near = (name: string) =>
        /<p class="field-error" id="[^"]+">([^<]*)<\/p>/.exec(res.text.slice(res.text.indexOf(`id="${name}"`)))?.[1] ?? '';
      expect(near('description'), 'a missing description').to.match(/[\u4e00-\u9fff]/);
      expect(res.text).not.to.include('请按 details 修改后重试');
    });

    it('survives a malformed Referer, matches page paths as Express does, and keeps signed-in pages out of caches', async () => {
      const h = await harness();
      const stale = await h.api().post('/report').set('Cookie', 'ifs=abc.def').set('Referer', 'http://[').type('form').send('x=1');
      expect(stale.status).to.be.oneOf([303, 403]);
      expect(h.logs.text()).not.to.include('unhandled error');
      for (const p of ['/login/', '/LOGIN', '/Report/']) {
        const res = await h.api().get(p);
        expect(res.headers['content-type'], p).not.to.include('json');
        expect(res.status, p).to.be.oneOf([200, 303]);
      }
      const c = await signedIn(w.agencyKey);
      const page = await c.get('/filings');
      expect(page.headers['cache-control']).to.equal('no-store');
      const lang = await c.get('/login?next=%2Ffilings&lang=en');
      expect(lang.text).to.match(/href="\/login\?next=%2Ffilings&amp;lang=zh-CN"/);
    });

    it('takes a second tap on “arrived” as the first one', async () => {
      const h = await harness();
      const filed = (await file(w)).body.filing;
      h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
      const c = await signedIn(w.enterpriseKey);
      await c.get(`/v/${filed.verifyCode}`);
      const token = c.csrf;
      const first = await c.post(`/v/${filed.verifyCode}/arrival`, {}, token);
      const second = await c.post(`/v/${filed.verifyCode}/arrival`, {}, token);
      expect(first.headers.location).to.equal(`/v/${filed.verifyCode}?done=arrival`);
      expect(second.status).to.equal(303);
      expect(second.headers.location).to.equal(`/v/${filed.verifyCode}?done=arrival`);
    });

    it('refuses NUL in a page address with a 400 page, not a 500', async () => {
      const h = await harness();
      const c = await signedIn(w.enterpriseKey);
      for (const p of ['/filings/%00', '/filings/a%00b/notice', '/report?filing=%00']) {
        const res = await c.get(p);
        expect(res.status, p).to.equal(400);
      }
      expect((await c.post('/filings/%00/rate', { rating: '3' })).status).to.equal(400);
      expect(h.logs.text()).not.to.include('unhandled error');
    });

    it('names a refused field by its label on an error page, never by its JSON pointer', async () => {
      const sup = await signedIn(await createKey({ role: 'supervisor', regions: ['1101'] }));
      const visible = (html: string) => html.replace(/<[^>]*>/g, ' ');
      const bad = await sup.get('/dashboard/violations?status=bogus');
      expect(bad.status).to.equal(400);
      expect(visible(bad.text)).to.include('请从页面上的选项中选择').and.not.include('/status');
      const c = await pageClient();
      const nul = await c.agent.get('/x%00y').set('Accept', 'text/html');
      expect(nul.status).to.equal(400);
      expect(visible(nul.text))
        .to.include('页面地址含有 NUL（%00）')
        .and.not.match(/\bpath\b/);
    });

    it('points the language switch of a refused form’s page at the page the form was on, which answers', async () => {
      const c = await pageClient();
      await c.get('/login?next=%2Ffilings');
      const langLink = (html: string) => /<a href="([^"]+)" lang="en" hreflang="en">/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
      const host = 'pages.test';
      const wrong = await c.agent
        .post('/login/password')
        .set('Host', host)
        .set('Referer', `http://${host}/login?next=%2Ffilings`)
        .type('form')
        .send(new URLSearchParams({ _csrf: c.csrf, login: w.uscc, password: 'not-the-password-zq9' }).toString());
      expect(wrong.status).to.equal(401);
      expect(langLink(wrong.text)).to.equal('/login?next=%2Ffilings&lang=en');
      expect((await c.agent.get(langLink(wrong.text))).status).to.equal(200);
      // back to Chinese (the switch is remembered)
      await c.get('/login?lang=zh-CN');
      // no Referer (or another site's): the home page, never the address only a form posts to
      const bare = await c.post('/login/password', { login: w.uscc, password: 'not-the-password-zq9' });
      expect(bare.status).to.equal(401);
      expect(langLink(bare.text)).to.equal('/?lang=en');
      expect((await c.agent.get(langLink(bare.text))).status).to.equal(200);
    });

    it('sends every open form of an ended session to sign in again, not only the first', async () => {
      const c = await signedIn(w.agencyKey);
      const filed = (await file(w)).body.filing;
      await c.get(`/filings/${filed.id}`);
      const token = c.csrf;
      const other = await pageClient();
      const cookie = c.agent.jar.getCookie('ifs', { domain: '127.0.0.1', path: '/', secure: false, script: false });
      await other.agent
        .post('/logout')
        .set('Cookie', `ifs=${cookie?.value ?? ''}`)
        .set('X-CSRF-Token', token)
        .type('form')
        .send('');
      expect((await c.get('/filings')).status).to.equal(303);
      const later = await c.agent
        .post(`/filings/${filed.id}/cancel`)
        .set('Referer', `http://127.0.0.1/filings/${filed.id}`)
        .set('Host', '127.0.0.1')
        .type('form')
        .send(new URLSearchParams({ _csrf: token, reason: '企业停产，改期检查' }).toString());
      expect(later.status).to.equal(303);
      expect(later.headers.location).to.equal(`/login?next=${encodeURIComponent(`/filings/${filed.id}`)}&ended=1`);
    });

    it('tells an enterprise that another enterprise’s code allows no visit to it, before any tap', async () => {
      const filed = (await file(w)).body.filing;
      const stranger = await signedIn((await world('110101')).enterpriseKey);
      const card = await stranger.get(`/v/${filed.verifyCode}`);
      expect(card.text).to.include('不是本企业的备案').and.not.include('确认检查人员已到达').and.not.include('class="card filed');
      const own = await signedIn(w.enterpriseKey);
      expect((await own.get(`/v/${filed.verifyCode}`)).text).to.include('class="card filed');
    });

    it('reports an unfiled visit with misconduct ticked as an unfiled visit, naming what else happened', async () => {
      const h = await harness();
      const c = await signedIn(w.enterpriseKey);
      const form = await c.get('/report');
      expect(form.text).to.include('逐利检查、吃拿卡要').and.not.include('{purpose}');
      const sent = await c.post('/report', {
        _once: onceOf(form.text),
        kind: 'unfiled_inspection',
        occurredAt: localField(later(-HOUR)),
        agencyName: '某执法局',
        description: '无人出示备案',
        conductRuleIds: ['conduct.N3'],
      });
      expect(sent.status, sent.text).to.equal(201);
      const id = /vio_[A-Za-z0-9_-]+/.exec(sent.text)?.[0] ?? '';
      const v = await h.api().get(`/api/v1/violations/${id}`).set(admin);
      expect(v.body.kind).to.equal('unfiled_inspection');
      expect(v.body.description).to.include('逐利检查、吃拿卡要');
    });

    it('shows an arrival message only for an arrival that was recorded', async () => {
      const filed = (await file(w)).body.filing;
      const h = await harness();
      const fake = await h.api().get(`/v/${filed.verifyCode}?done=arrival-outside`);
      expect(fake.text).not.to.include('已记录到达');
    });
  });
});
