import { expect } from 'chai';
import supertest from 'supertest';
import { maskCredential } from '../../src/domain/codes.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { ADMIN_KEY, harness } from '../support/harness.js';
import { admin, auth, createKey, filingBody, randomUscc, unique, world } from '../support/fixtures.js';
import { NOTICE_ITEMS, noticeWorld, uniqueCredential, type NoticeWorld } from '../support/notice-world.js';
import { pageClient, signedIn } from '../support/web.js';

// The 检查告知书 as a document: the officers' credential numbers in full for the agency that
// prints it (the public card keeps them masked), the enterprise's credit code, the agency's
// contact, the seal and signature lines, dates as people write them; and a warning, on the
// screen and on the paper, when its QR code points at the server's own address.

const HOUR = 3_600_000;
const ITEMS = NOTICE_ITEMS.map((i) => i.code);

/** The day of an instant in Shanghai, as the notice writes it in Chinese and in English. */
function days(at: Date): { zh: string; en: string } {
  const local = new Date(at.getTime() + 8 * HOUR);
  const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate()];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return { zh: `${y}年${m}月${d}日`, en: `${d} ${months[m - 1]} ${y}` };
}

describe('the 检查告知书 (notice) as a document', () => {
  let w: NoticeWorld;
  before(async () => {
    w = await noticeWorld();
  });

  it('prints the officers’ credential numbers in full for the agency that hands it over; the public card keeps them masked', async () => {
    const c = await signedIn(w.agencyKey);
    const notice = await c.get(`/filings/${w.filingId}/notice`);
    expect(notice.status).to.equal(200);
    for (const no of w.credentials) expect(notice.text).to.include(no);
    expect(notice.text).not.to.include('执法证号部分隐藏');

    const card = await (await pageClient()).get(`/v/${w.verifyCode}`);
    expect(card.status).to.equal(200);
    for (const no of w.credentials) {
      expect(card.text).not.to.include(no);
      expect(card.text).to.include(maskCredential(no));
    }
    const h = await harness();
    const api = await h.api().get(`/api/v1/verify/${w.verifyCode}`);
    expect(api.status).to.equal(200);
    for (const no of w.credentials) expect(JSON.stringify(api.body)).not.to.include(no);

    // the county's administrator prints in full too; the enterprise and a supervisor read it masked
    const byAdmin = await (await signedIn(ADMIN_KEY)).get(`/filings/${w.filingId}/notice`);
    for (const no of w.credentials) expect(byAdmin.text).to.include(no);
    const byEnterprise = await (await signedIn(w.enterpriseKey)).get(`/filings/${w.filingId}/notice`);
    expect(byEnterprise.status).to.equal(200);
    for (const no of w.credentials) {
      expect(byEnterprise.text).not.to.include(no);
      expect(byEnterprise.text).to.include(maskCredential(no));
    }
    expect(byEnterprise.text).to.include('执法证号部分隐藏');
    const supervisor = await createKey({ role: 'supervisor', regions: ['1101'] });
    const bySupervisor = await (await signedIn(supervisor)).get(`/filings/${w.filingId}/notice`);
    expect(bySupervisor.status).to.equal(200);
    for (const no of w.credentials) expect(bySupervisor.text).not.to.include(no);
  });

  it('names the enterprise with its 统一社会信用代码, the agency’s address and phone, the seal and the signature lines', async () => {
    const c = await signedIn(w.agencyKey);
    const notice = (await c.get(`/filings/${w.filingId}/notice`)).text;
    expect(notice)
      .to.include('统一社会信用代码')
      .and.include(w.uscc)
      .and.include(`测试企业 ${w.uscc.slice(-6)}`);
    expect(notice).to.include('执法主体联系方式').and.include('北京市东城区示例街 8 号').and.include('010-6512 3456');
    expect(notice).to.include('执法主体（盖章）').and.include('盖章处').and.include('被检查单位签收').and.include('签收日期');
    expect(notice).to.include('检查人员签名');
    for (const code of ITEMS) expect(notice).to.include(`事项 ${code}`);
    for (let i = 1; i <= 4; i++) expect(notice).to.include(`执法员${i}`);
  });

  it('writes dates as people do, without naming the time zone (2026年12月4日 9:00 至 17:00; 4 Dec 2026, 09:00 to 17:00)', async () => {
    const c = await signedIn(w.agencyKey);
    const { start } = w;
    const zh = (await c.get(`/filings/${w.filingId}/notice`)).text;
    expect(zh).to.include(`${days(start).zh} 9:00 至 17:00`);
    expect(zh).not.to.include('Asia/Shanghai');
    expect(zh).not.to.match(/\d{4}-\d\d-\d\d \d\d:\d\d/);
    const en = (await c.get(`/filings/${w.filingId}/notice?lang=en`)).text;
    expect(en)
      .to.include(`${days(start).en}, 09:00 to 17:00`)
      .and.include('Agency (seal)')
      .and.include('Unified social credit code');
    expect(en).not.to.include('Asia/Shanghai');
  });

  it('is opened by nobody else: another enterprise and another agency are told it does not exist', async () => {
    const other = await world('110101');
    for (const key of [other.enterpriseKey, other.agencyKey]) {
      const res = await (await signedIn(key)).get(`/filings/${w.filingId}/notice`);
      expect(res.status).to.equal(404);
      for (const no of w.credentials) expect(res.text).not.to.include(no);
      expect(res.text).not.to.include(w.uscc);
    }
    // and not without signing in
    const anonymous = await (await pageClient()).get(`/filings/${w.filingId}/notice`);
    expect(anonymous.status).to.be.oneOf([302, 303, 401, 403]);
    expect(anonymous.text ?? '').not.to.include(w.credentials[0]!);
  });

  it('prints no contact line for an agency that gave none', async () => {
    const bare = await noticeWorld({ contact: false });
    const notice = (await (await signedIn(bare.agencyKey)).get(`/filings/${bare.filingId}/notice`)).text;
    expect(notice).not.to.include('执法主体联系方式');
    expect(notice).to.include('执法主体（盖章）');
  });

  it('warns no one while PUBLIC_URL is a real address', async () => {
    const notice = (await (await signedIn(w.agencyKey)).get(`/filings/${w.filingId}/notice`)).text;
    expect(notice).not.to.include('notice-url-warning').and.not.to.include('二维码无法使用');
  });
});

describe('the notice under NODE_ENV=production with PUBLIC_URL on localhost', () => {
  let other: Runtime | null = null;

  before(async () => {
    const h = await harness();
    // a runtime of its own, as a server started with NODE_ENV=production and no PUBLIC_URL would be
    other = await startRuntime({ ...h.config, publicUrl: 'http://localhost:3000', production: true }, h.log, {
      clock: h.clock,
      dataDir: 'memory://',
      quiet: true,
    });
  });

  after(async () => {
    await other?.close();
  });

  it('shows a loud warning on the page, printed too, that the QR code cannot work until PUBLIC_URL is set', async () => {
    const api = () => supertest(other!.app);
    const ok = (res: supertest.Response, status = 201) => {
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      return res.body as Record<string, unknown> & { id: string; key: string };
    };
    const agency = ok(
      await api()
        .post('/api/v1/agencies')
        .set(admin)
        .send({
          code: unique('AGL'),
          name: '本机测试局',
          region: '110101',
          items: [{ code: 'SAFE-01', name: '事项 SAFE-01', basis: '依据' }],
        }),
    );
    const officers: string[] = [];
    for (let i = 0; i < 2; i++)
      officers.push(
        ok(
          await api()
            .post(`/api/v1/agencies/${agency.id}/inspectors`)
            .set(admin)
            .send({ name: '执法员', credentialNo: uniqueCredential(), validUntil: '2099-12-31' }),
        ).id,
      );
    const uscc = randomUscc('110101');
    ok(await api().post('/api/v1/enterprises').set(admin).send({ uscc, name: '本机测试企业', region: '110101', riskClass: 'D' }));
    const key = ok(
      await api()
        .post('/api/v1/keys')
        .set(admin)
        .send({ role: 'agency', name: unique('k-'), agencyId: agency.id }),
    ).key;
    const w = { agencyId: agency.id, agencyKey: key, inspectorIds: officers, uscc, enterpriseKey: '', region: '110101' };
    const filed = ok(await api().post('/api/v1/filings').set(auth(key)).send(filingBody(w))) as unknown as {
      filing: { id: string; verifyUrl: string };
    };
    expect(filed.filing.verifyUrl).to.match(/^http:\/\/localhost:3000\/v\//);

    const c = await pageClient(supertest.agent(other!.app));
    await c.get('/login');
    expect((await c.post('/login', { key })).status).to.equal(303);
    const zh = await c.get(`/filings/${filed.filing.id}/notice`);
    expect(zh.status).to.equal(200);
    expect(zh.text).to.include('notice-url-warning').and.include('二维码无法使用').and.include('http://localhost:3000');
    expect(zh.text).to.include('PUBLIC_URL');
    // the box is not screen-only: a printed QR code to this machine is as useless as the page's
    expect(/class="[^"]*no-print[^"]*notice-url-warning|class="[^"]*notice-url-warning[^"]*no-print/.test(zh.text)).to.equal(false);
    const en = await c.get(`/filings/${filed.filing.id}/notice?lang=en`);
    expect(en.text).to.include('The QR code on this notice will not work').and.include('set PUBLIC_URL');
  });
});
