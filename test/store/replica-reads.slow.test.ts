import { expect } from 'chai';
import { unique, waitFor } from '../support/fixtures.js';
import { useReplicatedClusters } from '../support/pg-cluster.js';
import { postFiling, remoteFiling, remoteWorld, type RemoteWorld } from '../support/remote-world.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

// Scans read on a standby (DATABASE_READ_URL) are never staler than what the service knows has
// changed: with the standby's replay held back (pg_wal_replay_pause()), a cancel made through one
// process is answered valid: false at once by that process, and by another process as soon as the
// change's notification reaches it, while the standby itself still shows the filing as filed.

const KEY = 'replica-reads-test-admin-key-0123456789';

async function scan(base: string, code: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/v1/verify/${code}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** replica_reads_total by where the reads were answered, from a process's /metrics */
async function readsOf(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^replica_reads_total\{from="([a-z_]+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('scans on a standby whose replay is held back (PostgreSQL, clusters of the test its own)', function () {
  const pair = useReplicatedClusters({ synchronous: true });
  let one: ServerProcess;
  let two: ServerProcess;
  let w: RemoteWorld;
  let cancelledCode = '';
  const file = async (i: number) => {
    const res = await postFiling(one.base, w, remoteFiling(w, w.usccs[i]!));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.filing as { id: string; verifyCode: string };
  };

  /** the filing agency cancels, through process one */
  const cancel = async (id: string) => {
    const res = await fetch(`${one.base}/api/v1/filings/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.agencyKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '计划调整' }),
    });
    expect(res.status).to.equal(200);
  };

  const listFilings = async (base: string) => {
    const res = await fetch(`${base}/api/v1/filings?limit=100`, { headers: { authorization: `Bearer ${w.agencyKey}` } });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { items: { id: string; status: string }[] }).items;
  };

  after(async () => {
    await one?.kill('SIGTERM');
    await two?.kill('SIGTERM');
  });

  it('reads on the standby once it has replayed a filing', async () => {
    const { primary, standby } = pair();
    const env = { DATABASE_URL: primary.url, DATABASE_READ_URL: standby.url, BOOTSTRAP_ADMIN_KEY: KEY };
    one = await startServer(env);
    await one.ready();
    two = await startServer(env);
    await two.ready();
    w = await remoteWorld(one.base, KEY, 8);
    const f = await file(0);
    await standby.waitForReplay();
    for (const s of [one, two]) {
      expect((await scan(s.base, f.verifyCode)).body.valid).to.equal(true);
      expect((await readsOf(s.base)).standby).to.be.at.least(1);
    }
  });

  it('a scan right after a cancel is valid: false, in this process and another, while the standby has not replayed it', async () => {
    const { standby } = pair();
    const f = await file(1);
    cancelledCode = f.verifyCode;
    await standby.waitForReplay();
    // both processes hold the filing as valid (in their caches, read on the standby)
    for (const s of [one, two]) expect((await scan(s.base, f.verifyCode)).body.valid).to.equal(true);
    const twoBefore = await readsOf(two.base);

    await standby.pauseReplay();
    try {
      await cancel(f.id);
      const onStandby = async () =>
        (await standby.query<{ status: string }>('select status from filings where id = $1', [f.id]))[0]?.status;
      expect(await onStandby(), 'the standby has not replayed the cancel').to.equal('filed');

      // the process that cancelled: at once
      const now = await scan(one.base, f.verifyCode);
      expect(now.body.valid).to.equal(false);
      expect(now.body).not.to.have.property('possiblyBehindSeconds');
      // another process: once the change's notification reaches it (it never answers from the standby meanwhile)
      await waitFor(async () => (await scan(two.base, f.verifyCode)).body.valid === false, 5_000);
      // ...and again, and from the page, while the standby still says filed
      expect((await scan(two.base, f.verifyCode)).body.valid).to.equal(false);
      const page = await fetch(`${two.base}/v/${f.verifyCode}?lang=en`);
      expect(await page.text()).to.include('This filing was cancelled on');
      expect(await onStandby()).to.equal('filed');
      expect((await readsOf(two.base)).primary ?? 0).to.be.above(twoBefore.primary ?? 0);

      // a filing made while the standby is held back is found (nothing found on a standby is asked of the primary)
      const fresh = await file(2);
      const s = await scan(two.base, fresh.verifyCode);
      expect(s.status).to.equal(200);
      expect(s.body.valid).to.equal(true);
      // and the agency's list, in the other process, shows it and the cancel (the standby would not)
      const listed = await listFilings(two.base);
      expect(listed.find((x) => x.id === fresh.id)?.status).to.equal('filed');
      expect(listed.find((x) => x.id === f.id)?.status).to.equal('cancelled');
    } finally {
      await standby.resumeReplay();
    }
  });

  it('once the standby has caught up, scans read there again; the cancelled filing still says valid: false', async () => {
    const { standby } = pair();
    const f = await file(3);
    await standby.waitForReplay();
    const before = (await readsOf(two.base)).standby ?? 0;
    expect((await scan(two.base, f.verifyCode)).body.valid).to.equal(true);
    expect((await readsOf(two.base)).standby).to.equal(before + 1);
    for (const s of [one, two]) expect((await scan(s.base, cancelledCode)).body.valid).to.equal(false);
    // lists read there too once it has replayed what was committed before the request
    const lists = (await readsOf(two.base)).standby ?? 0;
    expect((await listFilings(two.base)).map((x) => x.id)).to.include(f.id);
    expect((await readsOf(two.base)).standby).to.equal(lists + 1);
  });

  it("a joint agency's acceptance (no change to the filing's row) shows in another process, with the standby held back", async () => {
    const { standby } = pair();
    const post = async (path: string, body: unknown, key = KEY) => {
      const res = await fetch(`${one.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(json)).to.be.oneOf([200, 201]);
      return json;
    };
    const agency = await post('/api/v1/agencies', {
      code: unique('JOINT-'),
      name: '联合测试局',
      region: '110101',
      items: [{ code: 'SAFE-01', name: '安全检查', basis: '依据' }],
    });
    const officers: string[] = [];
    for (const n of ['1', '2'])
      officers.push(
        (
          await post(`/api/v1/agencies/${agency.id as string}/inspectors`, {
            name: `联合执法员${n}`,
            credentialNo: unique(`JN${n}`),
            validUntil: '2099-12-31',
          })
        ).id as string,
      );
    const jointKey = (await post('/api/v1/keys', { role: 'agency', name: '联合备案员', agencyId: agency.id })).key as string;
    const res = await postFiling(
      one.base,
      w,
      remoteFiling(w, w.usccs[5]!, { jointAgencyIds: [agency.id], inspectorIds: [...w.inspectorIds, ...officers] }),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const f = res.body.filing as { id: string; verifyCode: string };
    await standby.waitForReplay();
    const jointOf = async () => ((await scan(two.base, f.verifyCode)).body.filing as { jointAgencies: unknown[] }).jointAgencies.length;
    expect(await jointOf()).to.equal(0); // now held in two's cache
    await standby.pauseReplay();
    try {
      await post(`/api/v1/filings/${f.id}/joint/accept`, {}, jointKey);
      await waitFor(async () => (await jointOf()) === 1, 5_000);
      expect(await jointOf()).to.equal(1);
    } finally {
      await standby.resumeReplay();
    }
  });

  it('a standby that cancels reads to replay (max_standby_streaming_delay = 0) sends them to the primary, never a 500', async () => {
    const { primary, standby } = pair();
    await standby.query('alter system set max_standby_streaming_delay = 0');
    await standby.query('select pg_reload_conf()');
    expect(await listFilings(two.base)).to.have.length.above(0);
    // the primary takes ACCESS EXCLUSIVE locks on the tables lists read, over and over (as DDL or
    // a vacuum's truncation would): replaying each cancels the standby's reads that hold them
    const stop = { now: false };
    const locking = (async () => {
      while (!stop.now) await primary.query('begin; lock table filings, agencies, enterprises in access exclusive mode; commit');
    })();
    const statuses: number[] = [];
    try {
      const until = performance.now() + 4_000;
      await Promise.all(
        [0, 1, 2, 3].map(async () => {
          while (performance.now() < until) {
            const r = await fetch(`${two.base}/api/v1/filings?limit=50`, { headers: { authorization: `Bearer ${w.agencyKey}` } });
            await r.arrayBuffer();
            statuses.push(r.status);
          }
        }),
      );
    } finally {
      stop.now = true;
      await locking;
      await standby.query('alter system reset max_standby_streaming_delay');
      await standby.query('select pg_reload_conf()');
    }
    expect(statuses.length).to.be.above(10);
    expect(statuses.filter((x) => x !== 200)).to.deep.equal([]);
  });

  it('while the primary is down scans are marked; once it is back, the next scan reads it, not the held-back standby', async () => {
    const { primary, standby } = pair();
    const f = await file(6);
    await standby.waitForReplay();
    expect((await scan(two.base, f.verifyCode)).body.valid).to.equal(true); // cached in two
    await standby.pauseReplay();
    try {
      await cancel(f.id);
      await waitFor(async () => (await scan(two.base, f.verifyCode)).body.valid === false, 5_000);
      const lostBefore = two.output().split('change feed back').length;
      await primary.stop('immediate');
      // the standby answers, marked; it cannot tell how far behind it is (it holds WAL it has not replayed)
      const during = await scan(two.base, f.verifyCode);
      expect(during.status).to.equal(200);
      expect(during.body.possiblyBehindSeconds).to.equal(null);
      await primary.start();
      await waitFor(async () => two.output().split('change feed back').length > lostBefore, 20_000);
      const after = await scan(two.base, f.verifyCode);
      expect(after.body.valid).to.equal(false);
      expect(after.body).not.to.have.property('possiblyBehindSeconds');
    } finally {
      await standby.resumeReplay();
    }
  });

  it('a standby that goes down costs scans and lists one log line: they read on the primary until it is back', async () => {
    const { primary, standby } = pair();
    const logFrom = two.output().length;
    // a synchronous standby that is down holds every commit (docs/operations.md): this one is made asynchronous first
    await primary.setSynchronousStandbys([]);
    await standby.stop('immediate');
    const f = await file(4);
    const s = await scan(two.base, f.verifyCode);
    expect(s.status).to.equal(200);
    expect(s.body.valid).to.equal(true);
    expect(s.body).not.to.have.property('possiblyBehindSeconds');
    for (let i = 0; i < 3; i++) expect((await listFilings(two.base)).map((x) => x.id)).to.include(f.id);
    expect(
      two
        .output()
        .slice(logFrom)
        .match(/the standby \(DATABASE_READ_URL\) does not answer/g),
      two.output().slice(logFrom),
    ).to.have.length(1);

    await standby.start();
    const before = (await readsOf(two.base)).standby ?? 0;
    await waitFor(async () => {
      await listFilings(two.base);
      return ((await readsOf(two.base)).standby ?? 0) > before;
    }, 20_000);
    expect(two.output()).to.include('the standby (DATABASE_READ_URL) answers again');
  });
});
