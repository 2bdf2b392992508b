import { expect } from 'chai';
import { sql } from 'kysely';
import supertest from 'supertest';
import { otherRuntime } from '../support/other-runtime.js';
import { harness } from '../support/harness.js';
import { auth, file, waitFor, world } from '../support/fixtures.js';
import { FEED_APPLICATION_NAME } from '../../src/store/change-feed.js';

describe('verification cache stays truthful', () => {
  it('a change in this process is visible at the next scan', async () => {
    const h = await harness();
    const w = await world();
    const { filing } = (await file(w)).body;
    expect((await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.filing.status).to.equal('filed');
    await h.api().post(`/api/v1/filings/${filing.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '改期' });
    expect((await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.filing.status).to.equal('cancelled');
  });

  describe('across processes (PostgreSQL)', () => {
    const other = otherRuntime();

    it('a cancellation made by another process reaches this one through LISTEN/NOTIFY', async () => {
      const h = await harness();
      const w = await world();
      const { filing } = (await file(w)).body;
      // cache the view here
      expect((await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.filing.status).to.equal('filed');
      const res = await supertest(other().app)
        .post(`/api/v1/filings/${filing.id}/cancel`)
        .set(auth(w.agencyKey))
        .send({ reason: '合并检查' });
      expect(res.status).to.equal(200);
      await waitFor(async () => (await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.filing.status === 'cancelled', 10_000);
    });

    it('a filing made in another process is found here at once (unknown codes are never cached)', async () => {
      const h = await harness();
      const w = await world();
      const probe = await h.api().get('/api/v1/verify/ABCDEFGHJKMNPQ');
      expect(probe.status).to.equal(404);
      const made = await supertest(other().app)
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .send((await import('../support/fixtures.js')).filingBody(w));
      expect(made.status).to.equal(201);
      expect((await h.api().get(`/api/v1/verify/${made.body.filing.verifyCode}`)).status).to.equal(200);
    });

    it('a notification lost while the listener was down never leaves a stale view', async () => {
      const h = await harness();
      const w = await world();
      const { filing } = (await file(w)).body;
      expect((await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.filing.status).to.equal('filed');
      // kill every LISTEN connection, as a network blip or a database restart would
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${FEED_APPLICATION_NAME}`.execute(
        h.runtime.store.db,
      );
      await supertest(other().app).post(`/api/v1/filings/${filing.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '改期' });
      await waitFor(async () => (await h.api().get(`/api/v1/verify/${filing.verifyCode}`)).body.filing.status === 'cancelled', 10_000);
      // and the listener comes back by itself
      await waitFor(async () => {
        const r = await sql<{
          n: number;
        }>`select count(*)::int as n from pg_stat_activity where application_name = ${FEED_APPLICATION_NAME}`.execute(h.runtime.store.db);
        return (r.rows[0]?.n ?? 0) >= 2;
      }, 10_000);
    });
  });
});
