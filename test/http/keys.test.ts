import { expect } from 'chai';
import supertest from 'supertest';
import { cli } from '../support/cli.js';
import { harness } from '../support/harness.js';
import { admin, auth, fromNow, later, waitFor, world } from '../support/fixtures.js';
import { signedIn } from '../support/web.js';
import { otherRuntime, runtimeOfItsOwn } from '../support/other-runtime.js';

const HOUR = 3_600_000;

describe('keys: list, expiry, revocation', () => {
  it('lists keys without the key or its hash, newest first, filtered by role and state', async () => {
    const h = await harness();
    const made = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .send({ role: 'supervisor', name: '县监督科', regions: ['2112'] });
    const list = await h.api().get('/api/v1/keys?role=supervisor&limit=500').set(admin);
    expect(list.status).to.equal(200);
    const mine = (list.body.items as Record<string, unknown>[]).find((k) => k.id === made.body.id);
    expect(mine).to.include({ role: 'supervisor', name: '县监督科', active: true, revokedAt: null, expiresAt: null });
    expect(JSON.stringify(list.body)).not.to.include(made.body.key).and.not.include('hash');
  });

  it('an expiring key works until its moment and is refused (401) from then on, pages included', async () => {
    const h = await harness();
    const w = await world();
    const past = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .send({ role: 'enterprise', uscc: w.uscc, name: '过期', expiresAt: fromNow(-HOUR) });
    expect(past.status).to.equal(400);
    expect(past.body.error.details[0].path).to.equal('/expiresAt');
    const until = later(2 * HOUR);
    const made = await h
      .api()
      .post('/api/v1/keys')
      .set(admin)
      .send({ role: 'enterprise', uscc: w.uscc, name: '两小时', expiresAt: until.toISOString() });
    expect(made.status).to.equal(201);
    expect(made.body.expiresAt).to.equal(until.toISOString());
    expect((await h.api().get('/api/v1/filings').set(auth(made.body.key))).status).to.equal(200);
    const page = await signedIn(made.body.key);
    h.clock.set(new Date(until.getTime() + 1000));
    expect((await h.api().get('/api/v1/filings').set(auth(made.body.key))).status).to.equal(401);
    expect((await page.get('/filings')).status).to.equal(303);
    const listed = (await h.api().get('/api/v1/keys?active=false&limit=500').set(admin)).body.items as { id: string }[];
    expect(listed.map((k) => k.id)).to.include(made.body.id);
  });

  it('a revoked key is refused at once (its cached authentication too), its page sessions end, and the revocation is audited', async () => {
    const h = await harness();
    const w = await world();
    expect((await h.api().get('/api/v1/filings').set(auth(w.agencyKey))).status).to.equal(200); // cached now
    const page = await signedIn(w.agencyKey);
    const id =
      ((await h.api().get('/api/v1/keys?role=agency&limit=500').set(admin)).body.items as { id: string; agencyId: string }[]).find(
        (k) => k.agencyId === w.agencyId,
      )?.id ?? '';
    const revoked = await h.api().delete(`/api/v1/keys/${id}`).set(admin);
    expect(revoked.status).to.equal(200);
    expect(revoked.body).to.include({ id, active: false });
    expect((await h.api().get('/api/v1/filings').set(auth(w.agencyKey))).status).to.equal(401);
    expect((await page.get('/filings/new')).status).to.equal(303);
    const again = await h.api().delete(`/api/v1/keys/${id}`).set(admin);
    expect(again.status).to.equal(200);
    expect(again.body.revokedAt).to.equal(revoked.body.revokedAt);
    expect((await h.api().delete('/api/v1/keys/key_nope').set(admin)).status).to.equal(404);
    const events = await h.runtime.store.db.selectFrom('audit_events').select('action').where('entity_id', '=', id).orderBy('id').execute();
    expect(events.map((e) => e.action)).to.deep.equal(['key.created', 'key.revoked']);
  });

  it('the command line lists and revokes keys', async () => {
    const h = await harness();
    const made = await h.api().post('/api/v1/keys').set(admin).send({ role: 'supervisor', name: '命令行撤销' });
    const listed = await cli('keys', 'list');
    expect(listed.code).to.equal(0);
    expect(listed.out).to.include(made.body.id).and.not.include(made.body.key);
    const revoked = await cli('keys', 'revoke', made.body.id);
    expect(revoked.code, revoked.err).to.equal(0);
    expect((await h.api().get('/api/v1/violations').set(auth(made.body.key))).status).to.equal(401);
    expect((await cli('keys', 'revoke', 'key_nope')).code).to.not.equal(0);
  });

  describe('the last admin key', () => {
    const own = runtimeOfItsOwn({});
    it('cannot be revoked: nobody would be left to administer', async () => {
      const only = (await supertest(own().app).get('/api/v1/keys?role=admin').set(admin)).body.items as { id: string }[];
      expect(only).to.have.length(1);
      const res = await supertest(own().app)
        .delete(`/api/v1/keys/${only[0]?.id ?? ''}`)
        .set(admin);
      expect(res.status).to.equal(409);
      expect((await supertest(own().app).get('/api/v1/keys').set(admin)).status).to.equal(200);
    });
    it('two admins revoking each other at the same moment leave one of them', async () => {
      const first = ((await supertest(own().app).get('/api/v1/keys?role=admin').set(admin)).body.items as { id: string }[])[0]?.id ?? '';
      const second = (await supertest(own().app).post('/api/v1/keys').set(admin).send({ role: 'admin', name: '第二位管理员' })).body as {
        id: string;
        key: string;
      };
      const [a, b] = await Promise.all([
        supertest(own().app).delete(`/api/v1/keys/${second.id}`).set(admin),
        supertest(own().app).delete(`/api/v1/keys/${first}`).set(auth(second.key)),
      ]);
      // one revocation wins; the other is refused as the last admin (409), or finds its own key gone (401)
      expect([a.status, b.status].filter((s) => s === 200)).to.have.length(1);
      expect([a.status, b.status].filter((s) => s !== 200)[0]).to.be.oneOf([401, 409]);
      const left = (
        await own().store.db.selectFrom('api_keys').select('id').where('role', '=', 'admin').where('revoked_at', 'is', null).execute()
      ).length;
      expect(left).to.equal(1);
    });
  });

  describe('across processes (PostgreSQL)', () => {
    const other = otherRuntime();
    it('a key revoked through one process is refused by another at once, though that one had it cached', async () => {
      const h = await harness();
      const w = await world();
      expect((await supertest(other().app).get('/api/v1/filings').set(auth(w.enterpriseKey))).status).to.equal(200); // cached there
      const id =
        ((await h.api().get('/api/v1/keys?role=enterprise&limit=500').set(admin)).body.items as { id: string; uscc: string }[]).find(
          (k) => k.uscc === w.uscc,
        )?.id ?? '';
      expect((await h.api().delete(`/api/v1/keys/${id}`).set(admin)).status).to.equal(200);
      // the NOTIFY travels on its own connection: a deadline, not a sleep (it arrives in milliseconds)
      await waitFor(async () => (await supertest(other().app).get('/api/v1/filings').set(auth(w.enterpriseKey))).status === 401, 2_000);
    });
  });
});
