import { createServer } from 'node:net';
import { expect } from 'chai';
import supertest from 'supertest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { auth, filingBody, world } from '../support/fixtures.js';
import { harness } from '../support/harness.js';

// A DATABASE_URL that names several hosts, as libpq takes it, on the test's PostgreSQL: the pool
// finds the host that suits target_session_attrs. (Failover between real clusters is in
// failover.slow.test.ts.)

/** a port nobody listens on: a host that is down */
const deadPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** the test database's URL with a dead host before it, and these parameters */
async function severalHosts(params: string): Promise<string> {
  const h = await harness();
  const u = new URL(h.config.databaseUrl ?? '');
  const cred = u.username ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${cred}127.0.0.1:${await deadPort()},${u.host}${u.pathname}?${params}`;
}

describe('a DATABASE_URL naming several hosts (PostgreSQL)', function () {
  let rt: Runtime | null = null;

  before(async function () {
    const h = await harness();
    if (!h.config.databaseUrl) this.skip(); // PGlite has no hosts
    rt = await startRuntime({ ...h.config, databaseUrl: await severalHosts('target_session_attrs=read-write') }, h.log, {
      clock: h.clock,
      quiet: true,
    });
  });
  after(async () => {
    await rt?.close();
  });

  it('files and scans on the host that answers as a primary, past one that is down', async () => {
    const w = await world();
    const app = supertest(rt!.app);
    const res = await app.post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const scanned = await app.get(`/api/v1/verify/${res.body.filing.verifyCode}`);
    expect(scanned.status).to.equal(200);
    expect(scanned.body.valid).to.equal(true);
    expect(scanned.body).not.to.have.property('possiblyBehindSeconds');
  });

  it('refuses to start when no host is what target_session_attrs asks for, naming the hosts tried (never the password)', async () => {
    const h = await harness();
    const url = await severalHosts('target_session_attrs=standby');
    const err = await startRuntime({ ...h.config, databaseUrl: url }, h.log, { clock: h.clock, quiet: true }).then(
      () => expect.fail('started without a standby'),
      (e: Error) => e,
    );
    expect(err.message).to.match(/^no host of 127\.0\.0\.1:\d+, [^ ]+ is fit for standby/);
    const password = new URL(h.config.databaseUrl ?? '').password;
    if (password) expect(err.message).not.to.include(password);
  });
});
