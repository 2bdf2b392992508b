import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../src/http/app.js';
import { loadRuleSets, RuleLoadError } from '../../src/rules/load.js';
import { createServices } from '../../src/services/index.js';
import { RuleSetRegistry } from '../../src/services/rulesets.js';
import { harness } from '../support/harness.js';
import { auth, filingBody, world } from '../support/fixtures.js';
import { tempDir } from '../support/temp.js';

const county = (overrides: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'xifeng-county',
  version: '1.0.0',
  title: { 'zh-CN': '西丰县补充规则', en: 'Xifeng County additions' },
  jurisdiction: '211223',
  effectiveFrom: '2025-01-01',
  enabled: true,
  rules: [],
  overrides,
  ...extra,
});

async function folderWith(doc: unknown): Promise<string> {
  const dir = await tempDir('rules');
  await cp('rules/national-baseline.json', join(dir, 'national-baseline.json'));
  await writeFile(join(dir, 'county.json'), JSON.stringify(doc));
  return dir;
}

async function problems(doc: unknown) {
  try {
    await loadRuleSets(await folderWith(doc));
  } catch (e) {
    if (e instanceof RuleLoadError) return e.problems.map((p) => ({ pointer: p.pointer, message: p.message }));
    throw e;
  }
  return [];
}

describe('a more local rule set overrides national rules by id', () => {
  it('a county lowering the cap applies to its enterprises only, and its findings name the county set', async () => {
    const h = await harness();
    const dir = await folderWith(
      county([{ id: 'frequency.annual-same-agency', params: { maxByRiskClass: { A: 0, B: 0, C: 1, D: 1, unknown: 0 } } }]),
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

    const inCounty = await world('211223', { riskClass: 'B' });
    const d = (await api.post('/api/v1/filings/check').set(auth(inCounty.agencyKey)).send(filingBody(inCounty))).body.decision;
    const f = d.findings.find((x: { ruleId: string }) => x.ruleId === 'frequency.annual-same-agency');
    expect(f.ruleSet).to.equal('xifeng-county@1.0.0');
    expect(f.message.en).to.include('the annual cap for risk class B is 0');
    expect(d.ruleSets.map((s: { id: string }) => s.id)).to.deep.equal(['national-baseline', 'xifeng-county']);

    const elsewhere = await world('110101', { riskClass: 'B' });
    const d2 = (await api.post('/api/v1/filings/check').set(auth(elsewhere.agencyKey)).send(filingBody(elsewhere))).body.decision;
    expect(d2.outcome).to.equal('allow');
    expect(d2.ruleSets.map((s: { id: string }) => s.id)).to.deep.equal(['national-baseline']);
  });

  it('a county may change a severity or switch a rule off', async () => {
    const h = await harness();
    const sets = await loadRuleSets(
      await folderWith(
        county([
          { id: 'filing.lead-time', severity: 'block' },
          { id: 'filing.onsite-justified', enabled: false },
        ]),
      ),
    );
    const { evaluate } = await import('../../src/rules/evaluate.js');
    const now = new Date('2026-03-10T02:00:00Z');
    const input = {
      agencyId: 'ag',
      enterpriseUscc: 'E',
      type: 'routine' as const,
      itemCodes: ['X'],
      inspectorIds: ['i1', 'i2'],
      plannedStart: new Date(now.getTime() + 3_600_000),
      plannedEnd: new Date(now.getTime() + 7_200_000),
      onSite: true,
      reason: null,
      onSiteJustification: null,
      jointAgencyIds: [],
      purpose: 'inspection' as const,
      requiresLegalRepresentative: false,
      legalRepresentativeReason: null,
      trigger: null,
      campaign: null,
      drawAssignmentId: null,
    };
    const facts = {
      agency: { id: 'ag', name: 'ag', active: true, region: '211223', itemCodes: ['X'], systemIds: [] },
      jointAgencies: [],
      inspectors: [
        { id: 'i1', agencyId: 'ag', credentialNo: 'A', validUntil: '2099-01-01' },
        { id: 'i2', agencyId: 'ag', credentialNo: 'B', validUntil: '2099-01-01' },
      ],
      enterprise: { uscc: 'E', region: '211223', riskClass: null, noDisturb: false },
      history: [],
      assignment: null,
      grounds: [],
    };
    const d = evaluate(sets, input, facts, { now, tz: h.config.tzRegion });
    expect(d.findings.map((f) => [f.ruleId, f.severity])).to.deep.equal([['filing.lead-time', 'block']]);
    expect(
      evaluate(
        sets,
        input,
        { ...facts, agency: { ...facts.agency, region: '110101' }, enterprise: { ...facts.enterprise, region: '110101' } },
        { now, tz: h.config.tzRegion },
      )
        .findings.map((f) => f.ruleId)
        .sort(),
    ).to.deep.equal(['filing.lead-time', 'filing.onsite-justified']);
  });

  it('refuses overlapping rule ids, overrides of unknown rules, overrides that are not more local, and bad parameters', async () => {
    const base = await import('node:fs/promises')
      .then((fs) => fs.readFile('rules/national-baseline.json', 'utf8'))
      .then((t) => JSON.parse(t));
    const dup = await problems(county([], { rules: [base.rules[0]] }));
    expect(dup[0]?.pointer).to.equal('/rules/0/id');
    expect(dup[0]?.message).to.include('is already defined in').and.include('national-baseline.json').and.include('overrides');
    expect(await problems(county([{ id: 'no.such-rule', severity: 'warn' }]))).to.deep.equal([
      { pointer: '/overrides/0/id', message: 'no rule set defines rule "no.such-rule"' },
    ]);
    const notLocal = await problems(county([{ id: 'filing.lead-time', severity: 'block' }], { jurisdiction: '' }));
    expect(notLocal[0]?.message).to.include('only a more local set may override');
    const badParams = await problems(county([{ id: 'frequency.annual-same-agency', params: { maxByRiskClass: { A: 'none' } } }]));
    expect(badParams.map((p) => p.pointer)).to.include('/overrides/0/params/maxByRiskClass');
    const contradiction = await problems(county([{ id: 'frequency.alert-week', params: { window: 'calendar-day' } }]));
    expect(contradiction).to.deep.equal([
      { pointer: '/overrides/0/params/days', message: 'days is required for, and only for, window "rolling-days"' },
    ]);
  });
});
