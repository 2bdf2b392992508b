import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { admin, auth, file, filingBody, fromNow, unique, world, type World } from '../support/fixtures.js';

type Target = { name: string; method: 'post' | 'patch'; path: string; key: string; good: Record<string, unknown> };

async function snapshot() {
  const h = await harness();
  const db = h.runtime.store.db;
  const tables = [
    'agencies',
    'agency_item_records',
    'inspectors',
    'enterprises',
    'filings',
    'filing_attempts',
    'decisions',
    'api_keys',
    'audit_events',
    'violations',
  ] as const;
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await db.selectFrom(t).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return out;
}

/** Variations of a good body that are each wrong in one way a client might get wrong. */
function badBodies(good: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [
    ['an array', [good]],
    ['a string', 'hello'],
    ['null', null],
    ['an empty object', {}],
    ['an unknown field', { ...good, extra: 1 }],
  ];
  for (const [k, v] of Object.entries(good)) {
    const { [k]: _dropped, ...rest } = good;
    out.push([`without ${k}`, rest]);
    out.push([`${k} of the wrong type`, { ...good, [k]: typeof v === 'string' ? 12345 : 'not-a-thing' }]);
    if (typeof v === 'string') {
      out.push([`${k} too long`, { ...good, [k]: 'x'.repeat(20_000) }]);
      // PostgreSQL cannot store NUL in text or jsonb: this must be a 400, not a database error
      out.push([`${k} with a NUL character`, { ...good, [k]: `${v}\u0000x` }]);
    }
  }
  return out;
}

describe('bad input never changes anything and is never a 5xx', () => {
  let w: World;
  let targets: Target[];
  before(async () => {
    const h = await harness();
    w = await world();
    const filing = (await file(w)).body.filing;
    targets = [
      {
        name: 'create agency',
        method: 'post',
        path: '/api/v1/agencies',
        key: admin.Authorization,
        good: { code: 'OK-1', name: 'n', region: '110101', items: [] },
      },
      {
        name: 'add inspector',
        method: 'post',
        path: `/api/v1/agencies/${w.agencyId}/inspectors`,
        key: admin.Authorization,
        good: { name: 'n', credentialNo: 'LN12345678', validUntil: '2030-01-01' },
      },
      {
        name: 'create enterprise',
        method: 'post',
        path: '/api/v1/enterprises',
        key: admin.Authorization,
        good: { uscc: w.uscc, name: 'n', region: '110101' },
      },
      { name: 'create key', method: 'post', path: '/api/v1/keys', key: admin.Authorization, good: { role: 'admin', name: 'n' } },
      // only required fields in the good bodies: dropping an optional one is not bad input
      {
        name: 'file',
        method: 'post',
        path: '/api/v1/filings',
        key: auth(w.agencyKey).Authorization,
        good: filingBody(w, { onSiteJustification: undefined }, h.clock.now()),
      },
      {
        name: 'check',
        method: 'post',
        path: '/api/v1/filings/check',
        key: auth(w.agencyKey).Authorization,
        good: filingBody(w, { onSiteJustification: undefined }, h.clock.now()),
      },
      {
        name: 'result',
        method: 'post',
        path: `/api/v1/filings/${filing.id}/result`,
        key: auth(w.agencyKey).Authorization,
        good: { conductedAt: fromNow(0), outcome: 'no_issues', summary: 's' },
      },
      {
        name: 'cancel',
        method: 'post',
        path: `/api/v1/filings/${filing.id}/cancel`,
        key: auth(w.agencyKey).Authorization,
        good: { reason: 'r' },
      },
    ];
  });

  it('walks malformed, mistyped, incomplete and oversized bodies through every write endpoint', async () => {
    const h = await harness();
    const before = await snapshot();
    let tried = 0;
    for (const t of targets) {
      for (const [label, body] of badBodies(t.good)) {
        const api = h.api();
        const res = await api[t.method](t.path)
          .set('Authorization', t.key)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        tried++;
        const where = `${t.name}: ${label} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, where).to.be.within(400, 499);
        expect(res.body.error.code, where).to.be.a('string');
        expect(res.body.error.message, where).to.be.a('string').and.have.length.above(5);
        expect(res.body.error.details, where).to.be.an('array');
      }
      for (const raw of ['{"a":', '{bad json}', '', '\u0000']) {
        const res = await h.api()[t.method](t.path).set('Authorization', t.key).set('Content-Type', 'application/json').send(raw);
        tried++;
        expect(res.status, `${t.name}: raw ${JSON.stringify(raw)}`).to.be.within(400, 499);
      }
      const api = h.api();
      const big = await api[t.method](t.path)
        .set('Authorization', t.key)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ pad: 'x'.repeat(200_000) }));
      expect(big.status).to.equal(413);
      const text = await h.api()[t.method](t.path).set('Authorization', t.key).set('Content-Type', 'text/plain').send('hello');
      expect(text.status).to.equal(415);
    }
    expect(tried).to.be.above(150);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('says which field is wrong and why, in the language asked for', async () => {
    const h = await harness();
    const t = targets.find((x) => x.name === 'file')!;
    const body = { ...t.good, type: 'surprise', plannedStart: 'tomorrow', extra: true };
    const en = await h.api().post(t.path).set('Authorization', t.key).set('Accept-Language', 'en-US,en;q=0.9').send(body);
    expect(en.status).to.equal(400);
    expect(en.body.error.message).to.equal('The request is not valid; fix the fields listed in details and retry');
    const byPath = Object.fromEntries(en.body.error.details.map((d: { path: string; message: string }) => [d.path, d.message]));
    expect(byPath['/type']).to.include('routine, case, special, random, emergency');
    expect(byPath['/plannedStart']).to.include('date-time');
    expect(byPath['/extra']).to.equal('unknown field; remove it');
    const zh = await h.api().post(t.path).set('Authorization', t.key).send(body);
    expect(zh.body.error.message).to.equal('请求内容不符合要求，请按下列各项修改后重试');
    expect(zh.body.error.details.find((d: { path: string }) => d.path === '/extra').message).to.equal('未知字段，请删除');
  });

  it('fills details for every error, in Chinese by default and in English when asked, names included', async () => {
    const h = await harness();
    const t = targets.find((x) => x.name === 'file')!;
    // a service's own refusal (not the schema's): the case inspection without its trigger
    const body = { ...t.good, type: 'case' };
    const zh = await h.api().post(t.path).set('Authorization', t.key).send(body);
    expect(zh.status).to.equal(400);
    expect(zh.body.error.details).to.deep.equal([{ path: '/trigger', message: '启动事由：个案检查必须填写' }]);
    const en = await h.api().post(t.path).set('Authorization', t.key).set('Accept-Language', 'en').send(body);
    expect(en.body.error.details).to.deep.equal([{ path: '/trigger', message: 'Trigger: required for a case inspection' }]);
    // errors that name no field still say where: the key, the address, the id
    const noKey = await h.api().get('/api/v1/filings');
    expect(noKey.status).to.equal(401);
    expect(noKey.body.error.details).to.have.length(1);
    expect(noKey.body.error.details[0].path).to.equal('Authorization');
    expect(noKey.body.error.details[0].message).to.match(/[\u3400-\u9fff]/);
    const missing = await h.api().get('/api/v1/enterprises/91211223MA0XY1234E').set(admin);
    expect(missing.status).to.equal(404);
    expect(missing.body.error.message).to.equal('未找到企业：91211223MA0XY1234E');
    expect(missing.body.error.details[0].message).to.include('企业');
    // a missing field is "required" after its label, and a date says what one looks like
    const bare = await h
      .api()
      .post(t.path)
      .set('Authorization', t.key)
      .send({ ...t.good, plannedStart: '2026/12/01', enterpriseUscc: undefined });
    const byPath = Object.fromEntries(bare.body.error.details.map((d: { path: string; message: string }) => [d.path, d.message]));
    expect(byPath['/enterpriseUscc']).to.equal('企业统一社会信用代码：必填');
    expect(byPath['/plannedStart']).to.include('例如 2026-12-01T09:00:00+08:00');
  });

  it('says in words what a type, pattern, out-of-range date or non-object body asks for, and where it is', async () => {
    const h = await harness();
    const zh = (req: ReturnType<ReturnType<typeof h.api>['post']>) => req.set(admin).set('Accept-Language', 'zh-CN');
    const detail = (res: { body: { error: { details: { path: string; message: string }[] } } }) =>
      res.body.error.details[0] ?? { path: '', message: '' };
    const typed = await zh(h.api().post('/api/v1/enterprises')).send({ uscc: 12, name: '企业', region: '211223' });
    expect(detail(typed)).to.deep.equal({ path: '/uscc', message: '统一社会信用代码：应为文字' });
    const region = await zh(h.api().post('/api/v1/enterprises')).send({ uscc: '91211223MA0XYW1234', name: '企业', region: '000000' });
    expect(detail(region)).to.deep.equal({
      path: '/region',
      message: '行政区划代码：应为 6 位数字的行政区划代码（GB/T 2260），例如 211223',
    });
    const blank = await zh(h.api().post('/api/v1/enterprises')).send({ uscc: '91211223MA0XYW1234', name: '\u200b', region: '211223' });
    expect(detail(blank)).to.deep.equal({ path: '/name', message: '名称：须含有可见的文字或数字' });
    const check = await zh(h.api().post('/api/v1/enterprises')).send({ uscc: '91211223MA0XYW123X', name: '企业', region: '211223' });
    expect(check.body.error.code).to.equal('uscc_invalid');
    expect(detail(check).path).to.equal('/uscc');
    expect(detail(await h.api().get('/api/v1/enterprises/91211223MA0XYW123X').set(admin)).path).to.equal('path');
    const late = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .set('Accept-Language', 'en')
      .send({ role: 'admin', name: 'later', expiresAt: '3000-01-01T00:00:00Z' });
    expect(detail(late)).to.deep.equal({ path: '/expiresAt', message: 'Expires at: must be a date from 1900 to 2999' });
    expect(
      (
        await h
          .api()
          .post('/api/v1/keys')
          .set(admin)
          .send({ role: 'admin', name: 'till the end of 2999', expiresAt: '2999-12-31T23:00:00Z' })
      ).status,
    ).to.equal(201);
    const noAgency = await h.api().post('/api/v1/keys').set(admin).send({ role: 'agency', name: 'x', agencyId: 'ag_nope' });
    expect(noAgency.status).to.equal(404);
    expect(detail(noAgency).path).to.equal('/agencyId');
    const notObject = await zh(h.api().post('/api/v1/enterprises')).set('Content-Type', 'application/json').send('null');
    expect(notObject.status).to.equal(400);
    expect(notObject.body.error.message).to.equal('请求体应为 JSON 对象（{…}）');
    const syntax = await zh(h.api().post('/api/v1/enterprises')).set('Content-Type', 'application/json').send('{"uscc": }');
    expect(syntax.body.error.message).to.match(/^请求体不是合法的 JSON：(第 \d+ 个字符附近有语法错误|意外的字符“}”)$/);
    const empty = await zh(h.api().post('/api/v1/enterprises')).set('Content-Type', 'application/json');
    expect(empty.status).to.equal(400);
    expect(empty.body.error.message).to.equal('请求体是空的，请发送 JSON 对象');
    const long = await h
      .api()
      .get(`/api/v1/agencies/${'x'.repeat(5000)}`)
      .set(admin);
    expect(long.status).to.equal(404);
    expect(long.body.error.message.length).to.be.below(200);
  });

  it('answers a create with the time it stored', async () => {
    const h = await harness();
    const w = await world();
    const e = (await h.api().get(`/api/v1/enterprises/${w.uscc}`).set(admin)).body;
    const made = await h
      .api()
      .post('/api/v1/enterprises')
      .set(admin)
      .send({ uscc: w.uscc.slice(0, 8) + '0000000' + w.uscc.slice(15), name: '时间企业', region: '110101' });
    if (made.status === 201)
      expect((await h.api().get(`/api/v1/enterprises/${made.body.uscc}`).set(admin)).body.createdAt).to.equal(made.body.createdAt);
    const inspector = await h
      .api()
      .post(`/api/v1/agencies/${w.agencyId}/inspectors`)
      .set(admin)
      .send({ name: '时间', credentialNo: unique('TM'), validUntil: '2030-01-01' });
    const stored = (await h.api().get(`/api/v1/agencies/${w.agencyId}`).set(admin)).body.inspectors.find(
      (i: { id: string }) => i.id === inspector.body.id,
    );
    expect(stored.createdAt).to.equal(inspector.body.createdAt);
    expect(e.createdAt).to.be.a('string');
  });

  it('unknown routes and ids are 404 in the API error format', async () => {
    const h = await harness();
    const r1 = await h.api().get('/api/v1/nothing-here').set(admin);
    expect(r1.status).to.equal(404);
    expect(r1.body.error.code).to.equal('not_found');
    for (const path of ['/api/v1/agencies/ag_nope', '/api/v1/filings/fil_nope']) {
      const r = await h.api().get(path).set(admin);
      expect(r.status, path).to.equal(404);
    }
    for (const path of [
      '/api/v1/agencies/a%00b',
      '/api/v1/filings/%00',
      `/api/v1/enterprises/%00`,
      '/api/v1/filings?agency=%00',
      '/api/v1/verify/%00',
    ]) {
      const r = await h.api().get(path).set(admin);
      expect(r.status, path).to.be.within(400, 404);
    }
    const r3 = await h.api().post('/api/v1/filings/fil_nope/cancel').set(auth(w.agencyKey)).send({ reason: 'r' });
    expect(r3.status).to.equal(404);
    const r4 = await h.api().get('/api/v1/enterprises/not-a-uscc').set(admin);
    expect(r4.status).to.equal(400);
  });
});
