import { DAY_MS, localDate, localPeriod, localYear } from '../domain/calendar.js';
import { triggerLabels } from '../domain/filing.js';
import { fillBoth, type Localized, type Params } from '../domain/i18n.js';
import { typeList, typeNames } from '../domain/messages.js';
import { meaningfulLength } from '../domain/text.js';
import { fieldName } from '../domain/field-labels.js';
import type { AgencyFact, EvaluationContext, Facts, FilingInput, HistoryPeriod, PriorFiling } from './facts.js';
import type { RuleKind, RuleOf, Severity } from './schema.js';
import { groundFor, referralFor } from './grounds.js';
import { inJurisdiction } from '../domain/region.js';

/** A rule that fired: the values for its message placeholders and the ids it counted. */
export interface Hit {
  params: Params;
  evidence: string[];
  /** a lower severity than the rule's own, for a case the rule lets through but wants seen (an exempt type) */
  severity?: Severity;
}

export interface KindEvaluator<K extends RuleKind> {
  /** the placeholders a message of this kind may use; anything else is refused at load */
  placeholders: string[];
  /** parameter combinations the schema cannot express; each problem is a pointer below /params and a message */
  check?(params: RuleOf<K>['params']): { pointer: string; message: string }[];
  /**
   * The periods of the enterprise's history this rule must see to decide this filing. The facts
   * query loads the union of what the applicable rules ask for and nothing else, so a kind that
   * looks at history must say here exactly where it looks.
   */
  history?(rule: RuleOf<K>, input: FilingInput, tz: string): HistoryPeriod[];
  evaluate(rule: RuleOf<K>, input: FilingInput, facts: Facts, ctx: EvaluationContext): Hit | null;
}

const problems = {
  endBeforeStart: { 'zh-CN': '计划结束时间早于或等于开始时间', en: 'the planned end is not after the planned start' },
  tooLong: { 'zh-CN': '检查窗口 {days} 天，超过上限 {max} 天', en: 'the window is {days} days, longer than the limit of {max} days' },
  startInPast: {
    'zh-CN': '计划开始时间已过（仅{types}可事后备案）',
    en: 'the planned start is in the past (only {types} inspections may be filed afterwards)',
  },
  startInPastNever: { 'zh-CN': '计划开始时间已过（不能事后备案）', en: 'the planned start is in the past (nothing is filed afterwards)' },
} satisfies Record<string, Localized>;

/** Why a random filing does not carry out a drawn assignment. */
const drawProblems = {
  missing: { 'zh-CN': '所填抽查任务不存在', en: 'the named draw assignment does not exist' },
  otherAgency: { 'zh-CN': '该抽查任务属于其他执法主体', en: 'the assignment belongs to another agency' },
  otherEnterprise: { 'zh-CN': '该抽查任务抽中的是另一家企业', en: 'the assignment drew another enterprise' },
  filed: { 'zh-CN': '该抽查任务已有备案', en: 'the assignment has been filed already' },
  expired: { 'zh-CN': '该抽查任务已过期', en: 'the assignment has expired' },
  outsidePeriod: { 'zh-CN': '检查时间不在抽查任务的执行期内', en: 'the visit is outside the period of the assignment' },
  otherInspectors: {
    'zh-CN': '须且只能派出随机抽取的执法人员（不得增减）',
    en: 'the filing must name exactly the randomly drawn inspectors, no officer more or less',
  },
  joint: {
    'zh-CN': '抽查任务由抽取它的执法主体实施，不能加入其他主体',
    en: 'a drawn inspection is made by the agency that drew it, without joint agencies',
  },
} as const;

const groundVerdicts = {
  unverified: {
    'zh-CN': '事由“{reference}”由本主体自行登记，尚待监督机构核实；核实不成立的，本次检查计为无据检查',
    en:
      'the ground "{reference}" was registered by this agency itself and awaits a supervisor; ' +
      'if rejected, this visit counts as unfounded',
  },
} satisfies Record<string, Localized>;

const verdicts = {
  refused: { 'zh-CN': '仅可实施以下检查：{allowed}（本次为{type}）', en: 'only {allowed} inspections are allowed (this one is {type})' },
  exemptTrigger: {
    'zh-CN': '本次为{type}，事由：{trigger}（{reference}），予以放行并提示监管部门',
    en: 'this {type} inspection is let through on its grounds, {trigger} ({reference}), and shown to supervisors',
  },
  exemptCampaign: {
    'zh-CN': '本次为上级部署的专项检查（{reference}），予以放行并提示监管部门',
    en: 'this special campaign deployed by a higher authority ({reference}) is let through and shown to supervisors',
  },
  exemptType: { 'zh-CN': '本次为{type}，予以放行并提示监管部门', en: 'this {type} inspection is let through and shown to supervisors' },
  higherCampaign: { 'zh-CN': '上级部署的专项检查', en: 'special campaigns deployed by a higher authority' },
} satisfies Record<string, Localized>;

/** The worst window of `days` that contains `at`: its earlier visits, counted with `at`. */
function worstRollingWindow(visits: PriorFiling[], at: number, days: number): PriorFiling[] {
  const span = days * DAY_MS;
  const near = visits.filter((v) => Math.abs(v.plannedStart - at) < span);
  const times = [...near.map((v) => v.plannedStart), at].filter((t) => t <= at && t > at - span);
  let worst: PriorFiling[] = [];
  for (const from of times) {
    const inside = near.filter((v) => v.plannedStart >= from && v.plannedStart < from + span);
    if (inside.length > worst.length) worst = inside;
  }
  return worst;
}

const HOUR_MS = 3_600_000;
/** An enterprise without a risk class, as its cap's message names it. */
const unrated = { 'zh-CN': '未评级', en: 'unrated' };
const purposes = {
  observation: { 'zh-CN': '观摩', en: 'observation' },
  supervision: { 'zh-CN': '督导', en: 'supervision' },
  study: { 'zh-CN': '考察调研', en: 'study' },
  inspection: { 'zh-CN': '检查', en: 'inspection' },
} satisfies Record<string, Localized>;

const isHigherCampaign = (input: FilingInput) => input.campaign?.level === 'higher';
/** Agencies of a filing, the filing agency first, with names where the registry has them. */
function agenciesOf(input: FilingInput, facts: Facts): { id: string; name: string }[] {
  // most filings have one agency: no map to build
  if (input.jointAgencyIds.length === 0) return [{ id: input.agencyId, name: facts.agency?.name ?? input.agencyId }];
  const known = new Map<string, AgencyFact>([...(facts.agency ? [facts.agency] : []), ...facts.jointAgencies].map((a) => [a.id, a]));
  return [input.agencyId, ...input.jointAgencyIds].map((id) => ({ id, name: known.get(id)?.name ?? id }));
}
/** The agencies of an agency's enforcement system (itself, its parent, the parent's other children…). */
function systemOf(agencyId: string, facts: Facts): string[] {
  const a = facts.agency?.id === agencyId ? facts.agency : facts.jointAgencies.find((x) => x.id === agencyId);
  return a?.systemIds.length ? a.systemIds : [agencyId];
}
/** Whether a visit was made by one of these agencies, leading it or joint. */
const wasOn = (h: PriorFiling, agencies: string[]) => agencies.includes(h.agencyId) || h.jointAgencyIds.some((j) => agencies.includes(j));

/** How many different credentials, of one agency or of all (null). */
function distinctCredentials(valid: { agencyId: string; credential: string }[], agencyId: string | null): number {
  const seen: string[] = [];
  for (const v of valid) if ((agencyId === null || v.agencyId === agencyId) && !seen.includes(v.credential)) seen.push(v.credential);
  return seen.length;
}

/** Visits in a calendar period: a year counts every visit whose window touches it, a day those that start in it. */
function inPeriod(visits: PriorFiling[], [from, to]: [number, number], touching: boolean): PriorFiling[] {
  const out: PriorFiling[] = [];
  for (const h of visits)
    if (touching ? h.plannedStart < to && h.plannedEnd > from : h.plannedStart >= from && h.plannedStart < to) out.push(h);
  return out;
}

/**
 * The calendar periods a visit counts in: every local year its window touches (a cap), or the
 * local day it starts on (the day alert). UTC intervals [from, to).
 */
function periodsTouched(window: 'calendar-year' | 'calendar-day' | 'rolling-days', input: FilingInput, tz: string): [number, number][] {
  const start = input.plannedStart.getTime();
  if (window !== 'calendar-year') return [localPeriod(start, tz, 'day')];
  const out: [number, number][] = [];
  for (let at = start; at < input.plannedEnd.getTime();) {
    const year = localPeriod(at, tz, 'year');
    out.push(year);
    at = year[1];
  }
  return out.length ? out : [localPeriod(start, tz, 'year')];
}

export const kinds: { [K in RuleKind]: KindEvaluator<K> } = {
  history: {
    placeholders: ['streak', 'withinDays', 'filings'],
    // the look-back before the new visit, by planned start, so that the answer depends on which
    // visits exist and never on the order they were filed in
    history: (rule, input) => [{ from: input.plannedStart.getTime() - rule.params.withinDays * DAY_MS, to: input.plannedStart.getTime() }],
    evaluate(rule, input, facts) {
      const start = input.plannedStart.getTime();
      const since = start - rule.params.withinDays * DAY_MS;
      // the agency's most recent visits before this one that have a result (a visit that did not
      // take place says nothing about the enterprise)
      const results = facts.history
        .filter(
          (h) =>
            h.agencyId === input.agencyId &&
            h.resultOutcome &&
            h.resultOutcome !== 'not_conducted' &&
            h.plannedStart >= since &&
            h.plannedStart < start,
        )
        .sort((a, b) => b.plannedStart - a.plannedStart || (a.id < b.id ? -1 : 1))
        .slice(0, rule.params.streak);
      if (results.length < rule.params.streak || results.some((h) => h.resultOutcome !== 'no_issues')) return null;
      return {
        params: { streak: rule.params.streak, withinDays: rule.params.withinDays, filings: results.map((h) => h.filingNo).join(', ') },
        evidence: results.map((h) => h.id),
      };
    },
  },

  overlap: {
    placeholders: ['days', 'filings', 'agencies'],
    history: (rule, input) => [
      { from: input.plannedStart.getTime() - rule.params.days * DAY_MS, to: input.plannedEnd.getTime() + rule.params.days * DAY_MS },
    ],
    evaluate(rule, input, facts) {
      const span = rule.params.days * DAY_MS;
      const from = input.plannedStart.getTime() - span;
      const to = input.plannedEnd.getTime() + span;
      const mine = new Set([input.agencyId, ...input.jointAgencyIds]);
      // another agency's window that meets this one widened by `days`, and that this filing is
      // not already joint with (windows, not start times: a visit inside another agency's
      // running 15-day window is found)
      const others = facts.history.filter(
        (h) => !mine.has(h.agencyId) && !h.jointAgencyIds.includes(input.agencyId) && h.plannedStart < to && h.plannedEnd > from,
      );
      if (others.length === 0) return null;
      return {
        params: {
          days: rule.params.days,
          filings: others.map((h) => h.filingNo).join(', '),
          agencies: [...new Set(others.map((h) => h.agencyName))].join('、'),
        },
        evidence: others.map((h) => h.id),
      };
    },
  },

  'enterprise-flag': {
    placeholders: ['verdict', 'type', 'allowed'],
    evaluate(rule, input, facts) {
      if (!facts.enterprise[rule.params.flag]) return null;
      const p = rule.params;
      const types = typeList(p.allowTypes);
      const allowedText = p.allowHigherCampaigns
        ? { 'zh-CN': `${types['zh-CN']}、${verdicts.higherCampaign['zh-CN']}`, en: `${types.en}, ${verdicts.higherCampaign.en}` }
        : types;
      const base = { type: typeNames[input.type], allowed: allowedText };
      const evidence = [facts.enterprise.uscc];
      if (p.allowHigherCampaigns && isHigherCampaign(input)) {
        return {
          params: { ...base, verdict: fillBoth(verdicts.exemptCampaign, { reference: input.campaign?.reference ?? '' }) },
          evidence,
          severity: p.exemptSeverity ?? 'warn',
        };
      }
      if (p.allowTypes.includes(input.type)) {
        const verdict = input.trigger
          ? fillBoth(verdicts.exemptTrigger, {
              type: typeNames[input.type],
              trigger: triggerLabels[input.trigger.kind],
              reference: input.trigger.reference,
            })
          : fillBoth(verdicts.exemptType, { type: typeNames[input.type] });
        return { params: { ...base, verdict }, evidence, severity: p.exemptSeverity ?? 'warn' };
      }
      return { params: { ...base, verdict: fillBoth(verdicts.refused, base) }, evidence };
    },
  },

  'quiet-period': {
    placeholders: ['day', 'fromDay', 'toDay'],
    evaluate(rule, input, _facts, ctx) {
      const date = localDate(input.plannedStart, ctx.tz);
      const dayOfMonth = Number(date.slice(8, 10));
      if (dayOfMonth < rule.params.fromDay || dayOfMonth > rule.params.toDay) return null;
      return { params: { day: date, fromDay: rule.params.fromDay, toDay: rule.params.toDay }, evidence: [] };
    },
  },

  'lead-time': {
    placeholders: ['hours', 'lead'],
    evaluate(rule, input, _facts, ctx) {
      const lead = (input.plannedStart.getTime() - ctx.now.getTime()) / HOUR_MS;
      if (lead >= rule.params.hours) return null;
      return { params: { hours: rule.params.hours, lead: Math.max(0, Math.floor(lead)) }, evidence: [] };
    },
  },

  'onsite-justified': {
    placeholders: ['minLength'],
    evaluate(rule, input) {
      if (!input.onSite || meaningfulLength(input.onSiteJustification, rule.params.minLength) >= rule.params.minLength) return null;
      return { params: { minLength: rule.params.minLength }, evidence: [] };
    },
  },

  'emergency-now': {
    placeholders: ['lead', 'max'],
    evaluate(rule, input, _facts, ctx) {
      const leadMinutes = (input.plannedStart.getTime() - ctx.now.getTime()) / 60_000;
      if (input.type !== 'emergency' || leadMinutes <= rule.params.maxLeadMinutes) return null;
      return { params: { lead: Math.floor(leadMinutes), max: rule.params.maxLeadMinutes }, evidence: [] };
    },
  },

  draw: {
    placeholders: ['problem'],
    evaluate(_rule, input, facts) {
      if (input.type !== 'random') return null;
      const a = facts.assignment;
      const problem = !a
        ? drawProblems.missing
        : a.agencyId !== input.agencyId
          ? drawProblems.otherAgency
          : a.enterpriseUscc !== input.enterpriseUscc
            ? drawProblems.otherEnterprise
            : a.status !== 'open'
              ? drawProblems[a.status]
              : input.plannedStart.getTime() < Date.parse(a.periodStart) || input.plannedEnd.getTime() > Date.parse(a.periodEnd)
                ? drawProblems.outsidePeriod
                : // exactly the drawn pair: an extra officer of the agency's choosing is not random
                  input.inspectorIds.length !== a.inspectorIds.length || !a.inspectorIds.every((id) => input.inspectorIds.includes(id))
                  ? drawProblems.otherInspectors
                  : input.jointAgencyIds.length
                    ? drawProblems.joint
                    : null;
      return problem ? { params: { problem }, evidence: a ? [a.id] : [] } : null;
    },
  },

  grounds: {
    placeholders: ['problem'],
    evaluate(rule, input, facts, ctx) {
      const { ground, problem } = groundFor(input, facts, ctx.tz);
      if (problem) return { params: { problem }, evidence: [] };
      if (ground?.status !== 'unverified') return null;
      // the agency's own lead: let through, and listed for the supervisor who must confirm it
      return {
        params: { problem: fillBoth(groundVerdicts.unverified, { reference: ground.reference }) },
        evidence: [ground.id],
        severity: rule.params.unverifiedSeverity ?? 'warn',
      };
    },
  },

  jurisdiction: {
    placeholders: ['agency', 'region'],
    evaluate(_rule, input, facts, ctx) {
      const region = facts.enterprise.region;
      // every agency on the filing inspects within its own division, unless a referral sends it
      for (const a of [...(facts.agency ? [facts.agency] : []), ...facts.jointAgencies]) {
        if (inJurisdiction(region, a.region) || referralFor(a.id, input, facts, ctx.tz)) continue;
        return { params: { agency: a.name, region }, evidence: [a.id] };
      }
      return null;
    },
  },

  'emergency-late': {
    placeholders: ['hours', 'late'],
    evaluate(rule, input, _facts, ctx) {
      const after = (ctx.now.getTime() - input.plannedStart.getTime()) / HOUR_MS;
      if (input.type !== 'emergency' || after <= rule.params.hours) return null;
      return { params: { hours: rule.params.hours, late: Math.floor(after) }, evidence: [] };
    },
  },

  conduct: {
    placeholders: ['purpose'],
    evaluate(rule, input) {
      switch (rule.params.check) {
        case 'legal-representative':
          // insisting the legal representative attends needs its own stated reason (N4)
          return input.requiresLegalRepresentative && meaningfulLength(input.legalRepresentativeReason, 1) === 0
            ? { params: { purpose: purposes[input.purpose] }, evidence: [] }
            : null;
        case 'disguised-visit':
          // an on-site "observation", "supervision" or "study" visit is an inspection in disguise (N6)
          return input.onSite && input.purpose !== 'inspection' ? { params: { purpose: purposes[input.purpose] }, evidence: [] } : null;
        case 'reported':
          return null;
      }
    },
  },

  frequency: {
    placeholders: ['agency', 'counted', 'limit', 'year', 'day', 'days', 'riskClass', 'filings'],
    check(p) {
      const out: { pointer: string; message: string }[] = [];
      if ((p.max === undefined) === (p.maxByRiskClass === undefined))
        out.push({ pointer: '/params', message: 'give exactly one of max and maxByRiskClass' });
      if ((p.window === 'rolling-days') !== (p.days !== undefined))
        out.push({ pointer: '/params/days', message: 'days is required for, and only for, window "rolling-days"' });
      return out;
    },
    history(rule, input, tz) {
      const p = rule.params;
      if (p.onSiteOnly && !input.onSite) return [];
      if (p.excludeHigherCampaigns && isHigherCampaign(input)) return [];
      const start = input.plannedStart.getTime();
      if (p.window === 'rolling-days') {
        const span = (p.days ?? 0) * DAY_MS;
        return [{ from: start - span, to: start + span }];
      }
      // the whole calendar period of the visit, after it as well as before: the cap holds
      // whatever the order in which the year's visits are filed
      return periodsTouched(p.window, input, tz).map(([from, to]) => ({ from, to }));
    },
    evaluate(rule, input, facts, ctx) {
      const p = rule.params;
      if (p.onSiteOnly && !input.onSite) return null;
      if (p.excludeHigherCampaigns && isHigherCampaign(input)) return null;
      // "same": the filing agency's cap, counting the visits of its whole system (a bureau and its
      // squads: what one of them visited, the others do not visit again, 同一系统). A joint agency
      // named on the filing is held to its own cap when it accepts, not when another names it.
      const single = p.agencies === 'same' ? systemOf(input.agencyId, facts) : null;
      const candidates = facts.history.filter(
        (h) =>
          (!p.types || p.types.includes(h.type)) &&
          (!p.onSiteOnly || h.onSite) &&
          !(p.excludeHigherCampaigns && h.campaignLevel === 'higher') &&
          // one agency on the filing: its visits only, picked here once
          (single === null || wasOn(h, single)),
      );
      const riskClass = facts.enterprise.riskClass ?? 'unknown';
      const limit = p.max ?? p.maxByRiskClass?.[riskClass] ?? 0;
      const start = input.plannedStart.getTime();
      // the periods this visit counts in: the window around it, or every calendar year (day)
      // its window touches, so that a visit from 31 December to 14 January counts in both years
      const rolling = p.window === 'rolling-days';
      const periods = rolling ? [] : periodsTouched(p.window, input, ctx.tz);
      // "any": all visits together
      const subjects =
        p.agencies === 'same' ? [{ id: input.agencyId, name: facts.agency?.name ?? input.agencyId }] : [{ id: '', name: '' }];
      for (const subject of subjects) {
        const mine = candidates;
        for (let i = 0; i < (rolling ? 1 : periods.length); i++) {
          const period = periods[i];
          const counted = period ? inPeriod(mine, period, p.window === 'calendar-year') : worstRollingWindow(mine, start, p.days ?? 0);
          if (counted.length + 1 <= limit) continue;
          const at = period ? Math.max(period[0], start) : start;
          return {
            params: {
              agency: subject.name,
              counted: counted.length,
              limit,
              year: localYear(at, ctx.tz),
              day: localDate(at, ctx.tz),
              days: p.days ?? 1,
              riskClass: riskClass === 'unknown' ? unrated : riskClass,
              filings: counted.map((h) => h.filingNo).join(', '),
            },
            evidence: counted.map((h) => h.id),
          };
        }
      }
      return null;
    },
  },

  agency: {
    placeholders: ['agency'],
    evaluate(_rule, input, facts) {
      const registered = new Map([...(facts.agency ? [facts.agency] : []), ...facts.jointAgencies].map((a) => [a.id, a]));
      // the filing agency and every joint agency must exist and be active
      const refused = [input.agencyId, ...input.jointAgencyIds].filter((id) => !registered.get(id)?.active);
      if (refused.length === 0) return null;
      return { params: { agency: refused.map((id) => registered.get(id)?.name ?? id).join('、') }, evidence: refused };
    },
  },

  inspectors: {
    placeholders: ['counted', 'min', 'lastDay', 'agency'],
    evaluate(rule, input, facts, ctx) {
      const min = rule.params.min;
      // one agency alone: the filing-wide count says all there is to say
      if (rule.params.each && input.jointAgencyIds.length === 0) return null;
      // the last local day the visit touches: a window ending at local midnight does not need the next day
      const lastDay = localDate(input.plannedEnd.getTime() - 1, ctx.tz);
      const allowedAgencies = [input.agencyId, ...input.jointAgencyIds];
      // credentials count once however many inspector records carry them (the registry keeps
      // one spelling per credential: unique across agencies, case and separators aside)
      const valid: { agencyId: string; credential: string }[] = [];
      const invalid: string[] = [];
      for (const id of new Set(input.inspectorIds)) {
        const i = facts.inspectors.find((x) => x.id === id);
        if (i && allowedAgencies.includes(i.agencyId) && i.validUntil >= lastDay)
          valid.push({ agencyId: i.agencyId, credential: i.credentialNo });
        else invalid.push(id);
      }
      if (rule.params.each) {
        // every agency on a joint visit sends its own certified staff: no agency lends its name
        // (and its annual cap) to a visit made by another's inspectors
        for (const a of agenciesOf(input, facts)) {
          const own = distinctCredentials(valid, a.id);
          if (own < min) return { params: { counted: own, min, lastDay, agency: a.name }, evidence: [a.id] };
        }
        return null;
      }
      const counted = distinctCredentials(valid, null);
      if (counted >= min) return null;
      return { params: { counted, min, lastDay, agency: '' }, evidence: invalid };
    },
  },

  items: {
    placeholders: ['items'],
    evaluate(_rule, input, facts) {
      // an item is accepted when an agency on this filing publishes it: a joint visit may check
      // the joint agencies' items, never another agency's (a few codes against short lists:
      // plain scans, no set to build on every filing)
      const missing = input.itemCodes.filter(
        (c) =>
          !facts.agency?.itemCodes.includes(c) &&
          !facts.jointAgencies.some((a) => input.jointAgencyIds.includes(a.id) && a.itemCodes.includes(c)),
      );
      if (missing.length === 0) return null;
      return { params: { items: missing.join(', ') }, evidence: missing };
    },
  },

  fields: {
    placeholders: ['field', 'minLength', 'type'],
    evaluate(rule, input) {
      // letters and digits a reader can see: "。。。。" or four blank characters are no reason
      if (meaningfulLength(input[rule.params.field], rule.params.minLength) >= rule.params.minLength) return null;
      return {
        params: { field: fieldName(rule.params.field), minLength: rule.params.minLength, type: typeNames[input.type] },
        evidence: [],
      };
    },
  },

  window: {
    placeholders: ['problem'],
    evaluate(rule, input, _facts, ctx) {
      const { plannedStart: start, plannedEnd: end } = input;
      if (end.getTime() <= start.getTime()) return { params: { problem: problems.endBeforeStart }, evidence: [] };
      const days = Math.ceil((end.getTime() - start.getTime()) / DAY_MS);
      if (days > rule.params.maxDays) {
        return { params: { problem: fillBoth(problems.tooLong, { days, max: rule.params.maxDays }) }, evidence: [] };
      }
      const pastAllowed = rule.params.pastStartAllowedFor.includes(input.type);
      if (!pastAllowed && start.getTime() < ctx.now.getTime() - rule.params.graceMinutes * 60_000) {
        const allowed = rule.params.pastStartAllowedFor;
        const problem = allowed.length ? fillBoth(problems.startInPast, { types: typeList(allowed) }) : problems.startInPastNever;
        return { params: { problem }, evidence: [] };
      }
      return null;
    },
  },
};
