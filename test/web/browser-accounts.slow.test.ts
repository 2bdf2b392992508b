import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { auth, createKey, file, world } from '../support/fixtures.js';
import { useBrowser } from '../support/browser.js';

// An enterprise at its door, on a 375 px phone: activation with the code from its letter, sign-in
// with its credit code and password on a remembered device, and one tap to confirm the arrival.

const HOUR = 3_600_000;
const PASSWORD = 'gate keeper 2026';

describe('accounts in a real browser', function () {
  const bw = useBrowser();
  const { phone, fits, shot } = bw;

  it('activates on a phone, signs in on a remembered device, confirms arrival in one tap, signs out everywhere', async () => {
    const h = await harness();
    const w = await world('110105');
    const supervisor = await createKey({ role: 'supervisor', regions: ['1101'] });
    const issued = await h.api().post(`/api/v1/enterprises/${w.uscc}/activation`).set(auth(supervisor)).send();
    expect(issued.status).to.equal(201);
    const filed = (await file(w)).body.filing;

    const page = await phone();
    await page.goto(`${bw.base}/activate`);
    await fits(page);
    await shot(page, 'activate');
    await page.fill('#login', w.uscc);
    await page.fill('#code', (issued.body.code as string).toLowerCase());
    await page.fill('#password', PASSWORD);
    await page.fill('#password2', PASSWORD);
    await Promise.all([page.waitForURL(/\/account\?done=activated/), page.click('form[action="/activate"] button[type=submit]')]);
    expect(await page.locator('.notice').innerText()).to.include('密码已设置');
    await fits(page);

    await Promise.all([page.waitForURL(/\/login\?out=1/), page.click('form[action="/logout"] button[type=submit]')]);
    await page.fill('#login', w.uscc);
    await page.fill('#password', PASSWORD);
    await page.check('#remember');
    await fits(page);
    await shot(page, 'login-password');
    await Promise.all([page.waitForURL(/\/filings$/), page.click('form[action="/login/password"] button[type=submit]')]);

    // the visit's day: the 8-hour session is long gone, the remembered device signs in again
    h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
    await page.goto(`${bw.base}/v/${filed.verifyCode}`);
    const arrive = page.locator('form.acc-arrive button');
    await arrive.waitFor();
    const box = await arrive.boundingBox();
    expect(box?.height ?? 0).to.be.at.least(48);
    expect(box?.width ?? 0).to.be.at.least(300);
    await fits(page);
    await shot(page, 'verify-one-tap');
    await Promise.all([page.waitForURL(/done=arrival/), arrive.click()]);
    expect(await page.locator('.notice').innerText()).to.include('到达');
    expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('in_progress');

    await page.goto(`${bw.base}/account`);
    await Promise.all([page.waitForURL(/\/login\?out=all/), page.click('form[action="/logout/all"] button[type=submit]')]);
    expect(await page.locator('.notice').innerText()).to.include('已退出所有设备');
    h.clock.set(new Date(Date.parse(filed.plannedStart) + 10 * HOUR));
    await page.goto(`${bw.base}/filings`);
    expect(new URL(page.url()).pathname).to.equal('/login');
  });

  it('a scan before signing in offers 登录后确认到达 and comes back to the card', async () => {
    const h = await harness();
    const w = await world('110105');
    const code = (
      await h
        .api()
        .post(`/api/v1/enterprises/${w.uscc}/activation`)
        .set(auth(await createKey({ role: 'admin' })))
        .send()
    ).body.code as string;
    expect((await h.api().post('/api/v1/accounts/activate').send({ uscc: w.uscc, code, password: PASSWORD })).status).to.equal(200);
    const filed = (await file(w)).body.filing;
    const page = await phone();
    await page.goto(`${bw.base}/v/${filed.verifyCode}`);
    await Promise.all([page.waitForURL(/\/login\?/), page.click('text=登录后确认到达')]);
    await page.fill('#login', w.uscc);
    await page.fill('#password', PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/v/${filed.verifyCode}`),
      page.click('form[action="/login/password"] button[type=submit]'),
    ]);
    expect(await page.locator('form.acc-arrive button').innerText()).to.include('确认检查人员已到达');

    await page.goto(`${bw.base}/v/AB0O-1I5S`);
    expect(await page.locator('.acc-code-typed').innerText()).to.equal('AB0O-1I5S');
    expect(await page.locator('.acc-typo').innerText()).to.include('0 与 O');
    await fits(page);
    await shot(page, 'verify-unknown-code');
  });
});
