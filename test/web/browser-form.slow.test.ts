import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { harness } from '../support/harness.js';
import { auth, createEnterprise, createKey, filingBody, unique, world, type World } from '../support/fixtures.js';
import { localField } from '../support/web.js';
import { DESKTOP, PHONE, SHOTS, useBrowser } from '../support/browser.js';

// The filing form in Chromium on a 375 px phone and a 1200 px desk: the decision follows the
// user (a bar at the bottom of the phone's screen, a sticky panel on the desk), the enterprise is
// found by part of its name, and what the rules block is filed only when asked twice.

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(page: Page, selector: string): Promise<Box> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not shown`);
  return box;
}

async function blockedAttempts(uscc: string): Promise<number> {
  const h = await harness();
  const supervisor = await createKey({ role: 'supervisor', regions: [] });
  const res = await h.api().get(`/api/v1/attempts?enterprise=${uscc}&kind=blocked`).set(auth(supervisor));
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return (res.body.items as unknown[]).length;
}

async function filings(w: World, uscc: string): Promise<number> {
  const h = await harness();
  return ((await h.api().get(`/api/v1/filings?enterprise=${uscc}`).set(auth(w.agencyKey))).body.items as unknown[]).length;
}

/** Fills the window and the items; the officers are the test's to choose. */
async function fillVisit(page: Page, w: World) {
  const b = filingBody(w);
  await page.check('input[name=itemCodes][value="SAFE-01"]');
  await page.fill('#plannedStart', localField(new Date(b.plannedStart as string)));
  await page.fill('#plannedEnd', localField(new Date(b.plannedEnd as string)));
  await page.fill('#onSiteJustification', '企业自查报告存在疑点，需现场核实');
}

describe('the filing form in a real browser', function () {
  const bw = useBrowser();
  const { phone, signIn, fits, shot } = bw;

  it('on a phone: the summary stays at the bottom, the enterprise is found by name, a block asks before it is recorded', async () => {
    const w = await world('211223');
    const tag = unique('Br');
    const name = `桓仁${tag}矿业有限公司`;
    const uscc = await createEnterprise('211223', { name, riskClass: 'D' });
    const page = await phone();
    await signIn(page, w.agencyKey);
    await page.goto(`${bw.base}/filings/new`);
    await fits(page);

    // the summary is on screen, at its bottom, while the credit-code field near the top has the focus
    await page.locator('#enterpriseUscc').focus();
    const field = await boxOf(page, '#enterpriseUscc');
    expect(field.y, 'the code field is near the top').to.be.below(PHONE.height / 2);
    const bar = await boxOf(page, '#decision-bar');
    expect(bar.y + bar.height, 'the bar ends at the bottom of the screen').to.be.within(PHONE.height - 2, PHONE.height + 0.5);
    expect(bar.y, 'and is on it').to.be.above(PHONE.height - 120);

    // a fragment of the name finds it; picking it fills the code and shows the name back
    await page.fill('#enterpriseSearch', tag.slice(0, 8));
    const option = page.locator('#enterprise-options [role=option]', { hasText: name });
    await option.waitFor({ timeout: 10_000 });
    await option.click();
    expect(await page.inputValue('#enterpriseUscc')).to.equal(uscc);
    expect(await page.locator('#enterprise-name').innerText()).to.include(name);
    expect(await page.locator('#enterprise-options').isVisible()).to.equal(false);

    // one officer: the rules block, and the bar says so as the form is filled
    await fillVisit(page, w);
    await page.check(`input[name=inspectorIds][value="${w.inspectorIds[0] ?? ''}"]`);
    await page.locator('#decision-bar.block').waitFor({ timeout: 10_000 });
    expect(await page.locator('#decision-bar').innerText()).to.include('不能备案');
    await page.evaluate('window.scrollTo(0, 0)');
    // the screen as the user sees it (a full-page capture would put the bar mid-form)
    await page.screenshot({ path: `${SHOTS}/filing-form-phone.png` });
    // a tap on the bar shows the findings
    await page.click('#decision-bar');
    expect(await page.evaluate<string>('location.hash')).to.equal('#decision-h');
    expect(await page.locator('#decision .finding.block').first().isVisible()).to.equal(true);

    // 提交备案 asks first, in place; going back files nothing
    const before = await blockedAttempts(uscc);
    await page.click('#file-button');
    const ask = page.locator('#blocked-confirm');
    await ask.waitFor({ state: 'visible' });
    expect(await ask.innerText()).to.include('此备案不符合规则，提交后将作为被阻止的尝试记入本机关的记录。仍然提交？');
    expect(new URL(page.url()).pathname).to.equal('/filings/new');
    await shot(page, 'filing-form-blocked');
    await page.click('#blocked-confirm [data-dismiss]');
    await ask.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).to.equal('/filings/new');
    expect(await blockedAttempts(uscc), 'going back records nothing').to.equal(before);

    // asked again and confirmed: one blocked attempt, no filing
    await page.click('#file-button');
    await ask.waitFor({ state: 'visible' });
    await Promise.all([page.waitForLoadState('load'), page.waitForURL(/\/filings\/new$/), page.click('button[value=file-blocked]')]);
    await page.locator('#decision .finding.block').first().waitFor();
    expect(await page.locator('main').innerText()).to.include('已记录为被拦截的备案尝试');
    expect(await blockedAttempts(uscc)).to.equal(before + 1);
    expect(await filings(w, uscc)).to.equal(0);
    await fits(page);
    expect(bw.cspReports, bw.cspReports.join('\n')).to.deep.equal([]);
  });

  it('on a filing’s page: cancelling asks in place, and going back keeps the filing', async () => {
    const h = await harness();
    const w = await world('211223');
    const filed = (await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w))).body.filing;
    const page = await phone();
    await signIn(page, w.agencyKey);
    await page.goto(`${bw.base}/filings/${filed.id}`);
    await page.fill('#reason', '企业停产，改期检查');
    await page.click('#cancel-button');
    const ask = page.locator('#cancel-confirm');
    await ask.waitFor({ state: 'visible' });
    expect(await ask.innerText()).to.include(`确定撤销备案 ${filed.filingNo}？`);
    await page.click('#cancel-confirm [data-dismiss]');
    await ask.waitFor({ state: 'hidden' });
    const status = async () => (await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status;
    expect(await status()).to.equal('filed');
    await page.click('#cancel-button');
    await Promise.all([page.waitForURL(/done=cancelled$/), page.click('#cancel-confirm button[name=confirm]')]);
    expect(await page.locator('.notice').innerText()).to.include(`已撤销备案 ${filed.filingNo}`);
    expect(await status()).to.equal('cancelled');
    expect(bw.cspReports, bw.cspReports.join('\n')).to.deep.equal([]);
  });

  it('on a desk: the decision panel is sticky and stays in view while the form scrolls', async () => {
    const w = await world('211223');
    const page = await phone();
    await page.setViewportSize(DESKTOP);
    await signIn(page, w.agencyKey);
    await page.goto(`${bw.base}/filings/new`);
    // by keyboard: the name's end (the fixture names it after its code), down, Enter
    await page.fill('#enterpriseSearch', w.uscc.slice(-6));
    await page.locator('#enterprise-options [role=option]').first().waitFor();
    await page.press('#enterpriseSearch', 'ArrowDown');
    expect(await page.getAttribute('#enterpriseSearch', 'aria-activedescendant')).to.equal('enterprise-option-0');
    await page.press('#enterpriseSearch', 'Enter');
    expect(await page.inputValue('#enterpriseUscc')).to.equal(w.uscc);
    expect(new URL(page.url()).pathname, 'Enter picked, and sent nothing').to.equal('/filings/new');
    await fillVisit(page, w);
    for (const id of w.inspectorIds) await page.check(`input[name=inspectorIds][value="${id}"]`);
    await page.locator('#decision .decision-live[data-outcome="allow"], #decision .decision-live[data-outcome="warn"]').waitFor({
      timeout: 10_000,
    });
    expect(await page.locator('#decision-bar').isVisible(), 'no bar on a desk').to.equal(false);
    const panel = page.locator('.decision-panel');
    expect(
      await panel.evaluate(
        (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { position: string } }).getComputedStyle(el).position,
      ),
    ).to.equal('sticky');
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'filing-form-desktop');

    const scrollable = await page.evaluate<number>('document.documentElement.scrollHeight - window.innerHeight');
    expect(scrollable, 'the form is longer than the screen').to.be.above(100);
    for (const y of [Math.round(scrollable / 2), scrollable]) {
      await page.evaluate(`window.scrollTo(0, ${y})`);
      await page.waitForFunction(`Math.abs(window.scrollY - ${y}) < 2`);
      const box = await boxOf(page, '.decision-panel');
      expect(box.y, `scrolled to ${y}: the panel's top is on screen`).to.be.within(0, DESKTOP.height - 100);
      expect(box.y + Math.min(box.height, 200), `scrolled to ${y}: the panel is in view`).to.be.at.most(DESKTOP.height);
    }
    await fits(page);
    expect(bw.cspReports, bw.cspReports.join('\n')).to.deep.equal([]);
  });
});
