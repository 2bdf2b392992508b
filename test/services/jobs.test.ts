import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createServices } from '../../src/services/index.js';
import { startRuntime } from '../../src/runtime.js';
import pg from 'pg';
import { localDate } from '../../src/domain/calendar.js';
import { harness } from '../support/harness.js';
import { smtpSink, webhookSink } from '../support/outbound.js';
import { admin, auth, createKey, file, waitFor, world } from '../support/fixtures.js';

/** The harness's database and clock, with digests going to this SMTP server and webhook. */
async function appWithOutbound(outbound: { smtpUrl?: string; webhookUrl?: string }) {
  const h = await harness();
  const services = createServices({
    ...h.runtime.services.ctx,
    outbound: {
      smtpUrl: outbound.smtpUrl ?? null,
      digestFrom: 'digest@inspection.test',
      webhookUrl: outbound.webhookUrl ?? null,
      webhookSecret: 'whsec-test-0123456789',
      webhookRetryBaseMs: 5,
    },
  });
  const app = createApp({ services, log: h.log, bodyLimit: 65536, verifyRateLimit: 1000, version: 'test' });
  return { api: () => supertest(app), services };
}

describe('scheduled jobs', () => {
  it('sweep: a result is overdue after the 5th working day after its window, across National Day and a worked Saturday', async () => {
    const h = await harness();
    const w = await world();
    // the window ends on Wednesday 30 September 2026; 1-7 October are holidays, Saturday 10 October is worked
    h.clock.set('2026-09-20T10:00:00+08:00');
    const f = await file(w, { plannedStart: '2026-09-29T09:00:00+08:00', plannedEnd: '2026-09-30T17:00:00+08:00' });
    expect(f.status, JSON.stringify(f.body)).to.equal(201);
    const sweepAt = async (at: string) => {
      h.clock.set(at);
      const res = await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const raised = await h.runtime.store.db
        .selectFrom('violations')
        .select(['kind', 'details'])
        .where('filing_id', '=', f.body.filing.id)
        .where('kind', '=', 'result_overdue')
        .execute();
      return { run: res.body, raised };
    };
    // working days 8, 9, 10 (Saturday, worked), 12 and 13 October: the 13th is the last day
    expect((await sweepAt('2026-10-13T23:30:00+08:00')).raised).to.have.length(0);
    const due = await sweepAt('2026-10-14T00:30:00+08:00');
    expect(due.raised).to.have.length(1);
    expect(due.raised[0]?.details).to.include({ lastDay: '2026-10-13', workdays: 5 });
    expect(due.run).to.include({ job: 'sweep', period: '2026-10-14T00', outcome: 'succeeded', alreadyRan: false });
    // a second run of the hour does nothing; a later sweep does not raise it again
    const again = await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
    expect(again.body).to.include({ alreadyRan: true, id: due.run.id });
    expect((await sweepAt('2026-10-20T09:00:00+08:00')).raised).to.have.length(1);
  });

  it('manual runs: unknown job 404, a day not over 400, and the runs are listed with outcome and duration (admin only)', async () => {
    const h = await harness();
    expect((await h.api().post('/api/v1/jobs/reindex/run').set(admin).send({})).status).to.equal(404);
    const today = localDate(h.clock.now(), 'Asia/Shanghai');
    expect((await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: today })).status).to.equal(400);
    expect((await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-02-30' })).status).to.equal(400);
    expect(
      (await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({ date: '2026-01-01' })).status,
      'the sweep takes no date',
    ).to.equal(400);
    expect((await h.api().get('/api/v1/digests/0001-01-01').set(admin)).status).to.equal(400);
    expect((await h.api().get('/api/v1/digests/2026-13-01').set(admin)).status).to.equal(400);
    // a read does not make a day's digest ahead of the job
    expect((await h.api().get('/api/v1/digests/2026-01-02').set(admin)).status).to.equal(404);
    const sup = await createKey({ role: 'supervisor', regions: [] });
    expect((await h.api().post('/api/v1/jobs/sweep/run').set(auth(sup)).send({})).status).to.equal(403);
    const runs = await h.api().get('/api/v1/jobs?job=sweep').set(admin);
    expect(runs.status).to.equal(200);
    for (const r of runs.body.items) expect(r).to.include.keys('job', 'period', 'outcome', 'durationMs', 'trigger');
  });

  it('digest: stored per scope, one mail per address, a signed webhook retried until taken; re-runs send nothing twice', async () => {
    const h = await harness();
    const smtp = await smtpSink();
    const hook = await webhookSink('whsec-test-0123456789', [500, 503, 200]);
    try {
      const { api } = await appWithOutbound({ smtpUrl: smtp.url, webhookUrl: hook.url });
      // a day of activity in two regions: 11 August 2026
      h.clock.set('2026-08-11T10:00:00+08:00');
      const bj = await world('110101');
      const sh = await world('310101');
      expect((await file(bj, { onSiteJustification: undefined })).status).to.equal(201); // a warning
      expect((await file(bj, { itemCodes: ['NOT-ON-THE-LIST'] })).status).to.equal(422); // blocked
      expect((await file(sh)).status).to.equal(201);
      await h.api().post('/api/v1/reports').set(auth(sh.enterpriseKey)).send({
        kind: 'unfiled_inspection',
        occurredAt: '2026-08-11T09:00:00+08:00',
        agencyId: sh.agencyId,
        description: '未备案入企检查',
      });
      await createKey({ role: 'supervisor', regions: ['1101'], email: 'beijing@supervision.test' });
      await createKey({ role: 'supervisor', regions: ['31'], email: 'shanghai@supervision.test' });
      await createKey({ role: 'supervisor', regions: ['3101'], email: 'Shanghai@Supervision.test' }); // the same address, another scope

      h.clock.set('2026-08-12T02:00:00+08:00');
      const run = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-08-11' });
      expect(run.status, JSON.stringify(run.body)).to.equal(200);
      expect(run.body).to.deep.include({ job: 'digest', period: '2026-08-11', outcome: 'succeeded', alreadyRan: false });
      expect(run.body.summary).to.include({ mails: 2, webhooks: 1, sent: 3, failed: 0 });

      expect(smtp.mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).to.deep.equal([
        'beijing@supervision.test',
        'shanghai@supervision.test',
      ]);
      const bjMail = smtp.mails.find((m) => !Array.isArray(m.to) && m.to?.text === 'beijing@supervision.test')!;
      expect(bjMail.subject).to.equal('涉企检查每日摘要 Daily digest 2026-08-11');
      expect(bjMail.html).to.include('<svg').and.include('1101');
      expect(bjMail.html).not.to.include('<style').and.not.include('<script');
      expect(bjMail.attachments[0]?.filename).to.equal('scorecard-2026-08-11-1101.csv');
      const shMail = smtp.mails.find((m) => !Array.isArray(m.to) && m.to?.text === 'shanghai@supervision.test')!;
      expect((shMail.html as string).match(/Daily digest 2026-08-11/g)).to.have.length(2); // one section per scope of that address

      expect(hook.calls()).to.equal(3);
      expect(hook.received).to.have.length(1);
      expect(hook.received[0]?.valid).to.equal(true);
      expect(hook.received[0]?.body).to.include({ event: 'digest', date: '2026-08-11' });

      const again = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-08-11' });
      expect(again.body).to.include({ alreadyRan: true, id: run.body.id });
      expect(smtp.mails).to.have.length(2);
      expect(hook.calls()).to.equal(3);

      // what the Beijing supervisor reads: its own region only
      const bjKey = await createKey({ role: 'supervisor', regions: ['1101'] });
      const digest = await h.api().get('/api/v1/digests/2026-08-11').set(auth(bjKey));
      expect(digest.status).to.equal(200);
      expect(digest.body.attempts).to.include({ blocked: 1, warned: 1 });
      expect(digest.body.attempts.blockedByRule).to.deep.include({ ruleId: 'items.published', n: 1 });
      expect(digest.body.violations.newTotal).to.equal(0);
      expect(digest.body.scorecard.map((e: { agencyId: string }) => e.agencyId)).to.deep.equal([bj.agencyId]);
      const all = await h.api().get('/api/v1/digests/2026-08-11').set(admin);
      expect(all.body.violations.newByKind).to.deep.equal({ unfiled_inspection: 1 });
      const html = await h.api().get('/api/v1/digests/2026-08-11?format=html').set(auth(bjKey));
      expect(html.headers['content-type']).to.match(/^text\/html/);
      const csv = await h.api().get('/api/v1/digests/2026-08-11?format=csv').set(auth(bjKey));
      expect(csv.text.startsWith('\uFEFFrank,agency_id')).to.equal(true);
      expect((await h.api().get('/api/v1/digests').set(auth(bjKey))).body.items.map((d: { date: string }) => d.date)).to.include(
        '2026-08-11',
      );
    } finally {
      await smtp.close();
      await hook.close();
    }
  });

  it('a webhook that keeps failing is retried with backoff, its failure recorded, and tried again by the next run of the day', async () => {
    const h = await harness();
    const hook = await webhookSink('whsec-test-0123456789', [500]);
    try {
      const { api } = await appWithOutbound({ webhookUrl: hook.url });
      h.clock.set('2026-08-14T03:00:00+08:00');
      const run = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-08-13' });
      expect(run.body.summary).to.include({ webhooks: 1, sent: 0, failed: 1 });
      expect(hook.calls()).to.equal(4);
      const row = await h.runtime.store.db
        .selectFrom('digest_deliveries')
        .selectAll()
        .where('channel', '=', 'webhook')
        .where('day', '=', '2026-08-13')
        .executeTakeFirstOrThrow();
      expect(row).to.include({ status: 'failed', attempts: 1 });
      expect(row.last_error).to.include('HTTP 500');
      expect(h.logs.text()).to.include('digest delivery failed');
      const again = await api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-08-13' });
      expect(again.body.alreadyRan).to.equal(true);
      expect(again.body.summary).to.include({ failed: 1 });
      expect(hook.calls()).to.equal(8);
      await waitFor(
        async () =>
          (await h.runtime.store.db.selectFrom('digest_deliveries').select('attempts').where('id', '=', row.id).executeTakeFirstOrThrow())
            .attempts === 2,
      );
      // the hourly sweep tries the week's undelivered digests again
      h.clock.set('2026-08-14T04:10:00+08:00');
      const swept = await api().post('/api/v1/jobs/sweep/run').set(admin).send({});
      expect(swept.body.summary.redelivered).to.deep.include({ failed: 1 });
      expect(hook.calls()).to.equal(12);
    } finally {
      await hook.close();
    }
  });

  it('scorecard: ranked; an agency with a founded conduct violation is vetoed and last, naming it; also as CSV', async () => {
    const h = await harness();
    h.clock.set('2026-07-01T10:00:00+08:00');
    const good = await world('440101');
    const bad = await world('440101');
    expect((await file(good)).status).to.equal(201);
    expect((await file(bad)).status).to.equal(201);
    const sup = await createKey({ role: 'supervisor', regions: ['4401'] });
    // reports the supervisors dismissed as not founded do not sink an agency's rank
    const reported = await world('440101');
    expect((await file(reported)).status).to.equal(201);
    // three visits on three days (a second report of the same visit would be refused as a repeat)
    for (const occurredAt of ['2026-06-29T09:00:00+08:00', '2026-06-30T09:00:00+08:00', '2026-07-01T09:00:00+08:00']) {
      const r = await h.api().post('/api/v1/reports').set(auth(reported.enterpriseKey)).send({
        kind: 'unfiled_inspection',
        occurredAt,
        agencyId: reported.agencyId,
        description: '反映未备案检查',
      });
      await h.api().patch(`/api/v1/violations/${r.body.violationId}`).set(auth(sup)).send({ status: 'dismissed', note: '经核查不属实' });
    }
    const raised = await h
      .api()
      .post('/api/v1/violations')
      .set(auth(sup))
      .send({
        kind: 'conduct',
        agencyId: bad.agencyId,
        occurredAt: '2026-07-01T09:00:00+08:00',
        description: '暗访发现接受宴请',
        conductRuleIds: ['conduct.N3'],
      });
    h.clock.set('2026-07-02T10:00:00+08:00');
    await h.api().patch(`/api/v1/violations/${raised.body.id}`).set(auth(sup)).send({ status: 'resolved', note: '查实' });

    const card = await h.api().get('/api/v1/scorecards?from=2026-07-01T00:00:00%2B08:00&to=2026-07-03T00:00:00%2B08:00').set(auth(sup));
    expect(card.status, JSON.stringify(card.body)).to.equal(200);
    const ids = card.body.agencies.map((a: { agencyId: string }) => a.agencyId);
    const entry = (id: string) => card.body.agencies.find((a: { agencyId: string }) => a.agencyId === id);
    expect(ids.filter((id: string) => id !== reported.agencyId)).to.deep.equal([good.agencyId, bad.agencyId]);
    expect(ids.at(-1), 'the vetoed agency ranks last').to.equal(bad.agencyId);
    expect(ids.indexOf(reported.agencyId), 'dismissed reports count for nothing').to.be.below(ids.indexOf(bad.agencyId));
    expect(entry(reported.agencyId).violations).to.deep.include({ total: 3, counted: 0, byStatus: { dismissed: 3 } });
    expect(entry(bad.agencyId).vetoed).to.deep.equal({ violationIds: [raised.body.id], conductRuleIds: ['conduct.N3'] });
    expect(entry(good.agencyId)).to.include({ filings: 1, vetoed: null, onSiteShare: 1, visitsPerEnterprise: 1 });
    const csv = await h
      .api()
      .get('/api/v1/scorecards?from=2026-07-01T00:00:00%2B08:00&to=2026-07-03T00:00:00%2B08:00&format=csv')
      .set(auth(sup));
    expect(csv.text.split('\r\n').find((line) => line.includes(bad.agencyId))).to.include(raised.body.id);
    expect(
      (await h.api().get('/api/v1/scorecards?from=2026-07-03T00:00:00%2B08:00&to=2026-07-01T00:00:00%2B08:00').set(auth(sup))).status,
    ).to.equal(400);
    expect(
      (await h.api().get('/api/v1/scorecards?from=2026-07-01T00:00:00%2B08:00&to=2026-07-03T00:00:00%2B08:00').set(auth(good.agencyKey)))
        .status,
    ).to.equal(403);
  });

  it('metrics: HTTP by route and status, filings by outcome, job runs', async () => {
    const h = await harness();
    const w = await world();
    await file(w);
    const res = await h.api().get('/metrics').set(admin);
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/filings",status="201"\} \d+/);
    expect(res.text).to.match(/filings_total\{outcome="(allow|warn)"\} \d+/);
    expect(res.text).to.include('rule_evaluation_seconds_bucket');
    expect(res.text).to.match(/job_runs_total\{job="sweep",outcome="succeeded"\} \d+/);
  });

  it('shutting down waits for a running job, which then commits (PostgreSQL: another process holds it back)', async function () {
    const h = await harness();
    if (!h.config.databaseUrl) this.skip(); // one process, one connection: nothing can hold a run back
    const other = await startRuntime(h.config, h.log, { clock: h.clock });
    const blocker = new pg.Client({ connectionString: h.config.databaseUrl });
    await blocker.connect();
    try {
      // the lock a digest run for this day takes (namespace 4, see store/locks.ts)
      await blocker.query("select pg_advisory_lock(4, hashtext('digest' || chr(10) || '2026-03-03'))");
      const run = other.services.jobs.run('digest', { date: '2026-03-03', trigger: 'manual' });
      await waitFor(async () => (await blocker.query("select 1 from pg_locks where locktype = 'advisory' and not granted")).rowCount! > 0);
      let closed = false;
      const closing = other.close().then(() => (closed = true));
      // the run is waiting; the runtime must not close under it
      await waitFor(async () => (await blocker.query("select 1 from pg_locks where locktype = 'advisory' and not granted")).rowCount! > 0);
      expect(closed).to.equal(false);
      await blocker.query("select pg_advisory_unlock(4, hashtext('digest' || chr(10) || '2026-03-03'))");
      expect((await run).outcome).to.equal('succeeded');
      await closing;
      expect(closed).to.equal(true);
      expect(
        await h.runtime.store.db
          .selectFrom('job_runs')
          .select('id')
          .where('job', '=', 'digest')
          .where('period', '=', '2026-03-03')
          .execute(),
      ).to.have.length(1);
    } finally {
      await blocker.end();
    }
  });
});
