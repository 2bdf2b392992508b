import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { auth, createKey, world } from '../support/fixtures.js';
import { useBrowser } from '../support/browser.js';

// An enterprise follows what it reported, on a 375 px phone: it reports on /report, a supervisor
// closes the report with a reply, and the enterprise finds it under 我的反映 and rates the handling.

describe('an enterprise follows its report in a real browser', function () {
  const bw = useBrowser();
  const { phone, signIn, fits, shot } = bw;

  it('reports, sees 已办结 with the supervisor’s reply under 我的反映, rates 满意 and is told so', async () => {
    const h = await harness();
    h.clock.set('2026-08-11T10:00:00+08:00');
    const w = await world('450134');
    const sup = await createKey({ role: 'supervisor', regions: ['450134'] });
    const page = await phone();
    await signIn(page, w.enterpriseKey);

    await page.goto(`${bw.base}/report`);
    await fits(page);
    await page.fill('#agencyName', '某县市场监督管理局');
    await page.fill('#description', '两名执法人员未出示备案码，进入车间检查');
    await Promise.all([page.waitForURL(/\/report$/), page.click('form[action="/report"] button[type=submit]')]);
    expect(await page.locator('.notice').innerText()).to.include('已提交');

    // the supervisor works it through the API, with a reply
    const mine = (await h.api().get('/api/v1/reports').set(auth(w.enterpriseKey))).body.items as { id: string }[];
    expect(mine).to.have.length(1);
    const id = mine[0]!.id;
    const reply = '经核查属实：该局已对相关执法人员批评教育，并责令今后入企检查一律先备案。';
    const closed = await h.api().patch(`/api/v1/violations/${id}`).set(auth(sup)).send({ status: 'resolved', note: reply });
    expect(closed.status).to.equal(200);

    // from the success page's way back, or the header: 我的反映
    await page.goto(`${bw.base}/`);
    await Promise.all([page.waitForURL(/\/reports$/), page.click('header.top a[href="/reports"]')]);
    await fits(page);
    const card = page.locator(`#r-${id}`);
    expect(await card.innerText())
      .to.include('已办结')
      .and.include(reply)
      .and.include('某县市场监督管理局');
    await page.check(`#r-${id} input[name=rating][value="4"]`);
    await page.fill(`#comment-${id}`, '答复清楚');
    await shot(page, 'my-reports');
    await Promise.all([page.waitForURL(/\/satisfaction$/), page.click(`#r-${id} form.mr-rate button[type=submit]`)]);
    const done = await page.locator('.notice').innerText();
    expect(done).to.include('评价已提交').and.include('满意').and.include(id);
    await fits(page);

    await page.goto(`${bw.base}/reports`);
    expect(await page.locator(`#r-${id}`).innerText()).to.include('您的评价：满意');
    expect(await page.locator(`#r-${id} form.mr-rate`).count()).to.equal(0);
    expect(bw.cspReports).to.deep.equal([]);
  });
});
