import { expect } from 'chai';
import { waitFor } from '../support/fixtures.js';
import { PrivateCluster, useReplicatedClusters } from '../support/pg-cluster.js';
import { postFiling, remoteFiling, remoteWorld, type RemoteWorld } from '../support/remote-world.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

// Failover as an operator meets it: a primary and a synchronous standby, the service started once
// with both hosts in DATABASE_URL (target_session_attrs=read-write) and the standby as
// DATABASE_READ_URL. Filings run under load when the primary dies (immediate shutdown, as a crash);
// scans keep answering from the standby, filing answers 503 with Retry-After; the standby is
// promoted and filing resumes within 30 s, with no restart, and every acknowledged filing is there.

const KEY = 'failover-test-admin-key-0123456789';

interface Acknowledged {
  id: string;
  filingNo: string;
  verifyCode: string;
}

async function scan(base: string, code: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/v1/verify/${code}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('failover to a promoted standby (PostgreSQL, clusters of the test its own)', function () {
  const pair = useReplicatedClusters({ synchronous: true });
  let server: ServerProcess;
  let w: RemoteWorld;
  const acknowledged: Acknowledged[] = [];
  let next = 0;
  const fileNext = async () => {
    const uscc = w.usccs[next++];
    if (!uscc) throw new Error('out of enterprises');
    const res = await postFiling(server.base, w, remoteFiling(w, uscc));
    if (res.status === 201) acknowledged.push(res.body.filing as Acknowledged);
    return res;
  };

  after(async () => {
    await server?.kill('SIGTERM');
  });

  it('starts on a DATABASE_URL naming both hosts, writes on the primary and scans on the standby', async () => {
    const { primary, standby } = pair();
    server = await startServer({
      DATABASE_URL: PrivateCluster.multiHostUrl([primary, standby], { target_session_attrs: 'read-write' }),
      DATABASE_READ_URL: standby.url,
      BOOTSTRAP_ADMIN_KEY: KEY,
    });
    await server.ready();
    w = await remoteWorld(server.base, KEY, 150);
    for (let i = 0; i < 5; i++) expect((await fileNext()).status).to.equal(201);
    await standby.waitForReplay();
    const first = acknowledged[0]!;
    const s = await scan(server.base, first.verifyCode);
    expect(s.status).to.equal(200);
    expect(s.body.valid).to.equal(true);
    expect(s.body).not.to.have.property('possiblyBehindSeconds');
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
    expect(metrics).to.match(/replica_reads_total\{from="standby"\} [1-9]/);
  });

  it('the primary dies under load: no request fails other than 503, scans answer from the standby marked as possibly behind', async () => {
    const { primary } = pair();
    let stopped = false;
    const statuses: number[] = [];
    // four agencies' clerks filing one after another, until each has met the outage
    const worker = async () => {
      for (;;) {
        const res = await fileNext();
        statuses.push(res.status);
        if (res.status === 503) {
          expect(Number(res.headers.get('retry-after'))).to.be.above(0);
          if (stopped) return;
        } else expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
    };
    const before = acknowledged.length;
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    await waitFor(async () => acknowledged.length >= before + 12, 15_000);
    await primary.stop('immediate');
    stopped = true;
    await load;
    expect(statuses.filter((s) => s === 201).length).to.be.at.least(12);
    expect(server.child.exitCode).to.equal(null);

    // every acknowledged filing still verifies, from the standby, marked as possibly behind
    for (const a of acknowledged.slice(-3).concat(acknowledged.slice(0, 2))) {
      const s = await scan(server.base, a.verifyCode);
      expect(s.status, JSON.stringify(s.body)).to.equal(200);
      expect(s.body.valid).to.equal(true);
      expect(s.body).to.have.property('possiblyBehindSeconds');
      const behind = s.body.possiblyBehindSeconds;
      expect(behind === null || (typeof behind === 'number' && behind >= 0)).to.equal(true);
    }
    const page = await fetch(`${server.base}/v/${acknowledged[0]!.verifyCode}`, { headers: { 'accept-language': 'zh-CN' } });
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.include('备用数据库');
    expect(html).to.include(acknowledged[0]!.filingNo);

    // still ready for a load balancer: scans are answered; writes are not
    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.include({ status: 'ready', writes: false });

    const during = await fileNext();
    expect(during.status).to.equal(503);
    expect((during.body.error as { code: string }).code).to.equal('unavailable');
    expect(Number(during.headers.get('retry-after'))).to.be.above(0);
  });

  it('the standby is promoted: filing resumes within 30 s without a restart, and no acknowledged filing is lost', async () => {
    const { standby } = pair();
    const pid = server.child.pid;
    await standby.promote();
    const promotedAt = performance.now();
    await waitFor(async () => (await fileNext()).status === 201, 30_000);
    const resumedAfterMs = performance.now() - promotedAt;
    expect(resumedAfterMs).to.be.below(30_000);
    expect(server.child.pid).to.equal(pid);
    expect(server.child.exitCode).to.equal(null);

    const ids = acknowledged.map((a) => a.id);
    const found = await standby.query<{ id: string; filing_no: string }>('select id, filing_no from filings where id = any($1)', [ids]);
    expect(found.map((r) => r.id).sort()).to.deep.equal([...ids].sort());
    expect(new Set(found.map((r) => r.filing_no)).size).to.equal(ids.length);

    // scans are no longer marked once the new primary answers, and a cancel made there shows at once
    const last = acknowledged.at(-1)!;
    const cancel = await fetch(`${server.base}/api/v1/filings/${last.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.agencyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '计划调整' }),
    });
    expect(cancel.status).to.equal(200);
    const s = await scan(server.base, last.verifyCode);
    expect(s.body.valid).to.equal(false);
    expect(s.body).not.to.have.property('possiblyBehindSeconds');
    expect(server.output()).to.include('database host changed');
    expect(server.output()).not.to.match(/unhandled|uncaught/i);
  });

  it('a primary made read-only under live connections: writes answer 503, the pool looks again, and filing resumes', async () => {
    const { standby } = pair();
    expect((await fileNext()).status).to.equal(201); // the pool holds checked connections to it
    await standby.query('alter system set default_transaction_read_only = on');
    await standby.query('select pg_reload_conf()');
    try {
      await waitFor(async () => (await fileNext()).status === 503, 10_000);
      const refused = await fileNext();
      expect(refused.status).to.equal(503);
      expect(Number(refused.headers.get('retry-after'))).to.be.above(0);
    } finally {
      await standby.query('alter system reset default_transaction_read_only');
      await standby.query('select pg_reload_conf()');
    }
    await waitFor(async () => (await fileNext()).status === 201, 10_000);
    expect(server.child.exitCode).to.equal(null);
  });
});
