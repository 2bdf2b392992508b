import { expect } from 'chai';
import supertest from 'supertest';
import { ADMIN_KEY } from '../support/harness.js';
import { runtimeOfItsOwn } from '../support/other-runtime.js';
import { csrfOf } from '../support/web.js';

// A service of its own (embedded database in memory), reached over https and with a small
// sign-in limit, so that neither setting leaks into the shared test service.
describe('web sign-in over https, with a failure limit', () => {
  const own = runtimeOfItsOwn({ PUBLIC_URL: 'https://jiancha.example.gov.cn', LOGIN_RATE_LIMIT: '3' });

  it('sends HSTS and upgrade-insecure-requests, and marks its cookies Secure', async () => {
    const res = await supertest(own().app).get('/login');
    expect(res.headers['strict-transport-security']).to.match(/max-age=\d+/);
    expect(String(res.headers['content-security-policy'])).to.include('upgrade-insecure-requests');
    expect(String(res.headers['set-cookie'])).to.match(/ifp=[^;]+;.*Secure/);
    expect((await supertest(own().app).get('/api/v1/verify/ABCDEFGHJKLMNP')).headers['strict-transport-security']).to.match(/max-age=\d+/);
  });

  it('refuses sign-ins from an address after repeated failures, even with the right key', async () => {
    // Secure cookies do not travel over the test's plain http: carry the form's cookie by hand
    const form = await supertest(own().app).get('/login');
    const token = csrfOf(form.text);
    const cookie = /ifp=[^;]+/.exec(String(form.headers['set-cookie']))?.[0] ?? '';
    const post = (key: string) =>
      supertest(own().app)
        .post('/login')
        .set('Cookie', cookie)
        .type('form')
        .send(new URLSearchParams({ _csrf: token, key }).toString());
    // an empty form is not a guess: it does not count
    for (let i = 0; i < 5; i++) expect((await post('')).status).to.equal(400);
    for (let i = 0; i < 3; i++) expect((await post(`ifk_wrong-${i}`)).status).to.equal(401);
    const blocked = await post(ADMIN_KEY);
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.include('登录失败次数过多');
    expect(String(blocked.headers['set-cookie'] ?? '')).not.to.include('ifs=');
  });
});
