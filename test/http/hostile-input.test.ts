import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { admin, auth, filingBody, world, type World } from '../support/fixtures.js';

// Hostile input is bad input: always a 4xx that says what is wrong, never a 500, never a crash.

/** Sends raw bytes as a JSON body (supertest would re-encode a string). */
async function rawPost(path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; json: { error: { code: string; message: string } } }> {
  const h = await harness();
  const server = h.runtime.app.listen(0);
  try {
    const port = (server.address() as AddressInfo).port;
    return await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      });
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
      for (const [path, key] of [['/api/v1/filings', auth(w.agencyKey)], ['/api/v1/agencies', admin]] as const) {
        const res = await h.api().post(path).set(key).set('Content-Type', 'application/json').set('Accept-Language', 'en').send(`{"itemCodes": ${deep}}`);
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
    const body = Buffer.concat([Buffer.from('{"code": "BAD-UTF8", "name": "局'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('", "region": "110101", "items": []}')]);
    const res = await rawPost('/api/v1/agencies', { ...admin, 'accept-language': 'en' }, body);
    expect(res.status).to.equal(400);
    expect(res.json.error.message).to.include('not valid UTF-8');
    expect(await db.selectFrom('agencies').select('id').execute()).to.have.length(before.length);
    // well-formed Chinese goes through
    const good = await rawPost('/api/v1/agencies', admin, Buffer.from(JSON.stringify({ code: `UTF8-${Date.now()}`, name: '西丰县市场监督管理局', region: '110101', items: [] })));
    expect(good.status).to.equal(201);
  });
});
