import { expect } from 'chai';
import fc from 'fast-check';
import { localYear } from '../../src/domain/calendar.js';
import { clock, harness } from '../support/harness.js';
import { addInspector, auth, createAgency, createEnterprise, filingBody, registerGround, type World } from '../support/fixtures.js';

// Properties of the rules over random sets of visits filed through the API in random order, on
// the real database: the annual cap is never exceeded in any calendar year, whatever the order,
// and a filing's findings depend on which visits are on record, not on the order they came in.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Asia/Shanghai';
const REGION = '110101'; // national defaults: risk class B is capped at 1 a year
const CAPPED = ['routine', 'special'];

interface Visit {
  agency: number;
  joint: boolean;
  day: number;
  hour: number;
  hours: number;
  type: 'routine' | 'special' | 'case';
}

/** Local midnight of 1 January next year: every visit lies in the future and spans two calendar years. */
const base = () => Date.UTC(localYear(clock.now(), TZ) + 1, 0, 1) - 8 * HOUR;

const visitArb = (agencies: number, days: number, types: Visit['type'][]) =>
  fc.record({
    agency: fc.integer({ min: 0, max: agencies - 1 }),
    joint: fc.boolean(),
    day: fc.integer({ min: 0, max: days - 1 }),
    hour: fc.integer({ min: 0, max: 23 }),
    hours: fc.integer({ min: 1, max: 72 }),
    type: fc.constantFrom(...types),
  });

/** Visits around the turn of the year, windows up to three days: some cross into the next year. */
const nearYearEnd = fc.record({
  agency: fc.integer({ min: 0, max: 2 }),
  joint: fc.boolean(),
  day: fc.integer({ min: 360, max: 366 }),
  hour: fc.integer({ min: 0, max: 23 }),
  hours: fc.integer({ min: 1, max: 72 }),
  type: fc.constantFrom<Visit['type']>('routine', 'special'),
});

describe('properties of the rules under any order of filing (fast-check, through the API)', () => {
  let agencies: World[];

  before(async () => {
    agencies = [];
    for (let i = 0; i < 3; i++) {
      const a = await createAgency(REGION);
      agencies.push({
        agencyId: a.id,
        agencyKey: a.key,
        inspectorIds: [await addInspector(a.id), await addInspector(a.id)],
        uscc: '',
        enterpriseKey: '',
        region: REGION,
      });
    }
  });

  function bodyFor(v: Visit, uscc: string) {
    const lead = agencies[v.agency] as World;
    const partner = agencies[(v.agency + 1) % agencies.length] as World;
    const start = base() + v.day * DAY + v.hour * HOUR;
    return filingBody(
      { ...lead, uscc },
      {
        type: v.type,
        plannedStart: new Date(start).toISOString(),
        plannedEnd: new Date(start + v.hours * HOUR).toISOString(),
        ...(v.type === 'case' ? { reason: '投诉举报核查', trigger: { kind: 'complaint', reference: '12345-2027-000001' } } : {}),
        ...(v.joint ? { jointAgencyIds: [partner.agencyId], inspectorIds: [lead.inspectorIds[0], partner.inspectorIds[0]] } : {}),
      },
    );
  }

  const grounded = new Set<string>();
  async function fileAll(visits: Visit[], uscc: string) {
    const h = await harness();
    // the ticket every case cites, in the register for this enterprise (grounding any number of visits here:
    // the property is about caps, not grounds)
    if (visits.some((v) => v.type === 'case') && !grounded.has(uscc)) {
      await registerGround(uscc, { reference: '12345-2027-000001', maxVisits: 100, validTo: '2099-12-31' });
      grounded.add(uscc);
    }
    const out: { visit: Visit; status: number; id: string | null; findings: { ruleId: string; severity: string; evidence: string[] }[] }[] =
      [];
    for (const v of visits) {
      const res = await h
        .api()
        .post('/api/v1/filings')
        .set(auth((agencies[v.agency] as World).agencyKey))
        .send(bodyFor(v, uscc));
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).to.be.oneOf([201, 422]);
      out.push({ visit: v, status: res.status, id: res.body.filing?.id ?? null, findings: res.body.decision.findings });
    }
    return out;
  }

  it('random visits filed in random order never leave more allowed filings in a calendar year than the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(visitArb(3, 730, ['routine', 'special', 'case']), nearYearEnd), { minLength: 2, maxLength: 8 }),
        async (visits) => {
          const uscc = await createEnterprise(REGION, { riskClass: 'B' });
          const filed = await fileAll(visits, uscc);
          // every joint agency then tries to accept, in filing order: acceptance is checked against its cap
          const accepted = new Set<string>();
          for (const f of filed.filter((x) => x.status === 201 && x.visit.joint)) {
            const joint = agencies[(f.visit.agency + 1) % agencies.length] as World;
            const res = await (await harness()).api().post(`/api/v1/filings/${f.id}/joint/accept`).set(auth(joint.agencyKey)).send({});
            expect(res.status, JSON.stringify(res.body).slice(0, 300)).to.be.oneOf([200, 422]);
            if (res.status === 200) accepted.add(f.id as string);
          }
          for (let a = 0; a < agencies.length; a++) {
            // an agency is on a visit it led, or joined and accepted
            const on = (f: (typeof filed)[number]) =>
              f.visit.agency === a || (f.visit.joint && (f.visit.agency + 1) % agencies.length === a && accepted.has(f.id as string));
            const perYear = new Map<number, number>();
            for (const f of filed) {
              if (f.status !== 201 || !CAPPED.includes(f.visit.type) || !on(f)) continue;
              // a visit counts in every calendar year its window touches (31 December to 2 January: both)
              const start = base() + f.visit.day * DAY + f.visit.hour * HOUR;
              for (let year = localYear(start, TZ); year <= localYear(start + f.visit.hours * HOUR - 1, TZ); year++)
                perYear.set(year, (perYear.get(year) ?? 0) + 1);
            }
            for (const [year, n] of perYear)
              expect(n, `agency ${a}, ${year}: ${JSON.stringify(filed.map((f) => [f.visit, f.status]))}`).to.be.at.most(1);
          }
          // and nothing was refused that the cap did not call for
          for (const f of filed.filter((x) => x.status === 422)) {
            const cap = f.findings.find((x) => x.ruleId === 'frequency.annual-same-agency');
            expect(cap, JSON.stringify(f)).not.to.equal(undefined);
            expect(cap!.evidence.length).to.be.at.least(1);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a filing's findings do not depend on the order in which the earlier ones were filed", async () => {
    const h = await harness();
    // case inspections are never capped, so both orders put the same visits on record
    const scenario = fc.array(visitArb(3, 45, ['case']), { minLength: 2, maxLength: 6 }).chain((visits) =>
      fc.tuple(
        fc.constant(visits),
        fc.shuffledSubarray(
          visits.map((_, i) => i),
          { minLength: visits.length, maxLength: visits.length },
        ),
        visitArb(3, 45, ['routine', 'case']),
      ),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ([visits, order, probe]) => {
        const one = await createEnterprise(REGION, { riskClass: 'D' });
        const two = await createEnterprise(REGION, { riskClass: 'D' });
        const filedOne = await fileAll(visits, one);
        const filedTwo = await fileAll(
          order.map((i) => visits[i] as Visit),
          two,
        );
        // ids are per enterprise: compare findings with evidence named by the visit it points at
        const indexOne = new Map(filedOne.map((f, i) => [f.id, i]));
        const indexTwo = new Map(filedTwo.map((f, k) => [f.id, order[k]]));
        const shape = async (uscc: string, index: Map<string | null, number | undefined>, v: Visit) => {
          const res = await h
            .api()
            .post('/api/v1/filings/check')
            .set(auth((agencies[v.agency] as World).agencyKey))
            .send(bodyFor(v, uscc));
          expect(res.status).to.equal(200);
          return (res.body.decision.findings as { ruleId: string; severity: string; evidence: string[] }[])
            .map((f) => ({ ruleId: f.ruleId, severity: f.severity, evidence: f.evidence.map((e) => index.get(e) ?? e).sort() }))
            .sort((a, b) => a.ruleId.localeCompare(b.ruleId));
        };
        for (const v of [probe, ...visits]) {
          expect(await shape(two, indexTwo, v)).to.deep.equal(await shape(one, indexOne, v));
        }
      }),
      { numRuns: 12 },
    );
  });
});
