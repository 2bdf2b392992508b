import { expect } from 'chai';
import supertest from 'supertest';
import express from 'express';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createApp } from '../../src/http/app.js';
import { windowLimiter } from '../../src/http/rate-limit.js';
import { harness } from '../support/harness.js';
import { admin, auth, createKey, createEnterprise, file, world } from '../support/fixtures.js';

/** A GET written on the socket as given: HTTP clients drop a URL's fragment before sending it. */
async function rawGet(app: express.Express, path: string): Promise<{ status: number; body: unknown }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      let got = '';
      const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (got += d));
      socket.on('end', () => resolve(got));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = text.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), body: JSON.parse(body) as unknown };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('verification', () => {
  it('anyone can verify a code: who, what, when, inspectors with masked credentials', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, { itemCodes: ['SAFE-01', 'FIRE-01'] })).body;
    const res = await h.api().get(`/api/v1/verify/${filing.verifyCode}`);
    expect(res.status).to.equal(200);
    expect(res.body.valid).to.equal(true);
    expect(res.body.activeNow).to.equal(false);
    expect(res.body.filing).to.include({ filingNo: filing.filingNo, status: 'filed', type: 'routine', plannedStart: filing.plannedStart });
    const agency = (await h.api().get(`/api/v1/agencies/${w.agencyId}`).set(auth(w.agencyKey))).body.name;
    expect(res.body.filing.items).to.deep.equal([
      { code: 'SAFE-01', name: '事项 SAFE-01', basis: '依据', agency },
      { code: 'FIRE-01', name: '事项 FIRE-01', basis: '依据', agency },
    ]);
    expect(res.body.window).to.equal('upcoming');
    expect(res.body.notice.en).to.match(/^A filed inspection, planned from \d{4}-\d\d-\d\d \d\d:\d\d to/);
    expect(res.body.filing.inspectors).to.have.length(2);
    const stored = await h.runtime.store.db.selectFrom('inspectors').select('credential_no').where('id', 'in', w.inspectorIds).execute();
    for (const { credential_no } of stored) {
      expect(JSON.stringify(res.body)).not.to.include(credential_no);
      expect(h.logs.text()).not.to.include(credential_no);
    }
    for (const i of res.body.filing.inspectors) expect(i.credentialNo).to.match(/^LN[0-9A-F]\*+[0-9A-F]{3}$/);
    // typed from paper: lower case, grouped with spaces
    const typed = `${filing.verifyCode.slice(0, 7)} ${filing.verifyCode.slice(7)}`.toLowerCase();
    expect((await h.api().get(`/api/v1/verify/${encodeURIComponent(typed)}`)).status).to.equal(200);
  });

  it('an unknown code is 404 with valid:false', async () => {
    const h = await harness();
    for (const code of ['ABCDEFGHJKMNPQ', 'short', 'x'.repeat(300)]) {
      const res = await h.api().get(`/api/v1/verify/${code}`);
      expect(res.status).to.equal(404);
      expect(res.body.valid).to.equal(false);
      expect(res.body.error.code).to.equal('not_found');
    }
  });

  it('activeNow is true inside the window of a live filing', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w)).body;
    h.clock.set(new Date(new Date(filing.plannedStart).getTime() + 60_000));
    expect((await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.activeNow).to.equal(true);
  });

  it('the enterprise confirms arrival inside the window: in_progress, no violation, audited', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w)).body;
    h.clock.set(new Date(new Date(filing.plannedStart).getTime() + 30 * 60_000));
    const res = await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`).set(auth(w.enterpriseKey));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ filingNo: filing.filingNo, status: 'in_progress', withinWindow: true, violationId: null });
    const got = await h.api().get(`/api/v1/filings/${filing.id}`).set(auth(w.enterpriseKey));
    expect(got.body.filing.status).to.equal('in_progress');
    expect(got.body.filing.arrivedAt).to.equal(res.body.arrivedAt);
    // a second scan the same day is the same visit: recorded, nothing raised
    const again = await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`).set(auth(w.enterpriseKey));
    expect(again.status).to.equal(200);
    expect(again.body.violationId).to.equal(null);
    const cancel = await h.api().post(`/api/v1/filings/${filing.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '不去了' });
    expect(cancel.status).to.equal(409);
  });

  it('arrival outside the window is recorded and raises outside_window', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w)).body;
    const res = await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`).set(auth(w.agencyKey));
    expect(res.status).to.equal(200);
    expect(res.body.withinWindow).to.equal(false);
    const v = await h.runtime.store.db
      .selectFrom('violations')
      .selectAll()
      .where('id', '=', res.body.violationId)
      .executeTakeFirstOrThrow();
    expect(v).to.include({ kind: 'outside_window', status: 'open', filing_id: filing.id, agency_id: w.agencyId, enterprise_uscc: w.uscc });
  });

  it('another enterprise, or another agency, cannot confirm arrival (another enterprise reports an unfiled visit instead)', async () => {
    const h = await harness();
    const w = await world();
    const other = await world();
    const { filing } = (await file(w)).body;
    const foreign = await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`).set(auth(other.enterpriseKey));
    expect(foreign.status).to.equal(404);
    expect(foreign.body.violationId).to.be.a('string');
    expect((await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`).set(auth(other.agencyKey))).status).to.equal(403);
    expect((await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`)).status).to.equal(401);
    const third = await createKey({ role: 'enterprise', uscc: await createEnterprise() });
    expect((await h.api().post(`/api/v1/verify/${filing.verifyCode}/arrival`).set(auth(third))).status).to.equal(404);
    expect((await h.api().get(`/api/v1/filings/${filing.id}`).set(auth(w.enterpriseKey))).body.filing.status).to.equal('filed');
  });

  it('the public endpoint is rate-limited per client with a 429 in the API error format', async () => {
    const h = await harness();
    const limited = createApp({ services: h.runtime.services, log: h.log, bodyLimit: 65536, verifyRateLimit: 3, version: 'test' });
    const statuses: number[] = [];
    let last: supertest.Response | null = null;
    for (let i = 0; i < 5; i++) {
      last = await supertest(limited).get('/api/v1/verify/ABCDEFGHJKMNPQ').set('Accept-Language', 'en');
      statuses.push(last.status);
    }
    expect(statuses).to.deep.equal([404, 404, 404, 429, 429]);
    expect(last?.body.error).to.include({ code: 'rate_limited', message: 'Too many requests; try again later' });
    expect(Number(last?.headers['retry-after'])).to.be.within(1, 60);
    expect(last?.headers['ratelimit-policy']).to.equal('3;w=60');
    expect(last?.headers['ratelimit']).to.match(/^limit=3, remaining=0, reset=\d+$/);
  });

  it('a scan answers the same for its plain URL, a trailing slash, a query, an escape and lower case', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w, {})).body;
    const plain = await h.api().get(`/api/v1/verify/${filing.verifyCode}`);
    expect(plain.status).to.equal(200);
    for (const url of [
      `/api/v1/verify/${filing.verifyCode}/`,
      `/api/v1/verify/${filing.verifyCode}?x=1`,
      `/api/v1/verify/${filing.verifyCode.slice(0, 3)}%${filing.verifyCode.charCodeAt(3).toString(16)}${filing.verifyCode.slice(4)}`,
    ]) {
      const routed = await h.api().get(url);
      expect(routed.status, url).to.equal(200);
      expect(routed.body, url).to.deep.equal(plain.body);
    }
    expect(plain.headers['ratelimit']).to.be.a('string');
    expect(plain.headers['x-request-id']).to.be.a('string');
    // people type codes in lower case; a malformed escape is a client's error, not the server's
    expect((await h.api().get(`/api/v1/verify/${filing.verifyCode.toLowerCase()}`)).body).to.deep.equal(plain.body);
    // clients drop a fragment; a hand-made request may send one, and Express cuts it off
    for (const tail of ['#', '#x']) {
      const raw = await rawGet(h.runtime.app, `/api/v1/verify/${filing.verifyCode}${tail}`);
      expect(raw.status, tail).to.equal(200);
      expect(raw.body, tail).to.deep.equal(plain.body);
    }
    expect((await h.api().get('/api/v1/verify/%E0%A4%A')).status).to.be.within(400, 404);
    expect((await h.api().get('/api/v1/verify/')).status).to.equal(404);
    const metrics = (await h.api().get('/metrics').set(admin)).text;
    const scans = /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/verify\/:code"[^}]*status="200"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(scans?.[1])).to.be.at.least(5);
    expect(metrics).not.to.match(/route="unmatched"[^}]*status="200"/);
  });

  it('counts each client apart, behind a proxy by its forwarded address, and lets it in again in the next window', async () => {
    const h = await harness();
    const proxied = createApp({
      services: h.runtime.services,
      log: h.log,
      bodyLimit: 65536,
      verifyRateLimit: 2,
      trustProxy: 1,
      version: 'test',
    });
    const scan = (ip: string) => supertest(proxied).get('/api/v1/verify/ABCDEFGHJKMNPQ').set('X-Forwarded-For', ip);
    const first = [(await scan('203.0.113.1')).status, (await scan('203.0.113.1')).status, (await scan('203.0.113.1')).status];
    expect(first).to.deep.equal([404, 404, 429]);
    // another client, and another IPv6 /56 (the same /56 is one client)
    expect((await scan('203.0.113.2')).status).to.equal(404);
    expect([
      (await scan('2001:db8:0:100::1')).status,
      (await scan('2001:db8:0:1ff::2')).status,
      (await scan('2001:db8:0:1aa::3')).status,
    ]).to.deep.equal([404, 404, 429]);
    expect((await scan('2001:db8:0:200::1')).status).to.equal(404);

    // the window, on a clock of the test's
    let now = 60_000 * 1000 + 59_000;
    const app = express();
    app.get('/x', windowLimiter({ limit: 1, windowMs: 60_000, now: () => now }), (_req, res) => res.end('ok'));
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => res.status(429).end(err.message));
    expect((await supertest(app).get('/x')).headers['ratelimit']).to.equal('limit=1, remaining=0, reset=1');
    expect((await supertest(app).get('/x')).status).to.equal(429);
    now += 1_000;
    const again = await supertest(app).get('/x');
    expect(again.status).to.equal(200);
    expect(again.headers['ratelimit']).to.equal('limit=1, remaining=0, reset=60');
  });
});
