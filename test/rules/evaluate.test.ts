import { expect } from 'chai';
import { evaluate } from '../../src/rules/evaluate.js';
import { loadRuleSets, type LoadedRuleSet } from '../../src/rules/load.js';
import type { Facts, FilingInput } from '../../src/rules/facts.js';
import { filingInput, HOUR, ruleFacts } from '../support/rule-inputs.js';

const input = (over: Partial<FilingInput> = {}) => filingInput(new Date(Date.parse('2026-03-10T02:00:00Z') + 48 * HOUR), over);
const facts = (over: Partial<Facts> = {}) => ruleFacts(over);

const NOW = new Date('2026-03-10T02:00:00Z'); // 10:00 in Shanghai
const ctx = { now: NOW, tz: 'Asia/Shanghai' };

const ids = (d: ReturnType<typeof evaluate>) => d.findings.map((f) => f.ruleId);

describe('evaluator with the shipped structural rules', () => {
  let sets: LoadedRuleSet[];
  before(async () => {
    sets = await loadRuleSets('rules');
  });

  it('allows a complete, well-formed filing and records the rule sets it used', () => {
    const d = evaluate(sets, input(), facts(), ctx);
    expect(d.outcome).to.equal('allow');
    expect(d.findings).to.deep.equal([]);
    expect(d.ruleSets.map((s) => s.id)).to.deep.equal(['national-baseline']);
    expect(d.ruleSets[0]?.sha256).to.match(/^[0-9a-f]{64}$/);
    // in Xifeng County: the national baseline, Liaoning's set and the county's seven not-allowed
    const xifeng = facts({ enterprise: { uscc: 'E', region: '211223', riskClass: null, noDisturb: false } });
    expect(evaluate(sets, input(), xifeng, ctx).ruleSets.map((s) => s.id)).to.deep.equal([
      'national-baseline',
      'liaoning',
      'seven-not-allowed',
    ]);
  });

  it('agency.registered blocks an inactive agency', () => {
    const f = facts();
    const d = evaluate(sets, input(), { ...f, agency: { ...f.agency!, active: false } }, ctx);
    expect(d.outcome).to.equal('block');
    expect(ids(d)).to.include('agency.registered');
  });

  it('inspectors.min-certified counts distinct credentials valid through the last planned day', () => {
    const sameCredential = facts({
      inspectors: [
        { id: 'i1', agencyId: 'ag_1', credentialNo: 'C1', validUntil: '2030-01-01' },
        { id: 'i2', agencyId: 'ag_1', credentialNo: 'C1', validUntil: '2030-01-01' },
      ],
    });
    const d1 = evaluate(sets, input(), sameCredential, ctx);
    expect(ids(d1)).to.deep.equal(['inspectors.min-certified']);
    expect(d1.findings[0]?.message.en).to.equal(
      '1 inspector(s) hold an enforcement credential valid through 2026-03-12; at least 2 are required',
    );
    expect(d1.findings[0]?.message['zh-CN']).to.include('为 1 名，至少需要 2 名');

    // expires the day before the visit ends (Shanghai calendar) -> does not count
    const expiring = facts({
      inspectors: [
        { id: 'i1', agencyId: 'ag_1', credentialNo: 'C1', validUntil: '2030-01-01' },
        { id: 'i2', agencyId: 'ag_1', credentialNo: 'C2', validUntil: '2026-03-11' },
      ],
    });
    const d2 = evaluate(sets, input(), expiring, ctx);
    expect(d2.outcome).to.equal('block');
    expect(d2.findings[0]?.evidence).to.deep.equal(['i2']);
  });

  it('a credential valid until a date covers that whole local day: a window ending at local midnight does not need the next', () => {
    // 2026-03-12 08:00 to 2026-03-13 00:00 in Shanghai; the credential runs out on 2026-03-12
    const endsAtMidnight = input({ plannedStart: new Date('2026-03-12T00:00:00Z'), plannedEnd: new Date('2026-03-12T16:00:00Z') });
    const until12th = facts({
      inspectors: [
        { id: 'i1', agencyId: 'ag_1', credentialNo: 'C1', validUntil: '2026-03-12' },
        { id: 'i2', agencyId: 'ag_1', credentialNo: 'C2', validUntil: '2026-03-12' },
      ],
    });
    expect(ids(evaluate(sets, endsAtMidnight, until12th, ctx))).to.deep.equal([]);
    const oneMinuteMore = { ...endsAtMidnight, plannedEnd: new Date('2026-03-12T16:01:00Z') };
    expect(ids(evaluate(sets, oneMinuteMore, until12th, ctx))).to.deep.equal(['inspectors.min-certified']);
  });

  it('inspectors of a joint agency count', () => {
    const f = facts({
      inspectors: [
        { id: 'i1', agencyId: 'ag_1', credentialNo: 'C1', validUntil: '2030-01-01' },
        { id: 'j1', agencyId: 'ag_2', credentialNo: 'J1', validUntil: '2030-01-01' },
      ],
    });
    expect(evaluate(sets, input({ inspectorIds: ['i1', 'j1'] }), f, ctx).outcome).to.equal('block');
    const withPartner = {
      ...f,
      jointAgencies: [{ id: 'ag_2', name: '西丰县应急管理局', active: true, region: '110101', itemCodes: ['FIRE-9'], systemIds: [] }],
    };
    expect(evaluate(sets, input({ inspectorIds: ['i1', 'j1'], jointAgencyIds: ['ag_2'] }), withPartner, ctx).outcome).to.equal('allow');
  });

  it('a joint filing: every joint agency must be active, and items of any agency on the filing may be checked', () => {
    const partner = { id: 'ag_2', name: '西丰县应急管理局', active: true, region: '110101', itemCodes: ['FIRE-9'], systemIds: [] };
    const staff = facts().inspectors.concat([{ id: 'j1', agencyId: 'ag_2', credentialNo: 'J1', validUntil: '2099-01-01' }]);
    const joint = input({ jointAgencyIds: ['ag_2'], itemCodes: ['SAFE-01', 'FIRE-9'], inspectorIds: ['i1', 'j1'] });
    expect(ids(evaluate(sets, joint, facts({ jointAgencies: [partner], inspectors: staff }), ctx))).to.deep.equal([]);
    // the partner named but sending nobody: it would lend its name (and its cap) to someone else's visit
    const lent = evaluate(sets, { ...joint, inspectorIds: ['i1', 'i2'] }, facts({ jointAgencies: [partner], inspectors: staff }), ctx);
    expect(ids(lent)).to.deep.equal(['inspectors.each-agency']);
    expect(lent.findings[0]?.message['zh-CN']).to.include('西丰县应急管理局');
    expect(lent.findings[0]?.evidence).to.deep.equal(['ag_2']);
    // the partner's items are not the filing agency's to check on its own
    expect(ids(evaluate(sets, input({ itemCodes: ['SAFE-01', 'FIRE-9'] }), facts({ jointAgencies: [partner] }), ctx))).to.deep.equal([
      'items.published',
    ]);
    const retired = evaluate(sets, joint, facts({ jointAgencies: [{ ...partner, active: false }], inspectors: staff }), ctx);
    expect(ids(retired)).to.deep.equal(['agency.registered']);
    expect(retired.findings[0]?.evidence).to.deep.equal(['ag_2']);
    expect(retired.findings[0]?.message['zh-CN']).to.include('西丰县应急管理局');
  });

  it('items.published names the items that are not on the list', () => {
    const d = evaluate(sets, input({ itemCodes: ['SAFE-01', 'TAX-9', 'X'] }), facts(), ctx);
    expect(ids(d)).to.deep.equal(['items.published']);
    expect(d.findings[0]?.evidence).to.deep.equal(['TAX-9', 'X']);
    expect(d.findings[0]?.message.en).to.include('TAX-9, X');
  });

  it('filing.reason-required applies to case and emergency only', () => {
    expect(ids(evaluate(sets, input({ type: 'case' }), facts(), ctx))).to.deep.equal(['filing.reason-required']);
    expect(ids(evaluate(sets, input({ type: 'case', reason: '群众投诉举报' }), facts(), ctx))).to.deep.equal([]);
    expect(ids(evaluate(sets, input({ type: 'routine' }), facts(), ctx))).to.deep.equal([]);
  });

  it('filing.window: end after start, at most 15 days, not in the past unless emergency', () => {
    const start = new Date(NOW.getTime() + 48 * HOUR);
    const backwards = evaluate(sets, input({ plannedEnd: start, plannedStart: start }), facts(), ctx);
    expect(backwards.findings[0]?.message.en).to.include('not after the planned start');
    const long = evaluate(sets, input({ plannedEnd: new Date(start.getTime() + 16 * 24 * HOUR) }), facts(), ctx);
    expect(long.findings[0]?.message.en).to.include('16 days, longer than the limit of 15 days');
    const past = input({ plannedStart: new Date(NOW.getTime() - HOUR), plannedEnd: new Date(NOW.getTime() + HOUR) });
    expect(ids(evaluate(sets, past, facts(), ctx))).to.include('filing.window');
    expect(ids(evaluate(sets, { ...past, type: 'emergency', reason: '突发火情处置' }, facts(), ctx))).to.deep.equal([]);
  });

  it('every finding carries both languages, the legal basis and the rule set version', () => {
    const d = evaluate(sets, input({ itemCodes: ['NOPE'], type: 'case' }), facts(), ctx);
    expect(d.findings).to.have.length(2);
    for (const f of d.findings) {
      expect(f.ruleSet).to.match(/^(national-baseline|seven-not-allowed)@\d+\.\d+\.\d+$/);
      expect(f.message['zh-CN']).to.match(/[\u4e00-\u9fff]/);
      expect(f.message.en).to.match(/^[\x20-\x7e]+$/);
      expect(f.basis['zh-CN']).to.not.equal('');
      expect(f.message.en).not.to.match(/\{\w+\}/);
    }
  });

  it('a rule set outside its jurisdiction or dates does not apply', () => {
    const [base] = sets;
    const local: LoadedRuleSet = { ...base!, file: { ...base!.file, id: 'other', jurisdiction: '3301' } };
    expect(evaluate([local], input(), facts(), ctx).ruleSets).to.deep.equal([]);
    const future: LoadedRuleSet = { ...base!, file: { ...base!.file, effectiveFrom: '2027-01-01' } };
    expect(evaluate([future], input(), facts(), ctx).ruleSets).to.deep.equal([]);
  });
});
