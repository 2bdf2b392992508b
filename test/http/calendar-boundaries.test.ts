import { expect } from 'chai';
import { harness } from '../support/harness.js';
import { addInspector, admin, auth, createAgency, createKey, file, world, type World } from '../support/fixtures.js';

// The awkward instants of the calendar, through the API, on a clock each test sets: the last
// minutes of a year in Shanghai (when UTC is still in the old year), the first working day after
// Spring Festival and the Saturdays worked in lieu, and 29 February of a year whose holidays are
// not yet published. The rules count in Asia/Shanghai, whatever the machine's zone.

const ruleIds = (body: { decision?: { findings: { ruleId: string }[] } }) => (body.decision?.findings ?? []).map((f) => f.ruleId);
const capFinding = (body: { decision: { findings: { ruleId: string; evidence: string[] }[] } }) =>
  body.decision.findings.find((f) => f.ruleId === 'frequency.annual-same-agency');
const window = (from: string, to: string) => ({ plannedStart: from, plannedEnd: to });

async function sweepAt(at: string, filingId: string) {
  const h = await harness();
  h.clock.set(at);
  const run = await h.api().post('/api/v1/jobs/sweep/run').set(admin).send({});
  expect(run.status, JSON.stringify(run.body)).to.equal(200);
  return h.runtime.store.db
    .selectFrom('violations')
    .select(['kind', 'details'])
    .where('filing_id', '=', filingId)
    .where('kind', '=', 'result_overdue')
    .execute();
}

describe('the calendar at its awkward instants, through the API', () => {
  describe('New Year in Shanghai, while UTC is still on 31 December', () => {
    it('a filing number carries the year of Shanghai at the moment of filing: 23:59 and 00:00 are different years', async () => {
      const h = await harness();
      const w = await world('120101');
      h.clock.set('2026-12-31T23:59:30+08:00');
      const last = await file(w, window('2027-01-04T09:00:00+08:00', '2027-01-04T12:00:00+08:00'));
      expect(last.status, JSON.stringify(last.body)).to.equal(201);
      expect(last.body.filing.filingNo).to.match(/^120101-2026-\d{7}$/);
      h.clock.set('2027-01-01T00:00:30+08:00'); // 2026-12-31T16:00:30Z
      const first = await file(w, window('2027-01-05T09:00:00+08:00', '2027-01-05T12:00:00+08:00'));
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      expect(first.body.filing.filingNo).to.match(/^120101-2027-\d{7}$/);
    });

    it('visits at 20:00 on 31 December and 00:30 on 1 January: two years, two days; each in its cap, no day alert', async () => {
      const h = await harness();
      const w = await world('211223', { riskClass: 'B' });
      h.clock.set('2026-12-29T10:00:00+08:00');
      const eve = await file(w, window('2026-12-31T20:00:00+08:00', '2026-12-31T23:30:00+08:00'));
      expect(eve.status, JSON.stringify(eve.body)).to.equal(201);
      // 16:30 UTC on 31 December: a count by UTC would put it in the year and on the day of the first
      const night = await file(w, window('2027-01-01T00:30:00+08:00', '2027-01-01T03:00:00+08:00'));
      expect(night.status, JSON.stringify(night.body)).to.equal(201);
      expect(ruleIds(night.body)).not.to.include('frequency.alert-day').and.not.to.include('frequency.annual-same-agency');
      // and each year's one visit is used up
      const morning = await file(w, window('2027-01-02T09:00:00+08:00', '2027-01-02T12:00:00+08:00'));
      expect(morning.status).to.equal(422);
      expect(capFinding(morning.body)?.evidence).to.deep.equal([night.body.filing.id]);
      const earlier = await file(w, window('2026-12-31T08:00:00+08:00', '2026-12-31T10:00:00+08:00'));
      expect(earlier.status).to.equal(422);
      expect(capFinding(earlier.body)?.evidence).to.deep.equal([eve.body.filing.id]);
    });

    it('at 00:05 on 1 January the digest of 31 December can run and holds its last minute; 1 January cannot yet', async () => {
      const h = await harness();
      const w = await world('120102');
      const supervisor = await createKey({ role: 'supervisor', regions: ['120102'] });
      h.clock.set('2026-12-31T23:59:00+08:00');
      expect((await file(w, { itemCodes: ['NOT-ON-THE-LIST'] })).status).to.equal(422);
      h.clock.set('2027-01-01T00:01:00+08:00');
      expect((await file(w, { itemCodes: ['NOT-ON-THE-LIST'] })).status).to.equal(422);
      h.clock.set('2027-01-01T00:05:00+08:00');
      expect(
        (await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2027-01-01' })).status,
        'the day is not over',
      ).to.equal(400);
      const run = await h.api().post('/api/v1/jobs/digest/run').set(admin).send({ date: '2026-12-31' });
      expect(run.status, JSON.stringify(run.body)).to.equal(200);
      const digest = await h.api().get('/api/v1/digests/2026-12-31').set(auth(supervisor));
      expect(digest.status).to.equal(200);
      expect(digest.body.attempts).to.include({ blocked: 1 });
    });
  });

  describe('Spring Festival 2026 (15-23 February off, Saturdays 14 and 28 February worked)', () => {
    it('a window ending on the Saturday worked before the holiday: its result is due by Saturday 28 February', async () => {
      const h = await harness();
      const w = await world();
      h.clock.set('2026-02-10T10:00:00+08:00');
      const f = await file(w, window('2026-02-14T09:00:00+08:00', '2026-02-14T17:00:00+08:00'));
      expect(f.status, JSON.stringify(f.body)).to.equal(201);
      expect(await sweepAt('2026-02-28T23:30:00+08:00', f.body.filing.id)).to.have.length(0);
      const due = await sweepAt('2026-03-01T00:30:00+08:00', f.body.filing.id);
      expect(due).to.have.length(1);
      expect(due[0]?.details).to.include({ lastDay: '2026-02-28', workdays: 5 });
    });

    it('on the first working day after the holiday, a visit filed for that morning files, with the lead-time warning', async () => {
      const h = await harness();
      const w = await world();
      h.clock.set('2026-02-24T08:00:00+08:00');
      const res = await file(w, window('2026-02-24T09:00:00+08:00', '2026-02-24T12:00:00+08:00'));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      // an hour's notice is short of the 24 hours asked, holiday or not
      expect(ruleIds(res.body)).to.include('filing.lead-time');
    });
  });

  describe('29 February 2028 (a leap day, in a year whose holidays are not published yet)', () => {
    it('a credential valid until 29 February covers that whole day, not 1 March', async () => {
      const h = await harness();
      const w = await world();
      const a = await createAgency(w.region);
      const mine: World = {
        ...w,
        agencyId: a.id,
        agencyKey: a.key,
        inspectorIds: [await addInspector(a.id, '2028-02-29'), await addInspector(a.id, '2028-02-29')],
      };
      h.clock.set('2028-02-25T10:00:00+08:00');
      const leapDay = await file(mine, window('2028-02-29T09:00:00+08:00', '2028-03-01T00:00:00+08:00'));
      expect(leapDay.status, JSON.stringify(leapDay.body)).to.equal(201);
      expect(ruleIds(leapDay.body)).not.to.include('inspectors.min-certified');
      const march = await file(mine, window('2028-03-01T09:00:00+08:00', '2028-03-01T12:00:00+08:00'));
      expect(march.status).to.equal(422);
      expect(ruleIds(march.body)).to.include('inspectors.min-certified');
    });

    it('a window of 15 days counts the leap day: 20 February to 6 March is 15 days, a minute more is refused', async () => {
      const h = await harness();
      const w = await world();
      h.clock.set('2028-02-18T10:00:00+08:00');
      const longest = await file(w, window('2028-02-20T00:00:00+08:00', '2028-03-06T00:00:00+08:00'));
      expect(longest.status, JSON.stringify(longest.body)).to.equal(201);
      const over = await file(w, window('2028-02-20T00:00:00+08:00', '2028-03-06T00:01:00+08:00'));
      expect(over.status).to.equal(422);
      expect(ruleIds(over.body)).to.include('filing.window');
    });

    it('working days fall back to Monday-Friday, say so in the log, and count 29 February', async () => {
      const h = await harness();
      const w = await world();
      h.clock.set('2028-02-22T10:00:00+08:00');
      // ends on Friday 25 February: Monday 28, Tuesday 29, Wednesday 1, Thursday 2, Friday 3 March
      const f = await file(w, window('2028-02-25T09:00:00+08:00', '2028-02-25T17:00:00+08:00'));
      expect(f.status, JSON.stringify(f.body)).to.equal(201);
      expect(await sweepAt('2028-03-03T23:30:00+08:00', f.body.filing.id)).to.have.length(0);
      const due = await sweepAt('2028-03-04T00:30:00+08:00', f.body.filing.id);
      expect(due).to.have.length(1);
      expect(due[0]?.details).to.include({ lastDay: '2028-03-03', workdays: 5 });
      const warned = h.logs.lines.map((l) => JSON.parse(l) as { msg: string; year?: number }).filter((l) => l.year === 2028);
      expect(warned.map((l) => l.msg)).to.deep.equal([
        'no published PRC holiday calendar for this year: counting Monday to Friday as working days',
      ]);
    });
  });
});
