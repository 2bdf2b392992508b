import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { admin, auth, filingBody, unique, world, type World } from '../support/fixtures.js';

// Hostile input is bad input: always a 4xx that says what is wrong, never a 500, never a crash.

/** Sends raw bytes as a JSON body (supertest would re-encode a string). */
async function rawPost(
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; json: { error: { code: string; message: string } } }> {
  const h = await harness();
  const server = h.runtime.app.listen(0);
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers },
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (d: string) => (text += d))
            .on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    server.close();
  }
}

describe('hostile input', () => {
  let w: World;
  before(async () => {
    w = await world();
  });

  it('JSON nested thousands deep is 400, not a stack overflow', async () => {
    const h = await harness();
    for (const depth of [33, 5_000, 20_000]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const [path, key] of [
        ['/api/v1/filings', auth(w.agencyKey)],
        ['/api/v1/agencies', admin],
      ] as const) {
        const res = await h
          .api()
          .post(path)
          .set(key)
          .set('Content-Type', 'application/json')
          .set('Accept-Language', 'en')
          .send(`{"itemCodes": ${deep}}`);
        expect(res.status, `${path} depth ${depth}`).to.equal(400);
        expect(res.body.error.message).to.include('nested too deeply');
      }
    }
    // the depth of real bodies passes
    expect((await h.api().post('/api/v1/filings/check').set(auth(w.agencyKey)).send(filingBody(w))).status).to.equal(200);
  });

  it('a path with percent-encoded bytes that are not UTF-8 is 400', async () => {
    const h = await harness();
    for (const path of ['/api/v1/verify/%FF%FE%C3%28', '/api/v1/filings/%C3%28', '/api/v1/agencies/%E0%A4%A']) {
      const res = await h.api().get(path).set(admin).set('Accept-Language', 'en');
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code).to.equal('validation_failed');
      expect(res.body.error.message).to.include('cannot be decoded');
    }
    expect(h.logs.text()).not.to.include('unhandled error');
  });

  it('invalid UTF-8 inside a JSON string is refused, not silently replaced', async () => {
    const h = await harness();
    const db = h.runtime.store.db;
    const before = await db.selectFrom('agencies').select('id').execute();
    const body = Buffer.concat([
      Buffer.from('{"code": "BAD-UTF8", "name": "局'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('", "region": "110101", "items": []}'),
    ]);
    const res = await rawPost('/api/v1/agencies', { ...admin, 'accept-language': 'en' }, body);
    expect(res.status).to.equal(400);
    expect(res.json.error.message).to.include('not valid UTF-8');
    expect(await db.selectFrom('agencies').select('id').execute()).to.have.length(before.length);
    // well-formed Chinese goes through
    const good = await rawPost(
      '/api/v1/agencies',
      admin,
      Buffer.from(JSON.stringify({ code: unique('UTF8-'), name: '西丰县市场监督管理局', region: '110101', items: [] })),
    );
    expect(good.status).to.equal(201);
  });

  it('a lone surrogate ("\\ud800") anywhere is 400, not a database error', async () => {
    const h = await harness();
    for (const [path, key, body] of [
      ['/api/v1/filings', auth(w.agencyKey), { ...filingBody(w), reason: 'x\ud800y' }],
      ['/api/v1/filings/check', auth(w.agencyKey), { ...filingBody(w), onSiteJustification: '\udc00现场' }],
      ['/api/v1/agencies', admin, { code: 'SURR-1', name: '局\ud83d', region: '110101', items: [] }],
      ['/api/v1/keys', admin, { role: 'supervisor', name: '\ud800' }],
    ] as const) {
      const res = await h
        .api()
        .post(path)
        .set(key)
        .set('Content-Type', 'application/json')
        .set('Accept-Language', 'en')
        .send(JSON.stringify(body));
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).to.equal(400);
      expect(res.body.error.details[0].message).to.include('lone surrogate');
    }
    // a real astral character (a surrogate pair) is fine
    expect(
      (
        await h
          .api()
          .post('/api/v1/filings/check')
          .set(auth(w.agencyKey))
          .send({ ...filingBody(w), onSiteJustification: '现场核实 😀' })
      ).status,
    ).to.equal(200);
  });

  it('dates JavaScript or the database cannot hold are 400: a leap second, year 0000, year 10000 in Shanghai', async () => {
    const h = await harness();
    for (const at of ['2027-06-30T23:59:60Z', '0000-01-01T00:00:00Z', '9999-12-31T20:00:00Z']) {
      const res = await h
        .api()
        .post('/api/v1/filings/check')
        .set(auth(w.agencyKey))
        .send(filingBody(w, { plannedStart: at }));
      expect(res.status, at).to.equal(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('/plannedStart');
      expect(
        (
          await h
            .api()
            .get(`/api/v1/filings?from=${encodeURIComponent(at)}`)
            .set(auth(w.agencyKey))
        ).status,
        at,
      ).to.equal(400);
    }
    const inspector = await h
      .api()
      .post(`/api/v1/agencies/${w.agencyId}/inspectors`)
      .set(admin)
      .send({ name: '张三', credentialNo: 'LN99990000001', validUntil: '0000-01-01' });
    expect(inspector.status).to.equal(400);
  });

  it('a cursor that decodes to nonsense is 400', async () => {
    const h = await harness();
    for (const raw of [['x', 'y'], ['2026-13-45', 'id'], 'x', ['2026-01-01T00:00:00Z', 'a\u0000b'], ['-271821-04-20T00:00:00.000Z', 'x']]) {
      const cursor = Buffer.from(JSON.stringify(raw)).toString('base64url');
      const res = await h.api().get(`/api/v1/filings?cursor=${cursor}`).set(auth(w.agencyKey));
      expect(res.status, JSON.stringify(raw)).to.equal(400);
      expect(res.body.error.details[0].path).to.equal('/cursor');
    }
  });

  it('a compressed body is 415, whatever its bytes', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await rawPost('/api/v1/agencies', { ...admin, 'content-encoding': encoding }, Buffer.from('{"code": "Z"}'));
      expect(res.status, encoding).to.equal(415);
    }
  });

  it('the same thing created by ten requests at once: one 201, the rest 409, never a 500', async () => {
    const h = await harness();
    const code = unique('RACE-');
    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.api().post('/api/v1/agencies').set(admin).send({ code, name: '并发局', region: '110101', items: [] }),
      ),
    );
    expect(all.map((r) => r.status).sort()).to.deep.equal([201, ...Array(9).fill(409)]);
    const uscc = (await import('../support/fixtures.js')).randomUscc('110101');
    const firms = await Promise.all(
      Array.from({ length: 10 }, () => h.api().post('/api/v1/enterprises').set(admin).send({ uscc, name: '并发企业', region: '110101' })),
    );
    expect(firms.map((r) => r.status).sort()).to.deep.equal([201, ...Array(9).fill(409)]);
    expect(h.logs.text()).not.to.include('unhandled error');
  });

  it('Chinese messages name things in Chinese; Accept-Language q-values are honoured', async () => {
    const h = await harness();
    const zh = await h.api().get('/api/v1/filings/fil_nope').set(admin);
    expect(zh.body.error.message).to.equal('未找到备案：fil_nope');
    const en = await h.api().get('/api/v1/filings/fil_nope').set(admin).set('Accept-Language', 'en');
    expect(en.body.error.message).to.equal('filing not found: fil_nope');
    const preferZh = await h.api().get('/api/v1/filings/fil_nope').set(admin).set('Accept-Language', 'en;q=0.2, zh-CN;q=0.9');
    expect(preferZh.body.error.message).to.equal('未找到备案：fil_nope');
    expect(
      (await h.api().get('/api/v1/filings/fil_nope').set(admin).set('Accept-Language', 'en;Q=0.1, zh;q=0.5')).body.error.message,
    ).to.equal('未找到备案：fil_nope');
    const agencies = await h
      .api()
      .get(`/api/v1/agencies?cursor=${Buffer.from(JSON.stringify('a\u0000')).toString('base64url')}`)
      .set(admin);
    expect(agencies.status).to.equal(400);
    const notEn = await h.api().get('/api/v1/filings/fil_nope').set(admin).set('Accept-Language', 'en;q=0, zh;q=1');
    expect(notEn.body.error.message).to.equal('未找到备案：fil_nope');
  });
});
