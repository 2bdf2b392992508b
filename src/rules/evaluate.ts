import { fillBoth } from '../domain/i18n.js';
import { localDate } from '../domain/calendar.js';
import type { Decision, Finding } from './decision.js';
import type { EvaluationContext, FactKey, Facts, FilingInput } from './facts.js';
import { kinds, type Hit, type KindEvaluator } from './kinds.js';
import type { LoadedRuleSet } from './load.js';
import type { Rule, RuleKind } from './schema.js';

const startsWithAny = (value: string, prefixes: string[] | undefined) =>
  !prefixes || prefixes.some((p) => value.startsWith(p));

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
  return evaluator.evaluate(rule as never, input, facts, ctx);
}

/** The facts that the rules applying to a region need, so the service loads nothing else. */
export function neededFacts(sets: readonly LoadedRuleSet[]): Set<FactKey> {
  const needs = new Set<FactKey>();
  for (const s of sets) for (const r of s.file.rules) if (r.enabled !== false) for (const n of kinds[r.kind].needs) needs.add(n);
  return needs;
}

/** Pure: the same sets, input, facts and clock give the same decision. */
export function evaluate(
  sets: readonly LoadedRuleSet[],
  input: FilingInput,
  facts: Facts,
  ctx: EvaluationContext,
): Decision {
  const region = facts.enterprise.region;
  const used = applicableSets(sets, region, ctx);
  const findings: Finding[] = [];
  for (const set of used) {
    for (const rule of set.file.rules) {
      if (!applies(rule, input, region)) continue;
      const hit = run(rule, input, facts, ctx);
      if (!hit) continue;
      findings.push({
        ruleId: rule.id,
        ruleSet: `${set.file.id}@${set.file.version}`,
        severity: rule.severity,
        message: fillBoth(rule.message, hit.params),
        basis: rule.basis,
        evidence: hit.evidence,
        ...(rule.raises ? { raises: rule.raises } : {}),
      });
    }
  }
  const outcome = findings.some((f) => f.severity === 'block')
    ? 'block'
    : findings.some((f) => f.severity === 'warn')
      ? 'warn'
      : 'allow';
  return {
    outcome,
    findings,
    ruleSets: used.map((s) => ({ id: s.file.id, version: s.file.version, sha256: s.sha256 })),
    evaluatedAt: ctx.now.toISOString(),
  };
}
