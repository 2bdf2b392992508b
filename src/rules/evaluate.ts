import { fillBoth } from '../domain/i18n.js';
import { localDate } from '../domain/calendar.js';
import type { Decision, Finding } from '../domain/decision.js';
import type { EvaluationContext, Facts, FilingInput, HistoryPeriod } from './facts.js';
import { kinds, type Hit, type KindEvaluator } from './kinds.js';
import type { LoadedRuleSet } from './load.js';
import type { Rule, RuleKind } from './schema.js';

const startsWithAny = (value: string, prefixes: string[] | undefined) => !prefixes || prefixes.some((p) => value.startsWith(p));

/** The sets in force for this enterprise on this day. */
export function applicableSets(sets: readonly LoadedRuleSet[], region: string, ctx: EvaluationContext): LoadedRuleSet[] {
  const today = localDate(ctx.now, ctx.tz);
  return sets.filter(
    ({ file }) =>
      file.enabled &&
      file.effectiveFrom <= today &&
      (file.effectiveTo == null || today < file.effectiveTo) &&
      region.startsWith(file.jurisdiction),
  );
}

function applies(rule: Rule, input: FilingInput, region: string): boolean {
  if (rule.enabled === false) return false;
  if (rule.scope?.types && !rule.scope.types.includes(input.type)) return false;
  return startsWithAny(region, rule.scope?.regions);
}

function run<K extends RuleKind>(rule: Rule & { kind: K }, input: FilingInput, facts: Facts, ctx: EvaluationContext): Hit | null {
  const evaluator = kinds[rule.kind] as KindEvaluator<K>;
  return evaluator.evaluate(rule, input, facts, ctx);
}

/**
 * The rules in force from a list of applicable sets: every set's own rules, with the overrides of
 * more local sets applied in order from the most general to the most local. Each rule carries
 * the set that last shaped it, which is the one its findings name.
 */
const effectiveCache = new Map<string, { rule: Rule; set: LoadedRuleSet }[]>();
// Keyed by the identity of the set objects (a reload makes new ones), not their content hash:
// code may build sets in memory that share a hash with a file.
const setIds = new WeakMap<LoadedRuleSet, number>();
let nextSetId = 0;
const idOf = (s: LoadedRuleSet) => {
  let id = setIds.get(s);
  if (id === undefined) setIds.set(s, (id = nextSetId++));
  return id;
};
function effectiveRules(used: readonly LoadedRuleSet[]): { rule: Rule; set: LoadedRuleSet }[] {
  const key = used.map(idOf).join(',');
  const hit = effectiveCache.get(key);
  if (hit) return hit;
  const ordered = [...used].sort((a, b) => a.file.jurisdiction.length - b.file.jurisdiction.length);
  const byId = new Map<string, { rule: Rule; set: LoadedRuleSet }>();
  for (const set of ordered) for (const rule of set.file.rules) byId.set(rule.id, { rule, set });
  for (const set of ordered) {
    for (const o of set.file.overrides ?? []) {
      const base = byId.get(o.id);
      if (!base) continue;
      const rule = {
        ...base.rule,
        ...(o.severity ? { severity: o.severity } : {}),
        ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
        ...(o.basis ? { basis: o.basis } : {}),
        params: { ...base.rule.params, ...(o.params ?? {}) },
      } as Rule;
      byId.set(o.id, { rule, set });
    }
  }
  const result = [...byId.values()];
  if (effectiveCache.size > 100) effectiveCache.clear();
  effectiveCache.set(key, result);
  return result;
}

/** Pure: the same sets, input, facts and clock give the same decision. */
export function evaluate(sets: readonly LoadedRuleSet[], input: FilingInput, facts: Facts, ctx: EvaluationContext): Decision {
  const region = facts.enterprise.region;
  const used = applicableSets(sets, region, ctx);
  const findings: Finding[] = [];
  for (const { rule, set } of effectiveRules(used)) {
    if (!applies(rule, input, region)) continue;
    const hit = run(rule, input, facts, ctx);
    if (!hit) continue;
    const severity = hit.severity ?? rule.severity;
    findings.push({
      ruleId: rule.id,
      ruleSet: `${set.file.id}@${set.file.version}`,
      ...(rule.title ? { title: rule.title } : {}),
      severity,
      message: fillBoth(rule.message, hit.params),
      basis: rule.basis,
      evidence: hit.evidence,
      // a violation is raised by a finding that holds the filing up, not by one it lets through
      ...(rule.raises && severity === rule.severity ? { raises: rule.raises } : {}),
      ...(set.file.template ? { template: true } : {}),
    });
  }
  const outcome = findings.some((f) => f.severity === 'block') ? 'block' : findings.some((f) => f.severity === 'warn') ? 'warn' : 'allow';
  return {
    outcome,
    findings,
    ruleSets: used.map((s) => ({ id: s.file.id, version: s.file.version, sha256: s.sha256 })),
    evaluatedAt: ctx.now.toISOString(),
    ...(input.trigger || input.campaign
      ? { grounds: { ...(input.trigger ? { trigger: input.trigger } : {}), ...(input.campaign ? { campaign: input.campaign } : {}) } }
      : {}),
  };
}

/**
 * Every variant of every rule in force on this day in some jurisdiction: the rules of each chain
 * of sets from the most general to each set, overrides applied. The enterprise's region is one
 * of the facts being loaded, so the history a filing needs is decided over all of them.
 */
/** The sets in force on this day somewhere: enabled and within their dates, whatever their jurisdiction. */
export function setsInForce(sets: readonly LoadedRuleSet[], ctx: EvaluationContext): LoadedRuleSet[] {
  const today = localDate(ctx.now, ctx.tz);
  return sets.filter(({ file }) => file.enabled && file.effectiveFrom <= today && (file.effectiveTo == null || today < file.effectiveTo));
}

// asked for every filing: kept for the last rule sets and day (a reload makes new sets)
let anywhere: { sets: readonly LoadedRuleSet[]; day: string; rules: Rule[] } | null = null;
function rulesInForceAnywhere(sets: readonly LoadedRuleSet[], ctx: EvaluationContext): Rule[] {
  const day = localDate(ctx.now, ctx.tz);
  if (anywhere?.sets === sets && anywhere.day === day) return anywhere.rules;
  const live = setsInForce(sets, ctx);
  const rules: Rule[] = [];
  for (const leaf of live) {
    const chain = live.filter((s) => leaf.file.jurisdiction.startsWith(s.file.jurisdiction));
    for (const { rule } of effectiveRules(chain)) rules.push(rule);
  }
  anywhere = { sets, day, rules };
  return rules;
}

function historyOf<K extends RuleKind>(rule: Rule & { kind: K }, input: FilingInput, tz: string): HistoryPeriod[] {
  const evaluator = kinds[rule.kind] as KindEvaluator<K>;
  return evaluator.history?.(rule, input, tz) ?? [];
}

/**
 * The periods of the enterprise's history that the rules which could apply to this filing need
 * (its type, the rules in force), merged where they meet. The facts query loads exactly these.
 */
export function historyPeriods(sets: readonly LoadedRuleSet[], input: FilingInput, ctx: EvaluationContext): HistoryPeriod[] {
  const periods: HistoryPeriod[] = [];
  for (const rule of rulesInForceAnywhere(sets, ctx)) {
    if (rule.enabled === false || (rule.scope?.types && !rule.scope.types.includes(input.type))) continue;
    periods.push(...historyOf(rule, input, ctx.tz));
  }
  return mergePeriods(periods);
}

export function mergePeriods(periods: HistoryPeriod[]): HistoryPeriod[] {
  const sorted = [...periods].filter((p) => p.to > p.from).sort((a, b) => a.from - b.from);
  const out: HistoryPeriod[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else out.push({ ...p });
  }
  return out;
}
