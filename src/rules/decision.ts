import { Type, type Static } from '@sinclair/typebox';

// The decision shape, stored with every filing and attempt and returned by the API.
const Localized = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const FindingSchema = Type.Object({
  ruleId: Type.String(),
  ruleSet: Type.String({ description: 'id@version of the rule set the rule came from' }),
  severity: Type.Union([Type.Literal('block'), Type.Literal('warn'), Type.Literal('info')]),
  message: Localized,
  basis: Localized,
  evidence: Type.Array(Type.String(), { description: 'ids of the records the rule counted or rejected' }),
  raises: Type.Optional(Type.String({ description: 'the kind of violation this finding raised' })),
});

export const DecisionSchema = Type.Object({
  outcome: Type.Union([Type.Literal('allow'), Type.Literal('warn'), Type.Literal('block')]),
  findings: Type.Array(FindingSchema),
  ruleSets: Type.Array(Type.Object({ id: Type.String(), version: Type.String(), sha256: Type.String() })),
  evaluatedAt: Type.String({ format: 'date-time' }),
});

export type Finding = Static<typeof FindingSchema>;
export type Decision = Static<typeof DecisionSchema>;
