import { expect } from 'chai';
import pg from 'pg';
import supertest from 'supertest';
import { startRuntime } from '../../src/runtime.js';
import { cli } from '../support/cli.js';
import { harness } from '../support/harness.js';
import { auth, file, filingBody, world } from '../support/fixtures.js';

// The service run as a role that owns nothing (docs/operations.md): CI creates it beside the
// owner and names it in PG_SERVICE_ROLE_URL; elsewhere (PGlite, or no such role) this is skipped.
describe('the service role on PostgreSQL: rows, never the tables', () => {
  const url = process.env.PG_SERVICE_ROLE_URL;
  let client: pg.Client;
  before(async function () {
    const h = await harness();
    if (!h.config.databaseUrl || !url) this.skip();
    const role = new URL(url).username;
    const granted = await cli('migrate', '--grant', role);
    expect(granted.code, granted.err).to.equal(0);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  after(async () => {
    await client?.end();
  });

  const refused = async (text: string) => {
    try {
      await client.query(text);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };

  it('cannot truncate, switch a trigger off, delete or rewrite the trail, or alter a table', async () => {
    await file(await world());
    expect(await refused('truncate audit_events')).to.match(/permission denied|TRUNCATE refused/);
    expect(await refused('alter table audit_events disable trigger all')).to.include('must be owner');
    expect(await refused('alter table filings disable trigger filings_guard')).to.include('must be owner');
    expect(await refused('delete from audit_events')).to.include('permission denied');
    expect(await refused("update audit_events set actor = 'x'")).to.include('permission denied');
    expect(await refused('delete from audit_heads')).to.include('permission denied');
    expect(await refused('set session_replication_role = replica')).to.include('permission denied');
    expect(await refused('drop table audit_roots')).to.include('must be owner');
  });

  it('files, verifies and runs its jobs with those rights', async () => {
    const h = await harness();
    const rt = await startRuntime({ ...h.config, databaseUrl: url!, bootstrapAdminKey: null }, h.log, { clock: h.clock, quiet: true });
    try {
      const w = await world();
      // the filing goes through the service role's runtime
      const res = await supertest(rt.app).post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect((await supertest(rt.app).get(`/api/v1/verify/${res.body.filing.verifyCode}`)).body.valid).to.equal(true);
    } finally {
      await rt.close();
    }
  });
});
