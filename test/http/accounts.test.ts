import { expect } from 'chai';
import supertest from 'supertest';
import { clock, harness } from '../support/harness.js';
import { runtimeOfItsOwn } from '../support/other-runtime.js';
import { admin, auth, createEnterprise, createKey, later, randomUscc, world } from '../support/fixtures.js';

const DAY = 86_400_000;
const CODE = /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

async function keyId(key: string): Promise<string> {
  const h = await harness();
  const hash = (await import('../../src/services/keys.js')).hashKey(key);
  const row = await h.runtime.store.db.selectFrom('api_keys').select('id').where('key_hash', '=', hash).executeTakeFirstOrThrow();
  return row.id;
}

async function issue(uscc: string, by = admin) {
  const h = await harness();
  return h.api().post(`/api/v1/enterprises/${uscc}/activation`).set(by).send();
}

async function activate(body: Record<string, unknown>) {
  const h = await harness();
  return h.api().post('/api/v1/accounts/activate').send(body);
}

describe('accounts: activation codes and passwords', () => {
  it('two first codes for one enterprise at once: one account, the others told to retry, never a 500', async () => {
    const w = await world();
    const both = await Promise.all([issue(w.uscc), issue(w.uscc), issue(w.uscc)]);
    for (const r of both) expect(r.status, JSON.stringify(r.body)).to.be.oneOf([201, 409]);
    const h = await harness();
    const accounts = await h.runtime.store.db.selectFrom('accounts').select('id').where('login', '=', w.uscc).execute();
    expect(accounts).to.have.length(1);
    // the keys made for the codes that lost are revoked: the enterprise's account key is its only one in force
    const live = await h.runtime.store.db
      .selectFrom('api_keys')
      .select('id')
      .where('uscc', '=', w.uscc)
      .where('name', 'like', '账号 %')
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).to.have.length(1);
    const last = await issue(w.uscc);
    expect(last.status).to.equal(201);
    const done = await activate({ uscc: w.uscc, code: last.body.code, password: 'correct horse 2026' });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
  });

  it('an admin issues an enterprise an activation code; the enterprise sets its password with it once', async () => {
    const h = await harness();
    const w = await world();
    const issued = await issue(w.uscc);
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    expect(issued.body.code).to.match(CODE);
    expect(issued.body.login).to.equal(w.uscc);
    expect(Date.parse(issued.body.expiresAt as string) - clock.now().getTime()).to.be.within(7 * DAY - 60_000, 7 * DAY + 60_000);
    // any case, without dashes
    const code = (issued.body.code as string).replace(/-/g, '').toLowerCase();
    const done = await activate({ uscc: w.uscc.toLowerCase(), code, password: 'correct horse 2026' });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ login: w.uscc, role: 'enterprise' });
    const again = await activate({ uscc: w.uscc, code, password: 'another horse 2026' });
    expect(again.status).to.equal(401);
    expect(again.body.error.message).to.include('已经使用过');

    // stored hashed; the audit trail names what happened, never the code or the password
    const row = await h.runtime.store.db.selectFrom('accounts').selectAll().where('login', '=', w.uscc).executeTakeFirstOrThrow();
    expect(row.password_hash).to.match(/^scrypt\$\d+\$8\$1\$/);
    expect(row.code_hash).not.to.include(code);
    const events = await h.runtime.store.db
      .selectFrom('audit_events')
      .select(['action', 'payload'])
      .where('entity_id', '=', row.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).to.deep.equal(['account.created', 'account.activation_issued', 'account.password_set']);
    const trail = JSON.stringify(events);
    expect(trail)
      .not.to.include(code)
      .and.not.include((issued.body.code as string).slice(0, 4) + '-')
      .and.not.include('horse');
    // the account's key carries the identity and was made through the keys' own audited path
    const key = await h.runtime.store.db.selectFrom('api_keys').selectAll().where('id', '=', row.key_id).executeTakeFirstOrThrow();
    expect(key).to.include({ role: 'enterprise', uscc: w.uscc });
    expect(key.name).to.match(/^账号 /);
  });

  it('a new code replaces the unspent one and, once used, resets the password', async () => {
    const w = await world();
    const first = (await issue(w.uscc)).body.code as string;
    const second = (await issue(w.uscc)).body.code as string;
    expect((await activate({ uscc: w.uscc, code: first, password: 'first password 1' })).status).to.equal(401);
    expect((await activate({ uscc: w.uscc, code: second, password: 'first password 1' })).status).to.equal(200);
    const reset = (await issue(w.uscc)).body.code as string;
    expect((await activate({ uscc: w.uscc, code: reset, password: 'second password 2' })).status).to.equal(200);
    const h = await harness();
    const accounts = await h.runtime.store.db.selectFrom('accounts').select('id').where('login', '=', w.uscc).execute();
    expect(accounts).to.have.length(1);
  });

  it('an expired code is refused with a message that says so', async () => {
    const h = await harness();
    const w = await world();
    const code = (await issue(w.uscc)).body.code as string;
    h.clock.set(later(7 * DAY + 1000));
    const res = await activate({ uscc: w.uscc, code, password: 'late password 1' });
    expect(res.status).to.equal(401);
    expect(res.body.error.message).to.include('已过期');
  });

  it('a weak password is refused before the code is spent, each problem named', async () => {
    const w = await world();
    const code = (await issue(w.uscc)).body.code as string;
    for (const [password, says] of [
      ['short1', '至少 8 个字符'],
      ['aaaaaaaaaa', '同一个字符'],
      [w.uscc.toLowerCase(), '不能是统一社会信用代码'],
    ] as const) {
      const res = await activate({ uscc: w.uscc, code, password });
      expect(res.status, password).to.equal(400);
      expect(JSON.stringify(res.body.error.details)).to.include(says);
    }
    expect((await activate({ uscc: w.uscc, code, password: 'now a good one' })).status).to.equal(200);
  });

  it('a wrong code, an unknown enterprise and a missing login are refused plainly', async () => {
    const w = await world();
    await issue(w.uscc);
    expect((await activate({ uscc: w.uscc, code: 'AAAA-AAAA-AAAA', password: 'good password 1' })).status).to.equal(401);
    expect((await activate({ uscc: await createEnterprise(), code: 'AAAA-AAAA-AAAA', password: 'good password 1' })).status).to.equal(401);
    const neither = await activate({ code: 'AAAA-AAAA-AAAA', password: 'good password 1' });
    expect(neither.status).to.equal(400);
    expect(neither.body.error.message).to.include('统一社会信用代码');
  });

  it('a supervisor of the region issues codes; other regions, agencies, enterprises and hotlines cannot', async () => {
    const w = await world('110102');
    const own = await createKey({ role: 'supervisor', regions: ['1101'] });
    expect((await issue(w.uscc, auth(own))).status).to.equal(201);
    const other = await createKey({ role: 'supervisor', regions: ['2112'] });
    const refused = await issue(w.uscc, auth(other));
    expect(refused.status).to.equal(404);
    expect(refused.body.error.message).to.include('企业');
    expect((await issue(w.uscc, auth(w.agencyKey))).status).to.equal(403);
    expect((await issue(w.uscc, auth(w.enterpriseKey))).status).to.equal(403);
    expect((await issue(w.uscc, auth(await createKey({ role: 'hotline' })))).status).to.equal(403);
    expect((await (await harness()).api().post(`/api/v1/enterprises/${w.uscc}/activation`).send()).status).to.equal(401);
    expect((await issue('91110000NOTACODE0')).status).to.equal(400);
    expect((await issue(await createEnterprise('330101'), auth(own))).status).to.equal(404);
  });

  it('an admin activates a staff key’s holder, who gets that key’s role; enterprise keys and revoked keys are refused', async () => {
    const h = await harness();
    const w = await world();
    const id = await keyId(w.agencyKey);
    const issued = await h
      .api()
      .post(`/api/v1/keys/${id}/activation`)
      .set(admin)
      .send({ login: `agency.${id.slice(-6).toLowerCase()}` });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    expect(issued.body.login).to.match(/^agency\./);
    const done = await activate({ login: issued.body.login, code: issued.body.code, password: 'staff password 1' });
    expect(done.status).to.equal(200);
    expect(done.body.role).to.equal('agency');
    // the same login a second time, for another key: taken
    const other = await keyId(await createKey({ role: 'supervisor' }));
    const taken = await h.api().post(`/api/v1/keys/${other}/activation`).set(admin).send({ login: issued.body.login });
    expect(taken.status).to.equal(409);
    // the 12345/8890 platform's key is a system's: no personal account, and no page to land on
    const hotline = await keyId(await createKey({ role: 'hotline' }));
    expect((await h.api().post(`/api/v1/keys/${hotline}/activation`).set(admin).send({})).status).to.equal(400);
    const badName = await h.api().post(`/api/v1/keys/${other}/activation`).set(admin).send({ login: 'Has Spaces' });
    expect(badName.status).to.equal(400);
    // without a login name the key's id is the login
    const byId = await h.api().post(`/api/v1/keys/${other}/activation`).set(admin).send({});
    expect(byId.status).to.equal(201);
    expect(byId.body.login).to.equal(other);
    // logins are typed in any case: the key id's login in lower case is taken too
    const third = await keyId(await createKey({ role: 'supervisor' }));
    const sameButCase = await h.api().post(`/api/v1/keys/${third}/activation`).set(admin).send({ login: other.toLowerCase() });
    expect(sameButCase.status, JSON.stringify(sameButCase.body)).to.equal(409);
    expect(
      (
        await h
          .api()
          .post(`/api/v1/keys/${await keyId(w.enterpriseKey)}/activation`)
          .set(admin)
          .send({})
      ).status,
    ).to.equal(400);
    expect((await h.api().post('/api/v1/keys/key_nope/activation').set(admin).send({})).status).to.equal(404);
    const gone = await keyId(await createKey({ role: 'supervisor' }));
    await h.api().delete(`/api/v1/keys/${gone}`).set(admin);
    expect((await h.api().post(`/api/v1/keys/${gone}/activation`).set(admin).send({})).status).to.equal(409);
    for (const key of [w.agencyKey, w.enterpriseKey, await createKey({ role: 'supervisor' }), await createKey({ role: 'hotline' })])
      expect((await h.api().post(`/api/v1/keys/${other}/activation`).set(auth(key)).send({})).status).to.equal(403);
  });

  it('a revoked account key refuses its code, and a new activation gives the account a new key', async () => {
    const h = await harness();
    const w = await world();
    const code = (await issue(w.uscc)).body.code as string;
    const row = await h.runtime.store.db.selectFrom('accounts').select(['key_id']).where('login', '=', w.uscc).executeTakeFirstOrThrow();
    await h.api().delete(`/api/v1/keys/${row.key_id}`).set(admin);
    expect((await activate({ uscc: w.uscc, code, password: 'good password 1' })).status).to.equal(409);
    const fresh = (await issue(w.uscc)).body.code as string;
    expect((await activate({ uscc: w.uscc, code: fresh, password: 'good password 1' })).status).to.equal(200);
    const now = await h.runtime.store.db.selectFrom('accounts').select(['key_id']).where('login', '=', w.uscc).executeTakeFirstOrThrow();
    expect(now.key_id).not.to.equal(row.key_id);
  });

  it('never writes a password or a code to the log', async () => {
    const h = await harness();
    const w = await world();
    const code = (await issue(w.uscc)).body.code as string;
    const password = 'Секрет-密码-logcheck-77';
    await activate({ uscc: w.uscc, code: 'WRNG-WRNG-WRNG', password });
    await activate({ uscc: w.uscc, code, password });
    const logs = h.logs.text();
    expect(logs).not.to.include(password).and.not.include('logcheck');
    expect(logs).not.to.include(code).and.not.include(code.replace(/-/g, ''));
  });
});

// a service of its own with a small failure limit, so the shared one's address is never locked out
describe('accounts: wrong codes count toward the sign-in failure limit', () => {
  const own = runtimeOfItsOwn({ AUTH_FAILURE_LIMIT: '3' });

  it('answers 429 after the limit, even to the right code, and wrong keys share the count', async () => {
    const api = () => supertest(own().app);
    const uscc = randomUscc();
    const made = await api().post('/api/v1/enterprises').set(admin).send({ uscc, name: '限流测试企业', region: '110101' });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const code = (await api().post(`/api/v1/enterprises/${uscc}/activation`).set(admin).send()).body.code as string;
    expect(code).to.match(CODE);
    const wrong = () => api().post('/api/v1/accounts/activate').send({ uscc, code: 'AAAA-AAAA-AAAA', password: 'good password 1' });
    expect((await wrong()).status).to.equal(401);
    expect((await wrong()).status).to.equal(401);
    expect((await api().get('/api/v1/filings').set(auth('ifk_wrong'))).status).to.equal(401);
    const blocked = await api().post('/api/v1/accounts/activate').send({ uscc, code, password: 'good password 1' });
    expect(blocked.status).to.equal(429);
    expect(blocked.headers['retry-after']).to.match(/^\d+$/);
  });
});
