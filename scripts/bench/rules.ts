// npm run bench -- rules [--seconds S]
// Evaluations per second of the shipped rule sets on a realistic filing with its facts, and
// json-rules-engine 7 evaluating equivalent rules over the same facts, in the same process, one
// core each in turn. The two must fire the same rule ids on the sample before anything is timed.
import { Engine, type RuleProperties } from 'json-rules-engine';
import { localDate, localYear } from '../../src/domain/calendar.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Facts, FilingInput, PriorFiling } from '../../src/rules/facts.js';
import { loadRuleSets } from '../../src/rules/load.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const tz = 'Asia/Shanghai';
const now = new Date('2026-06-01T01:00:00Z');

function sample(): { input: FilingInput; facts: Facts } {
  const agencies = ['scjg', 'yjgl', 'sthj', 'xfjy'];
  const history: PriorFiling[] = Array.from({ length: 12 }, (_, i) => {
    const start = new Date(now.getTime() - (330 - i * 27) * DAY);
    return {
      id: `fil_${i}`,
      filingNo: `211223-2026-${String(i).padStart(7, '0')}`,
      agencyId: agencies[i % 4] as string,
      agencyName: `agency ${i % 4}`,
      type: i % 3 === 0 ? 'routine' : 'case',
      plannedStart: start.getTime(),
      plannedEnd: start.getTime() + 4 * HOUR,
      onSite: true,
      status: 'completed',
      jointAgencyIds: [],
      campaignLevel: null,
      resultOutcome: i % 2 ? 'no_issues' : 'issues_found',
      conductedAt: start.getTime(),
    };
  });
  const plannedStart = new Date(now.getTime() + 5 * DAY);
  return {
    input: {
      agencyId: 'scjg',
      enterpriseUscc: '91211223MA0XYW123P',
      type: 'routine',
      itemCodes: ['I-3', 'I-7'],
      inspectorIds: ['p1', 'p2'],
      plannedStart,
      plannedEnd: new Date(plannedStart.getTime() + 6 * HOUR),
      onSite: true,
      reason: null,
      onSiteJustification: '企业自查报告存在疑点，需现场核实',
      jointAgencyIds: [],
      purpose: 'inspection',
      requiresLegalRepresentative: false,
      legalRepresentativeReason: null,
      trigger: null,
      campaign: null,
      drawAssignmentId: null,
    },
    facts: {
      agency: {
        id: 'scjg',
        name: 'scjg',
        active: true,
        region: '211223',
        itemCodes: Array.from({ length: 30 }, (_, i) => `I-${i}`),
        systemIds: [],
      },
      jointAgencies: [],
      inspectors: [
        { id: 'p1', agencyId: 'scjg', credentialNo: 'LN1', validUntil: '2030-12-31' },
        { id: 'p2', agencyId: 'scjg', credentialNo: 'LN2', validUntil: '2030-12-31' },
      ],
      enterprise: { uscc: '91211223MA0XYW123P', region: '211223', riskClass: 'B', noDisturb: false },
      history,
      assignment: null,
      grounds: [],
    },
  };
}

/** The same rules for json-rules-engine: derived facts computed from the same inputs, then conditions. */
function jreEngine(): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  type F = { input: FilingInput; facts: Facts };
  const get = async (almanac: { factValue(id: string): Promise<unknown> }) => (await almanac.factValue('ctx')) as F;
  const derived: Record<string, (c: F) => unknown> = {
    agencyActive: (c) => c.facts.agency?.active === true,
    validCredentials: (c) => {
      const last = localDate(c.input.plannedEnd, tz);
      return new Set(
        c.facts.inspectors.filter((i) => c.input.inspectorIds.includes(i.id) && i.validUntil >= last).map((i) => i.credentialNo),
      ).size;
    },
    unpublishedItems: (c) => c.input.itemCodes.filter((x) => !(c.facts.agency?.itemCodes ?? []).includes(x)).length,
    type: (c) => c.input.type,
    reasonLength: (c) => (c.input.reason ?? '').length,
    windowBad: (c) =>
      c.input.plannedEnd <= c.input.plannedStart ||
      c.input.plannedEnd.getTime() - c.input.plannedStart.getTime() > 15 * DAY ||
      (c.input.type !== 'emergency' && c.input.plannedStart.getTime() < now.getTime() - 5 * 60_000),
    annualCount: (c) => {
      const y = localYear(c.input.plannedStart, tz);
      return c.facts.history.filter(
        (h) => h.agencyId === c.input.agencyId && ['routine', 'special', 'random'].includes(h.type) && localYear(h.plannedStart, tz) === y,
      ).length;
    },
    annualLimit: (c) => ({ A: 1, B: 1, C: 2, D: 4, unknown: 1 })[c.facts.enterprise.riskClass ?? 'unknown'],
    dayCount: (c) =>
      c.facts.history.filter((h) => h.onSite && localDate(h.plannedStart, tz) === localDate(c.input.plannedStart, tz)).length,
    weekCount: (c) => c.facts.history.filter((h) => h.onSite && Math.abs(h.plannedStart - c.input.plannedStart.getTime()) < 7 * DAY).length,
    monthCount: (c) =>
      c.facts.history.filter((h) => h.onSite && Math.abs(h.plannedStart - c.input.plannedStart.getTime()) < 30 * DAY).length,
    noFindingStreak: (c) => {
      const r = c.facts.history
        .filter((h) => h.agencyId === c.input.agencyId && h.resultOutcome)
        .sort((a, b) => b.conductedAt! - a.conductedAt!)
        .slice(0, 3);
      return r.length === 3 && r.every((h) => h.resultOutcome === 'no_issues');
    },
    otherAgencyNearby: (c) =>
      c.facts.history.some((h) => h.agencyId !== c.input.agencyId && Math.abs(h.plannedStart - c.input.plannedStart.getTime()) <= 7 * DAY),
    noDisturb: (c) => c.facts.enterprise.noDisturb,
    leadHours: (c) => (c.input.plannedStart.getTime() - now.getTime()) / HOUR,
    justificationLength: (c) => (c.input.onSiteJustification ?? '').length,
    onSite: (c) => c.input.onSite,
    hoursLate: (c) => (now.getTime() - c.input.plannedStart.getTime()) / HOUR,
    legalRepWithoutReason: (c) => c.input.requiresLegalRepresentative && !c.input.reason,
    disguised: (c) => c.input.onSite && c.input.purpose !== 'inspection',
  };
  for (const [id, fn] of Object.entries(derived)) engine.addFact(id, async (_p, almanac) => fn(await get(almanac)));
  type Condition = { fact: string; operator: string; value: unknown };
  const rule = (id: string, all: Condition[]): RuleProperties => ({
    name: id,
    conditions: { all },
    event: { type: id },
  });
  const rules: RuleProperties[] = [
    rule('agency.registered', [{ fact: 'agencyActive', operator: 'equal', value: false }]),
    rule('inspectors.min-certified', [{ fact: 'validCredentials', operator: 'lessThan', value: 2 }]),
    rule('items.published', [{ fact: 'unpublishedItems', operator: 'greaterThan', value: 0 }]),
    rule('filing.reason-required', [
      { fact: 'type', operator: 'in', value: ['case', 'emergency'] },
      { fact: 'reasonLength', operator: 'lessThan', value: 4 },
    ]),
    rule('filing.window', [{ fact: 'windowBad', operator: 'equal', value: true }]),
    rule('frequency.annual-same-agency', [
      { fact: 'type', operator: 'in', value: ['routine', 'special', 'random'] },
      { fact: 'annualCount', operator: 'greaterThanInclusive', value: { fact: 'annualLimit' } },
    ]),
    rule('frequency.alert-day', [
      { fact: 'onSite', operator: 'equal', value: true },
      { fact: 'dayCount', operator: 'greaterThanInclusive', value: 1 },
    ]),
    rule('frequency.alert-week', [
      { fact: 'onSite', operator: 'equal', value: true },
      { fact: 'weekCount', operator: 'greaterThanInclusive', value: 2 },
    ]),
    rule('frequency.alert-month', [
      { fact: 'onSite', operator: 'equal', value: true },
      { fact: 'monthCount', operator: 'greaterThanInclusive', value: 3 },
    ]),
    rule('frequency.no-findings-streak', [{ fact: 'noFindingStreak', operator: 'equal', value: true }]),
    rule('coordination.joint-suggested', [{ fact: 'otherAgencyNearby', operator: 'equal', value: true }]),
    rule('enterprise.no-disturb', [
      { fact: 'noDisturb', operator: 'equal', value: true },
      { fact: 'type', operator: 'notIn', value: ['case', 'emergency'] },
    ]),
    rule('filing.lead-time', [
      { fact: 'type', operator: 'in', value: ['routine', 'special', 'random'] },
      { fact: 'leadHours', operator: 'lessThan', value: 24 },
    ]),
    rule('filing.onsite-justified', [
      { fact: 'onSite', operator: 'equal', value: true },
      { fact: 'justificationLength', operator: 'lessThan', value: 4 },
    ]),
    rule('filing.emergency-late', [
      { fact: 'type', operator: 'equal', value: 'emergency' },
      { fact: 'hoursLate', operator: 'greaterThan', value: 24 },
    ]),
    rule('conduct.N4', [{ fact: 'legalRepWithoutReason', operator: 'equal', value: true }]),
    rule('conduct.N6', [{ fact: 'disguised', operator: 'equal', value: true }]),
  ];
  for (const r of rules) engine.addRule(r);
  return engine;
}

async function rate(fn: () => unknown, seconds: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn(); // warm-up
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 200; i++) await fn();
    n += 200;
  }
  return (n * 1000) / (performance.now() - t0);
}

export async function benchRules(argv: string[]): Promise<void> {
  const seconds = Number(argv[argv.indexOf('--seconds') + 1] || 3);
  const sets = await loadRuleSets('rules');
  const cases = [
    sample(),
    { ...sample(), input: { ...sample().input, plannedStart: new Date(now.getTime() + 40 * HOUR), itemCodes: ['NOPE'] } },
  ];
  const engine = jreEngine();
  for (const c of cases) {
    const ours = evaluate(sets, c.input, c.facts, { now, tz })
      .findings.map((f) => f.ruleId)
      .sort();
    const theirs = (await engine.run({ ctx: c })).events.map((e) => e.type).sort();
    if (ours.join() !== theirs.join())
      throw new Error(`the engines disagree: ours [${ours.join()}] vs json-rules-engine [${theirs.join()}]`);
    console.log(`sample fires [${ours.join(', ') || 'nothing'}] in both engines`);
  }
  const rules = sets.reduce((n, s) => n + s.file.rules.length, 0);
  // 1000 filings an hour apart, so that nothing gains from seeing the same input twice
  const base = cases[0]!;
  const varied = Array.from({ length: 1000 }, (_, i) => {
    const plannedStart = new Date(base.input.plannedStart.getTime() + i * HOUR);
    return { facts: base.facts, input: { ...base.input, plannedStart, plannedEnd: new Date(plannedStart.getTime() + 6 * HOUR) } };
  });
  let a = 0;
  let b = 0;
  const oursRate = await rate(() => {
    const c = varied[a++ % varied.length]!;
    return evaluate(sets, c.input, c.facts, { now, tz });
  }, seconds);
  const jreRate = await rate(() => engine.run({ ctx: varied[b++ % varied.length]! }), seconds);
  console.log(
    `\nrule evaluation: ${rules} rules in ${sets.length} sets, 1000 filings (12 prior filings each), ` +
      `${seconds} s each, one core, node ${process.version}`,
  );
  console.log(`inspection-filing evaluate()   ${oursRate.toFixed(0).padStart(9)} evaluations/s`);
  console.log(`json-rules-engine 7.3.1        ${jreRate.toFixed(0).padStart(9)} evaluations/s`);
  console.log(`ratio                          ${(oursRate / jreRate).toFixed(1).padStart(9)}x`);
}
