import { expect } from 'chai';
import pg from 'pg';
import { waitFor } from '../support/fixtures.js';
import { usePrivateCluster } from '../support/pg-cluster.js';
import { postFiling, remoteFiling, remoteWorld } from '../support/remote-world.js';
import { startServer } from '../support/server-process.js';

// PostgreSQL goes away (immediate shutdown) while filings are inside their transactions. The
// process must stay up, answer 503 with Retry-After, log the outage once, keep /readyz at 503,
// and recover by itself when the database is back.

const KEY = 'outage-test-admin-key-0123456789';

describe('a database outage (PostgreSQL, a cluster of the test its own)', function () {
  // the fault tests run in the PostgreSQL pass, on a cluster of their own
  const cluster = usePrivateCluster();

  it('the process survives, answers 503 unavailable with Retry-After, logs one warning, and recovers without a restart', async () => {
    const server = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY });
    await server.ready();
    const w = await remoteWorld(server.base, KEY, 40);
    // hold every filing inside its transaction for a moment, so the shutdown finds them there
    const admin = new pg.Client({ connectionString: cluster().url });
    await admin.connect();
    await admin.query(`create function test_slow() returns trigger language plpgsql as $$ begin perform pg_sleep(0.5); return new; end $$;
      create trigger test_slow before insert on filings for each row execute function test_slow()`);
    await admin.end();

    const inFlight = w.usccs
      .slice(0, 30)
      .map((u) => postFiling(server.base, w, remoteFiling(w, u)).catch((e: unknown) => ({ status: -1, error: e })));
    await waitFor(async () => {
      const c = new pg.Client({ connectionString: cluster().url });
      await c.connect();
      const r = await c.query("select count(*)::int as n from pg_stat_activity where query like '%filing%' and state <> 'idle'");
      await c.end();
      return (r.rows[0] as { n: number }).n > 0;
    }, 10_000);
    await cluster().stop('immediate');

    const results = await Promise.all(inFlight);
    // every request got an answer: none hung up, none was a 500
    for (const r of results) expect(r.status, JSON.stringify(r)).to.be.oneOf([201, 503]);
    expect(results.some((r) => r.status === 503)).to.equal(true);
    expect(server.child.exitCode).to.equal(null);

    const during = await postFiling(server.base, w, remoteFiling(w, w.usccs[35]!));
    expect(during.status).to.equal(503);
    expect((during.body.error as { code: string }).code).to.equal('unavailable');
    expect(Number(during.headers.get('retry-after'))).to.be.above(0);
    expect((await fetch(`${server.base}/readyz`)).status).to.equal(503);
    expect((await fetch(`${server.base}/healthz`)).status).to.equal(200);
    expect((await fetch(`${server.base}/readyz`)).status).to.equal(503);

    const lines = server.output().split('\n').filter(Boolean);
    expect(
      lines.filter((l) => l.includes('database unavailable')),
      server.output(),
    ).to.have.length(1);
    expect(server.output()).not.to.include('unhandled error');
    expect(server.output()).not.to.include('uncaught');

    await cluster().start();
    await waitFor(async () => (await fetch(`${server.base}/readyz`)).status === 200, 20_000);
    const after = await postFiling(server.base, w, remoteFiling(w, w.usccs[36]!));
    expect(after.status, JSON.stringify(after.body)).to.equal(201);
    expect(server.output()).to.include('database available again');
    expect(server.child.exitCode).to.equal(null);
    await server.kill('SIGTERM');
  });

  it('a database that stops answering (frozen, as if cut off) fails requests with 503 after the query timeout', async () => {
    const server = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY, PG_QUERY_TIMEOUT_MS: '2000' });
    await server.ready();
    const w = await remoteWorld(server.base, KEY, 3);
    // warm the pool, so that requests meet connections that are open but no longer answered
    expect((await postFiling(server.base, w, remoteFiling(w, w.usccs[0]!))).status).to.equal(201);
    await cluster().signal('STOP');
    try {
      const started = performance.now();
      const res = await postFiling(server.base, w, remoteFiling(w, w.usccs[1]!));
      expect(res.status).to.equal(503);
      expect(performance.now() - started).to.be.below(15_000);
      expect(res.headers.get('retry-after')).to.equal('5');
      // the change feed's listener, whose connection a frozen server never closes, finds out by asking
      await waitFor(async () => server.output().includes('change feed lost'), 15_000);
    } finally {
      await cluster().signal('CONT');
    }
    await waitFor(async () => server.output().includes('change feed back'), 20_000);
    await waitFor(async () => (await fetch(`${server.base}/readyz`)).status === 200, 20_000);
    expect((await postFiling(server.base, w, remoteFiling(w, w.usccs[2]!))).status).to.equal(201);
    await server.kill('SIGTERM');
  });

  it('a server started while PostgreSQL is down says so plainly, without a stack, and exits', async () => {
    await cluster().stop('immediate');
    try {
      const server = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY });
      expect(await server.exited).to.equal(1);
      // the outage warning and the reason to stop: no stack
      const lines = server.output().trim().split('\n');
      expect(lines.length, server.output()).to.be.at.most(2);
      for (const l of lines) expect(l.length, l).to.be.below(500);
      expect(lines.at(-1)).to.include(`PostgreSQL at 127.0.0.1:${cluster().port} does not answer`);
    } finally {
      await cluster().start();
    }
  });
});
