import { VIOLATION_KINDS } from '../domain/violation.js';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '../domain/enum-schema.js';
import { FILING_TYPES } from '../domain/filing.js';

// The one description of a rule set: ajv validates files against it, the JSON file in
// rules/schema/ is generated from it, and the TypeScript types below are derived from it.

const Localized = Type.Object(
  { 'zh-CN': Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
const FilingTypeT = StringEnum(FILING_TYPES);
const RegionPrefix = Type.String({ pattern: '^[0-9]{0,6}$', description: 'administrative division code prefix; empty = everywhere' });
const RuleId = Type.String({ pattern: '^[a-z0-9]+([.-][a-zA-Z0-9]+)*$', maxLength: 80 });
const Severity = StringEnum(['block', 'warn', 'info'] as const);
const IsoDate = Type.String({ format: 'date' });

const Scope = Type.Object(
  {
    types: Type.Optional(Type.Array(FilingTypeT, { minItems: 1, uniqueItems: true })),
    regions: Type.Optional(Type.Array(RegionPrefix, { minItems: 1, uniqueItems: true })),
  },
  { additionalProperties: false },
);

function rule<K extends string, P extends TSchema>(kind: K, params: P) {
  return Type.Object(
    {
      id: RuleId,
      kind: Type.Literal(kind),
      // the rule by name, as pages show it (its id goes in a tooltip)
      title: Type.Optional(Localized),
      severity: Severity,
      raises: Type.Optional(StringEnum(VIOLATION_KINDS, 'a violation supervisors must work, raised when the rule fires')),
      enabled: Type.Optional(Type.Boolean()),
      scope: Type.Optional(Scope),
      params,
      message: Localized,
      basis: Localized,
    },
    { additionalProperties: false },
  );
}
const noParams = Type.Object({}, { additionalProperties: false });

export const ruleKinds = {
  inspectors: rule(
    'inspectors',
    Type.Object(
      {
        min: Type.Integer({ minimum: 1, maximum: 20 }),
        each: Type.Optional(
          Type.Boolean({
            description:
              'min applies to every agency on the filing, each with its own certified inspectors (else to the filing as a whole)',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  agency: rule('agency', noParams),
  items: rule('items', noParams),
  fields: rule(
    'fields',
    Type.Object({ field: Type.Literal('reason'), minLength: Type.Integer({ minimum: 1, maximum: 200 }) }, { additionalProperties: false }),
  ),
  window: rule(
    'window',
    Type.Object(
      {
        maxDays: Type.Integer({ minimum: 1, maximum: 366 }),
        pastStartAllowedFor: Type.Array(FilingTypeT, { uniqueItems: true }),
        graceMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
      },
      { additionalProperties: false },
    ),
  ),
  frequency: rule(
    'frequency',
    Type.Object(
      {
        agencies: StringEnum(
          ['same', 'any'] as const,
          '"same": the filing agency, with the rest of its enforcement system, against the visits they were on, joint ones they ' +
            'accepted included (a joint agency is held to its own cap when it accepts); "any": every agency\'s visits together',
        ),
        window: StringEnum(['calendar-year', 'calendar-day', 'rolling-days'] as const, 'calendar periods are in TZ_REGION'),
        days: Type.Optional(Type.Integer({ minimum: 2, maximum: 366, description: 'length of a rolling window' })),
        types: Type.Optional(Type.Array(FilingTypeT, { minItems: 1, uniqueItems: true, description: 'which earlier filings count' })),
        onSiteOnly: Type.Boolean(),
        excludeHigherCampaigns: Type.Optional(
          Type.Boolean({ description: 'special campaigns deployed by a higher authority neither count nor are capped (a local cap)' }),
        ),
        max: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'visits allowed in the window, the new one included' })),
        maxByRiskClass: Type.Optional(
          Type.Object(
            {
              A: Type.Integer({ minimum: 0 }),
              B: Type.Integer({ minimum: 0 }),
              C: Type.Integer({ minimum: 0 }),
              D: Type.Integer({ minimum: 0 }),
              unknown: Type.Integer({ minimum: 0 }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  history: rule(
    'history',
    Type.Object(
      {
        streak: Type.Integer({ minimum: 1, maximum: 50 }),
        withinDays: Type.Integer({ minimum: 1, maximum: 400, description: "look back this many days from the new visit's planned start" }),
      },
      { additionalProperties: false },
    ),
  ),
  overlap: rule(
    'overlap',
    Type.Object(
      {
        days: Type.Integer({
          minimum: 1,
          maximum: 60,
          description: "another agency's window that overlaps this one widened by this many days on each side",
        }),
      },
      { additionalProperties: false },
    ),
  ),
  'enterprise-flag': rule(
    'enterprise-flag',
    Type.Object(
      {
        flag: StringEnum(['noDisturb'] as const),
        allowTypes: Type.Array(FilingTypeT, { uniqueItems: true, description: 'types that may still inspect a flagged enterprise' }),
        allowHigherCampaigns: Type.Optional(
          Type.Boolean({ description: 'a special campaign deployed by a higher authority may inspect too' }),
        ),
        exemptSeverity: Type.Optional(
          StringEnum(
            ['warn', 'info'] as const,
            'the finding an allowed type still gets, so supervisors can list such visits (default warn)',
          ),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  'quiet-period': rule(
    'quiet-period',
    Type.Object(
      { fromDay: Type.Integer({ minimum: 1, maximum: 31 }), toDay: Type.Integer({ minimum: 1, maximum: 31 }) },
      { additionalProperties: false },
    ),
  ),
  draw: rule('draw', noParams),
  grounds: rule(
    'grounds',
    Type.Object(
      {
        unverifiedSeverity: Type.Optional(
          StringEnum(
            ['warn', 'info'] as const,
            'the finding for a ground an agency registered itself and no supervisor has confirmed yet (default warn)',
          ),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  jurisdiction: rule('jurisdiction', noParams),
  'lead-time': rule('lead-time', Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 720 }) }, { additionalProperties: false })),
  'onsite-justified': rule(
    'onsite-justified',
    Type.Object({ minLength: Type.Integer({ minimum: 1, maximum: 200 }) }, { additionalProperties: false }),
  ),
  'emergency-now': rule(
    'emergency-now',
    Type.Object(
      {
        maxLeadMinutes: Type.Integer({
          minimum: 0,
          maximum: 1440,
          description: 'an emergency may be planned at most this long after it is filed',
        }),
      },
      { additionalProperties: false },
    ),
  ),
  'emergency-late': rule(
    'emergency-late',
    Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 720 }) }, { additionalProperties: false }),
  ),
  conduct: rule(
    'conduct',
    Type.Object(
      {
        check: StringEnum(
          ['legal-representative', 'disguised-visit', 'reported'] as const,
          '"reported": not visible in a filing; enterprises report it',
        ),
      },
      { additionalProperties: false },
    ),
  ),
};
export type RuleKind = keyof typeof ruleKinds;

export type RuleOf<K extends RuleKind> = Static<(typeof ruleKinds)[K]>;
export type Rule = { [K in RuleKind]: RuleOf<K> }[RuleKind];

// A discriminated oneOf so that ajv reports the errors of the one branch that `kind` selects,
// not of every branch.
const RuleT = Type.Unsafe<Rule>({
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: Object.values(ruleKinds),
});

export const RuleSetSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: RuleId,
    version: Type.String({ pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' }),
    title: Localized,
    jurisdiction: RegionPrefix,
    effectiveFrom: IsoDate,
    effectiveTo: Type.Optional(Type.Union([IsoDate, Type.Null()])),
    enabled: Type.Boolean(),
    template: Type.Optional(Type.Boolean({ description: 'shipped as a template the bureau replaces with its own text' })),
    rules: Type.Array(RuleT),
    overrides: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: RuleId,
            severity: Type.Optional(Severity),
            enabled: Type.Optional(Type.Boolean()),
            params: Type.Optional(
              Type.Object(
                {},
                { additionalProperties: true, description: "merged over the rule's parameters, then checked against its kind" },
              ),
            ),
            basis: Type.Optional(Localized),
          },
          { additionalProperties: false },
        ),
        { description: 'changes to rules of more general sets (shorter jurisdiction), by rule id' },
      ),
    ),
  },
  { additionalProperties: false, $id: 'https://inspection-filing.local/schema/ruleset.schema.json', title: 'Inspection-filing rule set' },
);
export type RuleSetFile = Static<typeof RuleSetSchema>;
export type Severity = Static<typeof Severity>;

/** The JSON document written to rules/schema/ruleset.schema.json (a test keeps them equal). */
export function ruleSetJsonSchema(): unknown {
  return JSON.parse(JSON.stringify(RuleSetSchema));
}
