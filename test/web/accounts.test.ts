import { expect } from 'chai';
import supertest from 'supertest';
import { harness } from '../support/harness.js';
import { runtimeOfItsOwn } from '../support/other-runtime.js';
import { admin, auth, file, randomUscc, world, type World } from '../support/fixtures.js';
import { pageClient, signedIn, type PageClient } from '../support/web.js';

const HOUR = 3_600_000;
const PASSWORD = 'door bell 2026 ok';

/** An enterprise whose account is activated (through the API), ready to sign in with its credit code and password. */
async function activated(w: World, password = PASSWORD): Promise<void> {
  const h = await harness();
  const code = (await h.api().post(`/api/v1/enterprises/${w.uscc}/activation`).set(admin).send()).body.code as string;
  const done = await h.api().post('/api/v1/accounts/activate').send({ uscc: w.uscc, code, password });
  expect(done.status, JSON.stringify(done.body)).to.equal(200);
}

async function withPassword(w: World, remember = false, password = PASSWORD): Promise<PageClient> {
  const c = await pageClient();
  await c.get('/login');
  const res = await c.post('/login/password', { login: w.uscc, password, ...(remember ? { remember: '1' } : {}) });
  expect(res.status, res.text).to.equal(303);
  return c;
}

const cookieOf = (res: { headers: Record<string, unknown> }, name: string) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith(`${name}=`)) ?? '';

describe('pages: accounts and passwords', () => {
  it('the sign-in page asks for the credit code and password first, and still takes a key', async () => {
    const w = await world();
    const c = await pageClient();
    const page = await c.get('/login');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('统一社会信用代码').and.include('在此设备上保持登录 30 天').and.include('使用接口密钥登录');
    expect(page.text.indexOf('action="/login/password"')).to.be.lessThan(page.text.indexOf('id="key"'));
    expect(page.text).to.include('href="/activate"');
    // the key form keeps working
    const s = await signedIn(w.agencyKey);
    expect((await s.get('/filings')).status).to.equal(200);
  });

  it('activates with the code on /activate, signs in, and refuses a wrong code, a spent one and two different passwords', async () => {
    const h = await harness();
    const w = await world();
    const code = (await h.api().post(`/api/v1/enterprises/${w.uscc}/activation`).set(admin).send()).body.code as string;
    const c = await pageClient();
    const form = await c.get('/activate');
    expect(form.status).to.equal(200);
    expect(form.text).to.include('激活码').and.include('再次输入新密码');
    const mismatch = await c.post('/activate', { login: w.uscc, code, password: PASSWORD, password2: `${PASSWORD}x` });
    expect(mismatch.status).to.equal(400);
    expect(mismatch.text).to.include('两次输入的新密码不一致');
    const weak = await c.post('/activate', { login: w.uscc, code, password: 'short', password2: 'short' });
    expect(weak.status).to.equal(400);
    expect(weak.text).to.include('至少 8 个字符');
    const wrong = await c.post('/activate', { login: w.uscc, code: 'AAAA-AAAA-AAAA', password: PASSWORD, password2: PASSWORD });
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include('激活码不正确');
    const ok = await c.post('/activate', { login: w.uscc, code, password: PASSWORD, password2: PASSWORD });
    expect(ok.status, ok.text).to.equal(303);
    expect(ok.headers.location).to.equal('/account?done=activated');
    const account = await c.get(ok.headers.location as string);
    expect(account.text).to.include('密码已设置').and.include(w.uscc).and.include('退出所有设备');
    expect((await c.get('/filings')).status).to.equal(200);
    const again = await pageClient();
    await again.get('/activate');
    const used = await again.post('/activate', { login: w.uscc, code, password: PASSWORD, password2: PASSWORD });
    expect(used.status).to.equal(401);
    expect(used.text).to.include('已经使用过');
  });

  it('signs in with the credit code and password; a wrong password is refused and never logged', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const c = await pageClient();
    await c.get('/login');
    const wrong = await c.post('/login/password', { login: w.uscc, password: 'not-the-password-zq9' });
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include('不匹配');
    expect(wrong.text).to.include(`value="${w.uscc}"`);
    const ok = await c.post('/login/password', { login: w.uscc.toLowerCase(), password: PASSWORD, next: '/filings' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/filings');
    expect(cookieOf(ok, 'ifd')).to.equal('');
    expect((await c.get('/filings')).status).to.equal(200);
    expect(h.logs.text()).not.to.include('not-the-password-zq9').and.not.include(PASSWORD);
  });

  it('a remembered device outlives the 8-hour session, and signing out on it forgets it', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const c = await withPassword(w, true);
    const res = await c.agent.get('/filings');
    expect(res.status).to.equal(200);
    h.clock.set(new Date(h.clock.now().getTime() + 9 * HOUR));
    const later = await c.get('/filings');
    expect(later.status, 'the device starts a new session').to.equal(200);
    expect(cookieOf(later, 'ifs')).to.match(/^ifs=[^;]+;.*HttpOnly/);
    const out = await c.post('/logout', {});
    expect(out.status).to.equal(303);
    expect(cookieOf(out, 'ifd')).to.match(/^ifd=;/);
    h.clock.set(new Date(h.clock.now().getTime() + 9 * HOUR));
    expect((await c.get('/filings')).status).to.equal(303);
    const account = await h.runtime.store.db.selectFrom('accounts').select('id').where('login', '=', w.uscc).executeTakeFirstOrThrow();
    const events = await h.runtime.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', account.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).to.include.members(['account.device_remembered', 'account.device_forgotten']);
  });

  it('on a shared desk, the next person signing in ends the device remembered for the one before', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const desk = await withPassword(w, true);
    await desk.get('/login?next=/filings');
    const agency = await desk.post('/login', { key: w.agencyKey });
    expect(agency.status, agency.text).to.equal(303);
    expect(cookieOf(agency, 'ifd')).to.match(/^ifd=;/);
    // the agency's working day ends: the enterprise's device must not sign the browser in as the enterprise
    h.clock.set(new Date(h.clock.now().getTime() + 9 * HOUR));
    const after = await desk.agent.get('/account');
    expect(after.status, 'signed out, not the enterprise').to.equal(303);
    expect(after.headers.location).to.match(/^\/login/);
    const devices = await h.runtime.store.db
      .selectFrom('remembered_devices as d')
      .innerJoin('accounts as a', 'a.id', 'd.account_id')
      .select('d.ended_at')
      .where('a.login', '=', w.uscc)
      .execute();
    expect(devices.map((d) => d.ended_at !== null)).to.deep.equal([true]);
  });

  it('a flood of wrong passwords waits for a few hashing turns; what does not fit is told to retry, not queued', async () => {
    const w = await world();
    await activated(w);
    const c = await pageClient();
    await c.get('/login');
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) => c.post('/login/password', { login: w.uscc, password: `wrong ${i} guess` })),
    );
    const statuses = flood.map((r) => r.status);
    expect([...new Set(statuses)].sort()).to.deep.equal([401, 429]);
    const busy = flood.find((r) => r.status === 429);
    expect(busy?.headers['retry-after']).to.equal('2');
    expect(busy?.text).to.include('秒后再试');
    // the turns are given back: the right password signs in afterwards
    expect((await c.post('/login/password', { login: w.uscc, password: PASSWORD })).status).to.equal(303);
  });

  it('the device cookie is HttpOnly, 30 days long, and stored only as a hash', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const c = await pageClient();
    await c.get('/login');
    const res = await c.post('/login/password', { login: w.uscc, password: PASSWORD, remember: '1' });
    const device = cookieOf(res, 'ifd');
    expect(device)
      .to.match(/Max-Age=2592000/)
      .and.match(/HttpOnly/)
      .and.match(/SameSite=Lax/);
    const token = /^ifd=([^.;]+)\./.exec(device)?.[1] ?? '';
    expect(token).to.have.length.above(20);
    const rows = await h.runtime.store.db.selectFrom('remembered_devices').select('id').execute();
    expect(rows.map((r) => r.id)).not.to.include(token);
  });

  it('退出所有设备 ends every session and remembered device of the account', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const phone = await withPassword(w, true);
    const desk = await withPassword(w, true);
    await desk.get('/account');
    const all = await desk.post('/logout/all', {});
    expect(all.status).to.equal(303);
    expect(all.headers.location).to.equal('/login?out=all');
    expect((await desk.get('/login?out=all')).text).to.include('已退出所有设备');
    expect((await phone.get('/filings')).status, 'the other device is signed out at once').to.equal(303);
    h.clock.set(new Date(h.clock.now().getTime() + 9 * HOUR));
    expect((await phone.get('/filings')).status, 'and its device does not come back').to.equal(303);
  });

  it('revoking the account’s key ends its remembered devices everywhere', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const c = await withPassword(w, true);
    const account = await h.runtime.store.db.selectFrom('accounts').select('key_id').where('login', '=', w.uscc).executeTakeFirstOrThrow();
    expect((await h.api().delete(`/api/v1/keys/${account.key_id}`).set(admin)).status).to.equal(200);
    expect((await c.get('/filings')).status).to.equal(303);
    h.clock.set(new Date(h.clock.now().getTime() + 9 * HOUR));
    const after = await c.get('/filings');
    expect(after.status).to.equal(303);
    // a device that cannot come back is cleared
    const login = await c.get('/login');
    expect(login.status).to.equal(200);
    expect(
      (await c.post('/login/password', { login: w.uscc, password: PASSWORD })).status,
      'the password no longer signs in to a revoked key',
    ).to.equal(401);
  });

  it('after scanning, a signed-out visitor is offered 登录后确认到达 and comes back; signed in, one tap confirms', async () => {
    const h = await harness();
    const w = await world();
    await activated(w);
    const filed = (await file(w)).body.filing;
    h.clock.set(new Date(Date.parse(filed.plannedStart) + HOUR));
    const c = await pageClient();
    const card = await c.get(`/v/${filed.verifyCode}`);
    expect(card.text).to.include('登录后确认到达');
    const next = `/login?as=enterprise&amp;next=${encodeURIComponent(`/v/${filed.verifyCode}`)}`;
    expect(card.text).to.include(next);
    await c.get(`/login?next=${encodeURIComponent(`/v/${filed.verifyCode}`)}`);
    const signed = await c.post('/login/password', { login: w.uscc, password: PASSWORD, next: `/v/${filed.verifyCode}` });
    expect(signed.headers.location).to.equal(`/v/${filed.verifyCode}`);
    const mine = await c.get(`/v/${filed.verifyCode}`);
    expect(mine.text).to.include('class="acc-big"').and.include('确认检查人员已到达');
    const tap = await c.post(`/v/${filed.verifyCode}/arrival`, {});
    expect(tap.headers.location).to.equal(`/v/${filed.verifyCode}?done=arrival`);
    expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('in_progress');
  });

  it('staff sign in with the login name an admin gave them, with their key’s role', async () => {
    const h = await harness();
    const w = await world();
    const keys = (await h.api().get('/api/v1/keys?role=agency&limit=500').set(admin)).body.items as { id: string; agencyId: string }[];
    const id = keys.find((k) => k.agencyId === w.agencyId)?.id ?? '';
    const login = `clerk.${w.agencyId
      .slice(-8)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const issued = await h.api().post(`/api/v1/keys/${id}/activation`).set(admin).send({ login });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    const c = await pageClient();
    await c.get('/activate');
    const done = await c.post('/activate', {
      login: login.toUpperCase(),
      code: issued.body.code as string,
      password: PASSWORD,
      password2: PASSWORD,
    });
    expect(done.status, done.text).to.equal(303);
    const fresh = await pageClient();
    await fresh.get('/login');
    const res = await fresh.post('/login/password', { login, password: PASSWORD });
    expect(res.headers.location).to.equal('/filings');
    expect((await fresh.get('/filings/new')).status).to.equal(200);
    const en = await fresh.get('/account?lang=en');
    expect(en.text).to.include('Sign out on every device').and.include(login);
  });

  it('an unknown code shows what was typed and suggests a typo before a report', async () => {
    const c = await pageClient();
    const res = await c.get('/v/AB0O1I-NOPE');
    expect(res.status).to.equal(404);
    expect(res.text).to.include('您输入的核验码').and.include('AB0O1I-NOPE').and.include('0 与 O');
    expect(res.text.indexOf('0 与 O')).to.be.lessThan(res.text.indexOf('举报这次检查'));
    expect(res.text).to.include('value="AB0O1I-NOPE"');
    // what the shape of the code tells: its length, and characters no code has
    expect(res.text).to.include('核验码为 14 位，您输入了 10 位').and.include('不会出现“0、O、1、I”');
    const en = await c.get('/v/NOPE?lang=en');
    expect(en.text).to.include('The code you entered').and.include('typing mistakes');
  });
});

// a service of its own with a small failure limit, so the shared one's address is never locked out
describe('pages: wrong passwords count toward the sign-in failure limit', () => {
  const own = runtimeOfItsOwn({ AUTH_FAILURE_LIMIT: '3' });

  it('refuses the right password (429) once an address has had too many wrong ones', async () => {
    const uscc = randomUscc();
    expect(
      (await supertest(own().app).post('/api/v1/enterprises').set(admin).send({ uscc, name: '限流企业', region: '110101' })).status,
    ).to.equal(201);
    const code = (await supertest(own().app).post(`/api/v1/enterprises/${uscc}/activation`).set(admin).send()).body.code as string;
    expect((await supertest(own().app).post('/api/v1/accounts/activate').send({ uscc, code, password: PASSWORD })).status).to.equal(200);
    const c = await pageClient(supertest.agent(own().app));
    await c.get('/login');
    for (let i = 0; i < 3; i++)
      expect((await c.post('/login/password', { login: uscc, password: `wrong-${i}-password` })).status).to.equal(401);
    const blocked = await c.post('/login/password', { login: uscc, password: PASSWORD });
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.include('登录失败次数过多');
    expect(cookieOf(blocked, 'ifs')).to.equal('');
  });
});
