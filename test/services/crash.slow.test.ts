import { expect } from 'chai';
import pg from 'pg';
import { verifyTrail } from '../support/audit.js';
import { openStore } from '../../src/store/db.js';
import { waitFor } from '../support/fixtures.js';
import { usePrivateCluster } from '../support/pg-cluster.js';
import { postFiling, remoteGround, remoteFiling, remoteWorld, type RemoteWorld } from '../support/remote-world.js';
import { startServer } from '../support/server-process.js';

// A process killed with SIGKILL in the middle of its work: nothing it acknowledged is lost, and
// nothing it left half done blocks a retry (an Idempotency-Key is never stuck "in flight").

const KEY = 'crash-test-admin-key-0123456789';

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

describe('a process killed with SIGKILL (PostgreSQL, a cluster of the test its own)', function () {
  // the fault tests run in the PostgreSQL pass, on a cluster of their own
  const cluster = usePrivateCluster();

  it('killed between taking an Idempotency-Key and finishing: a retry is one new attempt, not 409 for ever', async () => {
    const first = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    const w = await remoteWorld(first.base, KEY, 1);
    await remoteGround(first.base, KEY, w.usccs[0]!, '12345-2026-1');
    // this one filing stays inside its transaction for three seconds
    await sql(
      cluster().url,
      `create function test_hold() returns trigger language plpgsql as $$
         begin if new.reason = 'hold-me' then perform pg_sleep(3); end if; return new; end $$;
       create trigger test_hold before insert on filings for each row execute function test_hold()`,
    );
    const body = remoteFiling(w, w.usccs[0]!, {
      type: 'case',
      reason: 'hold-me',
      trigger: { kind: 'complaint', reference: '12345-2026-1' },
    });
    void postFiling(first.base, w, body, 'retry-me').catch(() => undefined);
    await waitFor(
      async () => (await sql(cluster().url, "select 1 from pg_stat_activity where wait_event = 'PgSleep'")).rowCount! > 0,
      10_000,
    );
    await first.kill('SIGKILL');

    const second = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY });
    await second.ready();
    const retry = await postFiling(second.base, w, body, 'retry-me');
    expect(retry.status, JSON.stringify(retry.body)).to.equal(201);
    const again = await postFiling(second.base, w, body, 'retry-me');
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect((again.body.filing as { id: string }).id).to.equal((retry.body.filing as { id: string }).id);
    const n = await sql(cluster().url, `select count(*)::int as n from filings where enterprise_uscc = '${w.usccs[0]}'`);
    expect((n.rows[0] as { n: number }).n).to.equal(1);
    await sql(cluster().url, 'drop trigger test_hold on filings; drop function test_hold()');
    await second.kill('SIGTERM');
  });

  it('killed under load: every acknowledged filing is there afterwards, and retries file each request once', async () => {
    const first = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    const w: RemoteWorld = await remoteWorld(first.base, KEY, 300);
    const acknowledged = new Map<string, { id: string; filingNo: string; verifyCode: string }>();
    const requests = w.usccs.map((uscc, i) => ({ key: `load-${i}`, body: remoteFiling(w, uscc) }));
    let next = 0;
    let killed = false;
    const client = async () => {
      while (!killed && next < requests.length) {
        const r = requests[next++]!;
        const res = await postFiling(first.base, w, r.body, r.key).catch(() => null);
        if (res?.status === 201) acknowledged.set(r.key, res.body.filing as { id: string; filingNo: string; verifyCode: string });
      }
    };
    const clients = Array.from({ length: 20 }, client);
    await waitFor(async () => acknowledged.size >= 60, 20_000);
    killed = true;
    await first.kill('SIGKILL');
    await Promise.all(clients);
    expect(next).to.be.below(requests.length);

    const second = await startServer({ DATABASE_URL: cluster().url, BOOTSTRAP_ADMIN_KEY: KEY });
    await second.ready();
    // every 201 the dead process sent is on record, unchanged
    for (const [key, f] of acknowledged) {
      const res = await fetch(`${second.base}/api/v1/filings/${f.id}`, { headers: { authorization: `Bearer ${w.agencyKey}` } });
      expect(res.status, key).to.equal(200);
      const got = ((await res.json()) as { filing: typeof f }).filing;
      expect({ filingNo: got.filingNo, verifyCode: got.verifyCode }).to.deep.equal({ filingNo: f.filingNo, verifyCode: f.verifyCode });
    }
    // every request sent before the kill, retried with its key, is filed exactly once
    for (const r of requests.slice(0, next)) {
      const res = await postFiling(second.base, w, r.body, r.key);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const earlier = acknowledged.get(r.key);
      if (earlier) expect((res.body.filing as { id: string }).id).to.equal(earlier.id);
    }
    const counts = await sql(cluster().url, `select enterprise_uscc, count(*)::int as n from filings group by 1 having count(*) > 1`);
    expect(counts.rows).to.deep.equal([]);
    const store = await openStore({ databaseUrl: cluster().url, dataDir: '' });
    try {
      expect((await verifyTrail(store.db)).ok).to.equal(true);
    } finally {
      await store.close();
    }
    await second.kill('SIGTERM');
  });
});
