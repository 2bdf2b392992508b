import { expect } from 'chai';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Facts, FilingInput, PriorFiling } from '../../src/rules/facts.js';
import { loadRuleSets, type LoadedRuleSet } from '../../src/rules/load.js';
import { DAY, filingInput, groundFact, HOUR, priorFiling, ruleFacts } from '../support/rule-inputs.js';

const NOW = new Date('2026-03-10T02:00:00Z');
const ctx = { now: NOW, tz: 'Asia/Shanghai' };
const input = (over: Partial<FilingInput> = {}) => filingInput(new Date(NOW.getTime() + 48 * HOUR), over);
const prior = (at: Date, over: Partial<PriorFiling> = {}) => priorFiling(at, { type: 'case', ...over });
const complaint = { kind: 'complaint' as const, reference: '12345-2026-000311' };
const campaignDoc = '辽市监发〔2026〕12号';
// the register holds the complaint and the campaign these tests cite
const registered = [groundFact(complaint), groundFact({ kind: 'campaign', reference: campaignDoc })];
const facts = (over: Partial<Facts> = {}) =>
  ruleFacts({ enterprise: { uscc: 'E', region: '110101', riskClass: 'D', noDisturb: false }, grounds: registered, ...over });
// Xifeng County: the seven not-allowed (a template) apply there (to the county's own agency)
const inXifeng = (over: Partial<Facts> = {}) => {
  const f = facts({ enterprise: { uscc: 'E', region: '211223', riskClass: 'D', noDisturb: false }, ...over });
  return { ...f, agency: f.agency && { ...f.agency, region: '211223' } };
};

describe('the rest of the catalog', () => {
  let sets: LoadedRuleSet[];
  const run = (i: FilingInput, f: Facts = facts(), at = ctx) => evaluate(sets, i, f, at);
  const ids = (d: ReturnType<typeof run>) => d.findings.map((x) => x.ruleId);
  before(async () => {
    sets = await loadRuleSets('rules');
  });

  it('a well-formed filing with nothing around it gets no finding from any shipped rule', () => {
    expect(run(input()).findings).to.deep.equal([]);
  });

  it('frequency.no-findings-streak: after three no-finding results by the same agency within a year', () => {
    const three = [1, 2, 3].map((k) => prior(new Date(NOW.getTime() - k * 60 * DAY)));
    const d = run(input(), facts({ history: three }));
    expect(ids(d)).to.deep.equal(['frequency.no-findings-streak']);
    expect(d.findings[0]?.evidence).to.deep.equal(three.map((p) => p.id));
    const brokenStreak = [three[0]!, { ...three[1]!, resultOutcome: 'issues_found' }, three[2]!];
    expect(ids(run(input(), facts({ history: brokenStreak })))).to.deep.equal([]);
    // the look-back is by planned start: visits planned more than 365 days before this one do not count
    const old = three.map((p, k) => ({
      ...p,
      plannedStart: NOW.getTime() - (400 + k) * DAY,
      plannedEnd: NOW.getTime() - (400 + k) * DAY + HOUR,
    }));
    expect(ids(run(input(), facts({ history: old })))).to.deep.equal([]);
    // a visit that did not take place neither makes nor breaks a streak
    const withNotConducted = [
      three[0]!,
      { ...three[1]!, resultOutcome: 'not_conducted' },
      three[2]!,
      prior(new Date(NOW.getTime() - 200 * DAY)),
    ];
    expect(ids(run(input(), facts({ history: withNotConducted })))).to.deep.equal(['frequency.no-findings-streak']);
  });

  it('coordination.joint-suggested names the other agency and its filing, unless already joint', () => {
    const theirs = prior(new Date(NOW.getTime() + 5 * DAY), {
      agencyId: 'ag_2',
      agencyName: '西丰县应急管理局',
      status: 'filed',
      resultOutcome: null,
      conductedAt: null,
    });
    const d = run(input(), facts({ history: [theirs] }));
    const f = d.findings.find((x) => x.ruleId === 'coordination.joint-suggested')!;
    expect(f.severity).to.equal('warn');
    expect(f.message['zh-CN']).to.include('西丰县应急管理局').and.include(theirs.filingNo);
    expect(f.evidence).to.deep.equal([theirs.id]);
    expect(ids(run(input({ jointAgencyIds: ['ag_2'] }), facts({ history: [theirs] })))).not.to.include('coordination.joint-suggested');
    const farAway = { ...theirs, plannedStart: NOW.getTime() + 20 * DAY, plannedEnd: NOW.getTime() + 20 * DAY + HOUR };
    expect(ids(run(input(), facts({ history: [farAway] })))).not.to.include('coordination.joint-suggested');
  });

  it("coordination.joint-suggested compares windows: a visit inside another agency's running 15-day window is found", () => {
    // their window opened 20 days before ours and runs 15 days: it starts far away, but overlaps ours widened by 7 days
    const running = prior(new Date(NOW.getTime() - 18 * DAY), {
      agencyId: 'ag_2',
      agencyName: '西丰县应急管理局',
      status: 'filed',
      resultOutcome: null,
      conductedAt: null,
    });
    const longWindow = { ...running, plannedEnd: running.plannedStart + 15 * DAY };
    expect(ids(run(input(), facts({ history: [longWindow] })))).to.include('coordination.joint-suggested');
    // the same start with a one-day window ended long before
    expect(ids(run(input(), facts({ history: [{ ...longWindow, plannedEnd: running.plannedStart + DAY }] })))).not.to.include(
      'coordination.joint-suggested',
    );
  });

  it('enterprise.no-disturb blocks all but case, emergency and higher campaigns, which warn naming their grounds', () => {
    const quiet = facts({ enterprise: { uscc: 'E', region: '110101', riskClass: 'A', noDisturb: true } });
    expect(run(input(), quiet).outcome).to.equal('block');
    expect(ids(run(input(), quiet))).to.deep.equal(['enterprise.no-disturb']);
    expect(run(input({ type: 'special' }), quiet).outcome).to.equal('block');
    const viaCase = run(input({ type: 'case', reason: '群众投诉举报', trigger: complaint }), quiet);
    expect(viaCase.outcome).to.equal('warn');
    expect(viaCase.findings.map((f) => [f.ruleId, f.severity])).to.deep.equal([['enterprise.no-disturb', 'warn']]);
    expect(viaCase.findings[0]?.message['zh-CN']).to.include('12345-2026-000311').and.include('投诉举报');
    expect(viaCase.grounds).to.deep.equal({ trigger: complaint });
    const campaign = run(input({ type: 'special', campaign: { level: 'higher', reference: campaignDoc } }), quiet);
    expect(campaign.findings.map((f) => [f.ruleId, f.severity])).to.deep.equal([['enterprise.no-disturb', 'warn']]);
    expect(campaign.findings[0]?.message.en).to.include('higher authority').and.include('辽市监发〔2026〕12号');
  });

  it('filing.emergency-now: an emergency planned more than an hour after filing is not one', () => {
    const later = input({
      type: 'emergency',
      reason: '危化品泄漏风险',
      plannedStart: new Date(NOW.getTime() + 3 * HOUR),
      plannedEnd: new Date(NOW.getTime() + 6 * HOUR),
    });
    const d = run(later);
    expect(ids(d)).to.deep.equal(['filing.emergency-now']);
    expect(d.outcome).to.equal('block');
    expect(d.findings[0]?.message.en).to.include('180 minutes').and.include('case inspection');
    expect(ids(run({ ...later, plannedStart: new Date(NOW.getTime() + 30 * 60_000) }))).to.deep.equal([]);
  });

  it('quiet.days-of-month ships disabled and works when a bureau enables it', () => {
    const on5th = input({ plannedStart: new Date('2026-04-05T01:00:00Z'), plannedEnd: new Date('2026-04-05T05:00:00Z') });
    expect(ids(run(on5th))).not.to.include('quiet.days-of-month');
    const enabled = sets.map((s) => ({
      ...s,
      file: { ...s.file, rules: s.file.rules.map((r) => (r.id === 'quiet.days-of-month' ? { ...r, enabled: true } : r)) },
    }));
    expect(ids(evaluate(enabled, on5th, facts(), ctx))).to.include('quiet.days-of-month');
    const on25th = input({ plannedStart: new Date('2026-04-25T01:00:00Z'), plannedEnd: new Date('2026-04-25T05:00:00Z') });
    expect(ids(evaluate(enabled, on25th, facts(), ctx))).not.to.include('quiet.days-of-month');
  });

  it('filing.lead-time warns under 24 hours ahead, for routine, special and random only', () => {
    const soon = input({ plannedStart: new Date(NOW.getTime() + 5 * HOUR), plannedEnd: new Date(NOW.getTime() + 9 * HOUR) });
    const d = run(soon);
    expect(ids(d)).to.deep.equal(['filing.lead-time']);
    expect(d.findings[0]?.message.en).to.equal('Only 5 hour(s) before the planned start; file at least 24 hours ahead');
    expect(ids(run({ ...soon, type: 'case', reason: '群众投诉举报' }))).to.deep.equal([]);
  });

  it('filing.onsite-justified warns on an on-site visit without a justification, not on a desk review', () => {
    expect(ids(run(input({ onSiteJustification: null })))).to.deep.equal(['filing.onsite-justified']);
    expect(ids(run(input({ onSiteJustification: null, onSite: false })))).to.deep.equal([]);
  });

  it('filing.emergency-late blocks an emergency filed more than 24 h after its start and raises emergency_late', () => {
    const late = input({
      type: 'emergency',
      reason: '突发危化品泄漏处置',
      plannedStart: new Date(NOW.getTime() - 30 * HOUR),
      plannedEnd: new Date(NOW.getTime() - 20 * HOUR),
    });
    const d = run(late);
    expect(d.outcome).to.equal('block');
    const f = d.findings.find((x) => x.ruleId === 'filing.emergency-late')!;
    expect(f.raises).to.equal('emergency_late');
    expect(f.message.en).to.include('30 hours after');
    expect(
      ids(run({ ...late, plannedStart: new Date(NOW.getTime() - 10 * HOUR), plannedEnd: new Date(NOW.getTime() + HOUR) })),
    ).to.deep.equal([]);
  });

  it('conduct.N4: insisting the legal representative attends needs its own reason (the case reason does not do)', () => {
    const d = run(input({ requiresLegalRepresentative: true }), inXifeng());
    expect(ids(d)).to.deep.equal(['conduct.N4']);
    expect(d.findings[0]).to.include({ ruleSet: 'seven-not-allowed@1.2.0', severity: 'block', raises: 'conduct', template: true });
    const caseReason = input({ type: 'case', trigger: complaint, reason: '需法定代表人签署整改承诺', requiresLegalRepresentative: true });
    expect(ids(run(caseReason, inXifeng()))).to.deep.equal(['conduct.N4']);
    expect(
      ids(run(input({ requiresLegalRepresentative: true, legalRepresentativeReason: '需法定代表人签署整改承诺' }), inXifeng())),
    ).to.deep.equal([]);
  });

  it('the seven not-allowed template applies in Xifeng County only', () => {
    expect(ids(run(input({ requiresLegalRepresentative: true }), facts()))).to.deep.equal([]);
  });

  it('conduct.N6: an on-site observation, supervision or study visit is an inspection in disguise', () => {
    for (const purpose of ['observation', 'supervision', 'study'] as const) {
      const d = run(input({ purpose }), inXifeng());
      expect(ids(d)).to.deep.equal(['conduct.N6']);
    }
    expect(run(input({ purpose: 'study' }), inXifeng()).findings[0]?.message['zh-CN']).to.include('以考察调研名义');
    expect(ids(run(input({ purpose: 'study', onSite: false }), inXifeng()))).to.deep.equal([]);
  });

  it('every basis names a document and article, quotes it, or says it is a product default, a county choice or local practice', () => {
    const bases = sets.flatMap((s) => [
      ...s.file.rules.map((r) => ({ id: r.id, basis: r.basis })),
      ...(s.file.overrides ?? []).flatMap((o) => (o.basis ? [{ id: `${s.file.id}:${o.id}`, basis: o.basis }] : [])),
    ]);
    expect(bases.length).to.be.above(20);
    for (const { id, basis } of bases) {
      const zh = basis['zh-CN'];
      const en = basis.en;
      // a source: a document (《…》 or a document number 〔year〕), or the plain admission that there is none
      expect(zh, id).to.match(/《[^》]+》|〔\d{4}〕|产品默认值|地方实践/);
      // what it says is an article, or marked as a summary, a product default or local practice
      expect(zh, id).to.match(/第[一二三四五六七八九十百]+条|要点|原文|产品默认值|本县选择|地方实践/);
      expect(en, id).to.match(/art\. \d+|summary|which says|Product default|product default|Local practice/);
      // quotation marks around names (“综合查一次”), or around the source's own words marked 原文 (quoted
      // as written), never around a paraphrase presented as quoted
      for (const q of zh.matchAll(/(原文：)?“([^”]*)”/g)) if (!q[1]) expect(q[2]!.length, `${id}: ${q[0]}`).to.be.at.most(8);
      for (const q of en.matchAll(/"([^"]*)"/g)) expect(q[1]!.split(' ').length, `${id}: ${q[0]}`).to.be.at.most(4);
    }
  });

  it('Liaoning caps every class at 1 and cites its document; elsewhere the numbers are product defaults', () => {
    const quiet = facts({
      enterprise: { uscc: 'E', region: '211202', riskClass: 'D', noDisturb: false },
      history: [prior(new Date(NOW.getTime() + 20 * DAY), { type: 'routine' })],
    });
    const d = run(input(), quiet);
    const cap = d.findings.find((f) => f.ruleId === 'frequency.annual-same-agency')!;
    expect(cap.ruleSet).to.equal('liaoning@1.1.0');
    expect(cap.message.en).to.include('cap for risk class D is 1');
    expect(cap.basis['zh-CN']).to.include('辽政办发〔2015〕29号');
    const national = run(input(), facts({ history: [prior(new Date(NOW.getTime() + 20 * DAY), { type: 'routine' })] }));
    expect(national.findings.find((f) => f.ruleId === 'frequency.annual-same-agency')).to.equal(undefined);
    expect(
      sets.find((s) => s.file.id === 'national-baseline')!.file.rules.find((r) => r.id === 'frequency.annual-same-agency')!.basis.en,
    ).to.match(/^Product default/);
  });

  it('the conduct items only enterprises can report never fire at filing', () => {
    const reported = sets
      .flatMap((s) => s.file.rules)
      .filter((r) => r.kind === 'conduct' && r.params.check === 'reported')
      .map((r) => r.id);
    expect(reported).to.deep.equal(['conduct.N1', 'conduct.N2', 'conduct.N3', 'conduct.N5', 'conduct.N7']);
  });
});
