import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createServices } from '../../src/services/index.js';
import { RuleSetRegistry } from '../../src/services/rulesets.js';
import { ADMIN_KEY, harness } from '../support/harness.js';
import {
  addInspector,
  auth,
  caseOn,
  createAgency,
  emergencyTrigger,
  file,
  filingBody,
  fromNow,
  later,
  shanghaiAt,
  world,
  type World,
} from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Another agency of the same region with two inspectors, filing a case inspection at `at`. */
async function otherAgencyVisits(w: World, at: Date) {
  const h = await harness();
  const other = await createAgency(w.region);
  const inspectorIds = [await addInspector(other.id), await addInspector(other.id)];
  const res = await h
    .api()
    .post('/api/v1/filings')
    .set(auth(other.key))
    .send(
      filingBody(
        { ...w, agencyId: other.id, agencyKey: other.key, inspectorIds },
        { ...(await caseOn(w)), plannedStart: at.toISOString(), plannedEnd: new Date(at.getTime() + 4 * HOUR).toISOString() },
      ),
    );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
}

async function decisionFor(w: World, over: Record<string, unknown> = {}) {
  const h = await harness();
  const res = await h
    .api()
    .post('/api/v1/filings/check')
    .set(auth(w.agencyKey))
    .send(filingBody(w, over, h.clock.now()));
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res.body.decision as { outcome: string; findings: { ruleId: string; severity: string; message: { en: string } }[] };
}

const start = () => later(48 * HOUR);

// Each rule of the shipped catalog, made to fire through the API on the real database.
const scenarios: {
  id: string;
  severity: 'block' | 'warn';
  setup?: (w: World) => Promise<Record<string, unknown> | void>;
  enterprise?: Record<string, unknown>;
  region?: string;
  /** the filing agency's own division, when it is not the enterprise's */
  agencyRegion?: string;
}[] = [
  {
    id: 'agency.registered',
    severity: 'block',
    setup: async (w) => {
      const off = await (await harness()).api().patch(`/api/v1/agencies/${w.agencyId}`).set(auth(ADMIN_KEY)).send({ active: false });
      expect(off.status).to.equal(200);
    },
  },
  { id: 'inspectors.min-certified', severity: 'block', setup: async (w) => ({ inspectorIds: [w.inspectorIds[0]] }) },
  {
    id: 'inspectors.each-agency',
    severity: 'block',
    // a joint agency named on the filing that sends none of its own inspectors
    setup: async (w) => ({ jointAgencyIds: [(await createAgency(w.region)).id] }),
  },
  {
    id: 'filing.emergency-window',
    severity: 'block',
    setup: async () => ({
      type: 'emergency',
      reason: '突发事故处置',
      trigger: emergencyTrigger(),
      plannedStart: fromNow(10 * 60_000),
      plannedEnd: fromNow(15 * DAY),
    }),
  },
  { id: 'items.published', severity: 'block', setup: async () => ({ itemCodes: ['NOT-ON-THE-LIST'] }) },
  { id: 'filing.reason-required', severity: 'block', setup: async (w) => ({ ...(await caseOn(w)), reason: undefined }) },
  // a case on a ticket nobody registered
  {
    id: 'grounds.registered',
    severity: 'block',
    setup: async () => ({ type: 'case', reason: '投诉举报核查', trigger: { kind: 'complaint', reference: '12345-NOBODY-REGISTERED' } }),
  },
  // an agency of another county, with no referral sending it here
  { id: 'agency.jurisdiction', severity: 'block', region: '110101', setup: async () => ({}), agencyRegion: '211223' },
  { id: 'filing.window', severity: 'block', setup: async () => ({ plannedEnd: new Date(start().getTime() + 16 * DAY).toISOString() }) },
  {
    id: 'frequency.annual-same-agency',
    severity: 'block',
    enterprise: { riskClass: 'B' },
    // a visit later in the same calendar year, filed first; on 2 December, 30 days ahead was next year
    setup: async (w) => {
      (await harness()).clock.set('2026-12-02T10:00:00+08:00');
      expect((await file(w, { plannedStart: fromNow(20 * DAY), plannedEnd: fromNow(20 * DAY + 4 * HOUR) })).status).to.equal(201);
    },
  },
  {
    id: 'frequency.alert-day',
    severity: 'warn',
    // both visits on one Shanghai day, whatever the hour the test runs at
    setup: async (w) => {
      await otherAgencyVisits(w, shanghaiAt(2, 14));
      return { plannedStart: shanghaiAt(2, 9).toISOString(), plannedEnd: shanghaiAt(2, 12).toISOString() };
    },
  },
  {
    id: 'frequency.alert-week',
    severity: 'warn',
    setup: async (w) => {
      await otherAgencyVisits(w, new Date(start().getTime() + 2 * DAY));
      await otherAgencyVisits(w, new Date(start().getTime() + 4 * DAY));
    },
  },
  {
    id: 'frequency.alert-month',
    severity: 'warn',
    setup: async (w) => {
      for (const d of [9, 17, 25]) await otherAgencyVisits(w, new Date(start().getTime() + d * DAY));
    },
  },
  {
    id: 'frequency.no-findings-streak',
    severity: 'warn',
    setup: async (w) => {
      const h = await harness();
      for (const d of [3, 4, 5]) {
        const f = (await file(w, { ...(await caseOn(w)), plannedStart: fromNow(d * DAY), plannedEnd: fromNow(d * DAY + HOUR) })).body
          .filing;
        await h
          .api()
          .post(`/api/v1/filings/${f.id}/result`)
          .set(auth(w.agencyKey))
          .send({ conductedAt: h.clock.now().toISOString(), outcome: 'no_issues', summary: '未发现问题' });
      }
      return { plannedStart: fromNow(60 * DAY), plannedEnd: fromNow(60 * DAY + HOUR) };
    },
  },
  { id: 'coordination.joint-suggested', severity: 'warn', setup: async (w) => otherAgencyVisits(w, new Date(start().getTime() + 3 * DAY)) },
  { id: 'enterprise.no-disturb', severity: 'block', enterprise: { riskClass: 'A', noDisturb: true } },
  { id: 'filing.lead-time', severity: 'warn', setup: async () => ({ plannedStart: fromNow(5 * HOUR), plannedEnd: fromNow(9 * HOUR) }) },
  { id: 'filing.onsite-justified', severity: 'warn', setup: async () => ({ onSiteJustification: undefined }) },
  {
    id: 'filing.emergency-late',
    severity: 'block',
    setup: async () => ({
      type: 'emergency',
      reason: '突发危化品泄漏处置',
      trigger: emergencyTrigger(),
      plannedStart: fromNow(-30 * HOUR),
      plannedEnd: fromNow(-26 * HOUR),
    }),
  },
  {
    id: 'filing.emergency-now',
    severity: 'block',
    setup: async () => ({
      type: 'emergency',
      reason: '危化品泄漏风险',
      trigger: emergencyTrigger(),
      plannedStart: fromNow(3 * HOUR),
      plannedEnd: fromNow(6 * HOUR),
    }),
  },
  // a random inspection nobody drew
  { id: 'random.drawn', severity: 'block', setup: async () => ({ type: 'random', drawAssignmentId: 'asg_nobody_drew_this' }) },
  // the seven not-allowed apply in Xifeng County
  { id: 'conduct.N4', severity: 'block', region: '211223', setup: async () => ({ requiresLegalRepresentative: true }) },
  { id: 'conduct.N6', severity: 'block', region: '211223', setup: async () => ({ purpose: 'supervision' }) },
];

describe('every catalog rule fires through the API', () => {
  for (const s of scenarios) {
    it(`${s.id} (${s.severity})`, async () => {
      let w = await world(s.region ?? '110101', s.enterprise ?? { riskClass: 'D' });
      if (s.agencyRegion) {
        const a = await createAgency(s.agencyRegion);
        w = { ...w, agencyId: a.id, agencyKey: a.key, inspectorIds: [await addInspector(a.id), await addInspector(a.id)] };
      }
      const over = (await s.setup?.(w)) ?? {};
      const d = await decisionFor(w, over);
      const f = d.findings.find((x) => x.ruleId === s.id);
      expect(f, `${s.id} not in ${JSON.stringify(d.findings.map((x) => x.ruleId))}`).not.to.equal(undefined);
      expect(f?.severity).to.equal(s.severity);
      expect(f?.message.en).not.to.match(/\{\w+\}/);
      expect(d.outcome).to.equal(d.findings.some((x) => x.severity === 'block') ? 'block' : 'warn');
    });
  }

  it('quiet.days-of-month (shipped disabled) fires once a county switches it on', async () => {
    const h = await harness();
    const dir = await tempDir('rules');
    await cp('rules/national-baseline.json', join(dir, 'national-baseline.json'));
    await writeFile(
      join(dir, 'county.json'),
      JSON.stringify({
        id: 'quiet-county',
        version: '1.0.0',
        title: { 'zh-CN': '宁静日', en: 'quiet days' },
        jurisdiction: '110101',
        effectiveFrom: '2025-01-01',
        enabled: true,
        rules: [],
        overrides: [{ id: 'quiet.days-of-month', enabled: true, params: { fromDay: 1, toDay: 31 } }],
      }),
    );
    const rules = new RuleSetRegistry(dir, h.log);
    await rules.reload();
    const api = supertest(
      createApp({
        services: createServices({ ...h.runtime.services.ctx, rules }),
        log: h.log,
        bodyLimit: 65536,
        verifyRateLimit: 1000,
        version: 't',
      }),
    );
    const w = await world('110101');
    const res = await api.post('/api/v1/filings/check').set(auth(w.agencyKey)).send(filingBody(w));
    expect(res.body.decision.findings.map((f: { ruleId: string }) => f.ruleId)).to.include('quiet.days-of-month');
    expect((await decisionFor(w)).findings.map((f) => f.ruleId)).not.to.include('quiet.days-of-month');
  });

  it('covers every enabled rule the shipped sets can fire at filing', async () => {
    const h = await harness();
    const fireable = h.runtime.services.rulesets
      .active()
      .flatMap((s) => s.file.rules)
      .filter((r) => r.enabled !== false && !(r.kind === 'conduct' && r.params.check === 'reported'))
      .map((r) => r.id);
    expect(scenarios.map((s) => s.id).sort()).to.deep.equal(fireable.sort());
  });
});
