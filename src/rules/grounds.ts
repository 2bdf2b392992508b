import { localDate } from '../domain/calendar.js';
import { fillBoth, type Localized } from '../domain/i18n.js';
import { triggerLabels } from '../domain/filing.js';
import type { Facts, FilingInput, GroundFact } from './facts.js';

// What a case or a higher campaign rests on must be in the county's grounds register, written by
// the hotline platform, supervisors or admins (or by the agency itself, unverified until a
// supervisor looks): a reference the agency made up grounds nothing.

const problems = {
  notRegistered: {
    'zh-CN': '未在事由登记簿中找到本企业的{kind}“{reference}”',
    en: 'the grounds register has no {kind} "{reference}" for this enterprise',
  },
  campaignNotRegistered: {
    'zh-CN': '未在事由登记簿中找到上级部署的专项检查“{reference}”',
    en: 'the grounds register has no campaign deployed by a higher authority with reference "{reference}"',
  },
  rejected: { 'zh-CN': '事由“{reference}”已被监督机构认定不成立', en: 'a supervisor rejected the ground "{reference}"' },
  otherAgency: { 'zh-CN': '事由“{reference}”指派给了其他执法主体', en: 'the ground "{reference}" is assigned to other agencies' },
  notValid: {
    'zh-CN': '事由“{reference}”的有效期为 {from} 至 {to}，不含计划开始日 {day}',
    en: 'the ground "{reference}" is valid from {from} to {to}, which does not include the planned start, {day}',
  },
  usedUp: {
    'zh-CN': '事由“{reference}”已用于本主体 {used} 次检查（上限 {max} 次）；再次检查需要新的事由',
    en: 'the ground "{reference}" has grounded {used} visits of this agency already (at most {max}); another visit needs another ground',
  },
  otherKind: {
    'zh-CN': '“{reference}”登记的事由类型是{registered}，不是{kind}',
    en: '"{reference}" is registered as a {registered}, not a {kind}',
  },
} satisfies Record<string, Localized>;

const groundKindNames: Record<GroundFact['kind'], Localized> = {
  complaint: triggerLabels.complaint,
  referral: triggerLabels.referral,
  monitoring: triggerLabels.monitoring,
  accident: triggerLabels.accident,
  assignment: triggerLabels.assignment,
  campaign: { 'zh-CN': '专项检查', en: 'campaign' },
};

export interface GroundMatch {
  /** the ground this filing rests on, when it may */
  ground: GroundFact | null;
  /** why it may not, named for the agency */
  problem: Localized | null;
}

/** Whether a ground may ground this filing (its agency, its day, its count), or what stands in the way. */
function usable(g: GroundFact, input: FilingInput, tz: string): Localized | null {
  const reference = g.reference;
  if (g.status === 'rejected') return fillBoth(problems.rejected, { reference });
  if (g.agencyIds.length > 0 && !g.agencyIds.includes(input.agencyId)) return fillBoth(problems.otherAgency, { reference });
  const day = localDate(input.plannedStart, tz);
  if (day < g.validFrom || day > g.validTo) return fillBoth(problems.notValid, { reference, from: g.validFrom, to: g.validTo, day });
  // per agency and enterprise: a ticket about one enterprise grounds maxVisits visits of each
  // agency; a campaign maxVisits visits of each agency to each enterprise it reaches
  const used = g.uses[`${input.agencyId}|${input.enterpriseUscc}`] ?? 0;
  if (used >= g.maxVisits) return fillBoth(problems.usedUp, { reference, used, max: g.maxVisits });
  return null;
}

/**
 * The registered ground a filing cites: a case's trigger (same kind and reference, about this
 * enterprise), or a special filing's higher campaign. Other filings rest on no ground (null, null).
 */
export function groundFor(input: FilingInput, facts: Facts, tz: string): GroundMatch {
  if (input.type === 'case' && input.trigger) {
    const { kind, reference } = input.trigger;
    const mine = facts.grounds.filter((g) => g.reference === reference && g.enterpriseUscc === input.enterpriseUscc);
    const g = mine.find((x) => x.kind === kind);
    if (!g) {
      const other = mine[0];
      const params = { kind: triggerLabels[kind], reference };
      return {
        ground: null,
        problem: other
          ? fillBoth(problems.otherKind, { ...params, registered: groundKindNames[other.kind] })
          : fillBoth(problems.notRegistered, params),
      };
    }
    const problem = usable(g, input, tz);
    return problem ? { ground: null, problem } : { ground: g, problem: null };
  }
  if (input.type === 'special' && input.campaign) {
    const { level, reference } = input.campaign;
    const g = facts.grounds.find((x) => x.kind === 'campaign' && x.level === level && x.reference === reference);
    if (!g) return { ground: null, problem: fillBoth(problems.campaignNotRegistered, { reference }) };
    const problem = usable(g, input, tz);
    return problem ? { ground: null, problem } : { ground: g, problem: null };
  }
  return { ground: null, problem: null };
}

/** A referral (移送) that sends an agency to this enterprise, valid on the planned start: jurisdiction yields to it. */
export function referralFor(agencyId: string, input: FilingInput, facts: Facts, tz: string): GroundFact | null {
  const day = localDate(input.plannedStart, tz);
  return (
    facts.grounds.find(
      (g) =>
        g.kind === 'referral' &&
        g.status !== 'rejected' &&
        g.enterpriseUscc === input.enterpriseUscc &&
        g.agencyIds.includes(agencyId) &&
        day >= g.validFrom &&
        day <= g.validTo,
    ) ?? null
  );
}
