import { expect } from 'chai';
import { verifyTrail } from '../support/audit.js';
import { harness } from '../support/harness.js';
import { auth, emergencyTrigger, filingBody, later, world } from '../support/fixtures.js';

describe('frequency caps through the API', () => {
  it('20 simultaneous filings that would each be the one allowed filing: one 201, nineteen 422', async () => {
    const h = await harness();
    const w = await world('110101', { riskClass: 'B' });
    const body = filingBody(w);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(body)),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([201, ...Array(19).fill(422)]);
    const filed = responses.find((r) => r.status === 201)!.body.filing;
    for (const r of responses.filter((x) => x.status === 422)) {
      const f = r.body.decision.findings.find((x: { ruleId: string }) => x.ruleId === 'frequency.annual-same-agency');
      expect(f.evidence).to.deep.equal([filed.id]);
      expect(f.message['zh-CN']).to.include(filed.filingNo);
    }
    const db = h.runtime.store.db;
    expect(await db.selectFrom('filings').select('id').where('enterprise_uscc', '=', w.uscc).execute()).to.have.length(1);
    expect(await db.selectFrom('filing_attempts').select('id').where('enterprise_uscc', '=', w.uscc).execute()).to.have.length(19);
    expect((await verifyTrail(db)).ok).to.equal(true);
  });

  it('a cancelled filing no longer counts toward the cap', async () => {
    const h = await harness();
    const w = await world('110101', { riskClass: 'B' });
    const first = (await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w))).body.filing;
    expect((await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w))).status).to.equal(422);
    await h.api().post(`/api/v1/filings/${first.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整' });
    expect((await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w))).status).to.equal(201);
  });
});

describe('findings that raise violations, through the API', () => {
  it('an emergency filed 30 hours late is blocked, recorded, and raises emergency_late for supervisors', async () => {
    const h = await harness();
    const w = await world();
    const start = later(-30 * 3_600_000);
    const res = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(w.agencyKey))
      .send(
        filingBody(w, {
          type: 'emergency',
          reason: '突发危化品泄漏处置',
          trigger: emergencyTrigger(),
          plannedStart: start.toISOString(),
          plannedEnd: new Date(start.getTime() + 4 * 3_600_000).toISOString(),
        }),
      );
    expect(res.status).to.equal(422);
    expect(res.body.decision.findings.map((f: { ruleId: string }) => f.ruleId)).to.include('filing.emergency-late');
    const db = h.runtime.store.db;
    const attempt = await db.selectFrom('filing_attempts').select('id').where('enterprise_uscc', '=', w.uscc).executeTakeFirstOrThrow();
    const v = await db.selectFrom('violations').selectAll().where('enterprise_uscc', '=', w.uscc).executeTakeFirstOrThrow();
    expect(v).to.include({ kind: 'emergency_late', status: 'open', agency_id: w.agencyId, filing_id: null });
    expect((v.details as { attemptId: string; ruleId: string }).attemptId).to.equal(attempt.id);
  });

  it('an on-site "study" visit is refused as a disguised inspection (conduct.N6, Xifeng County)', async () => {
    const h = await harness();
    const w = await world('211223');
    const res = await h
      .api()
      .post('/api/v1/filings')
      .set(auth(w.agencyKey))
      .set('Accept-Language', 'en')
      .send(filingBody(w, { purpose: 'study' }));
    expect(res.status).to.equal(422);
    expect(res.body.decision.findings[0].message.en).to.equal(
      'Not allowed, inspections disguised as observation, supervision, study or research visits: ' +
        'An on-site visit for study is an inspection in disguise; file it as an inspection (purpose inspection)',
    );
  });
});
