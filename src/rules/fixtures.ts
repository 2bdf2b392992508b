import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { createAjv } from '../domain/ajv.js';
import { StringEnum } from '../domain/enum-schema.js';
import { CampaignSchema, TriggerSchema } from '../domain/decision.js';
import { FILING_TYPES, GROUND_KINDS, PURPOSES, RISK_CLASSES } from '../domain/filing.js';

// Rule tests in the manner of `opa test`: a fixture names an enterprise, the registry facts and
// earlier filings, then steps, each a filing to decide at a given moment with the outcome and
// the rule ids expected. Steps replay in order: a filing that is not blocked joins the history
// of the steps after it, so a real pattern of visits can be replayed filing by filing. The
// format and its loading live here; services/rule-fixtures.ts runs them through the store.

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
    legalRepresentativeReason: Type.Optional(Type.String()),
    trigger: Type.Optional(TriggerSchema),
    campaign: Type.Optional(CampaignSchema),
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
      {
        uscc: Type.String(),
        region: Type.String(),
        riskClass: Type.Union([StringEnum(RISK_CLASSES), Type.Null()]),
        noDisturb: Type.Boolean(),
      },
      strict,
    ),
    agencies: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.Optional(Type.String()),
          active: Type.Boolean(),
          region: Type.String(),
          itemCodes: Type.Array(Type.String()),
          parentId: Type.Optional(Type.String({ description: 'the agency it belongs to (one enforcement system)' })),
        },
        strict,
      ),
      { minItems: 1 },
    ),
    grounds: Type.Optional(
      Type.Array(
        Type.Object(
          {
            kind: StringEnum(GROUND_KINDS),
            reference: Type.String({ minLength: 1 }),
            agencyIds: Type.Optional(Type.Array(Type.String())),
            level: Type.Optional(StringEnum(['higher', 'local'] as const)),
            validFrom: Type.String({ format: 'date' }),
            validTo: Type.String({ format: 'date' }),
            maxVisits: Type.Optional(Type.Integer({ minimum: 1 })),
            status: Type.Optional(StringEnum(['verified', 'unverified', 'rejected'] as const)),
          },
          { ...strict, description: "registered grounds; all but campaigns concern the fixture's enterprise" },
        ),
      ),
    ),
    inspectors: Type.Array(
      Type.Object(
        { id: Type.String(), agencyId: Type.String(), credentialNo: Type.String(), validUntil: Type.String({ format: 'date' }) },
        strict,
      ),
    ),
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
export type FixtureFilingT = Static<typeof FixtureFiling>;

export interface StepResult {
  fixture: string;
  step: string;
  ok: boolean;
  expected: { outcome: string; findings: string[] };
  actual: { outcome: string; findings: string[] };
}

const validateFixture = createAjv().compile<Fixture>(FixtureSchema);

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
