import { expect } from 'chai';
import { harness } from '../support/harness.js';
import {
  addInspector,
  admin,
  auth,
  createAgency,
  createEnterprise,
  createKey,
  emergencyTrigger,
  file,
  fromNow,
  later,
  registerGround,
  unique,
  world,
  type World,
} from '../support/fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Finding = { ruleId: string; severity: string; message: { 'zh-CN': string; en: string } };
const finding = (body: { decision: { findings: Finding[] } }, id: string) => body.decision.findings.find((f) => f.ruleId === id);
const caseBody = (reference: string, kind = 'complaint') => ({ type: 'case', reason: '投诉举报核查', trigger: { kind, reference } });
const at = (days: number) => ({ plannedStart: fromNow(days * DAY), plannedEnd: fromNow(days * DAY + 4 * HOUR) });

/** An agency of the world's region with two inspectors, as a World of its own. */
async function colleague(w: World): Promise<World> {
  const a = await createAgency(w.region);
  return { ...w, agencyId: a.id, agencyKey: a.key, inspectorIds: [await addInspector(a.id), await addInspector(a.id)] };
}

describe('grounds: a case or a campaign rests on the county register, not on what the agency writes', () => {
  it('a case on a ticket nobody registered is blocked naming it; registered, the same filing passes and records its ground', async () => {
    const h = await harness();
    const w = await world();
    const reference = unique('12345-');
    const made = await file(w, { ...caseBody(reference), ...at(2) });
    expect(made.status).to.equal(422);
    expect(finding(made.body, 'grounds.registered')?.message.en).to.include(reference).and.include('no complaint');
    const g = await registerGround(w.uscc, { reference });
    const ok = await file(w, { ...caseBody(reference), ...at(2) });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    const detail = await h.api().get(`/api/v1/grounds/${g.id}`).set(admin);
    expect(detail.body.filings.map((f: { id: string }) => f.id)).to.deep.equal([ok.body.filing.id]);
  });

  it('one ticket grounds one visit of an agency; a cancelled visit gives it back; maxVisits says more', async () => {
    const h = await harness();
    const w = await world();
    const { reference } = await registerGround(w.uscc);
    const first = await file(w, { ...caseBody(reference), ...at(2) });
    expect(first.status).to.equal(201);
    // another order, another window: the same ticket does not ground a second visit
    const again = await file(w, { ...caseBody(reference), ...at(20) });
    expect(again.status).to.equal(422);
    expect(finding(again.body, 'grounds.registered')?.message.en).to.include('grounded 1 visits').and.include('at most 1');
    await h.api().post(`/api/v1/filings/${first.body.filing.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整' });
    expect((await file(w, { ...caseBody(reference), ...at(20) })).status).to.equal(201);
    // a ticket registered for two visits grounds two
    const twice = await registerGround(w.uscc, { maxVisits: 2 });
    expect((await file(w, { ...caseBody(twice.reference), ...at(3) })).status).to.equal(201);
    expect((await file(w, { ...caseBody(twice.reference), ...at(4) })).status).to.equal(201);
    expect((await file(w, { ...caseBody(twice.reference), ...at(5) })).status).to.equal(422);
  });

  it('a ticket of another enterprise, another kind, another agency or another period grounds nothing', async () => {
    const w = await world();
    const other = await createEnterprise(w.region, { riskClass: 'D' });
    const elsewhere = await registerGround(other);
    expect(finding((await file(w, { ...caseBody(elsewhere.reference), ...at(2) })).body, 'grounds.registered')).not.to.equal(undefined);
    const lead = await registerGround(w.uscc, { kind: 'monitoring' });
    const asComplaint = await file(w, { ...caseBody(lead.reference), ...at(2) });
    expect(asComplaint.status).to.equal(422);
    expect(finding(asComplaint.body, 'grounds.registered')?.message.en).to.include('registered as a monitoring');
    const partner = await colleague(w);
    const theirs = await registerGround(w.uscc, { agencyIds: [partner.agencyId] });
    const taken = await file(w, { ...caseBody(theirs.reference), ...at(2) });
    expect(finding(taken.body, 'grounds.registered')?.message.en).to.include('assigned to other agencies');
    expect((await file(partner, { ...caseBody(theirs.reference), ...at(2) })).status).to.equal(201);
    const day = (d: number) => new Date(later(d * DAY).getTime() + 8 * HOUR).toISOString().slice(0, 10);
    const short = await registerGround(w.uscc, { validFrom: day(0), validTo: day(5) });
    const late = await file(w, { ...caseBody(short.reference), ...at(9) });
    expect(finding(late.body, 'grounds.registered')?.message.en).to.include(`valid from ${day(0)} to ${day(5)}`);
    expect((await file(w, { ...caseBody(short.reference), ...at(4) })).status).to.equal(201);
  });

  it('a higher campaign must be registered, in force, and name this agency or none', async () => {
    const w = await world();
    const doc = unique('辽市监发〔2026〕');
    const special = (reference: string) => ({ type: 'special', campaign: { level: 'higher', reference }, ...at(3) });
    expect(finding((await file(w, special(doc))).body, 'grounds.registered')?.message.en).to.include('no campaign');
    const partner = await colleague(w);
    const forPartner = await registerGround(null, { kind: 'campaign', agencyIds: [partner.agencyId] });
    expect((await file(w, special(forPartner.reference))).status).to.equal(422);
    const forAll = await registerGround(null, { kind: 'campaign', reference: doc });
    expect(forAll.reference).to.equal(doc);
    expect((await file(w, special(doc))).status).to.equal(201);
  });

  it('who registers what: the hotline complaints only, verified; an enterprise nothing; a supervisor its regions', async () => {
    const h = await harness();
    const w = await world();
    const hotline = await createKey({ role: 'hotline' });
    const ticket = { kind: 'complaint', reference: unique('12345-'), enterpriseUscc: w.uscc };
    const pushed = await h.api().post('/api/v1/grounds').set(auth(hotline)).send(ticket);
    expect(pushed.status).to.equal(201);
    expect(pushed.body).to.include({ status: 'verified', registeredBy: 'hotline' });
    expect((await h.api().post('/api/v1/grounds').set(auth(hotline)).send(ticket)).status).to.equal(409);
    for (const kind of ['referral', 'campaign']) {
      const res = await h
        .api()
        .post('/api/v1/grounds')
        .set(auth(hotline))
        .send({ ...ticket, kind, reference: unique('X') });
      expect(res.status, kind).to.be.oneOf([400, 403]);
    }
    expect((await h.api().get('/api/v1/grounds').set(auth(hotline))).status).to.equal(403);
    expect(
      (
        await h
          .api()
          .post('/api/v1/grounds')
          .set(auth(w.enterpriseKey))
          .send({ ...ticket, reference: unique('E') })
      ).status,
    ).to.equal(403);
    const far = await createKey({ role: 'supervisor', regions: ['33'] });
    expect(
      (
        await h
          .api()
          .post('/api/v1/grounds')
          .set(auth(far))
          .send({ ...ticket, reference: unique('S') })
      ).status,
    ).to.equal(403);
    const near = await createKey({ role: 'supervisor', regions: ['1101'] });
    expect(
      (
        await h
          .api()
          .post('/api/v1/grounds')
          .set(auth(near))
          .send({ ...ticket, reference: unique('S') })
      ).status,
    ).to.equal(201);
    const bad = await h
      .api()
      .post('/api/v1/grounds')
      .set(admin)
      .send({ kind: 'complaint', reference: unique('N') });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].path).to.equal('/enterpriseUscc');
  });

  it("an agency's own lead passes with a warning until a supervisor rejects it: then every visit it grounded is unfounded", async () => {
    const h = await harness();
    const w = await world();
    const register = (key: string, body: Record<string, unknown>) => h.api().post('/api/v1/grounds').set(auth(key)).send(body);
    const lead = { kind: 'monitoring', reference: unique('抽检-'), enterpriseUscc: w.uscc };
    // not for an enterprise outside its jurisdiction, not for another agency
    const far = await createEnterprise('330102');
    expect((await register(w.agencyKey, { ...lead, enterpriseUscc: far })).status).to.equal(403);
    const partner = await colleague(w);
    expect((await register(w.agencyKey, { ...lead, agencyIds: [partner.agencyId] })).status).to.equal(400);
    const own = await register(w.agencyKey, lead);
    expect(own.status).to.equal(201);
    expect(own.body).to.include({ status: 'unverified', registeredBy: 'agency' });
    expect(own.body.agencyIds).to.deep.equal([w.agencyId]);
    const filed = await file(w, { ...caseBody(lead.reference, 'monitoring'), ...at(2) });
    expect(filed.status).to.equal(201);
    expect(finding(filed.body, 'grounds.registered')?.severity).to.equal('warn');
    // the supervisor lists it among warned filings
    const supervisor = await createKey({ role: 'supervisor', regions: ['1101'] });
    const warned = await h.api().get(`/api/v1/filings?finding=grounds.registered&enterprise=${w.uscc}`).set(auth(supervisor));
    expect(warned.body.items.map((f: { id: string }) => f.id)).to.deep.equal([filed.body.filing.id]);
    // only a supervisor of the region reviews it, once
    const outside = await createKey({ role: 'supervisor', regions: ['33'] });
    expect(
      (await h.api().patch(`/api/v1/grounds/${own.body.id}`).set(auth(outside)).send({ status: 'rejected', note: 'x' })).status,
    ).to.equal(404);
    expect(
      (await h.api().patch(`/api/v1/grounds/${own.body.id}`).set(auth(w.agencyKey)).send({ status: 'verified', note: 'x' })).status,
    ).to.equal(403);
    const rejected = await h
      .api()
      .patch(`/api/v1/grounds/${own.body.id}`)
      .set(auth(supervisor))
      .send({ status: 'rejected', note: '无抽检报告佐证' });
    expect(rejected.status).to.equal(200);
    expect(rejected.body.status).to.equal('rejected');
    const v = await h.api().get(`/api/v1/violations?kind=unfounded_exemption&agency=${w.agencyId}`).set(auth(supervisor));
    expect(v.body.items.map((x: { filingId: string }) => x.filingId)).to.deep.equal([filed.body.filing.id]);
    expect(
      (await h.api().patch(`/api/v1/grounds/${own.body.id}`).set(auth(supervisor)).send({ status: 'verified', note: 'x' })).status,
    ).to.equal(409);
    const next = await file(w, { ...caseBody(lead.reference, 'monitoring'), ...at(5) });
    expect(next.status).to.equal(422);
    expect(finding(next.body, 'grounds.registered')?.message.en).to.include('rejected');
  });

  it('an emergency names its trigger; unregistered 48 hours after its start, the sweep raises emergency_unfounded', async () => {
    const h = await harness();
    const w = await world();
    const emergency = (trigger: { kind: string; reference: string }) =>
      file(w, { type: 'emergency', reason: '危化品泄漏处置', trigger, plannedStart: fromNow(10 * 60_000), plannedEnd: fromNow(4 * HOUR) });
    const noTrigger = await file(w, {
      type: 'emergency',
      reason: '危化品泄漏处置',
      plannedStart: fromNow(600_000),
      plannedEnd: fromNow(HOUR),
    });
    expect(noTrigger.status).to.equal(400);
    expect(noTrigger.body.error.details[0].path).to.equal('/trigger');
    const unfounded = emergencyTrigger();
    const founded = emergencyTrigger();
    const a = await emergency(unfounded);
    const b = await emergency(founded);
    expect([a.status, b.status]).to.deep.equal([201, 201]);
    // the accident is registered the next day, inside the 48 hours
    h.clock.set(later(DAY));
    await registerGround(w.uscc, { ...founded, validFrom: undefined, validTo: undefined });
    h.clock.set(later(2 * DAY));
    expect((await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({})).status).to.equal(200);
    const raised = await h.runtime.store.db
      .selectFrom('violations')
      .select(['filing_id', 'agency_id'])
      .where('kind', '=', 'emergency_unfounded')
      .where('enterprise_uscc', '=', w.uscc)
      .execute();
    expect(raised).to.deep.equal([{ filing_id: a.body.filing.id, agency_id: w.agencyId }]);
    // registered late, it no longer helps; a second sweep raises nothing twice
    await registerGround(w.uscc, { ...unfounded, validFrom: undefined, validTo: undefined });
    await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
    expect(
      await h.runtime.store.db
        .selectFrom('violations')
        .select('id')
        .where('kind', '=', 'emergency_unfounded')
        .where('enterprise_uscc', '=', w.uscc)
        .execute(),
    ).to.have.length(1);
  });
});

describe('grounds: the ways round found by a hostile review, refused', () => {
  it('an emergency uses up its ground like a case: the visit past maxVisits is unfounded, and a case on it after is refused', async () => {
    const h = await harness();
    const w = await world();
    const g = await registerGround(w.uscc, { kind: 'accident' });
    const trigger = { kind: 'accident', reference: g.reference };
    const emergency = (minutes: number) =>
      file(w, {
        type: 'emergency',
        reason: '事故处置',
        trigger,
        plannedStart: fromNow(minutes * 60_000),
        plannedEnd: fromNow(minutes * 60_000 + HOUR),
      });
    const first = await emergency(-60);
    const second = await emergency(10);
    expect([first.status, second.status]).to.deep.equal([201, 201]);
    // used up by the first emergency: a case on the same ground is refused
    const onTop = await file(w, { ...caseBody(g.reference, 'accident'), ...at(3) });
    expect(onTop.status).to.equal(422);
    expect(finding(onTop.body, 'grounds.registered')?.message.en).to.include('grounded');
    h.clock.set(later(3 * DAY + 7 * HOUR)); // an hour no other test sweeps
    const swept = await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
    expect(swept.body.alreadyRan, JSON.stringify(swept.body)).to.equal(false);
    const raised = await h.runtime.store.db
      .selectFrom('violations')
      .select('filing_id')
      .where('kind', '=', 'emergency_unfounded')
      .where('enterprise_uscc', '=', w.uscc)
      .execute();
    expect(raised.map((v) => v.filing_id)).to.deep.equal([second.body.filing.id]);
  });

  it('an agency or the hotline cannot widen a ground it registers: one visit, from at most a week back, for at most 90 days', async () => {
    const h = await harness();
    const w = await world();
    const hotline = await createKey({ role: 'hotline' });
    const base = { kind: 'complaint', enterpriseUscc: w.uscc };
    for (const key of [w.agencyKey, hotline]) {
      const many = await h
        .api()
        .post('/api/v1/grounds')
        .set(auth(key))
        .send({ ...base, reference: unique('W'), maxVisits: 100 });
      expect(many.status).to.equal(400);
      expect(many.body.error.details[0].path).to.equal('/maxVisits');
      const old = await h
        .api()
        .post('/api/v1/grounds')
        .set(auth(key))
        .send({ ...base, reference: unique('W'), validFrom: '2000-01-01' });
      expect(old.status).to.equal(400);
      const long = await h
        .api()
        .post('/api/v1/grounds')
        .set(auth(key))
        .send({ ...base, reference: unique('W'), validTo: '2999-12-31' });
      expect(long.status).to.equal(400);
    }
    // a supervisor may register a ticket that grounds more
    const sup = await createKey({ role: 'supervisor', regions: ['1101'] });
    expect(
      (
        await h
          .api()
          .post('/api/v1/grounds')
          .set(auth(sup))
          .send({ ...base, reference: unique('S'), maxVisits: 3 })
      ).status,
    ).to.equal(201);
  });

  it('a campaign grounds one visit of an agency to each enterprise unless it says more', async () => {
    const w = await world();
    const other = { ...w, uscc: await createEnterprise(w.region, { riskClass: 'D' }) };
    const doc = await registerGround(null, { kind: 'campaign' });
    const special = { type: 'special', campaign: { level: 'higher', reference: doc.reference } };
    expect((await file(w, { ...special, ...at(3) })).status).to.equal(201);
    const again = await file(w, { ...special, ...at(10) });
    expect(again.status).to.equal(422);
    expect(finding(again.body, 'grounds.registered')?.message.en).to.include('grounded 1 visits');
    expect((await file(other, { ...special, ...at(3) })).status).to.equal(201);
  });

  it('a joint agency cannot join a case on a ground only the lead may use, record the arrival, or show unaccepted', async () => {
    const h = await harness();
    const w = await world();
    const partner = await colleague(w);
    const g = await registerGround(w.uscc, { agencyIds: [w.agencyId] });
    const joint = await file(w, {
      ...caseBody(g.reference),
      ...at(2),
      jointAgencyIds: [partner.agencyId],
      inspectorIds: [w.inspectorIds[0], partner.inspectorIds[0]],
    });
    expect(joint.status, JSON.stringify(joint.body)).to.equal(201);
    const id = joint.body.filing.id as string;
    const code = joint.body.filing.verifyCode as string;
    expect((await h.api().post(`/api/v1/filings/${id}/joint/accept`).set(auth(partner.agencyKey)).send({})).status).to.equal(409);
    expect((await h.api().post(`/api/v1/verify/${code}/arrival`).set(auth(partner.agencyKey))).status).to.equal(403);
    const card = (await h.api().get(`/api/v1/verify/${code}`)).body;
    expect(card.filing.jointAgencies).to.deep.equal([]);
    expect(card.filing.inspectors).to.have.length(1);
  });
});

describe('grounds: the second review, refused', () => {
  it("an agency's unverified entry does not squat the hotline's ticket: the hotline's registration verifies it on its terms", async () => {
    const h = await harness();
    const w = await world();
    const reference = unique('12345-');
    const squat = await h
      .api()
      .post('/api/v1/grounds')
      .set(auth(w.agencyKey))
      .send({ kind: 'complaint', reference, enterpriseUscc: w.uscc });
    expect(squat.body.status).to.equal('unverified');
    const hotline = await createKey({ role: 'hotline' });
    const pushed = await h.api().post('/api/v1/grounds').set(auth(hotline)).send({ kind: 'complaint', reference, enterpriseUscc: w.uscc });
    expect(pushed.status).to.equal(201);
    expect(pushed.body).to.include({ id: squat.body.id, status: 'verified' });
    expect(pushed.body.agencyIds).to.deep.equal([]);
    expect(
      (await h.api().post('/api/v1/grounds').set(auth(hotline)).send({ kind: 'complaint', reference, enterpriseUscc: w.uscc })).status,
    ).to.equal(409);
  });

  it('an enforcement system has at most eight levels, so the cap and the cycle check always see all of it', async () => {
    const h = await harness();
    let parent: string | null = null;
    let refused = null as { status: number; body: { error: { details: { path: string }[] } } } | null;
    for (let i = 0; i < 10 && !refused; i++) {
      const res = await h
        .api()
        .post('/api/v1/agencies')
        .set(admin)
        .send({ code: unique('CH'), name: `第${i}级`, region: '110101', items: [], ...(parent ? { parentAgencyId: parent } : {}) });
      if (res.status === 201) parent = res.body.id as string;
      else refused = res;
    }
    expect(refused?.status).to.equal(409);
    expect(refused?.body.error.details[0]?.path).to.equal('/parentAgencyId');
  });
});

describe('jurisdiction and the enforcement system', () => {
  it('an agency files within its division; a referral naming it opens another; a city agency covers its counties', async () => {
    const w = await world('211223');
    const neighbour = await createEnterprise('211224', { riskClass: 'D' });
    const there = { ...w, uscc: neighbour };
    const out = await file(there, at(2));
    expect(out.status).to.equal(422);
    expect(finding(out.body, 'agency.jurisdiction')?.message['zh-CN']).to.include('211224');
    // a referral for another agency does not open it for this one
    const partner = await colleague(w);
    await registerGround(neighbour, { kind: 'referral', agencyIds: [partner.agencyId] });
    expect((await file(there, at(2))).status).to.equal(422);
    await registerGround(neighbour, { kind: 'referral', agencyIds: [w.agencyId] });
    const referred = await file(there, at(2));
    expect(referred.status).to.equal(201);
    // the supervisors of the agency's county see and work its filing wherever the enterprise is
    const h = await harness();
    const home = await createKey({ role: 'supervisor', regions: ['211223'] });
    expect((await h.api().get(`/api/v1/filings/${referred.body.filing.id}`).set(auth(home))).status).to.equal(200);
    const listed = await h.api().get(`/api/v1/filings?enterprise=${neighbour}`).set(auth(home));
    expect(listed.body.items.map((f: { id: string }) => f.id)).to.include(referred.body.filing.id);
    const elsewhere = await createKey({ role: 'supervisor', regions: ['33'] });
    expect((await h.api().get(`/api/v1/filings/${referred.body.filing.id}`).set(auth(elsewhere))).status).to.equal(404);
    const city = await createAgency('211200');
    const cityWorld = {
      ...w,
      agencyId: city.id,
      agencyKey: city.key,
      inspectorIds: [await addInspector(city.id), await addInspector(city.id)],
    };
    expect((await file(cityWorld, at(3))).status).to.equal(201);
    expect(finding((await file({ ...cityWorld, uscc: await createEnterprise('210102') }, at(3))).body, 'agency.jurisdiction')).not.to.equal(
      undefined,
    );
  });

  it('a squad cannot visit what its bureau visited this year (同一系统), in either order; a cycle of parents is refused', async () => {
    const h = await harness();
    // every visit of this test in one calendar year, whatever the date the suite runs on
    h.clock.set('2026-06-10T10:00:00+08:00');
    const w = await world('110101', { riskClass: 'B' });
    const bureau = { id: w.agencyId };
    const made = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send({
        code: unique('SQ'),
        name: '执法大队',
        region: '110101',
        items: [{ code: 'SAFE-01', name: '安全', basis: '依据' }],
        parentAgencyId: bureau.id,
      });
    expect(made.status).to.equal(201);
    expect(made.body.parentAgencyId).to.equal(bureau.id);
    const squadKey = await createKey({ role: 'agency', agencyId: made.body.id });
    const squad = {
      ...w,
      agencyId: made.body.id,
      agencyKey: squadKey,
      inspectorIds: [await addInspector(made.body.id), await addInspector(made.body.id)],
    };
    // the squad files first, for later in the year; the bureau's earlier visit is refused too
    expect((await file(squad, at(30))).status).to.equal(201);
    const bureauVisit = await file(w, at(2));
    expect(bureauVisit.status).to.equal(422);
    expect(finding(bureauVisit.body, 'frequency.annual-same-agency')).not.to.equal(undefined);
    // a sibling squad is the same system
    const sibling = await h
      .api()
      .post('/api/v1/agencies')
      .set(admin)
      .send({
        code: unique('SQ'),
        name: '二大队',
        region: '110101',
        items: [{ code: 'SAFE-01', name: '安全', basis: '依据' }],
        parentAgencyId: bureau.id,
      });
    const siblingWorld = {
      ...w,
      agencyId: sibling.body.id,
      agencyKey: await createKey({ role: 'agency', agencyId: sibling.body.id }),
      inspectorIds: [await addInspector(sibling.body.id), await addInspector(sibling.body.id)],
    };
    expect((await file(siblingWorld, at(40))).status).to.equal(422);
    // an agency outside the system is not held to it
    expect((await file(await colleague(w), at(40))).status).to.equal(201);
    const cycle = await h.api().patch(`/api/v1/agencies/${bureau.id}`).set(admin).send({ parentAgencyId: made.body.id });
    expect(cycle.status).to.equal(409);
    expect(cycle.body.error.details[0].path).to.equal('/parentAgencyId');
    expect((await h.api().patch(`/api/v1/agencies/${bureau.id}`).set(admin).send({ parentAgencyId: bureau.id })).status).to.equal(409);
    // nor can the squad leave the system for a visit and come back: a move is refused while the year has visits
    const leave = await h.api().patch(`/api/v1/agencies/${made.body.id}`).set(admin).send({ parentAgencyId: null });
    expect(leave.status).to.equal(409);
    expect(leave.body.error.code).to.equal('conflict');
    expect((await file(squad, at(45))).status).to.equal(422);
    // a new year, no visits yet: the reorganisation takes effect, and the squad is its own system
    h.clock.set('2027-01-05T10:00:00+08:00');
    expect((await h.api().patch(`/api/v1/agencies/${made.body.id}`).set(admin).send({ parentAgencyId: null })).status).to.equal(200);
  });
});
