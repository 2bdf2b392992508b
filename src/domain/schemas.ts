import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CampaignSchema, DecisionSchema, TriggerSchema } from './decision.js';
import { FILING_STATUSES, FILING_TYPES, GROUND_KINDS, GROUND_STATUSES, OUTCOMES, PURPOSES, RISK_CLASSES } from './filing.js';
import { ROLES } from './principal.js';
import { StringEnum } from './enum-schema.js';
import { JOB_NAMES, JOB_OUTCOMES, JOB_TRIGGERS } from './jobs.js';
import {
  HOTLINES,
  REPORT_KINDS,
  SUPERVISOR_KINDS,
  VIOLATION_CHANGES,
  VIOLATION_KINDS,
  VIOLATION_SOURCES,
  VIOLATION_STATUSES,
} from './violation.js';
import type { Localized } from './i18n.js';
import { REGION_PATTERN } from './region.js';
import { MEANINGFUL_PATTERN } from './text.js';

// The API contract, once: ajv validates requests with these, /openapi.json is generated from
// them, and services return their static types.

const Text = (max: number, description?: string) =>
  Type.String({ minLength: 1, maxLength: max, pattern: MEANINGFUL_PATTERN, ...(description ? { description } : {}) });
const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Region = Type.String({ pattern: REGION_PATTERN, description: 'six-digit administrative division code (GB/T 2260)' });
const REGION_PREFIX = '^[0-9]{1,6}$';
const RegionPrefix = Type.String({ pattern: REGION_PREFIX, description: 'division-code prefix' });
const CODE_PATTERN = '^[A-Za-z0-9._-]{1,40}$';
const RULE_ID_PATTERN = '^[a-z0-9]+([.-][a-zA-Z0-9]+)*$';
const CREDENTIAL_PATTERN = '^(?=(?:[^A-Za-z0-9]*[A-Za-z0-9]){6})[A-Za-z0-9-]{6,40}$';
// a telephone number as people write it: 024-1234 5678, (024) 12345678, +86 24 1234 5678
const PHONE_PATTERN = '^(?=(?:[^0-9]*[0-9]){5})[0-9 ()+-]{5,30}$';
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Uscc = Type.String({ minLength: 1, maxLength: 40, description: '18-character Unified Social Credit Code (GB 32100)' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const strict = { additionalProperties: false } as const;

/** What each pattern asks for, in words: a refused value is told this, not the regular expression. */
export const PATTERN_TEXTS: Record<string, Localized> = {
  [MEANINGFUL_PATTERN]: { 'zh-CN': '须含有可见的文字或数字', en: 'must contain a visible letter or digit' },
  [REGION_PATTERN]: {
    'zh-CN': '应为 6 位数字的行政区划代码（GB/T 2260），例如 211223',
    en: 'must be a six-digit division code (GB/T 2260), for example 211223',
  },
  [REGION_PREFIX]: { 'zh-CN': '应为 1 至 6 位数字（行政区划代码的前几位）', en: 'must be 1 to 6 digits (the start of a division code)' },
  [CODE_PATTERN]: { 'zh-CN': '只能由字母、数字和 . _ - 组成，至多 40 个字符', en: 'only letters, digits and . _ -, at most 40 characters' },
  [RULE_ID_PATTERN]: { 'zh-CN': '不是有效的规则编号（可选的编号见规则集列表）', en: 'must be a rule id, for example conduct.N3' },
  [CREDENTIAL_PATTERN]: {
    'zh-CN': '至少 6 个字母或数字，可含连字符，至多 40 个字符',
    en: 'at least six letters or digits, hyphens allowed, at most 40 characters',
  },
  [PHONE_PATTERN]: {
    'zh-CN': '应为电话号码：5 至 30 个字符，只含数字、空格、连字符、括号和 +，至少 5 位数字',
    en: 'must be a telephone number: 5 to 30 characters, only digits, spaces, hyphens, brackets and +, at least five digits',
  },
};

const RuleId = Type.String({ pattern: RULE_ID_PATTERN, maxLength: 80 });
const RuleIdFilter = Type.String({
  ...RuleId,
  description: 'only those whose decision has a finding of this rule id (e.g. enterprise.no-disturb)',
});
const ConductRuleIds = Type.Array(RuleId, {
  maxItems: 20,
  uniqueItems: true,
  description: 'conduct items by rule id (e.g. conduct.N3); GET /api/v1/rulesets lists them',
});

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Array(
      Type.Object({
        path: Type.String({ description: 'where: a JSON pointer into the body, or a header, or "path" for the address' }),
        message: Type.String({ description: 'what is wrong there, in the language of the response' }),
      }),
      { minItems: 1 },
    ),
    requestId: Type.Optional(Type.String()),
  }),
});

export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};
export const ListQuery = Type.Object(PageQuery, strict);

// Registry
const Item = Type.Object({ code: Type.String({ pattern: CODE_PATTERN }), name: Text(200), basis: Text(500) }, strict);
const AgencyAddress = Text(200, 'where the enterprise reaches the agency; printed on the 检查告知书');
const AgencyPhone = Type.String({
  pattern: PHONE_PATTERN,
  description: "the agency's telephone for enterprises (digits, spaces, hyphens, brackets, +); printed on the 检查告知书",
});
export const AgencyCreate = Type.Object(
  {
    code: Type.String({ pattern: CODE_PATTERN, description: 'the agency code, unique' }),
    name: Text(200),
    region: Region,
    items: Type.Array(Item, { maxItems: 1000, description: 'the published inspection item list' }),
    parentAgencyId: Type.Optional(Id),
    address: Type.Optional(AgencyAddress),
    phone: Type.Optional(AgencyPhone),
  },
  strict,
);
const ParentAgency = Nullable(
  Type.String({
    description: 'the bureau an agency (an enforcement squad) belongs to: the same enforcement system, whose annual caps count together',
  }),
);
export const Agency = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  region: Type.String(),
  active: Type.Boolean(),
  parentAgencyId: ParentAgency,
  address: Nullable(Type.String({ description: 'where the enterprise reaches the agency (printed on the 检查告知书)' })),
  phone: Nullable(Type.String({ description: "the agency's telephone for enterprises (printed on the 检查告知书)" })),
  createdAt: DateTime,
  items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), basis: Type.String() })),
});
export const Inspector = Type.Object({
  id: Type.String(),
  agencyId: Type.String(),
  name: Type.String(),
  credentialNo: Type.String({ description: 'masked: the middle characters are hidden' }),
  validUntil: IsoDate,
  createdAt: DateTime,
  revokedAt: Nullable(
    Type.String({ format: 'date-time', description: 'the credential was ended early (its validUntil then is the day before)' }),
  ),
});
export const AgencyDetail = Type.Composite([Agency, Type.Object({ inspectors: Type.Array(Inspector) })]);
export const InspectorCreate = Type.Object(
  {
    name: Text(100),
    credentialNo: Type.String({
      // at least six letters or digits: the separators are dropped, so "------" would be no number at all
      pattern: CREDENTIAL_PATTERN,
      description:
        'enforcement credential number (执法证号); case and hyphens do not matter, and one number belongs to one inspector in all agencies',
    }),
    validUntil: IsoDate,
  },
  strict,
);
export const EnterpriseCreate = Type.Object(
  {
    uscc: Uscc,
    name: Text(200),
    region: Region,
    industry: Type.Optional(Text(100)),
    riskClass: Type.Optional(StringEnum(RISK_CLASSES)),
    noDisturb: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const AgencyUpdate = Type.Object(
  {
    active: Type.Optional(Type.Boolean({ description: 'false: the agency can file nothing (agency.registered blocks it)' })),
    items: Type.Optional(
      Type.Array(Item, {
        maxItems: 1000,
        description:
          'the published item list from now on: new codes are published, codes left out are withdrawn ' +
          '(past filings keep citing them), a withdrawn code given again is back in force; the name or basis ' +
          'of an item a filing has cited cannot be rewritten (publish it under a new code)',
      }),
    ),
    parentAgencyId: Type.Optional(ParentAgency),
    address: Type.Optional(Nullable(AgencyAddress)),
    phone: Type.Optional(Nullable(AgencyPhone)),
  },
  { ...strict, minProperties: 1 },
);
export const InspectorRevoke = Type.Object({ reason: Text(500) }, strict);
export const EnterpriseUpdate = Type.Object(
  {
    name: Type.Optional(Text(200)),
    region: Type.Optional(Region),
    riskClass: Type.Optional(Nullable(StringEnum(RISK_CLASSES))),
    noDisturb: Type.Optional(Type.Boolean()),
  },
  { ...strict, minProperties: 1 },
);
export const EnterpriseListQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'part of the name, or the start of the credit code' })),
    region: Type.Optional(RegionPrefix),
    riskClass: Type.Optional(StringEnum(RISK_CLASSES)),
    noDisturb: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const Enterprise = Type.Object({
  uscc: Type.String(),
  name: Type.String(),
  region: Type.String(),
  industry: Nullable(Type.String()),
  riskClass: Nullable(StringEnum(RISK_CLASSES)),
  noDisturb: Type.Boolean(),
  createdAt: DateTime,
});
export const KeyCreate = Type.Object(
  {
    role: StringEnum(ROLES),
    name: Text(100),
    agencyId: Type.Optional(Id),
    uscc: Type.Optional(Uscc),
    regions: Type.Optional(Type.Array(RegionPrefix, { maxItems: 100, uniqueItems: true })),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description: "supervisors only: where the nightly digest for this key's regions is mailed",
      }),
    ),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'when the key stops working (in the future); unset = until revoked' }),
    ),
  },
  strict,
);
export const KeyCreated = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'shown once; only its hash is stored' }),
  role: StringEnum(ROLES),
  name: Type.String(),
  agencyId: Nullable(Type.String()),
  uscc: Nullable(Type.String()),
  regions: Type.Array(Type.String()),
  email: Nullable(Type.String()),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
});
export const KeyView = Type.Composite([
  Type.Omit(KeyCreated, ['key']),
  Type.Object({
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    active: Type.Boolean({ description: 'neither revoked nor expired' }),
  }),
]);
export const KeyListQuery = Type.Object(
  { ...PageQuery, role: Type.Optional(StringEnum(ROLES)), active: Type.Optional(Type.Boolean()) },
  strict,
);

// Filings
export const FilingCreate = Type.Object(
  {
    enterpriseUscc: Uscc,
    type: StringEnum(FILING_TYPES),
    itemCodes: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 100 }),
    inspectorIds: Type.Array(Id, { minItems: 1, maxItems: 50 }),
    plannedStart: DateTime,
    plannedEnd: DateTime,
    onSite: Type.Optional(Type.Boolean({ default: true })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    onSiteJustification: Type.Optional(Type.String({ maxLength: 2000, description: 'why a desk review or shared data is not enough' })),
    jointAgencyIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
    purpose: Type.Optional(StringEnum(PURPOSES)),
    requiresLegalRepresentative: Type.Optional(Type.Boolean()),
    legalRepresentativeReason: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'why the legal representative must attend (conduct.N4 blocks the requirement without one)',
      }),
    ),
    trigger: Type.Optional(
      Type.Composite([TriggerSchema], {
        additionalProperties: false,
        description: 'required for a case inspection: what set it off, with a ticket, referral or document number',
      }),
    ),
    campaign: Type.Optional(
      Type.Composite([CampaignSchema], {
        additionalProperties: false,
        description:
          'a special inspection deployed by a higher authority: not counted toward the local annual cap, allowed on the no-disturb list',
      }),
    ),
    drawAssignmentId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'required for a random inspection: the draw assignment (双随机) it carries out',
      }),
    ),
  },
  strict,
);
export const Filing = Type.Object({
  id: Type.String(),
  filingNo: Type.String({ description: '备案号: region-year-number' }),
  verifyCode: Type.String(),
  verifyUrl: Type.String(),
  status: StringEnum(FILING_STATUSES),
  agencyId: Type.String(),
  enterpriseUscc: Type.String(),
  region: Type.String(),
  type: StringEnum(FILING_TYPES),
  itemCodes: Type.Array(Type.String()),
  inspectorIds: Type.Array(Type.String()),
  jointAgencyIds: Type.Array(Type.String()),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  onSite: Type.Boolean(),
  reason: Nullable(Type.String()),
  onSiteJustification: Nullable(Type.String()),
  purpose: StringEnum(PURPOSES),
  requiresLegalRepresentative: Type.Boolean(),
  legalRepresentativeReason: Nullable(Type.String()),
  trigger: Nullable(TriggerSchema),
  campaign: Nullable(CampaignSchema),
  drawAssignmentId: Nullable(Type.String()),
  filedAt: DateTime,
  arrivedAt: Nullable(DateTime),
  result: Nullable(Type.Object({ outcome: StringEnum(OUTCOMES), conductedAt: DateTime, summary: Type.String() })),
  cancelledAt: Nullable(DateTime),
  cancelReason: Nullable(Type.String()),
  decisionOutcome: Type.Union([Type.Literal('allow'), Type.Literal('warn')]),
  arrivals: Type.Optional(
    Type.Array(
      Type.Object({
        by: StringEnum(['enterprise', 'agency'] as const),
        at: DateTime,
        withinWindow: Type.Boolean(),
        violationId: Nullable(Type.String()),
      }),
      { description: 'every arrival confirmed, by either side (one filing: GET /filings/:id)' },
    ),
  ),
  jointAgencies: Type.Optional(
    Type.Array(
      Type.Object({
        agencyId: Type.String(),
        status: StringEnum(['pending', 'accepted', 'declined'] as const, 'until it accepts, the visit counts for the lead agency only'),
        at: Nullable(DateTime),
        reason: Nullable(Type.String()),
      }),
      { description: "each joint agency's answer (one filing: GET /filings/:id)" },
    ),
  ),
});
export const FilingWithDecision = Type.Object({ filing: Filing, decision: DecisionSchema });
export const CheckResponse = Type.Object({ decision: DecisionSchema });
export const FilingListQuery = Type.Object(
  {
    ...PageQuery,
    enterprise: Type.Optional(Uscc),
    agency: Type.Optional(Id),
    status: Type.Optional(StringEnum(FILING_STATUSES)),
    finding: Type.Optional(RuleIdFilter),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
  },
  strict,
);
export const ResultCreate = Type.Object({ conductedAt: DateTime, outcome: StringEnum(OUTCOMES), summary: Text(5000) }, strict);
export const CancelCreate = Type.Object({ reason: Text(2000) }, strict);
export const JointAccept = Type.Object({ reason: Type.Optional(Text(2000)) }, strict);
export const JointDecline = Type.Object({ reason: Text(2000) }, strict);
export type JointResponseBody = Static<typeof JointAccept>;
export const JointAnswer = Type.Object({
  filing: Filing,
  decision: Nullable(DecisionSchema),
});
export const BlockedResponse = Type.Composite([ErrorResponse, Type.Object({ decision: DecisionSchema })]);

// Verification (public)
const WINDOW_STATES = ['upcoming', 'open', 'passed'] as const;
export const Verification = Type.Object({
  valid: Type.Boolean({ description: 'false for a cancelled filing: it never authorizes a visit' }),
  activeNow: Type.Boolean({ description: 'the filing covers a visit now: on-site, inside its window, neither cancelled nor completed' }),
  window: StringEnum(WINDOW_STATES, 'where now is relative to the filed window'),
  notice: Type.Object(
    { 'zh-CN': Type.String(), en: Type.String() },
    { description: 'what the enterprise should take from this, in plain words (cancelled, completed, window passed, ...)' },
  ),
  filing: Type.Object({
    filingNo: Type.String(),
    status: StringEnum(FILING_STATUSES),
    type: StringEnum(FILING_TYPES),
    onSite: Type.Boolean({ description: 'false: a desk review; nobody comes to the enterprise under this filing' }),
    agency: Type.Object({ name: Type.String() }),
    jointAgencies: Type.Array(Type.Object({ name: Type.String() })),
    enterprise: Type.Object({ name: Type.String() }),
    items: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        basis: Type.String(),
        agency: Type.String({ description: 'the agency that published the item' }),
      }),
    ),
    plannedStart: DateTime,
    plannedEnd: DateTime,
    inspectors: Type.Array(
      Type.Object({
        name: Type.String(),
        credentialNo: Type.String({ description: 'masked' }),
        revoked: Type.Boolean({ description: 'the credential was revoked after filing: this officer may not inspect' }),
      }),
    ),
    trigger: Nullable(
      Type.Object(
        { kind: TriggerSchema.properties.kind },
        { description: 'the kind of ground only: a ticket or document number on a notice could find the complainant' },
      ),
    ),
    campaign: Nullable(Type.Object({ level: CampaignSchema.properties.level }, { description: 'the level only, not the document number' })),
    cancelledAt: Nullable(DateTime),
    completedAt: Nullable(DateTime),
  }),
  possiblyBehindSeconds: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 0,
        description:
          'present only when no primary database answered and a standby did: the answer may miss changes made in up to this ' +
          'many seconds (the age of the last change the standby replayed; null when it cannot tell)',
      }),
    ),
  ),
});
export const VerificationNotFound = Type.Object({ valid: Type.Literal(false), error: ErrorResponse.properties.error });
export const Arrival = Type.Object({
  filingNo: Type.String(),
  status: StringEnum(FILING_STATUSES),
  arrivedAt: DateTime,
  withinWindow: Type.Boolean(),
  violationId: Nullable(
    Type.String({
      description: 'the violation raised, if any: outside_window, or unfiled_inspection for a visit under a desk-review filing',
    }),
  ),
});

export type AgencyCreateBody = Static<typeof AgencyCreate>;
export type AgencyView = Static<typeof Agency>;
export type AgencyDetailView = Static<typeof AgencyDetail>;
export type InspectorCreateBody = Static<typeof InspectorCreate>;
export type InspectorView = Static<typeof Inspector>;
export type EnterpriseCreateBody = Static<typeof EnterpriseCreate>;
export type EnterpriseView = Static<typeof Enterprise>;
export type AgencyUpdateBody = Static<typeof AgencyUpdate>;
export type InspectorRevokeBody = Static<typeof InspectorRevoke>;
export type EnterpriseUpdateBody = Static<typeof EnterpriseUpdate>;
export type EnterpriseListQueryT = Static<typeof EnterpriseListQuery>;
export type KeyCreateBody = Static<typeof KeyCreate>;
export type KeyCreatedView = Static<typeof KeyCreated>;
export type KeyViewT = Static<typeof KeyView>;
export type KeyListQueryT = Static<typeof KeyListQuery>;
export type FilingCreateBody = Static<typeof FilingCreate>;
export type FilingView = Static<typeof Filing>;
export type FilingListQueryT = Static<typeof FilingListQuery>;
// Violations, reports and ratings
const Hotline = Type.Object(
  {
    line: StringEnum(HOTLINES, 'the government service hotline (12345, or 8890 where it is used)'),
    ticket: Text(64, 'the hotline ticket number'),
  },
  strict,
);
export const Violation = Type.Object({
  id: Type.String(),
  kind: StringEnum(VIOLATION_KINDS),
  status: StringEnum(VIOLATION_STATUSES, 'resolved = founded and dealt with; dismissed = not founded'),
  source: StringEnum(
    VIOLATION_SOURCES,
    'system: raised by a rule or a job; report / feedback: by the enterprise; supervisor: from a check of their own',
  ),
  agencyId: Nullable(Type.String()),
  agencyName: Nullable(Type.String({ description: 'the agency as the reporter named it, when it is not registered' })),
  enterpriseUscc: Nullable(Type.String()),
  region: Type.String(),
  filingId: Nullable(Type.String()),
  occurredAt: Type.String({ format: 'date-time' }),
  raisedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  description: Nullable(Type.String()),
  conductRuleIds: Type.Array(Type.String()),
  hotline: Nullable(Hotline),
  evidence: Type.Array(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'what the rule or job that raised it recorded' }),
  statusNote: Nullable(Type.String()),
});
export const ViolationChangeView = Type.Object({
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  from: StringEnum(VIOLATION_STATUSES),
  to: StringEnum(VIOLATION_STATUSES),
  note: Type.String(),
});
export const ViolationBulkResult = Type.Object({
  changed: Type.Integer({ description: 'how many were changed (all that were named)' }),
  items: Type.Array(Violation),
});
export const ViolationDetail = Type.Composite([
  Violation,
  Type.Object({
    history: Type.Array(ViolationChangeView),
    satisfaction: Type.Optional(
      Type.Object(
        { rating: Type.Integer(), comment: Nullable(Type.String()), givenAt: DateTime },
        { description: "a report's: the reporting enterprise's rating of how it was handled (1 非常不满意 … 5 非常满意), once closed" },
      ),
    ),
  }),
]);
export const ViolationListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(StringEnum(VIOLATION_STATUSES)),
    kind: Type.Optional(StringEnum(VIOLATION_KINDS)),
    source: Type.Optional(StringEnum(VIOLATION_SOURCES)),
    agency: Type.Optional(Id),
    enterprise: Type.Optional(Uscc),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
  },
  strict,
);
export const ViolationCreate = Type.Object(
  {
    kind: StringEnum(SUPERVISOR_KINDS),
    agencyId: Id,
    occurredAt: DateTime,
    description: Text(5000),
    evidence: Type.Optional(
      Type.Array(Text(2000), { maxItems: 20, description: 'what was seen and kept: photo or recording references, witness notes' }),
    ),
    filingId: Type.Optional(Id),
    enterpriseUscc: Type.Optional(Uscc),
    conductRuleIds: Type.Optional(ConductRuleIds),
  },
  strict,
);
// Grounds register
export const GroundCreate = Type.Object(
  {
    kind: StringEnum(GROUND_KINDS),
    reference: Text(100, 'the hotline ticket, referral letter, lead or campaign document number'),
    enterpriseUscc: Type.Optional(Type.String({ ...Uscc, description: 'the enterprise it concerns (required for all but campaigns)' })),
    agencyIds: Type.Optional(
      Type.Array(Id, { maxItems: 50, uniqueItems: true, description: 'the agencies it is assigned to; none = any agency' }),
    ),
    level: Type.Optional(StringEnum(['higher', 'local'] as const, 'campaigns only: deployed by a higher authority or locally')),
    validFrom: Type.Optional(Type.String({ ...IsoDate, description: 'first local day it grounds a visit (default: today)' })),
    validTo: Type.Optional(
      Type.String({ ...IsoDate, description: 'last local day (default: 90 days after validFrom; required for a campaign)' }),
    ),
    maxVisits: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'filings it grounds per agency (default 1)' })),
    title: Type.Optional(Text(200)),
  },
  strict,
);
export const GroundUpdate = Type.Object({ status: StringEnum(['verified', 'rejected'] as const), note: Text(2000) }, strict);
export const Ground = Type.Object({
  id: Type.String(),
  kind: StringEnum(GROUND_KINDS),
  reference: Type.String(),
  enterpriseUscc: Nullable(Type.String()),
  region: Nullable(Type.String()),
  agencyIds: Type.Array(Type.String()),
  level: Nullable(StringEnum(['higher', 'local'] as const)),
  title: Nullable(Type.String()),
  validFrom: IsoDate,
  validTo: IsoDate,
  maxVisits: Type.Integer(),
  status: StringEnum(GROUND_STATUSES, 'unverified: registered by an agency itself, awaiting a supervisor'),
  statusNote: Nullable(Type.String()),
  registeredBy: StringEnum(['admin', 'supervisor', 'hotline', 'agency'] as const, 'the role that registered it'),
  registeredAt: DateTime,
});
export const GroundDetail = Type.Composite([
  Ground,
  Type.Object({
    filings: Type.Array(
      Type.Object({
        id: Type.String(),
        filingNo: Type.String(),
        agencyId: Type.String(),
        status: Type.String(),
        plannedStart: DateTime,
      }),
      { description: 'the filings that cite it (cancelled ones included, marked)' },
    ),
  }),
]);
export const GroundListQuery = Type.Object(
  {
    ...PageQuery,
    kind: Type.Optional(StringEnum(GROUND_KINDS)),
    enterprise: Type.Optional(Uscc),
    agency: Type.Optional(Id),
    status: Type.Optional(StringEnum(GROUND_STATUSES)),
  },
  strict,
);
export type GroundCreateBody = Static<typeof GroundCreate>;
export type GroundUpdateBody = Static<typeof GroundUpdate>;
export type GroundView = Static<typeof Ground>;
export type GroundDetailView = Static<typeof GroundDetail>;
export type GroundListQueryT = Static<typeof GroundListQuery>;

export const ViolationUpdate = Type.Object({ status: StringEnum(VIOLATION_CHANGES), note: Text(2000) }, strict);
export const ViolationBulkUpdate = Type.Object(
  {
    ids: Type.Array(Id, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'the violations to change, all or none' }),
    status: StringEnum(VIOLATION_CHANGES),
    note: Text(2000),
  },
  strict,
);
export const ReportCreate = Type.Object(
  {
    kind: StringEnum(REPORT_KINDS),
    occurredAt: DateTime,
    agencyId: Type.Optional(Id),
    agencyName: Type.Optional(Text(200)),
    filingId: Type.Optional(Id),
    conductRuleIds: Type.Optional(ConductRuleIds),
    description: Text(5000),
    hotline: Type.Optional(Hotline),
  },
  strict,
);
export const ReportCreated = Type.Object({ violationId: Type.String() });
export const FeedbackCreate = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5, description: '1 (poor) to 5 (good), 好差评' }),
    conductRuleIds: Type.Optional(ConductRuleIds),
    comment: Type.Optional(Text(2000)),
  },
  strict,
);
export const FeedbackView = Type.Object({
  filingId: Type.String(),
  rating: Type.Integer(),
  conductRuleIds: Type.Array(Type.String()),
  comment: Nullable(Type.String()),
  givenAt: Type.String({ format: 'date-time' }),
  violationId: Nullable(Type.String({ description: 'the conduct violation the rating raised, when it names conduct items' })),
});
// An enterprise's own reports (我的反映), with the reply and its rating of how each was handled
export const ReportListQuery = Type.Object({ ...PageQuery, status: Type.Optional(StringEnum(VIOLATION_STATUSES)) }, strict);
export const SatisfactionCreate = Type.Object(
  {
    rating: Type.Integer({
      minimum: 1,
      maximum: 5,
      description: 'how the report was handled, on the national five levels: 1 非常不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意',
    }),
    comment: Type.Optional(Text(2000)),
  },
  strict,
);
export const Satisfaction = Type.Object({ rating: Type.Integer(), comment: Nullable(Type.String()), givenAt: DateTime });
export const ReportFollowUp = Type.Object({
  id: Type.String({ description: 'the violation the report raised' }),
  kind: StringEnum(VIOLATION_KINDS),
  status: StringEnum(VIOLATION_STATUSES, 'open, acknowledged (受理), resolved (founded) or dismissed (not founded): both last are 办结'),
  occurredAt: DateTime,
  raisedAt: DateTime,
  updatedAt: DateTime,
  agencyId: Nullable(Type.String()),
  agencyName: Nullable(Type.String({ description: 'the registered name, else the name the report gave' })),
  filingId: Nullable(Type.String()),
  description: Nullable(Type.String()),
  conductRuleIds: Type.Array(Type.String()),
  hotline: Nullable(Hotline),
  reply: Nullable(
    Type.Object(
      { note: Type.String(), at: DateTime, status: StringEnum(VIOLATION_STATUSES) },
      { description: "the supervisor's reply: the note of the latest status change (each change's note is kept)" },
    ),
  ),
  acknowledgedAt: Nullable(Type.String({ ...DateTime, description: 'when it was acknowledged (受理), if it was' })),
  closedAt: Nullable(Type.String({ ...DateTime, description: 'when it was resolved or dismissed (办结)' })),
  canRate: Type.Boolean({ description: 'closed and not rated yet: POST /api/v1/reports/{id}/satisfaction is open' }),
  satisfaction: Nullable(Satisfaction),
});
const ATTEMPT_KINDS = ['blocked', 'warned'] as const;
export const Attempt = Type.Object({
  kind: StringEnum(ATTEMPT_KINDS, 'blocked: an attempt the rules refused (no filing); warned: a filing made with warnings'),
  id: Type.String({ description: 'the attempt id, or the filing id' }),
  agencyId: Type.String(),
  enterpriseUscc: Type.String(),
  region: Type.String(),
  at: Type.String({ format: 'date-time' }),
  filingNo: Nullable(Type.String()),
  decision: DecisionSchema,
});
export const AttemptListQuery = Type.Object(
  {
    ...PageQuery,
    kind: Type.Optional(StringEnum(ATTEMPT_KINDS)),
    agency: Type.Optional(Id),
    enterprise: Type.Optional(Uscc),
    finding: Type.Optional(RuleIdFilter),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
  },
  strict,
);

// Random draws (双随机)
const STRATA = ['A', 'B', 'C', 'D', 'unknown'] as const;
export const DrawFilter = Type.Object(
  {
    region: Type.Optional(RegionPrefix),
    industry: Type.Optional(Text(100)),
    riskClasses: Type.Optional(
      Type.Array(StringEnum(STRATA), {
        minItems: 1,
        uniqueItems: true,
        description: 'risk classes drawn from ("unknown": not classified)',
      }),
    ),
  },
  strict,
);
export const DrawPlanCreate = Type.Object(
  {
    agencyId: Id,
    name: Text(200),
    filter: DrawFilter,
    ratio: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'share of the population drawn, stratified by risk class; at most 0.2' }),
    ),
    size: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'how many to draw (instead of ratio); at most 20% of the population' }),
    ),
    excludeInspectedWithinDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 730,
        description: 'leave out enterprises this agency inspected (or filed to inspect) within this many days',
      }),
    ),
    includeNoDisturb: Type.Optional(Type.Boolean({ description: 'draw from the no-disturb list too (default: left out)' })),
    periodDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 366, description: 'days the agency has to carry out an assignment (default 30)' }),
    ),
    schedule: Type.Optional(
      Type.Object(
        { firstDrawOn: Type.Optional(IsoDate), everyDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) },
        {
          additionalProperties: false,
          description: 'first draw on this day (default today) by the daily draw job, then every `everyDays` days (default: once)',
        },
      ),
    ),
  },
  strict,
);
const CommittedDraw = Type.Object({
  id: Type.String(),
  seedHash: Type.String({ description: 'SHA-256 (hex) of the seed, published before the draw' }),
  committedAt: Type.String({ format: 'date-time' }),
});
export const DrawPlan = Type.Object({
  id: Type.String(),
  agencyId: Type.String(),
  name: Type.String(),
  filter: DrawFilter,
  ratio: Nullable(Type.Number()),
  size: Nullable(Type.Integer()),
  excludeInspectedWithinDays: Type.Integer(),
  includeNoDisturb: Type.Boolean(),
  periodDays: Type.Integer(),
  everyDays: Nullable(Type.Integer()),
  nextDrawOn: Nullable(IsoDate),
  createdAt: Type.String({ format: 'date-time' }),
  nextDraw: Nullable(CommittedDraw),
  stopped: Nullable(Type.Object({ at: DateTime, reason: Type.String() }, { description: 'a stopped plan draws no more' })),
  population: Type.Optional(
    Type.Object(
      { atLeast: Type.Integer() },
      {
        description:
          'as of creation: the plan draws from at least this many enterprises (ten, and five for every one drawn), counted ' +
          'that far and no further; the draw counts its population in full, caps applied',
      },
    ),
  ),
});
export const DrawPlanStop = Type.Object({ reason: Text(2000) }, strict);
export type DrawPlanStopBody = Static<typeof DrawPlanStop>;
export const DrawAssignmentView = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  enterprise: Type.Object({ uscc: Type.String(), name: Type.String() }),
  stratum: Type.String(),
  inspectors: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  periodStart: Type.String({ format: 'date-time' }),
  periodEnd: Type.String({ format: 'date-time' }),
  status: StringEnum(['open', 'filed', 'expired'] as const),
  filing: Nullable(Type.Object({ id: Type.String(), filingNo: Type.String(), status: StringEnum(FILING_STATUSES) })),
  result: Nullable(
    Type.Object({ outcome: StringEnum(OUTCOMES), conductedAt: Type.String({ format: 'date-time' }), summary: Type.String() }),
  ),
});
export const Draw = Type.Object({
  id: Type.String(),
  planId: Type.String(),
  planName: Type.String(),
  agency: Type.Object({ id: Type.String(), name: Type.String() }),
  filter: DrawFilter,
  status: StringEnum(['committed', 'drawn'] as const),
  seedHash: Type.String(),
  seed: Nullable(Type.String({ description: 'revealed once the draw is made' })),
  committedAt: Type.String({ format: 'date-time' }),
  drawnAt: Nullable(Type.String({ format: 'date-time' })),
  drawDay: Nullable(IsoDate),
  target: Nullable(Type.Integer()),
  populationSize: Nullable(Type.Integer()),
  populationHash: Nullable(Type.String()),
  excluded: Nullable(Type.Record(Type.String(), Type.Integer())),
  assignments: Type.Array(DrawAssignmentView),
});
export const DrawSummary = Type.Composite([
  Type.Omit(Draw, ['assignments', 'excluded']),
  Type.Object({ assignments: Type.Integer({ description: 'how many were drawn' }) }),
]);
export const DrawInputs = Type.Object({
  drawId: Type.String(),
  seed: Type.String(),
  target: Type.Integer(),
  population: Type.Array(Type.Tuple([Type.String(), Type.String()]), { description: '[uscc, stratum], sorted by uscc' }),
  pool: Type.Array(Type.String(), { description: 'inspector ids, sorted' }),
  avoid: Type.Record(Type.String(), Type.Array(Type.String()), {
    description:
      'per drawn enterprise, the inspectors of its last visit by this agency (which enterprises are drawn does not depend on it)',
  }),
  algorithm: Type.String(),
});
export const DrawVerification = Type.Object({
  drawId: Type.String(),
  matches: Type.Boolean({
    description: 'the seed matches its commitment, the population its hash, and re-running the draw gives the recorded assignments',
  }),
  seedMatchesCommitment: Type.Boolean(),
  populationMatchesHash: Type.Boolean(),
  assignmentsMatch: Type.Boolean(),
  recordMatchesAudit: Type.Boolean({
    description:
      'the seed hash, population hash, pool, pairs to avoid, sample size, period and assignments are those ' +
      'the hash-chained audit trail recorded when the draw was committed and made',
  }),
  recorded: Type.Integer(),
  recomputed: Type.Integer(),
  firstDifference: Nullable(Type.Object({ seq: Type.Integer(), recorded: Nullable(Type.String()), recomputed: Nullable(Type.String()) })),
  checked: Type.Object(
    { at: DateTime, by: StringEnum(['draw', 'recheck'] as const) },
    {
      description:
        'when this check was made: when the draw was made (`draw`), or at a recheck by an admin or `draws verify` (`recheck`); ' +
        'the public check reads it, never re-runs the draw',
    },
  ),
});
export const DrawListQuery = Type.Object({ ...PageQuery, agency: Type.Optional(Id), plan: Type.Optional(Id) }, strict);
export type DrawPlanCreateBody = Static<typeof DrawPlanCreate>;
export type DrawPlanView = Static<typeof DrawPlan>;
export type DrawView = Static<typeof Draw>;
export type DrawSummaryView = Static<typeof DrawSummary>;
export type DrawInputsView = Static<typeof DrawInputs>;
export type DrawVerificationView = Static<typeof DrawVerification>;
export type DrawListQueryT = Static<typeof DrawListQuery>;

// Jobs
export const JobRun = Type.Object({
  id: Type.String(),
  job: StringEnum(JOB_NAMES),
  period: Type.String({ description: 'digest: the day (YYYY-MM-DD) it reports; sweep and draw: the local hour (YYYY-MM-DDTHH)' }),
  outcome: StringEnum(JOB_OUTCOMES),
  trigger: StringEnum(JOB_TRIGGERS),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.String({ format: 'date-time' }),
  durationMs: Type.Integer(),
  summary: Type.Record(Type.String(), Type.Unknown()),
  error: Nullable(Type.String()),
  host: Type.String({ description: 'host:pid of the process that ran it' }),
  alreadyRan: Type.Boolean({ description: 'true when this period had already run: nothing was done again' }),
});
export const JobRunRequest = Type.Object({ date: Type.Optional(IsoDate) }, strict);
export const JobRunListQuery = Type.Object(
  { ...PageQuery, job: Type.Optional(StringEnum(JOB_NAMES)), outcome: Type.Optional(StringEnum(JOB_OUTCOMES)) },
  strict,
);
export type JobRunView = Static<typeof JobRun>;

// Digests and scorecards
const Counts = Type.Record(Type.String(), Type.Integer());
const Rate = (what: string) => Nullable(Type.Number({ description: `${what} (0-1); null when its denominator is 0` }));
export const ReportRatesSchema = Type.Object(
  {
    received: Type.Integer({ description: "收到 (the hotline's 受理量): reports received in the period" }),
    dueFeedback: Type.Integer({
      description: '应反馈: of those, the ones answered already or whose answer was due by now (2 working days after the day received)',
    }),
    fedBack: Type.Integer({ description: '已反馈: of those due, the ones answered (a first status change with its note) in time' }),
    closed: Type.Integer({ description: '已办结: of those received, the ones resolved or dismissed' }),
    rated: Type.Integer({ description: '已评价: of those received, the ones the enterprise rated' }),
    satisfied: Type.Integer({ description: '满意 + 非常满意: rated 4 or 5' }),
    feedbackRate: Rate('反馈率 = fedBack / dueFeedback'),
    completionRate: Rate('办结率 = closed / received'),
    satisfactionRate: Rate('满意率 = satisfied / rated'),
  },
  { description: "enterprises' reports about the agency received in the period, as they stand when computed" },
);
export const ScorecardEntry = Type.Object({
  rank: Type.Integer({
    description: 'vetoed agencies last; then fewer counted violations per filing, fewer blocked attempts, better average rating',
  }),
  agencyId: Type.String(),
  agencyName: Type.String(),
  filings: Type.Integer({ description: 'filings not cancelled (made or still to make): the denominator of violations per filing' }),
  cancelled: Type.Integer({ description: 'filings cancelled before their start: no visits, counted apart' }),
  blockedAttempts: Type.Integer(),
  warnings: Type.Integer({ description: 'filings made with warnings' }),
  violations: Type.Object({
    total: Type.Integer(),
    counted: Type.Integer({
      description: 'what ranks: raised by the rules and jobs (not dismissed), or resolved as founded; unworked allegations do not count',
    }),
    byKind: Counts,
    byStatus: Counts,
  }),
  averageRating: Nullable(Type.Number({ description: 'mean enterprise rating 1-5 given in the period' })),
  ratings: Type.Integer(),
  onSiteShare: Nullable(Type.Number({ description: 'share of filings that are on-site visits (0-1)' })),
  visitsPerEnterprise: Nullable(Type.Number()),
  reports: Type.Optional(
    Type.Composite([ReportRatesSchema], {
      description: 'reports about the agency received in the period: 反馈率, 办结率, 满意率 (absent in digests made before it was added)',
    }),
  ),
  vetoed: Nullable(
    Type.Object(
      { violationIds: Type.Array(Type.String()), conductRuleIds: Type.Array(Type.String()) },
      { description: '一票否决: a conduct violation or an unfiled inspection (conduct.N1) resolved as founded in the period' },
    ),
  ),
});
export const Scorecard = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  regions: Type.Array(Type.String()),
  agencies: Type.Array(ScorecardEntry),
});
export const ScorecardQuery = Type.Object(
  { from: DateTime, to: DateTime, format: Type.Optional(StringEnum(['json', 'csv'] as const)) },
  strict,
);
export const Digest = Type.Object({
  date: IsoDate,
  timeZone: Type.String(),
  regions: Type.Array(Type.String(), { description: 'the supervisor scope it covers (division-code prefixes; empty = everywhere)' }),
  generatedAt: Type.String({ format: 'date-time' }),
  violations: Type.Object({
    newTotal: Type.Integer(),
    newByKind: Counts,
    newByAgency: Type.Array(
      Type.Object({ agencyId: Nullable(Type.String()), agencyName: Nullable(Type.String()), total: Type.Integer(), byKind: Counts }),
    ),
    openByAge: Counts,
  }),
  attempts: Type.Object({
    blocked: Type.Integer(),
    warned: Type.Integer(),
    blockedByRule: Type.Array(Type.Object({ ruleId: Type.String(), n: Type.Integer() })),
  }),
  mostInspected: Type.Array(Type.Object({ uscc: Type.String(), name: Type.String(), visits: Type.Integer() }), {
    description: 'visits planned in the 30 days ending with the day',
  }),
  draws: Type.Array(Type.Object({ id: Type.String(), planName: Type.String(), agencyName: Type.String(), assignments: Type.Integer() }), {
    description: 'random draws made on the day (public at /api/v1/draws/{id})',
  }),
  scorecard: Type.Array(ScorecardEntry),
  trend: Type.Array(Type.Object({ day: IsoDate, filings: Type.Integer(), violations: Type.Integer() }), {
    description: 'the 30 days ending with the day',
  }),
  reportHandling: Type.Optional(
    Type.Object(
      {
        from: DateTime,
        to: DateTime,
        asOf: Type.String({ ...DateTime, description: 'when the numbers were made: answers given later are not in them' }),
        total: ReportRatesSchema,
        byAgency: Type.Array(Type.Composite([Type.Object({ agencyId: Type.String(), agencyName: Type.String() }), ReportRatesSchema]), {
          description: 'agencies with reports received in the window, most first',
        }),
      },
      {
        description:
          "enterprises' reports received in the 30 days ending with the day: 反馈率, 办结率, 满意率 in total " +
          '(reports naming an unregistered agency included) and per agency (absent in digests made before it was added)',
      },
    ),
  ),
  reportFloods: Type.Optional(
    Type.Array(Type.Object({ uscc: Type.String(), name: Type.String(), reports: Type.Integer(), quotaReached: Type.Boolean() }), {
      description:
        'enterprises that sent half their daily report quota (REPORT_DAILY_LIMIT) or more on the day, most first; ' +
        'quotaReached: further reports were refused (absent in digests made before it was added)',
    }),
  ),
  auditRoot: Type.Optional(
    Nullable(
      Type.Object(
        {
          seq: Type.Integer(),
          day: IsoDate,
          root: Type.String(),
          keyId: Type.String(),
          signature: Type.String(),
          chains: Type.Integer(),
          events: Type.Integer(),
        },
        {
          description:
            "the audit trail's signed root of the day: keep the mail; `audit verify --against` checks the database still holds it",
        },
      ),
    ),
  ),
});
export const DigestSummary = Type.Object({
  date: IsoDate,
  regions: Type.Array(Type.String()),
  generatedAt: Type.String({ format: 'date-time' }),
  newViolations: Type.Integer(),
  blocked: Type.Integer(),
});
export const DigestQuery = Type.Object(
  {
    format: Type.Optional(StringEnum(['json', 'html', 'csv'] as const)),
    table: Type.Optional(
      StringEnum(['scorecard', 'report-floods', 'report-handling'] as const, 'which table ?format=csv gives (default scorecard)'),
    ),
  },
  strict,
);
export type ScorecardEntryView = Static<typeof ScorecardEntry>;
export type ScorecardView = Static<typeof Scorecard>;
export type ScorecardQueryT = Static<typeof ScorecardQuery>;
export type DigestView = Static<typeof Digest>;
export type DigestSummaryView = Static<typeof DigestSummary>;
export type JobRunListQueryT = Static<typeof JobRunListQuery>;

export type ViolationView = Static<typeof Violation>;
export type ViolationDetailView = Static<typeof ViolationDetail>;
export type ViolationListQueryT = Static<typeof ViolationListQuery>;
export type ViolationCreateBody = Static<typeof ViolationCreate>;
export type ViolationUpdateBody = Static<typeof ViolationUpdate>;
export type ViolationBulkUpdateBody = Static<typeof ViolationBulkUpdate>;
export type ViolationBulkResultT = Static<typeof ViolationBulkResult>;
export type ReportCreateBody = Static<typeof ReportCreate>;
export type FeedbackCreateBody = Static<typeof FeedbackCreate>;
export type FeedbackViewT = Static<typeof FeedbackView>;
export type ReportListQueryT = Static<typeof ReportListQuery>;
export type SatisfactionCreateBody = Static<typeof SatisfactionCreate>;
export type SatisfactionView = Static<typeof Satisfaction>;
export type ReportFollowUpView = Static<typeof ReportFollowUp>;
export type ReportRatesView = Static<typeof ReportRatesSchema>;
export type AttemptView = Static<typeof Attempt>;
export type AttemptListQueryT = Static<typeof AttemptListQuery>;
export type ResultCreateBody = Static<typeof ResultCreate>;
export type CancelCreateBody = Static<typeof CancelCreate>;
export type VerificationView = Static<typeof Verification>;
export type ArrivalView = Static<typeof Arrival>;
export type PageOf<T> = { items: T[]; nextCursor: string | null };
