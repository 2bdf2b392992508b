import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/http/app.js';
import { ADMIN_KEY, clock, harness } from '../support/harness.js';
import {
  addInspector,
  admin,
  auth,
  createEnterprise,
  createKey,
  file,
  filingBody,
  randomUscc,
  registerGround,
  unique,
  world,
  type World,
} from '../support/fixtures.js';
import { csrfOf, signedIn } from '../support/web.js';

// Issue 18, parts 4 and 5: one sender cannot bury the others' reports, a deactivated agency
// writes nothing, wrong keys meet a limit, other agencies' filings show as agency and day,
// /metrics is not public, and the sweep forgets what has expired.
// The floods are sent in regions of their own (12…), and their days far from the suite's, so
// that they bury no other test's reports: which is the point.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A report of an unfiled visit by `w`'s own agency, `daysAgo` days back (each day is another visit). */
const report = (w: World, daysAgo: number, over: Record<string, unknown> = {}) => ({
  kind: 'unfiled_inspection',
  occurredAt: new Date(clock.now().getTime() - daysAgo * DAY - HOUR).toISOString(),
  agencyId: w.agencyId,
  description: `未出示备案码入企检查 ${'情况说明。'.repeat(400)}`.slice(0, 4900),
  ...over,
});

describe('issue 18: reports that cannot bury each other', () => {
  it('when one enterprise sends 300 reports, then the 11th of the day gets 429 with Retry-After; the next day it is heard', async () => {
    const h = await harness();
    const w = await world('120104');
    const statuses: number[] = [];
    let first429: supertest.Response | null = null;
    for (let i = 0; i < 300; i++) {
      const res = await h
        .api()
        .post('/api/v1/reports')
        .set(auth(w.enterpriseKey))
        .send(report(w, i % 200));
      statuses.push(res.status);
      if (res.status === 429 && !first429) first429 = res;
    }
    expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(201));
    expect(statuses.slice(10).every((s) => s === 429)).to.equal(true);
    expect(first429?.body.error.code).to.equal('rate_limited');
    expect(first429?.body.error.message).to.include('每日上限');
    const retryAfter = Number(first429?.headers['retry-after']);
    expect(retryAfter).to.be.within(1, 24 * 3600);
    const en = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).set('Accept-Language', 'en').send(report(w, 250));
    expect(en.status).to.equal(429);
    expect(en.body.error.message).to.match(/daily limit/);
    // the quota is the region's calendar day: once it has turned, the enterprise is heard again
    h.clock.set(new Date(h.clock.now().getTime() + retryAfter * 1000));
    try {
      const tomorrow = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, 260));
      expect(tomorrow.status, JSON.stringify(tomorrow.body)).to.equal(201);
    } finally {
      h.clock.reset();
    }
    const stored = await h.runtime.store.db
      .selectFrom('violations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('enterprise_uscc', '=', w.uscc)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).to.equal(11);
  });

  it('when a report repeats an earlier one (same agency, day, kind), then 409 names the earlier one and nothing is stored', async () => {
    const h = await harness();
    const w = await world('120105');
    const first = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, 1));
    expect(first.status).to.equal(201);
    const again = await h
      .api()
      .post('/api/v1/reports')
      .set(auth(w.enterpriseKey))
      .send(report(w, 1, { description: '同一次检查，再报一次' }));
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('conflict');
    expect(again.body.violationId).to.equal(first.body.violationId);
    expect(again.body.error.message).to.include(first.body.violationId);
    // another kind, or another day, is another report
    expect((await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, 2))).status).to.equal(201);
    // by name, the same agency written with other spaces and case is the same agency
    const named = (name: string) => report(w, 3, { agencyId: undefined, agencyName: name });
    expect((await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(named('Unknown Bureau'))).status).to.equal(201);
    expect((await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(named(' unknown bureau '))).status).to.equal(409);
    expect((await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(named('ＵＮＫＮＯＷＮ\u3000Bureau'))).status).to.equal(
      409,
    );
  });

  it('when a repeat names the agency by its name, or adds the filing afterwards, then it is still the same report', async () => {
    const h = await harness();
    const w = await world('120106');
    const agencyName = (await h.api().get(`/api/v1/agencies/${w.agencyId}`).set(admin)).body.name as string;
    const first = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, 1));
    expect(first.status).to.equal(201);
    // the agency written out by name (with spaces of any width) is the agency named by id
    for (const name of [agencyName, ` ${agencyName}\u3000`, agencyName.split('').join(' ')]) {
      const again = await h
        .api()
        .post('/api/v1/reports')
        .set(auth(w.enterpriseKey))
        .send(report(w, 1, { agencyId: undefined, agencyName: name }));
      expect(again.status, name).to.equal(409);
      expect(again.body.violationId).to.equal(first.body.violationId);
    }
    // a report made without the filing, then repeated with it: the same visit
    const f = await file(w);
    expect(f.status).to.equal(201);
    const plain = await h
      .api()
      .post('/api/v1/reports')
      .set(auth(w.enterpriseKey))
      .send(report(w, 0, { kind: 'conduct', conductRuleIds: ['conduct.N1'] }));
    expect(plain.status, JSON.stringify(plain.body)).to.equal(201);
    const withFiling = await h
      .api()
      .post('/api/v1/reports')
      .set(auth(w.enterpriseKey))
      .send(report(w, 0, { kind: 'conduct', conductRuleIds: ['conduct.N1'], filingId: f.body.filing.id }));
    expect(withFiling.status).to.equal(409);
  });

  it("when the day's reports are spent, then an arrival confirmed on an unknown code is refused too (it is a report)", async () => {
    const h = await harness();
    const w = await world('120107');
    for (let i = 0; i < 10; i++)
      expect((await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, i))).status).to.equal(201);
    const codes = ['ABCDEFGHJKLMN2', 'ABCDEFGHJKLMN3'];
    const arrival = (code: string) => h.api().post(`/api/v1/verify/${code}/arrival`).set(auth(w.enterpriseKey)).send({});
    const refused = await arrival(codes[0]!);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers['retry-after'])).to.be.above(0);
    expect((await arrival(codes[1]!)).status).to.equal(429);
    const stored = await h.runtime.store.db
      .selectFrom('violations')
      .select('id')
      .where('enterprise_uscc', '=', w.uscc)
      .where('source', '=', 'report')
      .execute();
    expect(stored).to.have.length(10);
  });

  it('when a flood came in, then supervisors page, filter and dismiss it in bulk (each audited); the digest names it', async () => {
    const h = await harness();
    const region = '120108';
    const w = await world(region);
    const quiet = await world(region);
    const supervisor = await createKey({ role: 'supervisor', regions: [region] });
    const elsewhere = await createKey({ role: 'supervisor', regions: ['21'] });
    // a day of our own, far from the other tests' days, so that its digest is made here
    const start = h.clock.now().getTime() + 120 * DAY;
    h.clock.set(new Date(start));
    try {
      const day1 = new Date(start + 8 * HOUR).toISOString().slice(0, 10);
      for (let i = 0; i < 12; i++) await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, i));
      const real = await h.api().post('/api/v1/reports').set(auth(quiet.enterpriseKey)).send(report(quiet, 0));
      expect(real.status).to.equal(201);
      h.clock.set(new Date(start + DAY));
      for (let i = 20; i < 30; i++) await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send(report(w, i));

      // the list pages through the sender's 20, with filters, and ends
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const filters = `enterprise=${w.uscc}&status=open&kind=unfiled_inspection&source=report&limit=7`;
        const q: string = `/api/v1/violations?${filters}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await h.api().get(q).set(auth(supervisor));
        expect(page.status, JSON.stringify(page.body)).to.equal(200);
        seen.push(...(page.body.items as { id: string }[]).map((v) => v.id));
        cursor = page.body.nextCursor as string | null;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).to.equal(3);
      expect(new Set(seen).size).to.equal(20);
      expect(seen).not.to.include(real.body.violationId);

      // out of its regions: nothing changes
      const refused = await h
        .api()
        .post('/api/v1/violations/bulk')
        .set(auth(elsewhere))
        .send({ ids: seen, status: 'dismissed', note: '批量' });
      expect(refused.status).to.equal(404);
      const bulk = await h
        .api()
        .post('/api/v1/violations/bulk')
        .set(auth(supervisor))
        .send({ ids: seen, status: 'dismissed', note: '同一企业同日大量重复反映，经核实不成立' });
      expect(bulk.status, JSON.stringify(bulk.body)).to.equal(200);
      expect(bulk.body.changed).to.equal(20);
      expect((bulk.body.items as { status: string }[]).every((v) => v.status === 'dismissed')).to.equal(true);
      // each change as a PATCH records it: its history line and its audit event
      const one = await h.api().get(`/api/v1/violations/${seen[0]}`).set(auth(supervisor));
      expect(one.body.history).to.have.length(1);
      expect(one.body.history[0]).to.include({ from: 'open', to: 'dismissed', note: '同一企业同日大量重复反映，经核实不成立' });
      const events = await h.runtime.store.db
        .selectFrom('audit_events')
        .select('entity_id')
        .where('action', '=', 'violation.status_changed')
        .where('entity_id', 'in', seen)
        .execute();
      expect(new Set(events.map((e) => e.entity_id)).size).to.equal(20);
      // all or none: a second dismissal is refused whole, naming each
      const twice = await h
        .api()
        .post('/api/v1/violations/bulk')
        .set(auth(supervisor))
        .send({ ids: seen.slice(0, 3), status: 'dismissed', note: '再次' });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.details).to.have.length(3);
      // the real report stays open, on top of the open list
      const open = await h.api().get(`/api/v1/violations?status=open&source=report&limit=5`).set(auth(supervisor));
      expect((open.body.items as { id: string }[]).map((v) => v.id)).to.include(real.body.violationId);

      // the digest of the first day shows the flood as such, in JSON, HTML and CSV
      const made = await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: day1 });
      expect(made.status, JSON.stringify(made.body)).to.equal(200);
      const digest = await h.api().get(`/api/v1/digests/${day1}`).set(auth(supervisor));
      expect(digest.status, JSON.stringify(digest.body)).to.equal(200);
      expect(digest.body.reportFloods).to.deep.equal([
        { uscc: w.uscc, name: digest.body.reportFloods[0].name, reports: 10, quotaReached: true },
      ]);
      const html = await h.api().get(`/api/v1/digests/${day1}?format=html`).set(auth(supervisor));
      expect(html.text).to.include(w.uscc);
      const csv = await h.api().get(`/api/v1/digests/${day1}?format=csv&table=report-floods`).set(auth(supervisor));
      expect(csv.text).to.include(`${w.uscc},`);
      expect(csv.text).to.include(',10,true');
    } finally {
      h.clock.reset();
    }
  });
});

describe('issue 18: the dashboard pages, filters and bulk-dismisses a flood', () => {
  it('when a flood came in over days, then the dashboard filters it, pages through it and dismisses the ticked at once', async () => {
    const h = await harness();
    const region = '120109';
    const w = await world(region);
    const supervisorKey = await createKey({ role: 'supervisor', regions: [region] });
    const start = h.clock.now().getTime() + 160 * DAY;
    try {
      for (let d = 0; d < 6; d++) {
        h.clock.set(new Date(start + d * DAY));
        for (let i = 0; i < 10; i++) {
          const res = await h
            .api()
            .post('/api/v1/reports')
            .set(auth(w.enterpriseKey))
            .send(report(w, 11 * d + i));
          expect(res.status, JSON.stringify(res.body)).to.equal(201);
        }
      }
      const page = await signedIn(supervisorKey);
      const first = await page.get(`/dashboard?venterprise=${w.uscc}&vstatus=open`);
      expect(first.status).to.equal(200);
      const ticks = (html: string) => [...html.matchAll(/name="ids" value="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(ticks(first.text)).to.have.length(50);
      const next = /href="(\/dashboard\?[^"]*vcursor=[^"]+)"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
      expect(next, 'a next page link').to.be.a('string');
      const second = await page.get(next ?? '');
      const rest = ticks(second.text);
      expect(rest).to.have.length(10);
      expect(rest.filter((id) => ticks(first.text).includes(id))).to.deep.equal([]);
      const done = await page.post('/dashboard/violations-bulk', {
        ids: rest,
        status: 'dismissed',
        note: '同一企业大量重复反映，不予认定',
      });
      expect(done.status, done.text).to.equal(303);
      const after = await h.api().get(`/api/v1/violations?enterprise=${w.uscc}&status=dismissed&limit=500`).set(auth(supervisorKey));
      expect((after.body.items as { id: string }[]).map((v) => v.id).sort()).to.deep.equal([...rest].sort());
    } finally {
      h.clock.reset();
    }
  });
});

describe('issue 18: a deactivated agency writes nothing', () => {
  it('when an agency is deactivated, then every write by it or for it is refused with 409 and nothing is recorded', async () => {
    const h = await harness();
    const w = await world('110101');
    const lead = await world('110101');
    const filed = (await file(w)).body.filing as { id: string; verifyCode: string };
    // a joint visit another agency leads and names this one on, sent by a referral
    await registerGround(lead.uscc, { kind: 'referral', agencyIds: [w.agencyId] });
    const joint = await file(lead, { jointAgencyIds: [w.agencyId], inspectorIds: [lead.inspectorIds[0], w.inspectorIds[0]] });
    expect(joint.status, JSON.stringify(joint.body)).to.equal(201);
    for (let i = 0; i < 10; i++) await createEnterprise('110101');

    const off = await h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(admin).send({ active: false });
    expect(off.status, JSON.stringify(off.body)).to.equal(200);
    const db = h.runtime.store.db;
    const audited = async () =>
      Number(
        (
          await db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await audited();

    const writes: [string, () => supertest.Test][] = [
      [
        'add an inspector',
        () =>
          h
            .api()
            .post(`/api/v1/agencies/${w.agencyId}/inspectors`)
            .set(admin)
            .send({ name: '新执法员', credentialNo: unique('LN'), validUntil: '2099-12-31' }),
      ],
      [
        'a key for it',
        () =>
          h
            .api()
            .post('/api/v1/keys')
            .set(admin)
            .send({ role: 'agency', agencyId: w.agencyId, name: unique('k-') }),
      ],
      [
        'a draw plan',
        () =>
          h
            .api()
            .post('/api/v1/draw-plans')
            .set(admin)
            .send({ agencyId: w.agencyId, name: '停用主体抽查', filter: { region: '110101' }, size: 1 }),
      ],
      [
        'record a result',
        () =>
          h
            .api()
            .post(`/api/v1/filings/${filed.id}/result`)
            .set(auth(w.agencyKey))
            .send({ conductedAt: new Date(h.clock.now().getTime()).toISOString(), outcome: 'no_issues', summary: '无' }),
      ],
      ['cancel', () => h.api().post(`/api/v1/filings/${filed.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '主体撤并' })],
      ['accept a joint visit', () => h.api().post(`/api/v1/filings/${joint.body.filing.id}/joint/accept`).set(auth(w.agencyKey)).send({})],
      [
        'decline a joint visit',
        () => h.api().post(`/api/v1/filings/${joint.body.filing.id}/joint/decline`).set(auth(w.agencyKey)).send({ reason: '已撤并' }),
      ],
      ['confirm an arrival', () => h.api().post(`/api/v1/verify/${filed.verifyCode}/arrival`).set(auth(w.agencyKey)).send({})],
      [
        'register a ground',
        () =>
          h
            .api()
            .post('/api/v1/grounds')
            .set(auth(w.agencyKey))
            .send({ kind: 'monitoring', reference: unique('抽检-'), enterpriseUscc: w.uscc }),
      ],
    ];
    for (const [what, send] of writes) {
      const res = await send();
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(409);
      expect(res.body.error.message, what).to.include('已停用');
    }
    // a filing is blocked by its rule, as before (422, the attempt on record)
    const filing = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w));
    expect(filing.status).to.equal(422);
    expect(await audited()).to.equal(before + 1);
    const en = await h
      .api()
      .post('/api/v1/grounds')
      .set(auth(w.agencyKey))
      .set('Accept-Language', 'en')
      .send({ kind: 'monitoring', reference: unique('M-'), enterpriseUscc: w.uscc });
    expect(en.body.error.message).to.include('deactivated');
    // it still reads, and once reactivated it writes again
    expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).status).to.equal(200);
    expect((await h.api().patch(`/api/v1/agencies/${w.agencyId}`).set(admin).send({ active: true })).status).to.equal(200);
    expect((await writes[0]![1]()).status).to.equal(201);
    expect(await addInspector(w.agencyId)).to.be.a('string');
  });
});

describe('issue 18: wrong keys meet a limit, shared with the sign-in page', () => {
  it('when an address sends 300 wrong keys, then after 20 it gets 429 with Retry-After, even with a right key; others go on', async () => {
    const h = await harness();
    const app = createApp({
      services: h.runtime.services,
      log: h.log,
      bodyLimit: 65536,
      verifyRateLimit: 1000,
      trustProxy: 1,
      authFailureLimit: 20,
      version: 'test',
    });
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    const statuses: number[] = [];
    let limited: supertest.Response | null = null;
    for (let i = 0; i < 300 && !limited; i++) {
      const res = await supertest(app)
        .get('/api/v1/keys')
        .set(from('203.0.113.7'))
        .set(auth(`ifk_guess-${i}-${'x'.repeat(24)}`));
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 20)).to.deep.equal(Array(20).fill(401));
    expect(statuses).to.have.length(21);
    expect(limited?.body.error.code).to.equal('rate_limited');
    expect(Number(limited?.headers['retry-after'])).to.be.within(1, 600);
    // from that address even the right key waits: a guesser learns nothing from what passes
    expect((await supertest(app).get('/api/v1/keys').set(from('203.0.113.7')).set(admin)).status).to.equal(429);
    // however the header spells it, and whether they are sent one by one or all at once
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        supertest(app)
          .get('/api/v1/keys')
          .set(from('203.0.113.9'))
          .set('Authorization', `${i % 2 ? 'bearer' : 'BEARER '} ifk_burst-${i}-${'y'.repeat(24)}`),
      ),
    );
    expect(burst.filter((r) => r.status === 401)).to.have.length.at.most(20);
    expect(burst.filter((r) => r.status === 429)).to.have.length.at.least(10);
    // while one system's right key, fifty requests at a time from one address, is one credential
    const busy = await Promise.all(
      Array.from({ length: 50 }, () => supertest(app).get('/api/v1/keys').set(from('203.0.113.10')).set(admin)),
    );
    expect(busy.map((r) => r.status)).to.deep.equal(Array(50).fill(200));
    // a request with no key is no guess; public routes and other addresses are not affected
    expect((await supertest(app).get('/healthz').set(from('203.0.113.7'))).status).to.equal(200);
    expect((await supertest(app).get('/api/v1/keys').set(from('203.0.113.8')).set(admin)).status).to.equal(200);
  });

  it('when an address failed on the API, then the sign-in page counts the same failures and refuses a right key no sooner', async () => {
    const h = await harness();
    const app = createApp({
      services: h.runtime.services,
      log: h.log,
      bodyLimit: 65536,
      verifyRateLimit: 1000,
      trustProxy: 1,
      authFailureLimit: 5,
      version: 'test',
    });
    const ip = '198.51.100.9';
    for (let i = 0; i < 4; i++)
      expect(
        (
          await supertest(app)
            .get('/api/v1/keys')
            .set('X-Forwarded-For', ip)
            .set(auth(`wrong-${i}`))
        ).status,
      ).to.equal(401);
    const agent = supertest.agent(app);
    const form = await agent.get('/login').set('X-Forwarded-For', ip);
    const token = csrfOf(form.text);
    const signIn = (key: string) =>
      agent
        .post('/login')
        .set('X-Forwarded-For', ip)
        .type('form')
        .send(new URLSearchParams({ _csrf: token, key }).toString());
    // four failures: the page, like the API, still takes the right key
    expect((await signIn(ADMIN_KEY)).status).to.equal(303);
    const agent2 = supertest.agent(app);
    const form2 = await agent2.get('/login').set('X-Forwarded-For', ip);
    const wrong = await agent2
      .post('/login')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send(new URLSearchParams({ _csrf: csrfOf(form2.text), key: 'ifk_wrong' }).toString());
    expect(wrong.status).to.equal(401);
    // the fifth failure was the page's: the API refuses that address now too
    const api = await supertest(app).get('/api/v1/keys').set('X-Forwarded-For', ip).set(admin);
    expect(api.status).to.equal(429);
    expect(api.headers['retry-after']).to.match(/^\d+$/);
  });
});

describe('issue 18: other agencies’ filings show as agency and day', () => {
  it('when other agencies’ filings bear on a check or a filing, the agency sees them as agency and date, its own in full', async () => {
    const h = await harness();
    const bureau = await world('110101', { riskClass: 'A' });
    const first = (await file(bureau)).body.filing as { id: string; filingNo: string };
    // another agency, for the same enterprise, the same day
    const other = await world('110101');
    const guest: World = { ...other, uscc: bureau.uscc };
    const check = await h.api().post('/api/v1/filings/check').set(auth(other.agencyKey)).send(filingBody(guest));
    expect(check.status, JSON.stringify(check.body)).to.equal(200);
    const text = JSON.stringify(check.body);
    expect(text).not.to.include(first.id);
    expect(text).not.to.include(first.filingNo);
    const day = (check.body.decision.findings as { ruleId: string; message: { 'zh-CN': string } }[]).find(
      (f) => f.ruleId === 'frequency.alert-day',
    );
    expect(day, text).to.not.equal(undefined);
    const bureauName = (await h.api().get(`/api/v1/agencies/${bureau.agencyId}`).set(admin)).body.name as string;
    expect(day!.message['zh-CN']).to.include(bureauName);
    // the bureau's own check of a second visit names its own filing in full
    const own = await h.api().post('/api/v1/filings/check').set(auth(bureau.agencyKey)).send(filingBody(bureau));
    expect(JSON.stringify(own.body)).to.include(first.id);

    // a squad of the bureau's system is blocked by the system's annual cap: the 422 redacts the same way
    const squad = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send({
        code: unique('SQ'),
        name: `执法大队 ${unique('')}`,
        region: '110101',
        parentAgencyId: bureau.agencyId,
        items: [{ code: 'SAFE-01', name: '事项', basis: '依据' }],
      });
    expect(squad.status, JSON.stringify(squad.body)).to.equal(201);
    const squadKey = await createKey({ role: 'agency', agencyId: squad.body.id });
    const squadWorld: World = {
      ...bureau,
      agencyId: squad.body.id,
      agencyKey: squadKey,
      inspectorIds: [await addInspector(squad.body.id), await addInspector(squad.body.id)],
    };
    const blocked = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(squadKey))
      .set('Idempotency-Key', unique('idem-'))
      .send(filingBody(squadWorld));
    expect(blocked.status, JSON.stringify(blocked.body)).to.equal(422);
    const cap = (blocked.body.decision.findings as { ruleId: string; evidence: string[]; message: { en: string } }[]).find(
      (f) => f.ruleId === 'frequency.annual-same-agency',
    );
    expect(cap, JSON.stringify(blocked.body)).to.not.equal(undefined);
    expect(JSON.stringify(blocked.body)).not.to.include(first.id);
    expect(JSON.stringify(blocked.body)).not.to.include(first.filingNo);
    // the other agency reads its own filing later the same way
    const guestFiled = await file(other, { enterpriseUscc: bureau.uscc });
    expect(guestFiled.status, JSON.stringify(guestFiled.body)).to.equal(201);
    expect(JSON.stringify(guestFiled.body)).not.to.include(first.id);
    const read = await h.api().get(`/api/v1/filings/${guestFiled.body.filing.id}`).set(auth(other.agencyKey));
    expect(read.status).to.equal(200);
    expect(JSON.stringify(read.body.decision)).not.to.include(first.id);
    expect(JSON.stringify(read.body.decision)).not.to.include(first.filingNo);
    expect(JSON.stringify((await h.api().get(`/api/v1/filings/${guestFiled.body.filing.id}`).set(admin)).body.decision)).to.include(
      first.id,
    );
    // the decision on record stays whole, for supervisors
    const attempts = await h.api().get(`/api/v1/attempts?enterprise=${bureau.uscc}`).set(admin);
    expect(JSON.stringify(attempts.body)).to.include(first.id);
  });
});

describe('issue 18: /metrics is not public', () => {
  it('when /metrics is asked without a token, then 401; an admin key, or METRICS_TOKEN when set, opens it', async () => {
    const h = await harness();
    expect((await h.api().get('/metrics')).status).to.equal(401);
    const w = await world();
    expect((await h.api().get('/metrics').set(auth(w.agencyKey))).status).to.equal(403);
    const ok = await h.api().get('/metrics').set(admin);
    expect(ok.status).to.equal(200);
    expect(ok.text).to.include('http_request_duration_seconds');
    const token = 'prometheus-scrape-token-0123456789';
    const app = createApp({
      services: h.runtime.services,
      log: h.log,
      bodyLimit: 65536,
      verifyRateLimit: 1000,
      metricsToken: token,
      version: 'test',
    });
    expect((await supertest(app).get('/metrics').set(auth(token))).status).to.equal(200);
    expect(
      (
        await supertest(app)
          .get('/metrics')
          .set(auth(`${token}x`))
      ).status,
    ).to.equal(401);
    expect((await supertest(app).get('/metrics')).status).to.equal(401);
  });
});

describe('issue 18: the sweep forgets expired idempotency records and sessions', () => {
  it('when a day has passed, then the sweep purges Idempotency-Key answers and expired sessions, and says how many', async () => {
    const h = await harness();
    const key = unique('idem-');
    const body = { uscc: '', name: '幂等测试企业', region: '110101' };
    body.uscc = randomUscc('110101');
    const first = await h.api().post('/api/v1/enterprises').set(admin).set('Idempotency-Key', key).send(body);
    expect(first.status).to.equal(201);
    const page = await signedIn(ADMIN_KEY);
    const db = h.runtime.store.db;
    const sessions = async () =>
      Number(
        (
          await db
            .selectFrom('web_sessions')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await sessions()).to.be.at.least(1);
    h.clock.set(new Date(h.clock.now().getTime() + 40 * DAY));
    try {
      const swept = await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
      expect(swept.status, JSON.stringify(swept.body)).to.equal(200);
      expect(swept.body.summary.idempotencyPurged).to.be.at.least(1);
      expect(swept.body.summary.sessionsPurged).to.be.at.least(1);
      const left = await db.selectFrom('idempotency_keys').select('idem_key').where('idem_key', '=', key).execute();
      expect(left).to.deep.equal([]);
      // the old session is gone: the page asks to sign in again
      expect((await page.get('/dashboard')).status).to.equal(303);
      // the key is free again: a new request under it is a new request
      const again = await h
        .api()
        .post('/api/v1/enterprises')
        .set(admin)
        .set('Idempotency-Key', key)
        .send({ ...body, uscc: randomUscc('110101') });
      expect(again.status).to.equal(201);
    } finally {
      h.clock.reset();
    }
  });
});
