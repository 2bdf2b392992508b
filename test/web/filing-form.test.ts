import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { auth, createEnterprise, createKey, file, randomUscc, unique, world, type World } from '../support/fixtures.js';
import { filingForm, localField, pageClient, signedIn } from '../support/web.js';

// The filing form and a filing's page as pages, without a script: what the form's script asks
// (the enterprise search), what the server asks when the script is not there (a blocked filing,
// a cancellation), and what the pages say once something is done.

const MINUTE = 60_000;

interface Found {
  items: { uscc: string; name: string }[];
  more: boolean;
}

async function attemptsOf(w: World): Promise<number> {
  const h = await harness();
  const supervisor = await createKey({ role: 'supervisor', regions: [] });
  const res = await h.api().get(`/api/v1/attempts?enterprise=${w.uscc}&kind=blocked`).set(auth(supervisor));
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return (res.body.items as unknown[]).length;
}

async function filingCount(w: World): Promise<number> {
  const h = await harness();
  const res = await h.api().get(`/api/v1/filings?enterprise=${w.uscc}&limit=500`).set(auth(w.agencyKey));
  return (res.body.items as unknown[]).length;
}

describe('the filing form and a filing’s page', () => {
  describe('finding the enterprise', () => {
    it('searches by part of the name or the start of the code, within the agency’s jurisdiction, a short list', async () => {
      const w = await world('211223');
      const tag = unique('Ty');
      const here = await createEnterprise('211223', { name: `桓仁${tag}矿业有限公司` });
      const far = await createEnterprise('211224', { name: `宽甸${tag}矿业有限公司` });
      for (let i = 0; i < 12; i++) await createEnterprise('211223', { name: `桓仁${tag}第${i}分公司` });
      const c = await signedIn(w.agencyKey);
      const ask = (q: string) => c.agent.get(`/filings/enterprises?q=${encodeURIComponent(q)}`);

      const byName = await ask(`${tag}矿业`);
      expect(byName.status).to.equal(200);
      expect(byName.headers['content-type']).to.match(/json/);
      expect((byName.body as Found).items).to.deep.equal([{ uscc: here, name: `桓仁${tag}矿业有限公司` }]);
      expect((await ask(far)).body.items, 'out of the jurisdiction, even by its full code').to.deep.equal([]);
      const byCode = (await ask(here.slice(0, 17).toLowerCase())).body as Found;
      expect(byCode.items.map((e) => e.uscc)).to.include(here);
      // a list to pick from: at most ten, and whether there are more
      const many = (await ask(tag)).body as Found;
      expect(many.items).to.have.length(10);
      expect(many.more).to.equal(true);
      expect((await ask('   ')).body).to.deep.equal({ items: [], more: false });
    });

    it('refuses other roles and the signed-out, and answers hostile input with a 4xx a person can act on', async () => {
      const w = await world('211223');
      const enterprise = await signedIn(w.enterpriseKey);
      const refused = await enterprise.agent.get('/filings/enterprises?q=测试');
      expect(refused.status).to.equal(403);
      expect(refused.text).to.include('这个页面只对以下角色开放');
      const supervisor = await signedIn(await createKey({ role: 'supervisor', regions: [] }));
      expect((await supervisor.agent.get('/filings/enterprises?q=测试')).status).to.equal(403);
      const stranger = await pageClient();
      const out = await stranger.agent.get('/filings/enterprises?q=测试');
      expect(out.status).to.equal(303);
      expect(out.headers.location).to.match(/^\/login\?next=/);

      const c = await signedIn(w.agencyKey);
      const nul = await c.agent.get('/filings/enterprises?q=%E6%A1%93%00');
      expect(nul.status).to.equal(400);
      expect(nul.text).to.include('NUL');
      const long = await c.agent.get(`/filings/enterprises?q=${'桓'.repeat(200)}`);
      expect(long.status).to.equal(400);
      expect(long.body.error.code).to.equal('validation_failed');
      expect(JSON.stringify(long.body.error.details)).to.include('100');
      const huge = await c.agent.get(`/filings/enterprises?q=${'a'.repeat(10_000)}`);
      expect(huge.status).to.equal(400);
      const twice = await c.agent.get('/filings/enterprises?q=a&q=b');
      expect(twice.status).to.equal(400);
      const h = await harness();
      expect(h.logs.text()).not.to.include('unhandled error');
    });

    it('shows the chosen enterprise’s name next to its code, and lists filings by name', async () => {
      const w = await world('110101');
      const h = await harness();
      const name = (await h.api().get(`/api/v1/enterprises/${w.uscc}`).set(auth(w.agencyKey))).body.name as string;
      const c = await signedIn(w.agencyKey);
      const empty = await c.get('/filings/new');
      expect(empty.text).to.include('id="enterprise-search"').and.include('class="decision-bar none"');
      const checked = await c.post('/filings/new', filingForm(w, { action: 'check', enterpriseUscc: w.uscc.toLowerCase() }));
      expect(checked.status).to.equal(200);
      expect(checked.text).to.include(`企业：${name}`);
      const unknown = await c.post('/filings/new', filingForm(w, { action: 'check', enterpriseUscc: randomUscc('110101') }));
      expect(unknown.text).to.include('这个代码没有登记的企业');

      const filed = (await file(w)).body.filing;
      const list = await c.get('/filings');
      expect(list.text).to.include(filed.filingNo).and.include(name);
    });
  });

  describe('a decision that blocks', () => {
    it('is summed up in the bar, and filing it asks first; going back records nothing, confirming records one attempt', async () => {
      const w = await world('110101');
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const blocked = filingForm(w, { inspectorIds: [w.inspectorIds[0] ?? ''] });

      const live = await c.post('/filings/check', blocked);
      expect(live.text).to.include('data-outcome="block"').and.include('不能备案 · 1 条禁止');
      const before = await attemptsOf(w);
      const asked = await c.post('/filings/new', blocked);
      expect(asked.status).to.equal(200);
      expect(asked.text)
        .to.include('此备案不符合规则，提交后将作为被阻止的尝试记入本机关的记录。仍然提交？')
        .and.include('name="action" value="file-blocked"')
        .and.include('class="decision-bar block"');
      expect(asked.text).not.to.match(/id="blocked-confirm"[^>]*hidden/);
      expect(await attemptsOf(w), 'asking records nothing').to.equal(before);
      const back = await c.post('/filings/new', { ...blocked, action: 'check' });
      expect(back.status).to.equal(200);
      expect(back.text).to.match(/id="blocked-confirm"[^>]*hidden/);
      expect(await attemptsOf(w), 'going back records nothing').to.equal(before);

      const once = /name="_once" value="([^"]+)"/.exec(back.text)?.[1] ?? '';
      const sent = await c.post('/filings/new', { ...blocked, action: 'file-blocked', _once: once });
      expect(sent.status).to.equal(422);
      expect(sent.text).to.include('已记录为被拦截的备案尝试');
      expect(await attemptsOf(w)).to.equal(before + 1);
      // the confirmed form sent again (a double tap): the first answer, not a second attempt
      const again = await c.post('/filings/new', { ...blocked, action: 'file-blocked', _once: once });
      expect(again.status).to.equal(422);
      expect(await attemptsOf(w)).to.equal(before + 1);
      expect(await filingCount(w)).to.equal(0);
    });

    it('files at the first press when nothing blocks', async () => {
      const w = await world('110101');
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const filed = await c.post('/filings/new', filingForm(w));
      expect(filed.status, filed.text.slice(0, 400)).to.equal(303);
      expect(await filingCount(w)).to.equal(1);
    });
  });

  describe('a filing’s page', () => {
    it('says what was filed: the filing number and the verification code', async () => {
      const w = await world('110101');
      const c = await signedIn(w.agencyKey);
      await c.get('/filings/new');
      const res = await c.post('/filings/new', filingForm(w));
      expect(res.status).to.equal(303);
      const page = await c.get(res.headers.location as string);
      const h = await harness();
      const id = (res.headers.location as string).split(/[/?]/)[2] ?? '';
      const f = (await h.api().get(`/api/v1/filings/${id}`).set(auth(w.agencyKey))).body.filing;
      expect(page.text).to.include(`备案成功，备案号 ${f.filingNo}（核验码 ${f.verifyCode}）`);
      const en = await c.get(`${res.headers.location as string}&lang=en`);
      expect(en.text).to.include(`Filed: number ${f.filingNo} (verification code ${f.verifyCode})`);
    });

    it('offers the result form once the visit can have begun, and says when before', async () => {
      const h = await harness();
      const w = await world('110101');
      const f = (await file(w)).body.filing;
      const c = await signedIn(w.agencyKey);
      const early = await c.get(`/filings/${f.id}`);
      expect(early.text).not.to.include(`action="/filings/${f.id}/result"`);
      expect(early.text).to.include('检查开始（').and.include('后才能登记检查结果');
      h.clock.set(new Date(Date.parse(f.plannedStart) - MINUTE));
      expect((await (await signedIn(w.agencyKey)).get(`/filings/${f.id}`)).text).not.to.include(`action="/filings/${f.id}/result"`);

      h.clock.set(new Date(Date.parse(f.plannedStart) + MINUTE));
      // two days on: a session of its own (the first one has ended)
      const later = await signedIn(w.agencyKey);
      const open = await later.get(`/filings/${f.id}`);
      expect(open.text).to.include(`action="/filings/${f.id}/result"`).and.not.include('后才能登记检查结果');
      const done = await later.post(`/filings/${f.id}/result`, {
        conductedAt: localField(h.clock.now()),
        outcome: 'no_issues',
        summary: '现场检查未发现问题',
      });
      expect(done.status, done.text.slice(0, 400)).to.equal(303);
      expect(done.headers.location).to.equal(`/filings/${f.id}?done=result`);
      expect((await later.get(done.headers.location as string)).text).to.include('已登记检查结果');
    });

    it('asks before cancelling, keeps the reason, and cancels only when confirmed', async () => {
      const h = await harness();
      const w = await world('110101');
      const f = (await file(w)).body.filing;
      const c = await signedIn(w.agencyKey);
      const page = await c.get(`/filings/${f.id}`);
      expect(page.text)
        .to.include('/assets/filing-page.js')
        .and.match(/id="cancel-confirm"[^>]*hidden/);

      const asked = await c.post(`/filings/${f.id}/cancel`, { reason: '企业停产，改期检查' });
      expect(asked.status).to.equal(200);
      expect(asked.text)
        .to.include(`确定撤销备案 ${f.filingNo}？`)
        .and.include('name="confirm" value="yes"')
        .and.include('value="企业停产，改期检查"');
      expect(asked.text).not.to.match(/id="cancel-confirm"[^>]*hidden/);
      const status = async () => (await h.api().get(`/api/v1/filings/${f.id}`).set(auth(w.agencyKey))).body.filing.status;
      expect(await status(), 'asking cancels nothing').to.equal('filed');
      // the question is asked of a cancellation that can happen: no reason, no question
      const noReason = await c.post(`/filings/${f.id}/cancel`, { reason: '', confirm: 'yes' });
      expect(noReason.status).to.equal(400);
      expect(noReason.text).to.include('id="reason-error"');

      const done = await c.post(`/filings/${f.id}/cancel`, { reason: '企业停产，改期检查', confirm: 'yes' });
      expect(done.status).to.equal(303);
      expect(done.headers.location).to.equal(`/filings/${f.id}?done=cancelled`);
      expect(await status()).to.equal('cancelled');
      expect((await c.get(done.headers.location as string)).text).to.include(`已撤销备案 ${f.filingNo}，核验码已失效`);
    });
  });
});
