import { expect } from 'chai';
import { localYear } from '../../src/domain/calendar.js';
import { harness } from '../support/harness.js';
import { addInspector, admin, auth, createKey, file, filingBody, fromNow, world } from '../support/fixtures.js';

async function counts() {
  const h = await harness();
  const db = h.runtime.store.db;
  const n = async (t: 'filings' | 'filing_attempts' | 'decisions' | 'audit_events') =>
    Number((await db.selectFrom(t).select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    filings: await n('filings'),
    attempts: await n('filing_attempts'),
    decisions: await n('decisions'),
    audit: await n('audit_events'),
  };
}

describe('filings API', () => {
  it('files an inspection: number, verification code, URL, decision, stored state and audit event', async () => {
    const h = await harness();
    const w = await world();
    const res = await file(w);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const { filing, decision } = res.body;
    expect(filing.filingNo).to.match(new RegExp(`^110101-${localYear(h.clock.now(), 'Asia/Shanghai')}-\\d{7}$`));
    expect(filing.verifyCode).to.match(/^[2-9A-HJ-NP-Z]{14}$/);
    expect(filing.verifyUrl).to.equal(`http://verify.test/v/${filing.verifyCode}`);
    expect(filing).to.include({
      status: 'filed',
      agencyId: w.agencyId,
      enterpriseUscc: w.uscc,
      type: 'routine',
      onSite: true,
      purpose: 'inspection',
    });
    expect(decision.outcome).to.equal('allow');
    expect(decision.ruleSets[0].id).to.equal('national-baseline');

    const got = await h.api().get(`/api/v1/filings/${filing.id}`).set(auth(w.agencyKey));
    // one filing is shown with what happened under it: no arrival yet, no joint agency
    expect(got.body).to.deep.equal({ ...res.body, filing: { ...res.body.filing, arrivals: [], jointAgencies: [] } });
    const audit = await h.runtime.store.db.selectFrom('audit_events').selectAll().where('entity_id', '=', filing.id).execute();
    expect(audit.map((a) => a.action)).to.deep.equal(['filing.filed']);
    expect(audit[0]?.chain).to.equal(`enterprise:${w.uscc}`);
  });

  it('a filing is taken alike at its plain URL, with a trailing slash and with a query: same checks and answers', async () => {
    const h = await harness();
    for (const url of ['/api/v1/filings', '/api/v1/filings/', '/api/v1/filings?via=router']) {
      const w = await world();
      const filed = await h
        .api()
        .post(url)
        .set(auth(w.agencyKey))
        .send(filingBody(w, {}, h.clock.now()));
      expect(filed.status, url).to.equal(201);
      expect(filed.body.decision.outcome, url).to.equal('allow');
      expect(filed.headers['x-request-id'], url).to.be.a('string');
      expect(filed.headers['x-content-type-options'], url).to.equal('nosniff');
      // one inspector: refused either way
      const alone = await h
        .api()
        .post(url)
        .set(auth(w.agencyKey))
        .send(filingBody(w, { inspectorIds: w.inspectorIds.slice(0, 1) }, h.clock.now()));
      expect(alone.status, url).to.equal(422);
      const broken = await h.api().post(url).set(auth(w.agencyKey)).set('Content-Type', 'application/json').send('{"enterpriseUscc":');
      expect(broken.status, url).to.equal(400);
      expect(broken.body.error.details, url).to.be.an('array').that.is.not.empty;
      expect(
        (
          await h
            .api()
            .post(url)
            .send(filingBody(w, {}, h.clock.now()))
        ).status,
        url,
      ).to.equal(401);
      expect(
        (
          await h
            .api()
            .post(url)
            .set(auth(w.enterpriseKey))
            .send(filingBody(w, {}, h.clock.now()))
        ).status,
        url,
      ).to.equal(403);
    }
    const metrics = (await h.api().get('/metrics').set(admin)).text;
    const filedCount =
      /http_request_duration_seconds_count\{[^}]*method="POST"[^}]*route="\/api\/v1\/filings"[^}]*status="201"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(filedCount?.[1])).to.be.at.least(3);
  });

  it('a blocked filing is a 422 with the findings, stored as an attempt and never as a filing', async () => {
    const h = await harness();
    const w = await world();
    const before = await counts();
    const res = await file(w, { itemCodes: ['NOT-PUBLISHED'] });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('rule_blocked');
    expect(res.body.decision.outcome).to.equal('block');
    expect(res.body.decision.findings.map((f: { ruleId: string }) => f.ruleId)).to.deep.equal(['items.published']);
    const after = await counts();
    expect(after.filings).to.equal(before.filings);
    expect(after.attempts).to.equal(before.attempts + 1);
    const attempt = await h.runtime.store.db
      .selectFrom('filing_attempts')
      .selectAll()
      .where('enterprise_uscc', '=', w.uscc)
      .executeTakeFirstOrThrow();
    expect(attempt.agency_id).to.equal(w.agencyId);
  });

  it('check returns the decision that filing would get and records nothing', async () => {
    const h = await harness();
    const w = await world();
    const lone = { inspectorIds: [w.inspectorIds[0]] };
    const before = await counts();
    const checked = await h.api().post('/api/v1/filings/check').set(auth(w.agencyKey)).send(filingBody(w, lone));
    expect(checked.status).to.equal(200);
    expect(await counts()).to.deep.equal(before);
    const filed = await file(w, lone);
    expect(filed.status).to.equal(422);
    const strip = (d: { evaluatedAt: string }) => ({ ...d, evaluatedAt: undefined });
    expect(strip(filed.body.decision)).to.deep.equal(strip(checked.body.decision));
  });

  it("refuses unknown enterprises, inspectors and joint agencies, and another agency's inspectors, changing nothing", async () => {
    const w = await world();
    const other = await world();
    const before = await counts();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ enterpriseUscc: '91110101MA0XYW1230' }, 400, 'uscc_invalid'],
      [{ inspectorIds: [w.inspectorIds[0], 'insp_nope'] }, 404, 'not_found'],
      [{ jointAgencyIds: ['ag_nope'] }, 404, 'not_found'],
      [{ jointAgencyIds: [w.agencyId] }, 400, 'validation_failed'],
      [{ inspectorIds: [w.inspectorIds[0], other.inspectorIds[0]] }, 400, 'validation_failed'],
      [{ plannedEnd: fromNow(3_600_000) }, 400, 'validation_failed'],
    ];
    for (const [over, status, code] of cases) {
      const res = await file(w, over);
      expect(res.status, JSON.stringify(over)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(res.body.error.message).to.be.a('string').and.not.equal('');
    }
    const unregistered = await file({ ...w, uscc: (await import('../support/fixtures.js')).randomUscc() });
    expect(unregistered.status).to.equal(404);
    expect(await counts()).to.deep.equal(before);
  });

  it("a joint filing may use the joint agency's inspectors", async () => {
    const w = await world();
    const partner = await world();
    const res = await file(w, { inspectorIds: [w.inspectorIds[0], partner.inspectorIds[0]], jointAgencyIds: [partner.agencyId] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  it('records a result and refuses a second one; cancels only before the visit', async () => {
    const h = await harness();
    const w = await world();
    const a = (await file(w)).body.filing;
    const conductedAt = h.clock.now().toISOString();
    const done = await h
      .api()
      .post(`/api/v1/filings/${a.id}/result`)
      .set(auth(w.agencyKey))
      .send({ conductedAt, outcome: 'no_issues', summary: '未发现问题' });
    expect(done.status).to.equal(200);
    expect(done.body.status).to.equal('completed');
    expect(done.body.result).to.deep.equal({ outcome: 'no_issues', conductedAt, summary: '未发现问题' });
    const again = await h
      .api()
      .post(`/api/v1/filings/${a.id}/result`)
      .set(auth(w.agencyKey))
      .send({ conductedAt, outcome: 'penalty', summary: 'x' });
    expect(again.status).to.equal(409);
    const cancelDone = await h.api().post(`/api/v1/filings/${a.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整' });
    expect(cancelDone.status).to.equal(409);

    const b = (await file(w)).body.filing;
    const cancelled = await h.api().post(`/api/v1/filings/${b.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '合并为联合检查' });
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body).to.include({ status: 'cancelled', cancelReason: '合并为联合检查' });
    const future = await h
      .api()
      .post(`/api/v1/filings/${b.id}/result`)
      .set(auth(w.agencyKey))
      .send({ conductedAt: fromNow(86_400_000), outcome: 'no_issues', summary: 'x' });
    expect(future.status).to.equal(400);
    const actions = await h.runtime.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', 'in', [a.id, b.id])
      .orderBy('id')
      .execute();
    expect(actions.map((x) => x.action)).to.deep.equal(['filing.filed', 'filing.completed', 'filing.filed', 'filing.cancelled']);
  });

  it('lists filings newest first within scope, filters, and pages with a cursor', async () => {
    const h = await harness();
    const w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await file(w)).body.filing.id);
    const page1 = await h.api().get(`/api/v1/filings?limit=2&enterprise=${w.uscc}`).set(auth(w.agencyKey));
    expect(page1.status).to.equal(200);
    expect(page1.body.items.map((f: { id: string }) => f.id)).to.deep.equal([ids[2], ids[1]]);
    const page2 = await h.api().get(`/api/v1/filings?limit=2&enterprise=${w.uscc}&cursor=${page1.body.nextCursor}`).set(auth(w.agencyKey));
    expect(page2.body.items.map((f: { id: string }) => f.id)).to.deep.equal([ids[0]]);
    expect(page2.body.nextCursor).to.equal(null);
    const ent = await h.api().get('/api/v1/filings?status=filed').set(auth(w.enterpriseKey));
    expect(ent.body.items.map((f: { id: string }) => f.id).sort()).to.deep.equal([...ids].sort());
    const bad = await h.api().get('/api/v1/filings?status=lost').set(admin);
    expect(bad.status).to.equal(400);
    const inverted = await h.api().get('/api/v1/filings?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').set(admin);
    expect(inverted.status).to.equal(400);
  });

  it('Idempotency-Key: the same key and body replay the first response; another body is 409', async () => {
    const h = await harness();
    const w = await world();
    const body = filingBody(w);
    const first = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', 'k-1').send(body);
    expect(first.status).to.equal(201);
    const before = await counts();
    const replay = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).set('Idempotency-Key', 'k-1').send(body);
    expect(replay.status).to.equal(201);
    expect(replay.headers['idempotent-replayed']).to.equal('true');
    expect(replay.body).to.deep.equal(first.body);
    expect(await counts()).to.deep.equal(before);
    const other = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(w.agencyKey))
      .set('Idempotency-Key', 'k-1')
      .send({ ...body, itemCodes: ['SAFE-02'] });
    expect(other.status).to.equal(409);
    // keys are per API key: another agency may use the same string
    const w2 = await world();
    expect(
      (await h.api().post('/api/v1/filings').set(auth(w2.agencyKey)).set('Idempotency-Key', 'k-1').send(filingBody(w2))).status,
    ).to.equal(201);
  });

  it('a filing shows the decision as it was made, even when a later filing is judged differently', async () => {
    const h = await harness();
    const w = await world();
    const ok = (await file(w)).body;
    // the credential of one inspector now expires before the visit: later filings are blocked
    const expiring = await addInspector(w.agencyId, '2000-01-01');
    expect((await file(w, { inspectorIds: [w.inspectorIds[0], expiring] })).status).to.equal(422);
    const again = await h.api().get(`/api/v1/filings/${ok.filing.id}`).set(admin);
    expect(again.body.decision).to.deep.equal(ok.decision);
    expect(await createKey({ role: 'supervisor' })).to.be.a('string');
  });
});
