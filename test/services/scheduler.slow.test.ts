import { expect } from 'chai';
import pg from 'pg';
import { waitFor } from '../support/fixtures.js';
import { usePrivateCluster } from '../support/pg-cluster.js';
import { machineNow, startServer, type ServerProcess } from '../support/server-process.js';
import { smtpSink } from '../support/outbound.js';

// The scheduler in real processes on one PostgreSQL: whatever the number of processes ticking,
// a period runs once; a process started after a night nobody was up catches that night up, once.

const KEY = 'scheduler-test-admin-key-0123456789';
/**
 * A day in Shanghai, counted back from the machine's clock that the server processes run on. A
 * test may cross midnight there while it runs: its expectations hold either way.
 */
const shanghaiDay = (daysAgo: number) => {
  const now = machineNow(); // wall-clock: the servers' days
  return new Date(now.getTime() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
};

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

describe('the scheduler across processes (PostgreSQL, a cluster of the test its own)', function () {
  const cluster = usePrivateCluster();
  const started: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.kill('SIGTERM')));
  });

  it('three processes ticking every second: one digest for the day and one mail per supervisor address', async () => {
    const smtp = await smtpSink();
    try {
      const url = cluster().url;
      const setup = await startServer({ DATABASE_URL: url, BOOTSTRAP_ADMIN_KEY: KEY });
      started.push(setup);
      await setup.ready();
      for (const [regions, email] of [
        [['21'], 'liaoning@supervision.test'],
        [['2112'], 'tieling@supervision.test'],
        [['211223'], 'tieling@supervision.test'],
      ] as const) {
        const res = await fetch(`${setup.base}/api/v1/keys`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ role: 'supervisor', name: email, regions, email }),
        });
        expect(res.status).to.equal(201);
      }
      await setup.kill('SIGTERM');

      const env = {
        DATABASE_URL: url,
        BOOTSTRAP_ADMIN_KEY: KEY,
        SCHEDULER: 'on',
        DIGEST_SCHEDULE: '* * * * * *',
        SWEEP_SCHEDULE: '0 0 1 1 *',
        SMTP_URL: smtp.url,
        DIGEST_FROM: 'digest@inspection.test',
        LOG_LEVEL: 'debug',
      };
      const yesterdays = new Set([shanghaiDay(1)]);
      const servers = await Promise.all([1, 2, 3].map(() => startServer(env)));
      started.push(...servers);
      await Promise.all(servers.map((s) => s.ready()));
      // every process has ticked after the day's digest existed
      await waitFor(async () => servers.every((s) => s.output().includes('job already ran for this period')), 20_000);
      await waitFor(async () => smtp.mails.length >= 2, 20_000);

      yesterdays.add(shanghaiDay(1));
      // one run for the day (two only when Shanghai's midnight passed during the test: one a day)
      const runs = await query<{ period: string; outcome: string }>(
        url,
        "select period, outcome from job_runs where job = 'digest' order by period",
      );
      expect(runs.map((r) => r.outcome).every((o) => o === 'succeeded')).to.equal(true);
      expect(runs.every((r) => yesterdays.has(r.period))).to.equal(true);
      expect(new Set(runs.map((r) => r.period)).size).to.equal(runs.length);
      expect(runs.length).to.be.within(1, yesterdays.size);
      await waitFor(async () => smtp.mails.length >= 2 * runs.length, 20_000);
      const addresses = ['liaoning@supervision.test', 'tieling@supervision.test'];
      expect(smtp.mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).to.deep.equal(
        addresses.flatMap((a) => runs.map(() => a)),
      );
      const deliveries = await query<{ status: string; n: number }>(
        url,
        'select status, count(*)::int as n from digest_deliveries group by status',
      );
      expect(deliveries).to.deep.equal([{ status: 'sent', n: 2 * runs.length }]);
      // shutting down waits for a running job and ends cleanly
      for (const s of servers) expect(await s.kill('SIGTERM')).to.equal(0);
    } finally {
      await smtp.close();
    }
  });

  it('a process started after missed nights runs each missed digest once, gaps included; the next process runs none', async () => {
    await query(cluster().url, 'create database catch_up');
    const url = cluster().url.replace(/\/postgres$/, '/catch_up');
    const setup = await startServer({ DATABASE_URL: url, BOOTSTRAP_ADMIN_KEY: KEY });
    started.push(setup);
    await setup.ready();
    await setup.kill('SIGTERM');
    // digests ran four days ago and yesterday; the two nights between were missed
    const [d4, d3, d2, d1] = [4, 3, 2, 1].map(shanghaiDay);
    await query(
      url,
      "insert into job_runs values ('run_seed', 'digest', $1, 'succeeded', 'schedule', now(), now(), 1, '{}', null, 'seed')",
      [d4],
    );
    await query(
      url,
      "insert into job_runs values ('run_seed2', 'digest', $1, 'succeeded', 'schedule', now(), now(), 1, '{}', null, 'seed')",
      [d1],
    );

    const env = { DATABASE_URL: url, BOOTSTRAP_ADMIN_KEY: KEY, SCHEDULER: 'on', LOG_LEVEL: 'info' };
    const first = await startServer(env);
    started.push(first);
    await waitFor(async () => first.output().includes('missed job runs caught up'), 20_000);
    const after = await query<{ period: string; trigger: string }>(
      url,
      "select period, trigger from job_runs where job = 'digest' order by period",
    );
    // had Shanghai's midnight passed since the seeding, the new yesterday is caught up too
    const later = shanghaiDay(1) === d1 ? [] : [{ period: shanghaiDay(1), trigger: 'catch-up' }];
    expect(after).to.deep.equal([
      { period: d4, trigger: 'schedule' },
      { period: d3, trigger: 'catch-up' },
      { period: d2, trigger: 'catch-up' },
      { period: d1, trigger: 'schedule' },
      ...later,
    ]);

    const second = await startServer(env);
    started.push(second);
    await waitFor(async () => second.output().includes('missed job runs caught up'), 20_000);
    expect(await query(url, "select period from job_runs where job = 'digest'")).to.have.length(after.length);
    expect(second.output()).to.include('"ran":[]');
  });
});
