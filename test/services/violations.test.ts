import { expect } from 'chai';
import { verifyTrail } from '../support/audit.js';
import { harness } from '../support/harness.js';
import { admin, auth, createKey, file, fromNow, world, type World } from '../support/fixtures.js';

const HOUR = 3_600_000;

/** A filing of `w` carried through to a recorded result inside its window; the clock runs on from the suite's time after. */
async function completed(w: World): Promise<{ id: string; verifyCode: string }> {
  const h = await harness();
  const { filing } = (await file(w)).body;
  h.clock.set(new Date(Date.parse(filing.plannedStart) + HOUR));
  try {
    const res = await h
      .api()
      .post(`/api/v1/filings/${filing.id}/result`)
      .set(auth(w.agencyKey))
      .send({ conductedAt: h.clock.now().toISOString(), outcome: 'no_issues', summary: '未发现问题' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  } finally {
    h.clock.reset();
  }
  return filing;
}

async function violationCount(): Promise<number> {
  const h = await harness();
  const r = await h.runtime.store.db
    .selectFrom('violations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const hourAgo = () => fromNow(-HOUR);

describe('violations: enterprise reports and ratings, supervisors working them', () => {
  it('an enterprise reports an unfiled visit with a 12345 ticket; supervisors of its region see it, no one else', async () => {
    const h = await harness();
    const w = await world('110101');
    const res = await h
      .api()
      .post('/api/v1/reports')
      .set(auth(w.enterpriseKey))
      .send({
        kind: 'unfiled_inspection',
        occurredAt: hourAgo(),
        agencyId: w.agencyId,
        description: '两名自称执法人员到厂检查，未出示备案码',
        hotline: { line: '12345', ticket: 'BJ20261126-0042' },
      });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const id = res.body.violationId as string;

    const here = await createKey({ role: 'supervisor', regions: ['1101'] });
    const elsewhere = await createKey({ role: 'supervisor', regions: ['21'] });
    const listed = await h.api().get('/api/v1/violations?kind=unfiled_inspection&source=report').set(auth(here));
    const mine = (listed.body.items as { id: string; hotline: unknown; agencyId: string; status: string }[]).find((v) => v.id === id);
    expect(mine).to.deep.include({ agencyId: w.agencyId, status: 'open', hotline: { line: '12345', ticket: 'BJ20261126-0042' } });
    expect((await h.api().get('/api/v1/violations').set(auth(elsewhere))).body.items.map((v: { id: string }) => v.id)).not.to.include(id);
    expect((await h.api().get(`/api/v1/violations/${id}`).set(auth(elsewhere))).status).to.equal(404);
    // a report is not shown to the agency it is about
    expect((await h.api().get('/api/v1/violations').set(auth(w.agencyKey))).status).to.equal(403);
    expect((await h.api().get(`/api/v1/violations/${id}`).set(auth(w.agencyKey))).status).to.equal(403);
  });

  it('bad reports are 4xx with the field named, and record nothing', async () => {
    const h = await harness();
    const w = await world();
    const other = await world();
    const { filing: othersFiling } = (await file(other)).body;
    const before = await violationCount();
    const send = (body: Record<string, unknown>) =>
      h
        .api()
        .post('/api/v1/reports')
        .set(auth(w.enterpriseKey))
        .set('Accept-Language', 'en')
        .send({
          kind: 'conduct',
          occurredAt: hourAgo(),
          agencyId: w.agencyId,
          description: '检查人员要求企业报销差旅费用',
          conductRuleIds: ['conduct.N3'],
          ...body,
        });

    const unknownFiling = await send({ filingId: 'fil_nope' });
    expect(unknownFiling.status).to.equal(404);
    expect(unknownFiling.body.error.details[0].path).to.equal('/filingId');
    expect((await send({ filingId: othersFiling.id })).status, 'another enterprise’s filing').to.equal(404);
    const unknownItem = await send({ conductRuleIds: ['conduct.N9'] });
    expect(unknownItem.status).to.equal(400);
    expect(unknownItem.body.error.message).to.include('conduct.N9').and.include('conduct.N3');
    const none = await send({ conductRuleIds: undefined });
    expect(none.status).to.equal(400);
    expect(none.body.error.details[0].path).to.equal('/conductRuleIds');
    expect((await send({ occurredAt: fromNow(2 * HOUR) })).status).to.equal(400);
    expect((await send({ agencyId: undefined })).body.error.details[0].path).to.equal('/agencyId');
    expect((await send({ agencyId: 'agy_nope' })).status).to.equal(404);
    expect((await send({ hotline: { line: '110', ticket: 'x1' } })).status).to.equal(400);
    expect((await send({ occurredAt: '1900-01-01T00:00:00Z' })).status, 'older than REPORT_MAX_AGE_DAYS (730 days)').to.equal(400);
    expect((await send({ kind: 'unfiled_inspection' })).body.error.details[0].path, 'conduct items only on a conduct report').to.equal(
      '/conductRuleIds',
    );
    // a filing of this enterprise pinned on an agency that was not on it
    const { filing: mine } = (await file(w)).body;
    const pinned = await send({ filingId: mine.id, agencyId: other.agencyId });
    expect(pinned.status).to.equal(400);
    expect(pinned.body.error.details[0].path).to.equal('/agencyId');
    // only an enterprise reports
    expect(
      (
        await h
          .api()
          .post('/api/v1/reports')
          .set(auth(w.agencyKey))
          .send({ kind: 'unfiled_inspection', occurredAt: hourAgo(), agencyName: '某局', description: '未备案检查' })
      ).status,
    ).to.equal(403);
    expect(await violationCount()).to.equal(before);
  });

  it('a rating: once per completed filing, by its enterprise only; conduct items named raise a conduct violation', async () => {
    const h = await harness();
    const w = await world();
    const { filing: pending } = (await file(w)).body;
    const rate = (id: string, body: Record<string, unknown>, key = w.enterpriseKey) =>
      h.api().post(`/api/v1/filings/${id}/feedback`).set(auth(key)).send(body);

    expect((await rate(pending.id, { rating: 5 })).status, 'not completed yet').to.equal(409);
    const done = await completed(w);
    expect((await rate(done.id, { rating: 0 })).status).to.equal(400);
    expect((await rate(done.id, { rating: 6 })).status).to.equal(400);
    expect((await rate(done.id, { rating: 4.5 })).status).to.equal(400);
    expect((await rate(done.id, { rating: 5 }, (await world()).enterpriseKey)).status, 'another enterprise').to.equal(404);
    expect((await rate(done.id, { rating: 5 }, w.agencyKey)).status, 'the agency').to.equal(403);
    expect((await rate(done.id, { rating: 2, conductRuleIds: ['conduct.N0'] })).status).to.equal(400);

    const first = await rate(done.id, { rating: 2, conductRuleIds: ['conduct.N3'], comment: '检查组要求企业安排午餐' });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body).to.include({ filingId: done.id, rating: 2 });
    const again = await rate(done.id, { rating: 5 });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('conflict');

    const v = await h.api().get(`/api/v1/violations/${first.body.violationId}`).set(admin);
    expect(v.body).to.deep.include({
      kind: 'conduct',
      source: 'feedback',
      filingId: done.id,
      agencyId: w.agencyId,
      conductRuleIds: ['conduct.N3'],
    });
  });

  it('a supervisor works a violation: acknowledged, resolved, each with note and actor; final stays final; audited', async () => {
    const h = await harness();
    const w = await world('110101');
    const sup = await createKey({ role: 'supervisor', regions: ['110101'] });
    const id = (
      await h
        .api()
        .post('/api/v1/reports')
        .set(auth(w.enterpriseKey))
        .send({ kind: 'unfiled_inspection', occurredAt: hourAgo(), agencyName: '某区某局', description: '有人自称执法人员入企' })
    ).body.violationId as string;
    const patch = (body: Record<string, unknown>, key = sup) => h.api().patch(`/api/v1/violations/${id}`).set(auth(key)).send(body);

    expect((await patch({ status: 'acknowledged' })).status, 'a note is required').to.equal(400);
    expect((await patch({ status: 'open', note: '重开' })).status).to.equal(400);
    const ack = await patch({ status: 'acknowledged', note: '已受理，转区市场监管局核查' });
    expect(ack.status, JSON.stringify(ack.body)).to.equal(200);
    expect(ack.body.status).to.equal('acknowledged');
    const res = await patch({ status: 'resolved', note: '经核查属实，已责令整改' });
    expect(res.body.status).to.equal('resolved');
    expect(res.body.history.map((c: { from: string; to: string }) => `${c.from}>${c.to}`)).to.deep.equal([
      'open>acknowledged',
      'acknowledged>resolved',
    ]);
    expect(res.body.history[1].note).to.equal('经核查属实，已责令整改');
    expect(res.body.history[0].actor).to.be.a('string').and.not.equal('');
    const late = await patch({ status: 'dismissed', note: '改判' });
    expect(late.status).to.equal(409);
    expect(late.body.error.details[0].path).to.equal('/status');
    expect((await patch({ status: 'dismissed', note: '越权' }, await createKey({ role: 'supervisor', regions: ['21'] }))).status).to.equal(
      404,
    );
    // a report about an agency of another region: the enterprise's supervisor sees it, but only the
    // agency's own supervisors decide it (it counts against the agency)
    const cityAgency = await world('330102');
    const about = (
      await h
        .api()
        .post('/api/v1/reports')
        .set(auth(w.enterpriseKey))
        .send({
          kind: 'conduct',
          occurredAt: hourAgo(),
          agencyId: cityAgency.agencyId,
          conductRuleIds: ['conduct.N3'],
          description: '要求报销差旅费',
        })
    ).body.violationId;
    expect((await h.api().get(`/api/v1/violations/${about}`).set(auth(sup))).status).to.equal(200);
    expect((await h.api().patch(`/api/v1/violations/${about}`).set(auth(sup)).send({ status: 'resolved', note: '查实' })).status).to.equal(
      403,
    );
    expect(
      (await h.api().patch(`/api/v1/violations/${about}`).set(admin).send({ status: 'acknowledged', note: '转浙江省核查' })).status,
    ).to.equal(200);

    const trail = await verifyTrail(h.runtime.store.db);
    expect(trail.ok).to.equal(true);
    const events = await h.runtime.store.db.selectFrom('audit_events').select('action').where('entity_id', '=', id).orderBy('id').execute();
    expect(events.map((e) => e.action)).to.deep.equal(['violation.reported', 'violation.status_changed', 'violation.status_changed']);
  });

  it('a supervisor raises one from an undercover check, with evidence, in its own regions only', async () => {
    const h = await harness();
    const w = await world('110101');
    const sup = await createKey({ role: 'supervisor', regions: ['1101'] });
    const body = {
      kind: 'conduct',
      agencyId: w.agencyId,
      enterpriseUscc: w.uscc,
      occurredAt: hourAgo(),
      description: '暗访发现检查组接受企业宴请',
      evidence: ['照片 IMG_0042（哈希 3f2a…）', '暗访记录表 2026-11-25'],
      conductRuleIds: ['conduct.N3'],
    };
    const res = await h.api().post('/api/v1/violations').set(auth(sup)).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.deep.include({ source: 'supervisor', status: 'open', evidence: body.evidence, enterpriseUscc: w.uscc });

    expect(
      (
        await h
          .api()
          .post('/api/v1/violations')
          .set(auth(await createKey({ role: 'supervisor', regions: ['21'] })))
          .send(body)
      ).status,
    ).to.equal(403);
    expect(
      (
        await h
          .api()
          .post('/api/v1/violations')
          .set(auth(sup))
          .send({ ...body, agencyId: 'agy_nope' })
      ).status,
    ).to.equal(404);
    expect(
      (
        await h
          .api()
          .post('/api/v1/violations')
          .set(auth(sup))
          .send({ ...body, conductRuleIds: [] })
      ).status,
    ).to.equal(400);
    expect(
      (
        await h
          .api()
          .post('/api/v1/violations')
          .set(auth(sup))
          .send({ ...body, kind: 'result_overdue' })
      ).status,
      'the jobs raise that',
    ).to.equal(400);
    expect((await h.api().post('/api/v1/violations').set(auth(w.enterpriseKey)).send(body)).status).to.equal(403);
    // an enterprise of its region does not bring another region's agency into its reach
    const far = await world('330102');
    const across = await h
      .api()
      .post('/api/v1/violations')
      .set(auth(sup))
      .send({ ...body, agencyId: far.agencyId });
    expect(across.status).to.equal(403);
    expect(across.body.error.message).to.include('执法主体').and.not.include('agency');
  });

  it('arrival confirmed on an unknown code, a cancelled one or another enterprise’s raises unfiled_inspection once', async () => {
    const h = await harness();
    const w = await world();
    const arrive = (code: string, key = w.enterpriseKey) => h.api().post(`/api/v1/verify/${code}/arrival`).set(auth(key));

    const before = await violationCount();
    for (const typo of ['x', '%3Cscript%3E', 'A'.repeat(300)]) expect((await arrive(typo)).status, typo.slice(0, 20)).to.equal(400);
    expect(await violationCount(), 'a typing error is not a visit').to.equal(before);
    const unknown = await arrive('ABCDEFGHJKMNPQ');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.violationId).to.be.a('string');
    expect((await arrive('ABCDEFGHJKMNPQ')).body.violationId, 'the same visit scanned twice').to.equal(unknown.body.violationId);

    const { filing } = (await file(w)).body;
    await h.api().post(`/api/v1/filings/${filing.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '改期' });
    const cancelled = await arrive(filing.verifyCode);
    expect(cancelled.status).to.equal(409);
    const v = await h.api().get(`/api/v1/violations/${cancelled.body.violationId}`).set(admin);
    expect(v.body).to.deep.include({ kind: 'unfiled_inspection', agencyId: w.agencyId, filingId: filing.id, enterpriseUscc: w.uscc });

    const other = await world();
    const { filing: theirs } = (await file(other)).body;
    const foreign = await arrive(theirs.verifyCode);
    expect(foreign.status).to.equal(404);
    const fv = await h.api().get(`/api/v1/violations/${foreign.body.violationId}`).set(admin);
    // the answer does not say whose code it was; the violation names that filing and its agency, which answers for it
    expect(JSON.stringify(foreign.body)).not.to.include(theirs.id).and.not.to.include(other.agencyId);
    expect(fv.body).to.deep.include({ enterpriseUscc: w.uscc, filingId: theirs.id, agencyId: other.agencyId });
    // the other enterprise's filing is untouched
    expect((await h.api().get(`/api/v1/verify/${theirs.verifyCode}`)).body.filing.status).to.equal('filed');
  });

  it('blocked attempts and warned filings are listed for supervisors, filtered by kind and rule', async () => {
    const h = await harness();
    const w = await world('110102');
    const sup = await createKey({ role: 'supervisor', regions: ['110102'] });
    const blocked = await file(w, { itemCodes: ['NOT-ON-THE-LIST'] });
    expect(blocked.status).to.equal(422);
    const warned = await file(w, { onSiteJustification: undefined });
    expect(warned.status).to.equal(201);
    expect(warned.body.decision.outcome).to.equal('warn');

    const all = (await h.api().get(`/api/v1/attempts?enterprise=${w.uscc}`).set(auth(sup))).body.items as {
      kind: string;
      id: string;
      filingNo: string | null;
      decision: { outcome: string };
    }[];
    expect(all.map((a) => a.kind)).to.deep.equal(['warned', 'blocked']);
    expect(all[0]).to.deep.include({ id: warned.body.filing.id, filingNo: warned.body.filing.filingNo });
    expect(all[1]?.decision.outcome).to.equal('block');
    const onlyBlocked = (await h.api().get(`/api/v1/attempts?enterprise=${w.uscc}&kind=blocked&finding=items.published`).set(auth(sup)))
      .body.items;
    expect(onlyBlocked).to.have.length(1);
    const page = await h.api().get(`/api/v1/attempts?enterprise=${w.uscc}&limit=1`).set(auth(sup));
    const next = await h.api().get(`/api/v1/attempts?enterprise=${w.uscc}&limit=1&cursor=${page.body.nextCursor}`).set(auth(sup));
    expect(next.body.items[0].kind).to.equal('blocked');
    expect(
      (
        await h
          .api()
          .get(`/api/v1/attempts?enterprise=${w.uscc}`)
          .set(auth(await createKey({ role: 'supervisor', regions: ['21'] })))
      ).body.items,
    ).to.have.length(0);
    expect((await h.api().get('/api/v1/attempts').set(auth(w.agencyKey))).status).to.equal(403);
  });
});
