import { DAY_MS, localDate, localPeriod, localYear } from '../domain/calendar.js';
import { fillBoth, type Localized, type Params } from '../domain/i18n.js';
import type { EvaluationContext, FactKey, Facts, FilingInput, PriorFiling } from './facts.js';
import type { RuleKind, RuleOf } from './schema.js';

/** A rule that fired: the values for its message placeholders and the ids it counted. */
export interface Hit {
  params: Params;
  evidence: string[];
}

export interface KindEvaluator<K extends RuleKind> {
  needs: FactKey[];
  /** the placeholders a message of this kind may use; anything else is refused at load */
  placeholders: string[];
  /** parameter combinations the schema cannot express; each problem is a pointer below /params and a message */
  check?(params: RuleOf<K>['params']): { pointer: string; message: string }[];
  evaluate(rule: RuleOf<K>, input: FilingInput, facts: Facts, ctx: EvaluationContext): Hit | null;
}

const problems = {
  endBeforeStart: { 'zh-CN': '计划结束时间早于或等于开始时间', en: 'the planned end is not after the planned start' },
  tooLong: { 'zh-CN': '检查窗口 {days} 天，超过上限 {max} 天', en: 'the window is {days} days, longer than the limit of {max} days' },
  startInPast: { 'zh-CN': '计划开始时间已过（仅 {types} 类型可事后备案）', en: 'the planned start is in the past (only {types} may be filed afterwards)' },
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
const purposes = {
  observation: { 'zh-CN': '观摩', en: 'observation' },
  supervision: { 'zh-CN': '督导', en: 'supervision' },
  study: { 'zh-CN': '考察调研', en: 'study' },
  inspection: { 'zh-CN': '检查', en: 'inspection' },
} satisfies Record<string, Localized>;

export const kinds: { [K in RuleKind]: KindEvaluator<K> } = {
  history: {
    needs: ['history'],
    placeholders: ['streak', 'withinDays', 'filings'],
    evaluate(rule, input, facts) {
      const since = input.plannedStart.getTime() - rule.params.withinDays * DAY_MS;
      const results = facts.history
        .filter((h) => h.agencyId === input.agencyId && h.resultOutcome && h.conductedAt !== null && h.conductedAt >= since)
        .sort((a, b) => (b.conductedAt ?? 0) - (a.conductedAt ?? 0))
        .slice(0, rule.params.streak);
      if (results.length < rule.params.streak || results.some((h) => h.resultOutcome !== 'no_issues')) return null;
      return {
        params: { streak: rule.params.streak, withinDays: rule.params.withinDays, filings: results.map((h) => h.filingNo).join(', ') },
        evidence: results.map((h) => h.id),
      };
    },
  },

  overlap: {
    needs: ['history'],
    placeholders: ['days', 'filings', 'agencies'],
    evaluate(rule, input, facts) {
      const span = rule.params.days * DAY_MS;
      const start = input.plannedStart.getTime();
      const mine = new Set([input.agencyId, ...input.jointAgencyIds]);
      // another agency's visit nearby that this filing is not already joint with
      const others = facts.history.filter(
        (h) => !mine.has(h.agencyId) && !h.jointAgencyIds.includes(input.agencyId) && Math.abs(h.plannedStart - start) <= span,
      );
      if (others.length === 0) return null;
      return {
        params: { days: rule.params.days, filings: others.map((h) => h.filingNo).join(', '), agencies: [...new Set(others.map((h) => h.agencyName))].join('、') },
        evidence: others.map((h) => h.id),
      };
    },
  },

  'enterprise-flag': {
    needs: ['enterprise'],
    placeholders: ['type', 'allowed'],
    evaluate(rule, input, facts) {
      if (!facts.enterprise[rule.params.flag] || rule.params.allowTypes.includes(input.type)) return null;
      return { params: { type: input.type, allowed: rule.params.allowTypes.join(', ') }, evidence: [facts.enterprise.uscc] };
    },
  },

  'quiet-period': {
    needs: [],
    placeholders: ['day', 'fromDay', 'toDay'],
    evaluate(rule, input, _facts, ctx) {
      const date = localDate(input.plannedStart, ctx.tz);
      const dayOfMonth = Number(date.slice(8, 10));
      if (dayOfMonth < rule.params.fromDay || dayOfMonth > rule.params.toDay) return null;
      return { params: { day: date, fromDay: rule.params.fromDay, toDay: rule.params.toDay }, evidence: [] };
    },
  },

  'lead-time': {
    needs: [],
    placeholders: ['hours', 'lead'],
    evaluate(rule, input, _facts, ctx) {
      const lead = (input.plannedStart.getTime() - ctx.now.getTime()) / HOUR_MS;
      if (lead >= rule.params.hours) return null;
      return { params: { hours: rule.params.hours, lead: Math.max(0, Math.floor(lead)) }, evidence: [] };
    },
  },

  'onsite-justified': {
    needs: [],
    placeholders: ['minLength'],
    evaluate(rule, input) {
      if (!input.onSite || [...(input.onSiteJustification ?? '')].length >= rule.params.minLength) return null;
      return { params: { minLength: rule.params.minLength }, evidence: [] };
    },
  },

  'emergency-late': {
    needs: [],
    placeholders: ['hours', 'late'],
    evaluate(rule, input, _facts, ctx) {
      const after = (ctx.now.getTime() - input.plannedStart.getTime()) / HOUR_MS;
      if (input.type !== 'emergency' || after <= rule.params.hours) return null;
      return { params: { hours: rule.params.hours, late: Math.floor(after) }, evidence: [] };
    },
  },

  conduct: {
    needs: [],
    placeholders: ['purpose'],
    evaluate(rule, input) {
      switch (rule.params.check) {
        case 'legal-representative':
          // insisting the legal representative attends needs a stated reason (N4)
          return input.requiresLegalRepresentative && !input.reason ? { params: { purpose: purposes[input.purpose] }, evidence: [] } : null;
        case 'disguised-visit':
          // an on-site "observation", "supervision" or "study" visit is an inspection in disguise (N6)
          return input.onSite && input.purpose !== 'inspection' ? { params: { purpose: purposes[input.purpose] }, evidence: [] } : null;
        case 'reported':
          return null;
      }
    },
  },

  frequency: {
    needs: ['history', 'enterprise'],
    placeholders: ['counted', 'limit', 'year', 'day', 'days', 'riskClass', 'filings'],
    check(p) {
      const out: { pointer: string; message: string }[] = [];
      if ((p.max === undefined) === (p.maxByRiskClass === undefined)) out.push({ pointer: '/params', message: 'give exactly one of max and maxByRiskClass' });
      if ((p.window === 'rolling-days') !== (p.days !== undefined)) out.push({ pointer: '/params/days', message: 'days is required for, and only for, window "rolling-days"' });
      return out;
    },
    evaluate(rule, input, facts, ctx) {
      const p = rule.params;
      if (p.onSiteOnly && !input.onSite) return null;
      const counts = facts.history.filter(
        (h) => (p.agencies === 'any' || h.agencyId === input.agencyId) && (!p.types || p.types.includes(h.type)) && (!p.onSiteOnly || h.onSite),
      );
      const riskClass = facts.enterprise.riskClass ?? 'unknown';
      const limit = p.max ?? p.maxByRiskClass?.[riskClass] ?? 0;
      const start = input.plannedStart.getTime();
      let counted: PriorFiling[];
      if (p.window === 'rolling-days') {
        counted = worstRollingWindow(counts, start, p.days ?? 0);
      } else {
        const [from, to] = localPeriod(start, ctx.tz, p.window === 'calendar-year' ? 'year' : 'day');
        counted = counts.filter((h) => h.plannedStart >= from && h.plannedStart < to);
      }
      if (counted.length + 1 <= limit) return null;
      return {
        params: {
          counted: counted.length,
          limit,
          year: localYear(input.plannedStart, ctx.tz),
          day: localDate(input.plannedStart, ctx.tz),
          days: p.days ?? 1,
          riskClass,
          filings: counted.map((h) => h.filingNo).join(', '),
        },
        evidence: counted.map((h) => h.id),
      };
    },
  },

  agency: {
    needs: ['agency'],
    placeholders: ['agency'],
    evaluate(_rule, input, facts) {
      if (facts.agency?.active) return null;
      return { params: { agency: input.agencyId }, evidence: [input.agencyId] };
    },
  },

  inspectors: {
    needs: ['inspectors', 'jointAgencies'],
    placeholders: ['counted', 'min', 'lastDay'],
    evaluate(rule, input, facts, ctx) {
      const lastDay = localDate(input.plannedEnd, ctx.tz);
      const allowedAgencies = new Set([input.agencyId, ...input.jointAgencyIds]);
      const valid = new Set<string>();
      const invalid: string[] = [];
      for (const id of new Set(input.inspectorIds)) {
        const i = facts.inspectors.find((x) => x.id === id);
        // Credentials count once however many inspector records carry them.
        if (i && allowedAgencies.has(i.agencyId) && i.validUntil >= lastDay) valid.add(i.credentialNo);
        else invalid.push(id);
      }
      if (valid.size >= rule.params.min) return null;
      return { params: { counted: valid.size, min: rule.params.min, lastDay }, evidence: invalid };
    },
  },

  items: {
    needs: ['agency'],
    placeholders: ['items'],
    evaluate(_rule, input, facts) {
      const published = new Set(facts.agency?.itemCodes ?? []);
      const missing = input.itemCodes.filter((c) => !published.has(c));
      if (missing.length === 0) return null;
      return { params: { items: missing.join(', ') }, evidence: missing };
    },
  },

  fields: {
    needs: [],
    placeholders: ['field', 'minLength', 'type'],
    evaluate(rule, input) {
      const value = (input[rule.params.field] ?? '').trim();
      if ([...value].length >= rule.params.minLength) return null;
      return { params: { field: rule.params.field, minLength: rule.params.minLength, type: input.type }, evidence: [] };
    },
  },

  window: {
    needs: [],
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
        const types = rule.params.pastStartAllowedFor.join(', ') || '-';
        return { params: { problem: fillBoth(problems.startInPast, { types }) }, evidence: [] };
      }
      return null;
    },
  },
};
