import { expect } from 'chai';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { harness } from '../support/harness.js';
import { auth, createKey, file, filingBody, world } from '../support/fixtures.js';
import { localField } from '../support/web.js';
import { PHONE, SHOTS, useBrowser } from '../support/browser.js';

// The pages as people use them: Debian's Chromium driven by playwright-core, against the real
// app and database. Screenshots go to artifacts/screenshots (ignored by git) for a person to look
// at; nothing asserts on pixels except the QR code, which is decoded.

// jsqr is CommonJS typed as an ES default export: take the function whichever way it arrives
type Decode = typeof jsQRModule.default;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

const HOUR = 3_600_000;

describe('pages in a real browser', function () {
  const bw = useBrowser();
  const { phone, signIn, fits, shot } = bw;

  it('an agency files through the form, a warning explained before it submits; the notice’s QR decodes to the card', async () => {
    const w = await world('110101');
    const page = await phone();
    await signIn(page, w.agencyKey);
    await page.goto(`${bw.base}/filings/new`);
    await fits(page);
    const b = filingBody(w);
    await page.fill('#enterpriseUscc', w.uscc);
    await page.check('input[name=itemCodes][value="SAFE-01"]');
    for (const id of w.inspectorIds) await page.check(`input[name=inspectorIds][value="${id}"]`);
    await page.fill('#plannedStart', localField(new Date(b.plannedStart as string)));
    await page.fill('#plannedEnd', localField(new Date(b.plannedEnd as string)));
    // no justification for going on site: the rules warn, live, before anything is filed
    const finding = page.locator('#decision .finding.warn', { hasText: '说明入企必要性' });
    await finding.waitFor({ timeout: 10_000 });
    expect(await finding.innerText())
      .to.include('预警')
      .and.include('依据');
    await shot(page, 'filing-form-warning');
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.locator('#enterpriseUscc').focus();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${SHOTS}/filing-form-desktop.png` });
    await page.setViewportSize(PHONE);
    const h = await harness();
    const before = (await h.api().get(`/api/v1/filings?enterprise=${w.uscc}`).set(auth(w.agencyKey))).body.items.length;
    expect(before, 'the live check files nothing').to.equal(0);

    await page.fill('#onSiteJustification', '企业自查报告存在疑点，需现场核实');
    await Promise.all([page.waitForURL(/\/filings\/[^/]+\?done=filed$/), page.click('button[name=action][value=file]')]);
    expect(await page.locator('.notice').innerText()).to.include('备案成功，备案号');
    const filingId = new URL(page.url()).pathname.split('/')[2] ?? '';
    const filing = (await h.api().get(`/api/v1/filings/${filingId}`).set(auth(w.agencyKey))).body.filing;

    await Promise.all([page.waitForURL(/\/notice$/), page.click('a[href$="/notice"]')]);
    await fits(page);
    const qr = page.locator('#notice-qr');
    expect(await qr.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0)).to.equal(true);
    const png = PNG.sync.read(await qr.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).to.equal(filing.verifyUrl);
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible(), 'no site header on paper').to.equal(false);
    await shot(page, 'filing-notice-print');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize(PHONE);

    // the decoded address, on this server: the filed card
    const scan = await phone();
    await scan.goto(`${bw.base}${new URL(decoded?.data ?? '').pathname}`);
    await scan.locator('.card.filed').waitFor();
    expect(await scan.locator('.card.filed').innerText())
      .to.include(filing.filingNo)
      .and.include('事项 SAFE-01');
    await fits(scan);
    await shot(scan, 'verify-filed');
  });

  it('a cancelled code shows the invalid page, and its report lands on the supervisor dashboard', async () => {
    const h = await harness();
    // a district of its own: the dashboard lists the newest violations of the supervisor's regions
    const w = await world('110109');
    const filing = (await file(w)).body.filing;
    await h.api().post(`/api/v1/filings/${filing.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整，改期检查' });
    const page = await phone();
    await page.goto(`${bw.base}/v/${filing.verifyCode}`);
    expect(await page.locator('.card.invalid h1').innerText()).to.include('不是有效的备案');
    await fits(page);
    await shot(page, 'verify-invalid');
    await page.click('text=举报这次检查');
    // not signed in: the sign-in page, then back to the report form
    await page.waitForURL(/\/login\?next=/);
    await page.fill('#key', w.enterpriseKey);
    await Promise.all([page.waitForURL(/\/report\?code=/), page.click('form[action="/login"] button[type=submit]')]);
    await fits(page);
    await page.fill('#description', '两人持已撤销的核验码上门，要求查看账簿');
    await page.selectOption('#hotlineLine', '12345');
    await page.fill('#hotlineTicket', 'GD-2026-1126-7');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/report"] button[type=submit]')]);
    expect(await page.locator('.notice').innerText()).to.include('已提交');

    const supervisor = await phone();
    await signIn(supervisor, await createKey({ role: 'supervisor', regions: ['110109'] }));
    await supervisor.goto(`${bw.base}/dashboard`);
    const report = supervisor.locator('.violation', { hasText: '两人持已撤销的核验码上门' });
    expect(await report.innerText())
      .to.include('GD-2026-1126-7')
      .and.include('未备案入企检查');
    expect(await supervisor.locator('.sv-chart svg').count()).to.equal(1);
    await fits(supervisor);
    await shot(supervisor, 'dashboard');
    await supervisor.setViewportSize({ width: 1200, height: 900 });
    await supervisor.screenshot({ path: `${SHOTS}/dashboard-desktop.png` });
  });

  it('arrival and rating work for the right enterprise and are refused for another', async () => {
    const h = await harness();
    const w = await world('110101');
    const filing = (await file(w)).body.filing;
    h.clock.set(new Date(Date.parse(filing.plannedStart) + HOUR));

    const stranger = await phone();
    await signIn(stranger, (await world('110101')).enterpriseKey);
    await stranger.goto(`${bw.base}/v/${filing.verifyCode}`);
    // another enterprise's code: said at once, and no button to confirm an arrival with it
    expect(await stranger.locator('.card.invalid h1').innerText()).to.include('不是本企业的备案');
    expect(await stranger.locator('text=确认检查人员已到达').count()).to.equal(0);
    expect((await h.api().get(`/api/v1/filings/${filing.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('filed');

    const page = await phone();
    await signIn(page, w.enterpriseKey);
    await page.goto(`${bw.base}/v/${filing.verifyCode}`);
    expect(await page.locator('.banner.ok').innerText()).to.include('现在在备案的检查时间内');
    await Promise.all([page.waitForURL(/done=arrival$/), page.click('text=确认检查人员已到达')]);
    expect(await page.locator('.notice').innerText()).to.include('已记录到达时间');

    await h
      .api()
      .post(`/api/v1/filings/${filing.id}/result`)
      .set(auth(w.agencyKey))
      .send({ conductedAt: h.clock.now().toISOString(), outcome: 'no_issues', summary: '未发现问题' });
    await page.goto(`${bw.base}/filings/${filing.id}`);
    await fits(page);
    await page.check('input[name=rating][value="4"]');
    await page.fill('#comment', '检查规范，用时短');
    await Promise.all([page.waitForURL(/done=rated$/), page.click('form[action$="/rate"] button[type=submit]')]);
    expect(await page.locator('main').innerText()).to.include('已评价：满意');
    await shot(page, 'enterprise-filing-rated');

    const again = await stranger.goto(`${bw.base}/filings/${filing.id}`);
    expect(again?.status()).to.equal(404);
  });

  it('switches language, remembers it, and every page fits a 375 px screen without a CSP complaint', async () => {
    const w = await world('110101');
    const filing = (await file(w)).body.filing;
    const page = await phone();
    await page.goto(`${bw.base}/`);
    expect(await page.locator('h1').first().innerText()).to.equal('涉企检查备案系统');
    await page.click('header a[hreflang=en]');
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await page.goto(`${bw.base}/v/${filing.verifyCode}`);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await page.locator('main').innerText()).to.include('A filed inspection');
    await shot(page, 'verify-filed-en');
    await page.click('header a[hreflang=zh-CN]');
    expect(await page.locator('main').innerText()).to.include('已备案的检查');
    await page.goto(`${bw.base}/`);
    await shot(page, 'home');

    const pagesFor: [string, string[]][] = [
      ['', ['/', '/login', `/v/${filing.verifyCode}`, '/v/NOPE-NOPE']],
      [w.agencyKey, ['/filings', '/filings/new', `/filings/${filing.id}`, `/filings/${filing.id}/notice`]],
      [w.enterpriseKey, ['/filings', `/filings/${filing.id}`, `/report?code=${filing.verifyCode}`]],
      [await createKey({ role: 'supervisor', regions: ['1101'] }), ['/dashboard']],
    ];
    for (const [key, paths] of pagesFor) {
      for (const lang of ['zh-CN', 'en']) {
        const p = await phone();
        if (key) await signIn(p, key);
        for (const path of paths) {
          await p.goto(`${bw.base}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          await fits(p);
        }
      }
    }
    expect(bw.cspReports, bw.cspReports.join('\n')).to.deep.equal([]);
  });
});
