import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './enum-schema.js';
import { TRIGGER_KINDS } from './filing.js';
import { MEANINGFUL_PATTERN } from './text.js';

// The decision shape, stored with every filing and attempt and returned by the API. It lives in
// domain because it is part of the API contract; the rule engine produces it.
const Localized = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const Reference = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: MEANINGFUL_PATTERN,
  description: 'ticket, referral or document number',
});

export const TriggerSchema = Type.Object(
  { kind: StringEnum(TRIGGER_KINDS, 'what set off the case inspection'), reference: Reference },
  { additionalProperties: false },
);
export const CampaignSchema = Type.Object(
  { level: Type.Literal('higher', { description: 'deployed by a higher authority (上级部署的专项检查)' }), reference: Reference },
  { additionalProperties: false },
);

export const FindingSchema = Type.Object({
  ruleId: Type.String(),
  ruleSet: Type.String({ description: 'id@version of the rule set the rule came from' }),
  // the rule's name for people: pages show it, with the id as a tooltip (older decisions have none)
  title: Type.Optional(Localized),
  severity: Type.Union([Type.Literal('block'), Type.Literal('warn'), Type.Literal('info')]),
  message: Localized,
  basis: Localized,
  evidence: Type.Array(Type.String(), { description: 'ids of the records the rule counted or rejected' }),
  raises: Type.Optional(Type.String({ description: 'the kind of violation this finding raised' })),
  template: Type.Optional(
    Type.Boolean({ description: 'the rule comes from a set shipped as a template, not yet replaced by the local text' }),
  ),
});

export const DecisionSchema = Type.Object({
  outcome: Type.Union([Type.Literal('allow'), Type.Literal('warn'), Type.Literal('block')]),
  findings: Type.Array(FindingSchema),
  ruleSets: Type.Array(Type.Object({ id: Type.String(), version: Type.String(), sha256: Type.String() })),
  evaluatedAt: Type.String({ format: 'date-time' }),
  grounds: Type.Optional(
    Type.Object(
      { trigger: Type.Optional(TriggerSchema), campaign: Type.Optional(CampaignSchema) },
      { description: 'the grounds the filing claimed for an exemption (case trigger, higher-level campaign), as decided on' },
    ),
  ),
});

export type Finding = Static<typeof FindingSchema>;
export type Decision = Static<typeof DecisionSchema>;
