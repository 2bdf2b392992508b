import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { auth, createKey, file, world } from '../support/fixtures.js';

// The county's appraisal cannot be padded (filing and cancelling) nor dodged (a founded unfiled
// visit is the first of the seven not-allowed, and vetoes).
describe('scorecards that cannot be padded or dodged', () => {
  it('cancelled filings are no filings: cancelling five does not dilute a violation; they are shown apart', async () => {
    const h = await harness();
    h.clock.set('2026-08-03T10:00:00+08:00');
    const w = await world('450103');
    const sup = await createKey({ role: 'supervisor', regions: ['4501'] });
    expect((await file(w)).status).to.equal(201);
    const raised = await h.api().post('/api/v1/violations').set(auth(sup)).send({
      kind: 'outside_window',
      agencyId: w.agencyId,
      enterpriseUscc: w.uscc,
      occurredAt: '2026-08-03T09:00:00+08:00',
      description: '暗访发现超出备案时段检查',
    });
    expect(raised.status).to.equal(201);
    await h.api().patch(`/api/v1/violations/${raised.body.id}`).set(auth(sup)).send({ status: 'resolved', note: '查实' });
    const card = async () =>
      (await h.api().get('/api/v1/scorecards?from=2026-08-01T00:00:00%2B08:00&to=2026-08-10T00:00:00%2B08:00').set(auth(sup))).body
        .agencies as { agencyId: string; filings: number; cancelled: number; violations: { counted: number } }[];
    const before = (await card()).find((a) => a.agencyId === w.agencyId);
    expect(before).to.deep.include({ filings: 1, cancelled: 0 });
    for (let i = 0; i < 5; i++) {
      const f = (await file(w)).body.filing;
      expect((await h.api().post(`/api/v1/filings/${f.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整' })).status).to.equal(
        200,
      );
    }
    const after = (await card()).find((a) => a.agencyId === w.agencyId);
    expect(after).to.deep.include({ filings: 1, cancelled: 5 });
    expect(after?.violations.counted).to.equal(1);
  });

  it('a founded unfiled inspection vetoes the agency like a founded conduct violation (N1)', async () => {
    const h = await harness();
    h.clock.set('2026-08-03T10:00:00+08:00');
    const w = await world('450104');
    const clean = await world('450104');
    expect((await file(w)).status).to.equal(201);
    expect((await file(clean)).status).to.equal(201);
    const sup = await createKey({ role: 'supervisor', regions: ['450104'] });
    const report = await h.api().post('/api/v1/reports').set(auth(w.enterpriseKey)).send({
      kind: 'unfiled_inspection',
      occurredAt: '2026-08-03T09:00:00+08:00',
      agencyId: w.agencyId,
      description: '执法人员未出示备案码入企检查',
    });
    expect(report.status).to.equal(201);
    await h.api().patch(`/api/v1/violations/${report.body.violationId}`).set(auth(sup)).send({ status: 'resolved', note: '经核查属实' });
    const body = (await h.api().get('/api/v1/scorecards?from=2026-08-01T00:00:00%2B08:00&to=2026-08-10T00:00:00%2B08:00').set(auth(sup)))
      .body;
    const ids = body.agencies.map((a: { agencyId: string }) => a.agencyId);
    const vetoed = body.agencies.find((a: { agencyId: string }) => a.agencyId === w.agencyId);
    expect(vetoed.vetoed).to.deep.equal({ violationIds: [report.body.violationId], conductRuleIds: ['conduct.N1'] });
    expect(ids.indexOf(w.agencyId)).to.be.above(ids.indexOf(clean.agencyId));
  });
});
