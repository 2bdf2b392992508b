import { expect } from 'chai';
import { localDate, localYear } from '../../src/domain/calendar.js';
import { clock, harness } from '../support/harness.js';
import {
  addInspector,
  admin,
  auth,
  createAgency,
  createKey,
  emergencyTrigger,
  file,
  filingBody,
  fromNow,
  later,
  randomUscc,
  registerGround,
  world,
  type World,
} from '../support/fixtures.js';

// Each way an agency might try to get round a rule, through the HTTP API, refused.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CASE = { type: 'case', reason: '群众投诉举报核查', trigger: { kind: 'complaint', reference: '12345-2026-000311' } };
const registeredFor = new Set<string>();
/** CASE, its ticket registered for this enterprise (once, grounding up to ten visits). */
async function grounded(w: { uscc: string }) {
  if (!registeredFor.has(w.uscc)) {
    await registerGround(w.uscc, { reference: CASE.trigger.reference, maxVisits: 10 });
    registeredFor.add(w.uscc);
  }
  return CASE;
}
/** A higher campaign with this document number, registered once. */
async function campaignDoc(reference: string) {
  if (!registeredFor.has(reference)) {
    await registerGround(null, { kind: 'campaign', reference });
    registeredFor.add(reference);
  }
  return { type: 'special', campaign: { level: 'higher', reference } };
}
const window = (start: Date, hours = 4) => ({
  plannedStart: start.toISOString(),
  plannedEnd: new Date(start.getTime() + hours * HOUR).toISOString(),
});
/** The year after the test clock's, in Shanghai: every date in it is in the future. */
const year = (ahead: number) => localYear(clock.now(), 'Asia/Shanghai') + ahead;
const nextYear = (monthDay: string) => new Date(`${year(1)}-${monthDay}T01:00:00Z`);
const ruleIds = (body: { decision: { findings: { ruleId: string }[] } }) => body.decision.findings.map((f) => f.ruleId);

async function count(table: 'filings' | 'filing_attempts', uscc: string): Promise<number> {
  const db = (await harness()).runtime.store.db;
  return Number(
    (await db.selectFrom(table).select(db.fn.countAll<number>().as('n')).where('enterprise_uscc', '=', uscc).executeTakeFirstOrThrow()).n,
  );
}

/** A second agency of the world's region with two inspectors, filing for the same enterprise. */
async function partner(w: World, items = ['PARTNER-1']): Promise<World> {
  const a = await createAgency(w.region, items);
  return { ...w, agencyId: a.id, agencyKey: a.key, inspectorIds: [await addInspector(a.id), await addInspector(a.id)] };
}

describe('ways round the rules, refused through the API', () => {
  describe('the order of filing', () => {
    it('a visit whose window crosses New Year uses up the cap of both years', async () => {
      const w = await world('211223', { riskClass: 'B' });
      // 23:30 on 31 December to 14 January, Shanghai time
      const crossing = await file(w, { plannedStart: `${year(1)}-12-31T23:30:00+08:00`, plannedEnd: `${year(2)}-01-14T09:00:00+08:00` });
      expect(crossing.status, JSON.stringify(crossing.body)).to.equal(201);
      const january = await file(w, window(new Date(`${year(2)}-01-05T09:00:00+08:00`)));
      expect(january.status).to.equal(422);
      expect(
        january.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'frequency.annual-same-agency').evidence,
      ).to.deep.equal([crossing.body.filing.id]);
    });

    it('a routine visit filed for December, then one for March of that year: the cap of 1 holds', async () => {
      const w = await world('110101', { riskClass: 'B' });
      const december = await file(w, window(nextYear('12-07')));
      expect(december.status, JSON.stringify(december.body)).to.equal(201);
      const march = await file(w, window(nextYear('03-02')));
      expect(march.status).to.equal(422);
      const cap = march.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'frequency.annual-same-agency');
      expect(cap.evidence).to.deep.equal([december.body.filing.id]);
      expect(cap.message['zh-CN']).to.include(december.body.filing.filingNo);
    });
  });

  describe('a joint agency', () => {
    it('naming an agency on a joint filing does not use its cap: it counts once that agency accepts, checked then', async () => {
      const h = await harness();
      const w = await world('110101', { riskClass: 'B' });
      const b = await partner(w);
      const joint = await file(w, {
        ...window(nextYear('04-06')),
        jointAgencyIds: [b.agencyId],
        inspectorIds: [w.inspectorIds[0], b.inspectorIds[0]],
        itemCodes: ['SAFE-01', 'PARTNER-1'],
      });
      expect(joint.status, JSON.stringify(joint.body)).to.equal(201);
      const id = joint.body.filing.id as string;
      // named but not yet accepted: the partner's own visit later that year is not refused for it
      const shown = await h.api().get(`/api/v1/filings/${id}`).set(auth(b.agencyKey));
      expect(shown.body.filing.jointAgencies).to.deep.equal([{ agencyId: b.agencyId, status: 'pending', at: null, reason: null }]);
      const check = await h
        .api()
        .post('/api/v1/filings/check')
        .set(auth(b.agencyKey))
        .send(filingBody(b, { ...window(nextYear('09-07')), itemCodes: ['PARTNER-1'] }));
      expect(check.body.decision.findings.map((f: { ruleId: string }) => f.ruleId)).not.to.include('frequency.annual-same-agency');
      // only the partner answers for itself
      expect((await h.api().post(`/api/v1/filings/${id}/joint/accept`).set(auth(w.agencyKey)).send({})).status).to.equal(403);
      const accepted = await h.api().post(`/api/v1/filings/${id}/joint/accept`).set(auth(b.agencyKey)).send({});
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
      expect(accepted.body.filing.jointAgencies[0]).to.include({ agencyId: b.agencyId, status: 'accepted' });
      expect((await h.api().post(`/api/v1/filings/${id}/joint/decline`).set(auth(b.agencyKey)).send({ reason: '改主意' })).status).to.equal(
        409,
      );
      // accepted, it is on the partner's record: its own visit that year is refused, naming the joint one
      const alone = await file(b, { ...window(nextYear('09-07')), itemCodes: ['PARTNER-1'] });
      expect(alone.status).to.equal(422);
      const cap = alone.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'frequency.annual-same-agency');
      expect(cap.evidence).to.deep.equal([id]);
      // nor can the first agency join someone else's visit to get round its own cap: accepting is refused with the decision
      const c = await partner(w, ['THIRD-1']);
      const asJoint = await file(c, {
        ...window(nextYear('10-05')),
        jointAgencyIds: [w.agencyId],
        inspectorIds: [c.inspectorIds[0], w.inspectorIds[0]],
        itemCodes: ['THIRD-1'],
      });
      expect(asJoint.status).to.equal(201);
      const refused = await h.api().post(`/api/v1/filings/${asJoint.body.filing.id}/joint/accept`).set(auth(w.agencyKey)).send({});
      expect(refused.status).to.equal(422);
      expect(ruleIds(refused.body)).to.deep.equal(['frequency.annual-same-agency']);
      const after = await h.api().get(`/api/v1/filings/${asJoint.body.filing.id}`).set(auth(c.agencyKey));
      expect(after.body.filing.jointAgencies[0].status).to.equal('pending');
      // the refused agency may decline, and says why
      const declined = await h
        .api()
        .post(`/api/v1/filings/${asJoint.body.filing.id}/joint/decline`)
        .set(auth(w.agencyKey))
        .send({ reason: '本年度已检查' });
      expect(declined.status).to.equal(200);
      expect(declined.body.filing.jointAgencies[0]).to.include({ status: 'declined', reason: '本年度已检查' });
    });

    it("a joint filing may check a joint agency's published items, never an absent agency's", async () => {
      const w = await world();
      const b = await partner(w);
      // an agency that does publish OUTSIDER-1, but is not on the filing
      await partner(w, ['OUTSIDER-1']);
      const joint = { ...window(nextYear('05-04')), jointAgencyIds: [b.agencyId], inspectorIds: [w.inspectorIds[0], b.inspectorIds[0]] };
      const ok = await file(w, { ...joint, itemCodes: ['SAFE-01', 'PARTNER-1'] });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      const verified = (await (await harness()).api().get(`/api/v1/verify/${ok.body.filing.verifyCode}`)).body;
      // the card names a joint agency, and its items, once it accepted: before, the visit is the lead's alone
      expect(verified.filing.items.map((i: { code: string; agency: string }) => i.code)).to.deep.equal(['SAFE-01']);
      expect(verified.filing.jointAgencies).to.have.length(0);
      expect(
        (await (await harness()).api().post(`/api/v1/filings/${ok.body.filing.id}/joint/accept`).set(auth(b.agencyKey)).send({})).status,
      ).to.equal(200);
      const accepted = (await (await harness()).api().get(`/api/v1/verify/${ok.body.filing.verifyCode}`)).body;
      expect(accepted.filing.jointAgencies).to.have.length(1);
      expect(accepted.filing.items.map((i: { code: string }) => i.code)).to.deep.equal(['SAFE-01', 'PARTNER-1']);
      const outsider = await file(w, {
        ...joint,
        itemCodes: ['OUTSIDER-1'],
        plannedStart: nextYear('06-01').toISOString(),
        plannedEnd: new Date(nextYear('06-01').getTime() + HOUR).toISOString(),
      });
      expect(outsider.status).to.equal(422);
      expect(ruleIds(outsider.body)).to.deep.equal(['items.published']);
    });

    it('every joint agency must be registered and active', async () => {
      const h = await harness();
      const w = await world();
      const b = await partner(w);
      expect((await h.api().patch(`/api/v1/agencies/${b.agencyId}`).set(admin).send({ active: false })).status).to.equal(200);
      const res = await file(w, { jointAgencyIds: [b.agencyId], inspectorIds: [w.inspectorIds[0], w.inspectorIds[1]] });
      expect(res.status).to.equal(422);
      const finding = res.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'agency.registered');
      expect(finding.evidence).to.deep.equal([b.agencyId]);
    });

    it('a joint agency cannot be named without sending its own certified inspectors, and sees the filings it is on', async () => {
      const h = await harness();
      const w = await world('110101', { riskClass: 'B' });
      const c = await partner(w);
      // C's name and C's items, with none of C's inspectors: refused, naming C; C's cap untouched
      const lent = await file(w, { ...window(nextYear('06-14')), jointAgencyIds: [c.agencyId], itemCodes: ['PARTNER-1'] });
      expect(lent.status).to.equal(422);
      const f = lent.body.decision.findings.find((x: { ruleId: string }) => x.ruleId === 'inspectors.each-agency');
      expect(f.evidence).to.deep.equal([c.agencyId]);
      // nor the other way round: the lead must send its own
      const borrowed = await file(w, {
        ...window(nextYear('06-14')),
        jointAgencyIds: [c.agencyId],
        inspectorIds: c.inspectorIds,
        itemCodes: ['PARTNER-1'],
      });
      expect(ruleIds(borrowed.body)).to.include('inspectors.each-agency');
      expect((await file(c, { ...window(nextYear('09-01')), itemCodes: ['PARTNER-1'] })).status).to.equal(201);

      // a real joint visit: the joint agency can see it and list it; the arrival is the enterprise's or the lead's to record
      const w2 = await world('110101', { riskClass: 'B' });
      const c2 = await partner(w2);
      const joint = await file(w2, {
        jointAgencyIds: [c2.agencyId],
        inspectorIds: [w2.inspectorIds[0], c2.inspectorIds[0]],
        itemCodes: ['SAFE-01', 'PARTNER-1'],
      });
      expect(joint.status, JSON.stringify(joint.body)).to.equal(201);
      const id = joint.body.filing.id;
      expect((await h.api().get(`/api/v1/filings/${id}`).set(auth(c2.agencyKey))).status).to.equal(200);
      const listed = await h.api().get(`/api/v1/filings?enterprise=${w2.uscc}`).set(auth(c2.agencyKey));
      expect(listed.body.items.map((x: { id: string }) => x.id)).to.deep.equal([id]);
      expect((await h.api().post(`/api/v1/verify/${joint.body.filing.verifyCode}/arrival`).set(auth(c2.agencyKey))).status).to.equal(403);
      // only the lead records the result or cancels
      const cancel = await h.api().post(`/api/v1/filings/${id}/cancel`).set(auth(c2.agencyKey)).send({ reason: '改期' });
      expect(cancel.status).to.equal(403);
      expect(cancel.body.error.message).to.include('只有提交备案的执法主体');
    });

    it("joint-suggested compares windows: a visit inside another agency's running 15-day window is found", async () => {
      const w = await world();
      const b = await partner(w);
      const theirs = await file(b, { ...(await grounded(b)), itemCodes: ['PARTNER-1'], ...window(nextYear('03-02'), 15 * 24) });
      expect(theirs.status, JSON.stringify(theirs.body)).to.equal(201);
      // 12 days after their start: far from it, inside their window
      const mine = await file(w, window(nextYear('03-14')));
      expect(mine.status).to.equal(201);
      const f = mine.body.decision.findings.find((x: { ruleId: string }) => x.ruleId === 'coordination.joint-suggested');
      // the other agency's filing shows to this one as that agency and its day; the decision on record names it
      expect(f.evidence).to.deep.equal([]);
      expect(f.message['zh-CN']).not.to.include(theirs.body.filing.filingNo);
      const kept = await (await harness()).api().get(`/api/v1/filings/${mine.body.filing.id}`).set(admin);
      const whole = kept.body.decision.findings.find((x: { ruleId: string }) => x.ruleId === 'coordination.joint-suggested');
      expect(whole.evidence).to.deep.equal([theirs.body.filing.id]);
    });
  });

  describe('the choice of a type', () => {
    it('a case without trigger, an unknown trigger, a campaign without reference or on another type: 400 naming it', async () => {
      const h = await harness();
      const w = await world();
      const cases: [Record<string, unknown>, string][] = [
        [{ type: 'case', reason: '投诉举报核查' }, '/trigger'],
        [{ ...CASE, trigger: { kind: 'rumour', reference: 'x' } }, '/trigger/kind'],
        [{ ...CASE, trigger: { kind: 'complaint' } }, '/trigger/reference'],
        [{ ...CASE, trigger: { kind: 'complaint', reference: '   ' } }, '/trigger/reference'],
        [{ type: 'special', campaign: { level: 'higher' } }, '/campaign/reference'],
        [{ type: 'special', campaign: { level: 'county', reference: 'x' } }, '/campaign/level'],
        [{ type: 'routine', campaign: { level: 'higher', reference: '辽市监发〔2026〕12号' } }, '/campaign'],
        [{ type: 'routine', trigger: CASE.trigger }, '/trigger'],
      ];
      for (const [over, path] of cases) {
        const res = await h.api().post('/api/v1/filings').set(auth(w.agencyKey)).send(filingBody(w, over));
        expect(res.status, `${JSON.stringify(over)} -> ${JSON.stringify(res.body)}`).to.equal(400);
        expect(
          res.body.error.details.map((d: { path: string }) => d.path),
          JSON.stringify(over),
        ).to.include(path);
      }
      expect(await count('filings', w.uscc)).to.equal(0);
      expect(await count('filing_attempts', w.uscc)).to.equal(0);
    });

    it('a case shows its trigger in the decision, the filing and public verification', async () => {
      const h = await harness();
      const w = await world();
      const res = await file(w, { ...(await grounded(w)), ...window(nextYear('02-02')) });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.decision.grounds).to.deep.equal({ trigger: CASE.trigger });
      expect(res.body.filing.trigger).to.deep.equal(CASE.trigger);
      const v = await h.api().get(`/api/v1/verify/${res.body.filing.verifyCode}`);
      // the public card shows the kind of ground, never the ticket: a complainant must not be findable from the door
      expect(v.body.filing.trigger).to.deep.equal({ kind: 'complaint' });
      expect(JSON.stringify(v.body)).not.to.include(CASE.trigger.reference);
      const page = await h.api().get(`/v/${res.body.filing.verifyCode}`);
      expect(page.status).to.equal(200);
      expect(page.text).not.to.include(CASE.trigger.reference);
    });

    it('an emergency planned for later is blocked and told to file as case or routine', async () => {
      const w = await world();
      const res = await file(w, { type: 'emergency', reason: '危化品泄漏风险', trigger: emergencyTrigger(), ...window(later(3 * HOUR)) });
      expect(res.status).to.equal(422);
      expect(ruleIds(res.body)).to.deep.equal(['filing.emergency-now']);
      const now = await file(w, {
        type: 'emergency',
        reason: '危化品泄漏风险',
        trigger: emergencyTrigger(),
        ...window(later(10 * 60_000)),
      });
      expect(now.status).to.equal(201);
    });

    it('no-disturb list: routine refused; case, emergency and a higher campaign pass with a warning to list', async () => {
      const h = await harness();
      const w = await world('110101', { riskClass: 'A', noDisturb: true });
      expect((await file(w)).status).to.equal(422);
      const viaCase = await file(w, { ...(await grounded(w)), ...window(nextYear('02-02')) });
      expect(viaCase.status).to.equal(201);
      expect(viaCase.body.decision.findings.map((f: { ruleId: string; severity: string }) => [f.ruleId, f.severity])).to.deep.equal([
        ['enterprise.no-disturb', 'warn'],
      ]);
      const viaCampaign = await file(w, {
        ...(await campaignDoc('辽市监发〔2026〕12号')),
        ...window(nextYear('06-01')),
      });
      expect(viaCampaign.status, JSON.stringify(viaCampaign.body)).to.equal(201);
      expect(viaCampaign.body.filing.campaign).to.deep.equal({ level: 'higher', reference: '辽市监发〔2026〕12号' });
      const supervisor = await createKey({ role: 'supervisor', regions: ['1101'] });
      const listed = await h.api().get(`/api/v1/filings?finding=enterprise.no-disturb&enterprise=${w.uscc}`).set(auth(supervisor));
      expect(listed.body.items.map((f: { id: string }) => f.id).sort()).to.deep.equal(
        [viaCase.body.filing.id, viaCampaign.body.filing.id].sort(),
      );
      const v = await h.api().get(`/api/v1/verify/${viaCampaign.body.filing.verifyCode}`);
      expect(v.body.filing.campaign).to.deep.equal({ level: 'higher' });
      expect(JSON.stringify(v.body)).not.to.include('辽市监发〔2026〕12号');
    });

    it("a higher authority's campaign does not count toward the local cap", async () => {
      const w = await world('110101', { riskClass: 'B' });
      expect((await file(w, window(nextYear('03-02')))).status).to.equal(201);
      const campaign = await file(w, {
        ...(await campaignDoc('国市监发〔2026〕3号')),
        ...window(nextYear('05-04')),
      });
      expect(campaign.status, JSON.stringify(campaign.body)).to.equal(201);
      // and it is not counted against a later visit either... which the first already used up
      const later = await file(w, window(nextYear('09-07')));
      expect(later.status).to.equal(422);
      const cap = later.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'frequency.annual-same-agency');
      expect(cap.evidence).not.to.include(campaign.body.filing.id);
    });

    it('conduct.N4 reads legalRepresentativeReason: the case reason no longer satisfies it (Xifeng County)', async () => {
      const w = await world('211223');
      const res = await file(w, { ...(await grounded(w)), requiresLegalRepresentative: true });
      expect(res.status).to.equal(422);
      expect(ruleIds(res.body)).to.deep.equal(['conduct.N4']);
      expect(res.body.decision.findings[0].template).to.equal(true);
      const given = await file(w, { ...CASE, requiresLegalRepresentative: true, legalRepresentativeReason: '需法定代表人签署整改承诺书' });
      expect(given.status, JSON.stringify(given.body)).to.equal(201);
      expect(given.body.filing.legalRepresentativeReason).to.equal('需法定代表人签署整改承诺书');
    });
  });

  describe('a cancellation afterwards', () => {
    it('cancellation after the planned start is 409 naming the field; the result not_conducted still counts', async () => {
      const h = await harness();
      // both visits in December of one year: the cap is a calendar year's
      h.clock.set('2026-12-10T10:00:00+08:00');
      const w = await world('110101', { riskClass: 'B' });
      const start = later(2 * DAY);
      const filed = (await file(w, window(start))).body.filing;
      // before the start, not_conducted is refused: cancel instead
      const early = await h
        .api()
        .post(`/api/v1/filings/${filed.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: h.clock.now().toISOString(), outcome: 'not_conducted', summary: '未实施' });
      expect(early.status).to.equal(409);
      h.clock.set(new Date(start.getTime() + HOUR));
      const late = await h
        .api()
        .post(`/api/v1/filings/${filed.id}/cancel`)
        .set(auth(w.agencyKey))
        .set('Accept-Language', 'en')
        .send({ reason: '改期' });
      expect(late.status).to.equal(409);
      expect(late.body.error.details[0].path).to.equal('/plannedStart');
      expect(late.body.error.message).to.include('record a result');
      expect((await h.api().get(`/api/v1/filings/${filed.id}`).set(auth(w.agencyKey))).body.filing.status).to.equal('filed');
      // while the window is open, the enterprise may still confirm: not_conducted waits for its end
      const open = await h
        .api()
        .post(`/api/v1/filings/${filed.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: new Date(start.getTime() + HOUR).toISOString(), outcome: 'not_conducted', summary: '企业停产，未实施' });
      expect(open.status).to.equal(409);
      expect(open.body.error.details[0].path).to.equal('/outcome');
      h.clock.set(new Date(start.getTime() + 5 * HOUR));
      const result = await h
        .api()
        .post(`/api/v1/filings/${filed.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: new Date(start.getTime() + HOUR).toISOString(), outcome: 'not_conducted', summary: '企业停产，未实施' });
      expect(result.status).to.equal(200);
      expect(result.body.result.outcome).to.equal('not_conducted');
      const again = await file(w, window(new Date(start.getTime() + 10 * DAY)));
      expect(again.status).to.equal(422);
      expect(
        again.body.decision.findings.find((f: { ruleId: string }) => f.ruleId === 'frequency.annual-same-agency').evidence,
      ).to.deep.equal([filed.id]);
    });

    it('a cancelled filing verifies as valid: false with its status; completed and passed windows say so plainly', async () => {
      const h = await harness();
      const w = await world();
      const a = (await file(w)).body.filing;
      await h.api().post(`/api/v1/filings/${a.id}/cancel`).set(auth(w.agencyKey)).send({ reason: '计划调整' });
      const cancelled = await h.api().get(`/api/v1/verify/${a.verifyCode}`).set('Accept-Language', 'en');
      expect(cancelled.status).to.equal(200);
      expect(cancelled.body).to.include({ valid: false, activeNow: false });
      expect(cancelled.body.filing.status).to.equal('cancelled');
      expect(cancelled.body.notice.en).to.include('cancelled').and.include('not valid');

      const start = later(2 * DAY);
      const b = (await file(w, window(start))).body.filing;
      h.clock.set(new Date(start.getTime() + HOUR));
      const open = (await h.api().get(`/api/v1/verify/${b.verifyCode}`)).body;
      expect(open).to.include({ valid: true, activeNow: true, window: 'open' });
      h.clock.set(new Date(start.getTime() + 6 * HOUR));
      const passed = (await h.api().get(`/api/v1/verify/${b.verifyCode}`)).body;
      expect(passed).to.include({ valid: true, activeNow: false, window: 'passed' });
      expect(passed.notice['zh-CN']).to.include('已于').and.include('结束');
      await h
        .api()
        .post(`/api/v1/filings/${b.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: new Date(start.getTime() + HOUR).toISOString(), outcome: 'no_issues', summary: '未发现问题' });
      const done = (await h.api().get(`/api/v1/verify/${b.verifyCode}`).set('Accept-Language', 'en')).body;
      expect(done).to.include({ activeNow: false });
      expect(done.filing.status).to.equal('completed');
      expect(done.notice.en).to.include('completed').and.include('does not cover a new visit');
    });
  });

  describe('the record of what happened', () => {
    it('a result conducted before the filing existed is 400; one outside the window is kept and raises outside_window', async () => {
      const h = await harness();
      const w = await world('110101', { riskClass: 'B' });
      // filed for next year, "conducted" today: a visit made now put on next year's filing
      const later = (await file(w, window(nextYear('01-05')))).body.filing;
      const now = h.clock.now().toISOString();
      const early = await h
        .api()
        .post(`/api/v1/filings/${later.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: now, outcome: 'issues_found', summary: '发现问题' });
      expect(early.status).to.equal(200);
      const v = await h.runtime.store.db.selectFrom('violations').selectAll().where('filing_id', '=', later.id).execute();
      expect(v.map((x) => x.kind)).to.deep.equal(['outside_window']);
      for (const conductedAt of ['1970-01-01T00:00:00Z', fromNow(-DAY)]) {
        const f = (await file(w, { ...(await grounded(w)), ...window(nextYear('02-02')) })).body.filing;
        const res = await h
          .api()
          .post(`/api/v1/filings/${f.id}/result`)
          .set(auth(w.agencyKey))
          .send({ conductedAt, outcome: 'no_issues', summary: 's' });
        expect(res.status, conductedAt).to.equal(400);
        expect(res.body.error.details[0].path).to.equal('/conductedAt');
      }
      for (const conductedAt of ['0000-01-01T00:00:00Z', '2027-06-30T23:59:60Z']) {
        const res = await h
          .api()
          .post(`/api/v1/filings/${later.id}/result`)
          .set(auth(w.agencyKey))
          .send({ conductedAt, outcome: 'no_issues', summary: 's' });
        expect(res.status, conductedAt).to.equal(400);
      }
    });

    it('a desk review covers no visit: verification says so, and an arrival under it is an unfiled visit', async () => {
      const h = await harness();
      const w = await world('211223');
      const f = (
        await file(w, { onSite: false, purpose: 'observation', plannedStart: fromNow(10 * 60_000), plannedEnd: fromNow(4 * HOUR) })
      ).body.filing;
      expect(f.onSite).to.equal(false);
      h.clock.set(fromNow(HOUR));
      const v = (await h.api().get(`/api/v1/verify/${f.verifyCode}`).set('Accept-Language', 'en')).body;
      expect(v).to.include({ valid: true, activeNow: false, window: 'open' });
      expect(v.filing.onSite).to.equal(false);
      expect(v.notice.en).to.include('desk review').and.include('unfiled');
      const arrival = await h.api().post(`/api/v1/verify/${f.verifyCode}/arrival`).set(auth(w.enterpriseKey));
      expect(arrival.status).to.equal(200);
      const raised = await h.runtime.store.db.selectFrom('violations').select(['id', 'kind']).where('filing_id', '=', f.id).execute();
      expect(raised).to.deep.equal([{ id: arrival.body.violationId, kind: 'unfiled_inspection' }]);
    });

    it('not conducted is said plainly in public verification', async () => {
      const h = await harness();
      const w = await world();
      const start = later(2 * DAY);
      const f = (await file(w, window(start))).body.filing;
      h.clock.set(new Date(start.getTime() + 5 * HOUR));
      await h
        .api()
        .post(`/api/v1/filings/${f.id}/result`)
        .set(auth(w.agencyKey))
        .send({ conductedAt: new Date(start.getTime() + HOUR).toISOString(), outcome: 'not_conducted', summary: '企业停产' });
      const v = (await h.api().get(`/api/v1/verify/${f.verifyCode}`).set('Accept-Language', 'en')).body;
      expect(v.notice.en).to.include('not conducted');
      expect(v.activeNow).to.equal(false);
    });
  });

  describe('grounds that say nothing', () => {
    it('invisible characters are not grounds: a zero-width reference is 400, a zero-width reason counts as none', async () => {
      const h = await harness();
      const w = await world('110101', { riskClass: 'A', noDisturb: true });
      const zw = '\u200b\u200b\u200b\u200b\u2060';
      const noRef = await h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .send(filingBody(w, { ...CASE, trigger: { kind: 'other', reference: zw } }));
      expect(noRef.status).to.equal(400);
      expect(noRef.body.error.details.map((d: { path: string }) => d.path)).to.include('/trigger/reference');
      const noReason = await file(w, { ...CASE, reason: zw });
      expect(noReason.status).to.equal(422);
      expect(ruleIds(noReason.body)).to.include('filing.reason-required');
      const x = await world('211223');
      const n4 = await file(x, { requiresLegalRepresentative: true, legalRepresentativeReason: zw });
      expect(ruleIds(n4.body)).to.include('conduct.N4');
    });

    it('blank letters and punctuation are not grounds either', async () => {
      const h = await harness();
      const w = await world('110101', { riskClass: 'A', noDisturb: true });
      const filler = '\u3164\u3164\u3164\u3164';
      for (const trigger of [
        { kind: 'other', reference: filler },
        { kind: 'other', reference: '\u2800\uFE0F' },
      ]) {
        const res = await h
          .api()
          .post('/api/v1/filings')
          .set(auth(w.agencyKey))
          .send(filingBody(w, { ...CASE, trigger }));
        expect(res.status, JSON.stringify(trigger)).to.equal(400);
      }
      const campaign = await h
        .api()
        .post('/api/v1/filings')
        .set(auth(w.agencyKey))
        .send(filingBody(w, { type: 'special', campaign: { level: 'higher', reference: '\uFFA0' } }));
      expect(campaign.status).to.equal(400);
      for (const reason of ['。。。。', 'a\u0301\u0301\u0301', filler]) {
        const res = await file(w, { ...CASE, reason });
        expect(res.status, reason).to.equal(422);
        expect(ruleIds(res.body)).to.include('filing.reason-required');
      }
      const name = await h
        .api()
        .post('/api/v1/enterprises')
        .set(admin)
        .send({ uscc: randomUscc('110101'), name: filler, region: '110101' });
      expect(name.status).to.equal(400);
    });

    it('an emergency is not a standing pass: a window over three days is refused', async () => {
      const w = await world('110101', { riskClass: 'A', noDisturb: true });
      const res = await file(w, {
        type: 'emergency',
        reason: '突发事故',
        trigger: emergencyTrigger(),
        plannedStart: fromNow(59 * 60_000),
        plannedEnd: fromNow(15 * DAY),
      });
      expect(res.status).to.equal(422);
      expect(ruleIds(res.body)).to.include('filing.emergency-window');
    });

    it('one credential spelt another way is the same credential', async () => {
      const h = await harness();
      const a = await createAgency('110101');
      const add = (credentialNo: string) =>
        h.api().post(`/api/v1/agencies/${a.id}/inspectors`).set(admin).send({ name: '张三', credentialNo, validUntil: '2030-12-31' });
      expect((await add('LN21122300001001')).status).to.equal(201);
      for (const twin of ['ln21122300001001', 'LN-21122300001001']) expect((await add(twin)).status, twin).to.equal(409);
      // nor can another agency register the same officer as its own
      const b = await createAgency('110101');
      const elsewhere = await h
        .api()
        .post(`/api/v1/agencies/${b.id}/inspectors`)
        .set(admin)
        .send({ name: '张三', credentialNo: 'Ln-2112-2300-001001', validUntil: '2030-12-31' });
      expect(elsewhere.status).to.equal(409);
      // and a number needs six letters or digits, separators aside
      expect((await add('------')).status).to.equal(400);
      expect((await add('A-----')).status).to.equal(400);
    });
  });

  describe('credentials', () => {
    it('a credential valid until a date covers that whole local day: a visit ending at local midnight passes', async () => {
      const w = await world();
      const a = await createAgency(w.region);
      // 3 days from now, 09:00 to midnight in Shanghai; credentials valid until that day
      const day = localDate(later(3 * DAY), 'Asia/Shanghai');
      const inspectors = [await addInspector(a.id, day), await addInspector(a.id, day)];
      const mine = { ...w, agencyId: a.id, agencyKey: a.key, inspectorIds: inspectors };
      const start = new Date(`${day}T01:00:00Z`);
      const midnight = new Date(`${day}T16:00:00Z`);
      const res = await file(mine, { plannedStart: start.toISOString(), plannedEnd: midnight.toISOString() });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(ruleIds(res.body)).not.to.include('inspectors.min-certified');
    });
  });
});
