import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { createAjv } from '../domain/ajv.js';
import { StringEnum } from '../domain/enum-schema.js';
import { FILING_TYPES, PURPOSES, RISK_CLASSES } from '../domain/filing.js';
import { evaluate } from './evaluate.js';
import type { Facts, FilingInput, PriorFiling } from './facts.js';
import type { LoadedRuleSet } from './load.js';

// Rule tests in the manner of `opa test`: a fixture names an enterprise, the registry facts and
// earlier filings, then steps, each a filing to decide at a given moment with the outcome and
// the rule ids expected. Steps replay in order: a filing that is not blocked joins the history
// of the steps after it, so a real pattern of visits can be replayed filing by filing.

const DateTime = Type.String({ format: 'date-time' });
const Outcome = StringEnum(['allow', 'warn', 'block'] as const);
const strict = { additionalProperties: false } as const;

const FixtureFiling = Type.Object(
  {
    agencyId: Type.String(),
    type: StringEnum(FILING_TYPES),
    plannedStart: DateTime,
    plannedEnd: Type.Optional(DateTime),
    itemCodes: Type.Optional(Type.Array(Type.String())),
    inspectorIds: Type.Optional(Type.Array(Type.String())),
    onSite: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String()),
    onSiteJustification: Type.Optional(Type.String()),
    jointAgencyIds: Type.Optional(Type.Array(Type.String())),
    purpose: Type.Optional(StringEnum(PURPOSES)),
    requiresLegalRepresentative: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const FixtureSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    tz: Type.Optional(Type.String()),
    enterprise: Type.Object(
      { uscc: Type.String(), region: Type.String(), riskClass: Type.Union([StringEnum(RISK_CLASSES), Type.Null()]), noDisturb: Type.Boolean() },
      strict,
    ),
    agencies: Type.Array(
      Type.Object({ id: Type.String(), name: Type.Optional(Type.String()), active: Type.Boolean(), region: Type.String(), itemCodes: Type.Array(Type.String()) }, strict),
      { minItems: 1 },
    ),
    inspectors: Type.Array(Type.Object({ id: Type.String(), agencyId: Type.String(), credentialNo: Type.String(), validUntil: Type.String({ format: 'date' }) }, strict)),
    history: Type.Optional(
      Type.Array(
        Type.Composite([
          FixtureFiling,
          Type.Object({ id: Type.String(), resultOutcome: Type.Optional(Type.String()), conductedAt: Type.Optional(DateTime) }),
        ]),
      ),
    ),
    steps: Type.Array(
      Type.Object(
        {
          name: Type.Optional(Type.String()),
          now: DateTime,
          filing: FixtureFiling,
          expect: Type.Object({ outcome: Outcome, findings: Type.Array(Type.String()) }, strict),
        },
        strict,
      ),
      { minItems: 1 },
    ),
  },
  strict,
);
export type Fixture = Static<typeof FixtureSchema>;
type FixtureFilingT = Static<typeof FixtureFiling>;

export interface StepResult {
  fixture: string;
  step: string;
  ok: boolean;
  expected: { outcome: string; findings: string[] };
  actual: { outcome: string; findings: string[] };
}

const validateFixture = createAjv().compile<Fixture>(FixtureSchema);
const HOUR = 3_600_000;

function toInput(f: FixtureFilingT, fixture: Fixture): FilingInput {
  const agency = fixture.agencies.find((a) => a.id === f.agencyId);
  const plannedStart = new Date(f.plannedStart);
  return {
    agencyId: f.agencyId,
    enterpriseUscc: fixture.enterprise.uscc,
    type: f.type,
    itemCodes: f.itemCodes ?? (agency?.itemCodes.slice(0, 1) ?? []),
    inspectorIds: f.inspectorIds ?? fixture.inspectors.filter((i) => i.agencyId === f.agencyId).slice(0, 2).map((i) => i.id),
    plannedStart,
    plannedEnd: f.plannedEnd ? new Date(f.plannedEnd) : new Date(plannedStart.getTime() + 4 * HOUR),
    onSite: f.onSite ?? true,
    reason: f.reason ?? null,
    onSiteJustification: f.onSiteJustification ?? '需现场核实',
    jointAgencyIds: f.jointAgencyIds ?? [],
    purpose: f.purpose ?? 'inspection',
    requiresLegalRepresentative: f.requiresLegalRepresentative ?? false,
  };
}

function toPrior(id: string, n: number, f: FixtureFilingT, fixture: Fixture, result?: { resultOutcome?: string; conductedAt?: string }): PriorFiling {
  const input = toInput(f, fixture);
  return {
    id,
    filingNo: `F${String(n).padStart(3, '0')}`,
    agencyId: input.agencyId,
    agencyName: fixture.agencies.find((a) => a.id === input.agencyId)?.name ?? input.agencyId,
    type: input.type,
    plannedStart: input.plannedStart.getTime(),
    plannedEnd: input.plannedEnd.getTime(),
    onSite: input.onSite,
    status: result?.resultOutcome ? 'completed' : 'filed',
    jointAgencyIds: input.jointAgencyIds,
    resultOutcome: result?.resultOutcome ?? null,
    conductedAt: result?.conductedAt ? Date.parse(result.conductedAt) : null,
  };
}

export function runFixture(sets: readonly LoadedRuleSet[], fixture: Fixture, defaultTz: string): StepResult[] {
  const tz = fixture.tz ?? defaultTz;
  const history: PriorFiling[] = (fixture.history ?? []).map((h, i) => toPrior(h.id, i + 1, h, fixture, h));
  return fixture.steps.map((step, i) => {
    const input = toInput(step.filing, fixture);
    const facts: Facts = {
      agency: fixture.agencies.find((a) => a.id === input.agencyId) ?? null,
      jointAgencies: fixture.agencies.filter((a) => input.jointAgencyIds.includes(a.id)),
      inspectors: fixture.inspectors.filter((x) => input.inspectorIds.includes(x.id)),
      enterprise: fixture.enterprise,
      history: [...history],
    };
    const d = evaluate(sets, input, facts, { now: new Date(step.now), tz });
    const actual = { outcome: d.outcome, findings: d.findings.map((f) => f.ruleId).sort() };
    const expected = { outcome: step.expect.outcome, findings: [...step.expect.findings].sort() };
    if (d.outcome !== 'block') history.push(toPrior(`step-${i + 1}`, history.length + 1, step.filing, fixture));
    return {
      fixture: fixture.name,
      step: step.name ?? `step ${i + 1} (${step.filing.plannedStart.slice(0, 10)} ${step.filing.agencyId} ${step.filing.type})`,
      ok: actual.outcome === expected.outcome && actual.findings.join() === expected.findings.join(),
      expected,
      actual,
    };
  });
}

/** Every *.json in `dir`, validated; a bad fixture is an error naming file and pointer. */
export async function loadFixtures(dir: string): Promise<{ path: string; fixture: Fixture }[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out: { path: string; fixture: Fixture }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const json: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (!validateFixture(json)) {
      const e = validateFixture.errors?.[0];
      throw new Error(`${path}#${e?.instancePath ?? ''}: ${e?.message ?? 'invalid fixture'}`);
    }
    out.push({ path, fixture: json });
  }
  return out;
}
