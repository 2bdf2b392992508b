import type { GroundFact, Facts, FilingInput, PriorFiling } from '../../src/rules/facts.js';

// Builders for the pure evaluator's inputs, shared by the rule tests.
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A routine on-site filing by ag_1 with two inspectors, four hours long, that passes every rule. */
export function filingInput(plannedStart: Date, over: Partial<FilingInput> = {}): FilingInput {
  return {
    agencyId: 'ag_1',
    enterpriseUscc: 'E',
    type: 'routine',
    itemCodes: ['SAFE-01'],
    inspectorIds: ['i1', 'i2'],
    plannedStart,
    plannedEnd: new Date(plannedStart.getTime() + 4 * HOUR),
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
    ...over,
  };
}

/** Facts for ag_1 (items SAFE-01, SAFE-02; two valid inspectors) and enterprise E in 110101. */
export function ruleFacts(over: Partial<Facts> = {}): Facts {
  return {
    agency: { id: 'ag_1', name: '西丰县市场监督管理局', active: true, region: '110101', itemCodes: ['SAFE-01', 'SAFE-02'], systemIds: [] },
    jointAgencies: [],
    inspectors: [
      { id: 'i1', agencyId: 'ag_1', credentialNo: 'C1', validUntil: '2099-01-01' },
      { id: 'i2', agencyId: 'ag_1', credentialNo: 'C2', validUntil: '2099-01-01' },
    ],
    enterprise: { uscc: 'E', region: '110101', riskClass: null, noDisturb: false },
    history: [],
    assignment: null,
    grounds: [],
    ...over,
  };
}

let n = 0;
/** An earlier filing by ag_1, completed with no findings at its start, numbered in order of creation. */
export function priorFiling(at: Date, over: Partial<PriorFiling> = {}): PriorFiling {
  n++;
  return {
    id: `fil_${n}`,
    filingNo: `110101-2026-${String(n).padStart(7, '0')}`,
    agencyId: 'ag_1',
    agencyName: '西丰县市场监督管理局',
    type: 'routine',
    plannedStart: at.getTime(),
    plannedEnd: at.getTime() + 4 * HOUR,
    onSite: true,
    status: 'completed',
    jointAgencyIds: [],
    campaignLevel: null,
    resultOutcome: 'no_issues',
    conductedAt: at.getTime(),
    ...over,
  };
}

/** A registered ground about enterprise E (a campaign: about none), verified, valid through 2030. */
export function groundFact(over: Partial<GroundFact> = {}): GroundFact {
  const kind = over.kind ?? 'complaint';
  return {
    id: `gnd_${kind}_${over.reference ?? 'R'}`,
    kind,
    reference: 'R',
    enterpriseUscc: kind === 'campaign' ? null : 'E',
    agencyIds: [],
    level: kind === 'campaign' ? 'higher' : null,
    validFrom: '2025-01-01',
    validTo: '2030-12-31',
    maxVisits: 1,
    status: 'verified',
    uses: {},
    ...over,
  };
}
