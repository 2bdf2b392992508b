import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { createAjv } from '../domain/ajv.js';
import { placeholders } from '../domain/i18n.js';
import { kinds, type KindEvaluator } from './kinds.js';
import { ruleKinds, RuleSetSchema, type Rule, type RuleSetFile } from './schema.js';

export interface LoadedRuleSet {
  path: string;
  sha256: string;
  file: RuleSetFile;
}

/** One problem in one file: the file, a JSON pointer into it, and what is wrong. */
export interface RuleProblem {
  file: string;
  pointer: string;
  message: string;
}

export class RuleLoadError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`rule sets refused:\n${problems.map((p) => `  ${p.file}#${p.pointer}: ${p.message}`).join('\n')}`);
  }
}

const validate = createAjv().compile<RuleSetFile>(RuleSetSchema);

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown property "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'discriminator') return `unknown rule kind; allowed: ${Object.keys(kinds).join(', ')}`;
  if (e.keyword === 'enum' || e.keyword === 'const') return `${e.message ?? 'invalid'}: ${JSON.stringify(e.params)}`;
  return e.message ?? 'invalid';
}

/** Checks one parsed file beyond the schema: placeholders per kind and duplicate rule ids. */
function semanticProblems(path: string, file: RuleSetFile): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  file.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) problems.push({ file: path, pointer: `/rules/${i}/id`, message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
    const kind = kinds[rule.kind] as KindEvaluator<typeof rule.kind>;
    for (const c of kind.check?.(rule.params) ?? []) problems.push({ file: path, pointer: `/rules/${i}${c.pointer}`, message: c.message });
    const allowed = kind.placeholders;
    const provided = allowed.map((a) => `{${a}}`).join(', ') || 'none';
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const ph of placeholders(rule.message[lang])) {
        if (!allowed.includes(ph)) {
          problems.push({
            file: path,
            pointer: `/rules/${i}/message/${lang}`,
            message: `placeholder {${ph}} is not provided by kind "${rule.kind}" (it provides: ${provided})`,
          });
        }
      }
    }
  });
  return problems;
}

const paramValidators = new Map(
  Object.entries(ruleKinds).map(([kind, schema]) => [kind, createAjv().compile(schema.properties.params)] as const),
);

/** Problems that only show across files: duplicate set or rule ids, and overrides that do not fit. */
function crossSetProblems(sets: LoadedRuleSet[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const setIds = new Map<string, string>();
  const rules = new Map<string, { set: LoadedRuleSet; rule: Rule }>();
  for (const s of sets) {
    const other = setIds.get(s.file.id);
    if (other) problems.push({ file: s.path, pointer: '/id', message: `rule set id "${s.file.id}" is also used by ${other}` });
    setIds.set(s.file.id, s.path);
    s.file.rules.forEach((rule, i) => {
      const first = rules.get(rule.id);
      if (first) {
        problems.push({
          file: s.path,
          pointer: `/rules/${i}/id`,
          message: `rule id "${rule.id}" is already defined in ${first.set.path}; a more local set changes it with "overrides"`,
        });
      } else rules.set(rule.id, { set: s, rule });
    });
  }
  for (const s of sets) {
    (s.file.overrides ?? []).forEach((o, i) => {
      const pointer = `/overrides/${i}`;
      const base = rules.get(o.id);
      if (!base) return problems.push({ file: s.path, pointer: `${pointer}/id`, message: `no rule set defines rule "${o.id}"` });
      const outer = base.set.file.jurisdiction;
      if (!(s.file.jurisdiction.startsWith(outer) && s.file.jurisdiction.length > outer.length)) {
        return problems.push({
          file: s.path,
          pointer: `${pointer}/id`,
          message:
            `only a more local set may override "${o.id}": its set ${base.set.file.id} covers "${outer || 'everywhere'}", ` +
            `this one "${s.file.jurisdiction || 'everywhere'}"`,
        });
      }
      if (o.params) {
        const merged = { ...base.rule.params, ...o.params };
        const validate = paramValidators.get(base.rule.kind)!;
        if (!validate(merged)) {
          for (const e of validate.errors ?? [])
            problems.push({ file: s.path, pointer: `${pointer}/params${e.instancePath}`, message: describe(e) });
        }
        const kind = kinds[base.rule.kind] as KindEvaluator<typeof base.rule.kind>;
        for (const c of kind.check?.(merged) ?? []) problems.push({ file: s.path, pointer: `${pointer}${c.pointer}`, message: c.message });
      }
      return undefined;
    });
  }
  return problems;
}

export function parseRuleSet(path: string, text: string): { set?: LoadedRuleSet; problems: RuleProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { problems: [{ file: path, pointer: '', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  if (!validate(json)) {
    // With a discriminator, ajv reports one branch; keep the most specific errors first.
    const errors = validate.errors ?? [];
    return { problems: errors.map((e) => ({ file: path, pointer: e.instancePath, message: describe(e) })) };
  }
  const problems = semanticProblems(path, json);
  if (problems.length) return { problems };
  return { set: { path, sha256: createHash('sha256').update(text).digest('hex'), file: json }, problems: [] };
}

/** Loads every *.json directly in `dir` (schema/ and tests/ are subfolders and not rule sets). */
export async function loadRuleSets(dir: string): Promise<LoadedRuleSet[]> {
  let names: string[];
  try {
    // files and symlinks to files (a mounted ConfigMap links every file): stat follows the link
    const candidates = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    names = [];
    for (const n of candidates) if ((await stat(join(dir, n))).isFile()) names.push(n);
  } catch (e) {
    throw new RuleLoadError([{ file: dir, pointer: '', message: `cannot read rules folder: ${(e as Error).message}` }]);
  }
  // an empty folder (or the wrong one) would leave every filing without rules: refuse it
  if (names.length === 0) throw new RuleLoadError([{ file: dir, pointer: '', message: 'no rule set (*.json file) in this folder' }]);
  const sets: LoadedRuleSet[] = [];
  const problems: RuleProblem[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const result = parseRuleSet(path, await readFile(path, 'utf8'));
    problems.push(...result.problems);
    if (result.set) sets.push(result.set);
  }
  // a folder whose sets are all switched off leaves every filing without rules, as an empty one does
  if (sets.length > 0 && !sets.some((s) => s.file.enabled)) {
    problems.push({
      file: dir,
      pointer: '',
      message: 'every rule set in this folder is disabled ("enabled": false): at least one must be in force',
    });
  }
  // general before local: decisions list them so, and a duplicate is reported on the local one
  sets.sort((a, b) => a.file.jurisdiction.length - b.file.jurisdiction.length || a.file.id.localeCompare(b.file.id));
  problems.push(...crossSetProblems(sets));
  if (problems.length) throw new RuleLoadError(problems);
  return sets;
}
