import { expect } from 'chai';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Facts, FilingInput, PriorFiling } from '../../src/rules/facts.js';
import { loadRuleSets, type LoadedRuleSet } from '../../src/rules/load.js';
import { filingInput, priorFiling, ruleFacts } from '../support/rule-inputs.js';

const tz = 'Asia/Shanghai';
const input = (start: string, over: Partial<FilingInput> = {}) => filingInput(new Date(start), over);
const prior = (start: string, over: Partial<PriorFiling> = {}) => priorFiling(new Date(start), over);
const facts = (history: PriorFiling[], riskClass: 'A' | 'B' | 'C' | 'D' | null = 'B') =>
  ruleFacts({ history, enterprise: { uscc: 'E', region: '110101', riskClass, noDisturb: false } });

describe('frequency rules', () => {
  let sets: LoadedRuleSet[];
  const now = new Date('2026-01-05T00:00:00Z');
  const run = (i: FilingInput, f: Facts) => evaluate(sets, i, f, { now, tz });
  const finding = (d: ReturnType<typeof run>, id: string) => d.findings.find((x) => x.ruleId === id);
  // another agency's visit nearby also suggests a joint inspection; these tests look at the alerts
  const alerts = (d: ReturnType<typeof run>) => d.findings.filter((f) => f.ruleId.startsWith('frequency.alert'));
  before(async () => {
    sets = await loadRuleSets('rules');
  });

  describe('frequency.annual-same-agency', () => {
    it('blocks the second routine visit of the year by the same agency to a class-B enterprise, naming the first', () => {
      const first = prior('2026-03-01T01:00:00Z');
      const d = run(input('2026-06-01T01:00:00Z'), facts([first], 'B'));
      expect(d.outcome).to.equal('block');
      const f = finding(d, 'frequency.annual-same-agency')!;
      expect(f.evidence).to.deep.equal([first.id]);
      expect(f.message.en).to.equal(
        `西丰县市场监督管理局 (with the rest of its enforcement system) has inspected this enterprise 1 time(s) in 2026 ` +
          `(${first.filingNo}); the annual cap for risk class B is 1 ` +
          '(a joint visit counts for the lead and for each joint agency that accepted; higher-level campaigns do not count)',
      );
    });

    it('caps by risk class: C allows two, D four, unknown one', () => {
      const two = [prior('2026-02-01T01:00:00Z'), prior('2026-03-01T01:00:00Z')];
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts(two.slice(0, 1), 'C')), 'frequency.annual-same-agency')).to.equal(undefined);
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts(two, 'C')), 'frequency.annual-same-agency')?.message.en).to.include(
        'cap for risk class C is 2',
      );
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts(two, 'D')), 'frequency.annual-same-agency')).to.equal(undefined);
      expect(
        finding(run(input('2026-06-01T01:00:00Z'), facts(two.slice(0, 1), null)), 'frequency.annual-same-agency')?.message.en,
      ).to.include('risk class unrated is 1');
    });

    it('counts calendar years in Asia/Shanghai, not UTC', () => {
      // 2025-12-31T17:00Z is 2026-01-01 01:00 in Shanghai: the same year as the new visit
      const newYearsNight = prior('2025-12-31T17:00:00Z');
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts([newYearsNight])), 'frequency.annual-same-agency')).not.to.equal(undefined);
      // 23:00 to 23:30 on 31 December in Shanghai is still 2025
      const lastYear = prior('2025-12-31T15:00:00Z', { plannedEnd: Date.parse('2025-12-31T15:30:00Z') });
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts([lastYear])), 'frequency.annual-same-agency')).to.equal(undefined);
      // a visit from 23:00 on 31 December to 03:00 on 1 January counts in both years
      const acrossNewYear = prior('2025-12-31T15:00:00Z', { plannedEnd: Date.parse('2025-12-31T19:00:00Z') });
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts([acrossNewYear])), 'frequency.annual-same-agency')?.evidence).to.deep.equal([
        acrossNewYear.id,
      ]);
      expect(finding(run(input('2025-06-01T01:00:00Z'), facts([acrossNewYear])), 'frequency.annual-same-agency')?.evidence).to.deep.equal([
        acrossNewYear.id,
      ]);
    });

    it('a new visit whose window crosses New Year is held to the cap of both years', () => {
      const inJanuary = prior('2026-01-10T01:00:00Z');
      const crossing = input('2025-12-30T01:00:00Z', { plannedEnd: new Date('2026-01-03T01:00:00Z') });
      const f = finding(run(crossing, facts([inJanuary])), 'frequency.annual-same-agency');
      expect(f?.evidence).to.deep.equal([inJanuary.id]);
      expect(f?.message.en).to.include('in 2026');
    });

    it('does not count other agencies, case inspections, or apply to a case inspection', () => {
      const others = [prior('2026-03-01T01:00:00Z', { agencyId: 'ag_2' }), prior('2026-04-01T01:00:00Z', { type: 'case' })];
      expect(finding(run(input('2026-06-01T01:00:00Z'), facts(others)), 'frequency.annual-same-agency')).to.equal(undefined);
      const mine = [prior('2026-03-01T01:00:00Z')];
      expect(
        finding(run(input('2026-06-01T01:00:00Z', { type: 'case', reason: '投诉举报核查' }), facts(mine)), 'frequency.annual-same-agency'),
      ).to.equal(undefined);
    });
  });

  describe('alerts across agencies (on-site visits)', () => {
    const other = { agencyId: 'ag_2', type: 'case' as const };
    it('alert-day: a second on-site visit on the same Shanghai day', () => {
      const d = run(input('2026-06-01T06:00:00Z'), facts([prior('2026-06-01T01:00:00Z', other)]));
      expect(d.outcome).to.equal('warn');
      expect(alerts(d).map((f) => f.ruleId)).to.deep.equal(['frequency.alert-day']);
      // the day before in Shanghai (2026-05-31 23:00 +08:00) is another day
      expect(alerts(run(input('2026-06-01T06:00:00Z'), facts([prior('2026-05-31T15:00:00Z', other)])))).to.deep.equal([]);
      // desk reviews do not count
      expect(alerts(run(input('2026-06-01T06:00:00Z'), facts([prior('2026-06-01T01:00:00Z', { ...other, onSite: false })])))).to.deep.equal(
        [],
      );
    });

    it('alert-week: a third visit within 7 days; alert-month: a fourth within 30', () => {
      const week = [prior('2026-06-01T01:00:00Z', other), prior('2026-06-04T01:00:00Z', other)];
      const d = run(input('2026-06-07T01:00:00Z'), facts(week));
      expect(alerts(d).map((f) => f.ruleId)).to.deep.equal(['frequency.alert-week']);
      expect(alerts(d)[0]?.evidence).to.have.members(week.map((w) => w.id));
      // 8 days after the first: outside the week
      expect(alerts(run(input('2026-06-09T02:00:00Z'), facts(week)))).to.deep.equal([]);
      const month = [prior('2026-06-01T01:00:00Z', other), prior('2026-06-10T01:00:00Z', other), prior('2026-06-20T01:00:00Z', other)];
      expect(alerts(run(input('2026-06-29T01:00:00Z'), facts(month))).map((f) => f.ruleId)).to.deep.equal(['frequency.alert-month']);
      expect(alerts(run(input('2026-07-02T01:00:00Z'), facts(month)))).to.deep.equal([]);
    });

    it('a window that contains the new visit may also extend after it (visits already planned)', () => {
      const later = [prior('2026-06-03T01:00:00Z', other), prior('2026-06-05T01:00:00Z', other)];
      expect(alerts(run(input('2026-06-01T01:00:00Z'), facts(later))).map((f) => f.ruleId)).to.deep.equal(['frequency.alert-week']);
    });
  });

  it('refuses frequency parameters that contradict each other', async () => {
    const { parseRuleSet } = await import('../../src/rules/load.js');
    const doc = JSON.parse(JSON.stringify(sets[0]!.file)) as { rules: { params: Record<string, unknown> }[] };
    const i = doc.rules.findIndex((r) => (r as unknown as { id: string }).id === 'frequency.alert-week');
    doc.rules[i]!.params = { ...doc.rules[i]!.params, maxByRiskClass: { A: 1, B: 1, C: 1, D: 1, unknown: 1 } };
    delete doc.rules[i]!.params.days;
    const problems = parseRuleSet('x.json', JSON.stringify(doc)).problems;
    expect(problems.map((p) => p.pointer)).to.deep.equal([`/rules/${i}/params`, `/rules/${i}/params/days`]);
  });
});
