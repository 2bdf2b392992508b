import { expect } from 'chai';
import { formatLocal } from '../../src/domain/calendar.js';
import { harness } from '../support/harness.js';
import { addInspector, admin, auth, createAgency, createEnterprise, createKey } from '../support/fixtures.js';
import { PHONE, useBrowser } from '../support/browser.js';

// A supervisor's morning in Chromium on a 375 px phone: a draw plan made on the page, drawn now,
// the draw opened and re-checked; the digest in the site's layout in local time; a violation's
// history; the dashboard's chart fitting the phone and reachable by keyboard.

describe('supervision pages in a real browser', function () {
  const bw = useBrowser();
  const { phone, signIn, fits, shot } = bw;
  const region = '530124';

  it('a supervisor makes a plan, draws it now, opens the draw and re-checks it: 复核一致', async () => {
    const ag = await createAgency(region);
    for (let i = 0; i < 3; i++) await addInspector(ag.id);
    for (let i = 0; i < 10; i++) await createEnterprise(region, { riskClass: 'B' });
    const sup = await createKey({ role: 'supervisor', regions: ['5301'] });
    const page = await phone();
    await signIn(page, sup, '/dashboard/draw-plans');
    await page.goto(`${bw.base}/dashboard/draw-plans`);
    await fits(page);
    await page.selectOption('#pf-agencyId', ag.id);
    await page.fill('#pf-name', '浏览器抽查计划');
    await page.fill('#pf-ratio', '20');
    await page.fill('#pf-period', '10');
    await Promise.all([page.waitForURL(/done=created/), page.click('form[action="/dashboard/draw-plans"] button[type=submit]')]);
    expect(await page.locator('.notice').innerText()).to.include('抽查计划已建立');
    const plan = page.locator('.sv-plan', { hasText: '浏览器抽查计划' });
    expect(await plan.innerText()).to.include('种子哈希');
    await fits(page);
    await shot(page, 'draw-plans');
    await Promise.all([
      page.waitForURL(/\/dashboard\/draws\/[^/?]+\?done=drawn$/),
      plan.locator('button', { hasText: '立即抽取' }).click(),
    ]);
    expect(await page.locator('#recheck-result').innerText()).to.include('复核一致');
    expect(await page.locator('table.sv-table').innerText())
      .to.include('测试企业')
      .and.include('执法员');
    await Promise.all([page.waitForURL(/done=rechecked$/), page.click('form[action$="/recheck"] button')]);
    expect(await page.locator('#recheck-result').innerText()).to.include('复核一致');
    expect(await page.locator('main').innerText()).to.include('最近一次复核');
    await fits(page);
    await shot(page, 'draw');
  });

  it('shows the digest in the layout with the region’s local time', async () => {
    const h = await harness();
    const sup = await createKey({ role: 'supervisor', regions: ['5301'] });
    const day = formatLocal(new Date(h.clock.now().getTime() - 86_400_000), 'Asia/Shanghai').slice(0, 10);
    expect((await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: day })).status).to.equal(200);
    const generatedAt = (await h.api().get(`/api/v1/digests/${day}`).set(auth(sup))).body.generatedAt as string;
    const page = await phone();
    await signIn(page, sup, `/dashboard/digests/${day}`);
    await page.goto(`${bw.base}/dashboard/digests/${day}`);
    expect(await page.locator('header.top').count()).to.equal(1);
    expect(await page.locator('main').innerText())
      .to.include(`${day} 每日摘要`)
      .and.include(`生成于 ${formatLocal(new Date(generatedAt), 'Asia/Shanghai')}`)
      .and.not.include(generatedAt);
    await fits(page);
    await shot(page, 'digest');
  });

  it('opens a violation with its history after a status change on its page', async () => {
    const h = await harness();
    const ag = await createAgency(region);
    const sup = await createKey({ role: 'supervisor', regions: ['5301'] });
    const raised = await h
      .api()
      .post('/api/v1/violations')
      .set(auth(sup))
      .send({
        kind: 'conduct',
        agencyId: ag.id,
        occurredAt: h.clock.now().toISOString(),
        description: '检查人员索要财物',
        conductRuleIds: ['conduct.N4'],
      });
    const body = raised.status === 201 ? raised.body : null;
    // a county whose rule sets name other conduct items: an unfiled visit instead
    const v =
      body ??
      (
        await h
          .api()
          .post('/api/v1/violations')
          .set(auth(sup))
          .send({ kind: 'unfiled_inspection', agencyId: ag.id, occurredAt: h.clock.now().toISOString(), description: '检查人员索要财物' })
      ).body;
    const page = await phone();
    await signIn(page, sup, `/dashboard/violations/${v.id}`);
    await page.goto(`${bw.base}/dashboard/violations/${v.id}`);
    await page.fill(`#n-${v.id}`, '已受理，约谈执法主体负责人');
    await Promise.all([page.waitForURL(/\?done=1$/), page.click(`form[action="/dashboard/violations/${v.id}"] button`)]);
    const history = await page.locator('.sv-history').innerText();
    expect(history).to.include('待处理 → 已受理').and.include('已受理，约谈执法主体负责人');
    await fits(page);
    await shot(page, 'violation-detail');
  });

  it('fits the dashboard chart on a 375 px phone, today in view, and reaches it by keyboard', async () => {
    const sup = await createKey({ role: 'supervisor', regions: ['5301'] });
    const page = await phone();
    await signIn(page, sup, '/dashboard');
    await page.goto(`${bw.base}/dashboard`);
    await fits(page);
    const chart = await page.locator('figure.sv-chart').boundingBox();
    const today = await page.locator('rect.sv-bar.today').boundingBox();
    expect(chart, 'the chart is shown').to.not.equal(null);
    expect(chart!.x + chart!.width).to.be.at.most(PHONE.width);
    expect(today, 'today has a bar').to.not.equal(null);
    expect(today!.x + today!.width).to.be.at.most(PHONE.width);
    // Tab from the top of the page until the chart has the focus
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.matches('figure.sv-chart') ?? false");
    }
    expect(reached, 'the chart is reachable with Tab').to.equal(true);
    expect(await page.locator('figure.sv-chart').getAttribute('aria-labelledby')).to.equal('chart-cap');
    expect(await page.locator('#chart-cap').innerText()).to.include('今天备案');
    expect(bw.cspReports, 'no page broke its Content-Security-Policy').to.deep.equal([]);
  });
});
