import type { ColumnType, Generated, Selectable } from 'kysely';
import type { TriggerKind } from '../domain/filing.js';

// Storage rows (snake_case). API shapes live in domain/schemas.ts; mappers in each repository
// translate, so neither side leaks into the other.

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface AgenciesTable {
  id: string;
  code: string;
  name: string;
  region: string;
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** the bureau a squad belongs to: one enforcement system for caps */
  parent_agency_id: string | null;
  /** where the enterprise reaches the agency: printed on the 检查告知书 (migration 0021) */
  address: Generated<string | null>;
  phone: Generated<string | null>;
}
/** The grounds register: tickets, referrals, leads and campaigns a visit outside the plan rests on. */
export interface GroundsTable {
  id: string;
  kind: 'complaint' | 'referral' | 'monitoring' | 'accident' | 'assignment' | 'campaign';
  reference: string;
  enterprise_uscc: string | null;
  region: string | null;
  agency_ids: Generated<string[]>;
  level: 'higher' | 'local' | null;
  title: string | null;
  valid_from: string;
  valid_to: string;
  max_visits: Generated<number>;
  status: 'verified' | 'unverified' | 'rejected';
  status_note: string | null;
  status_changed_at: Date | null;
  status_changed_by: string | null;
  registered_by: string;
  registered_role: string;
  registered_at: Date;
}
/** Every item an agency ever published; `agency_items` is the view of those in force. */
export interface AgencyItemRecordsTable {
  agency_id: string;
  code: string;
  name: string;
  basis: string;
  withdrawn_at: Date | null;
}
export interface InspectorsTable {
  id: string;
  agency_id: string;
  name: string;
  credential_no: string;
  valid_until: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  revoke_reason: string | null;
}
export interface EnterprisesTable {
  uscc: string;
  name: string;
  region: string;
  industry: string | null;
  risk_class: 'A' | 'B' | 'C' | 'D' | null;
  no_disturb: boolean;
  created_at: CreatedAt;
}
export interface DecisionsTable {
  id: string;
  outcome: 'allow' | 'warn' | 'block';
  findings: ColumnType<unknown, string, never>;
  rule_sets: ColumnType<unknown, string, never>;
  evaluated_at: Date;
}
export interface FilingsTable {
  id: string;
  filing_no: string;
  verify_code: string;
  agency_id: string;
  enterprise_uscc: string;
  region: string;
  type: string;
  item_codes: string[];
  inspector_ids: string[];
  joint_agency_ids: string[];
  planned_start: Date;
  planned_end: Date;
  on_site: boolean;
  reason: string | null;
  on_site_justification: string | null;
  purpose: string;
  requires_legal_representative: boolean;
  legal_representative_reason: string | null;
  trigger_kind: TriggerKind | null;
  trigger_reference: string | null;
  campaign_level: 'higher' | null;
  campaign_reference: string | null;
  decision_id: string;
  filed_at: Date;
  filed_by: string;
  status: string;
  arrived_at: Date | null;
  result_outcome: string | null;
  conducted_at: Date | null;
  result_summary: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  draw_assignment_id: string | null;
  ground_id: string | null;
}
export interface FilingAttemptsTable {
  id: string;
  agency_id: string;
  enterprise_uscc: string;
  region: string;
  body: ColumnType<unknown, string, never>;
  decision_id: string;
  attempted_at: Date;
  actor: string;
}
export interface ApiKeysTable {
  id: string;
  key_hash: string;
  role: 'admin' | 'supervisor' | 'agency' | 'enterprise' | 'hotline';
  name: string;
  agency_id: string | null;
  uscc: string | null;
  regions: string[];
  email: string | null;
  created_at: CreatedAt;
  revoked_at: Date | null;
  expires_at: Date | null;
}
export interface AuditEventsTable {
  id: Generated<number>;
  chain: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  payload: ColumnType<unknown, string, never>;
  prev_hash: string;
  hash: string;
}
export interface AuditHeadsTable {
  chain: string;
  seq: number;
  hash: string;
  key_id: string;
  signature: string;
  signed_at: Generated<Date>;
}
export interface AuditRootsTable {
  seq: number;
  day: string;
  created_at: Date;
  prev_root: string;
  heads_digest: string;
  chains: number;
  events: number;
  changed: ColumnType<unknown, string, never>;
  root: string;
  key_id: string;
  signature: string;
}
export interface ViolationsTable {
  id: string;
  kind: string;
  status: string;
  source: Generated<string>;
  agency_id: string | null;
  agency_name: string | null;
  enterprise_uscc: string | null;
  region: string;
  filing_id: string | null;
  details: ColumnType<unknown, string, string>;
  occurred_at: Date;
  raised_at: Date;
  raised_by: string | null;
  updated_at: Date;
  description: string | null;
  conduct_rule_ids: Generated<string[]>;
  hotline: string | null;
  hotline_ticket: string | null;
  evidence: ColumnType<unknown, string | null, string | null>;
  status_note: string | null;
  dedupe_key: string | null;
}
export interface ViolationChangesTable {
  id: Generated<number>;
  violation_id: string;
  at: Date;
  actor: string;
  from_status: string;
  to_status: string;
  note: string;
}
export interface FeedbackTable {
  filing_id: string;
  enterprise_uscc: string;
  agency_id: string;
  region: string;
  rating: number;
  conduct_rule_ids: string[];
  comment: string | null;
  violation_id: string | null;
  given_at: Date;
  given_by: string;
}
export interface ReportRatingsTable {
  violation_id: string;
  enterprise_uscc: string;
  agency_id: string | null;
  region: string;
  rating: number;
  comment: string | null;
  given_at: Date;
  given_by: string;
}
export interface DigestsTable {
  day: ColumnType<string, string, never>;
  scope: string;
  regions: string[];
  content: ColumnType<unknown, string, never>;
  created_at: Date;
}
export interface DigestDeliveriesTable {
  id: string;
  day: ColumnType<string, string, never>;
  channel: 'mail' | 'webhook';
  recipient: string;
  scopes: string[];
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  claimed_at: Date | null;
  sent_at: Date | null;
}
export interface DrawPlansTable {
  id: string;
  agency_id: string;
  name: string;
  filter: ColumnType<unknown, string, never>;
  ratio: number | null;
  size: number | null;
  exclude_inspected_within_days: number;
  include_no_disturb: boolean;
  period_days: number;
  every_days: number | null;
  next_draw_on: ColumnType<string | null, string | null, string | null>;
  created_at: Date;
  created_by: string;
  stopped_at: Date | null;
  stop_reason: string | null;
  stopped_by: string | null;
}
/** Every arrival confirmed under a filing: the enterprise's and the agency's are separate events. */
export interface FilingArrivalsTable {
  id: string;
  filing_id: string;
  by_role: 'enterprise' | 'agency';
  actor: string;
  at: Date;
  within_window: boolean;
  violation_id: string | null;
}
/** A joint agency's answer to a filing that names it. */
export interface JointResponsesTable {
  filing_id: string;
  agency_id: string;
  status: 'accepted' | 'declined';
  reason: string | null;
  decision_id: string | null;
  at: Date;
  actor: string;
}
export interface DrawsTable {
  id: string;
  plan_id: string;
  agency_id: string;
  status: 'committed' | 'drawn';
  seed_hash: string;
  seed: string | null;
  committed_at: Date;
  drawn_at: Date | null;
  draw_day: ColumnType<string | null, string | null, string | null>;
  target: number | null;
  /** the hash of its population in draw_populations */
  population_ref: string | null;
  population_size: number | null;
  population_hash: string | null;
  pool: string[] | null;
  avoid: ColumnType<unknown, string | null, string | null>;
  excluded: ColumnType<unknown, string | null, string | null>;
  /** the check made when the draw was made (or at its latest recheck) */
  verification: ColumnType<unknown, string | null, string | null>;
}
/** A recorded population, stored once: draws name it by its hash. */
export interface DrawPopulationsTable {
  hash: string;
  population: string;
}
export interface DrawAssignmentsTable {
  id: string;
  draw_id: string;
  seq: number;
  agency_id: string;
  enterprise_uscc: string;
  region: string;
  stratum: string;
  inspector_ids: string[];
  period_start: Date;
  period_end: Date;
  status: 'open' | 'filed' | 'expired';
  filing_id: string | null;
}
export interface JobRunsTable {
  id: string;
  job: string;
  period: string;
  outcome: 'succeeded' | 'failed';
  trigger: 'schedule' | 'manual' | 'catch-up';
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  summary: ColumnType<unknown, string, string>;
  error: string | null;
  host: string;
}
export interface IdempotencyTable {
  principal_id: string;
  idem_key: string;
  request_hash: string;
  status_code: number;
  response: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
}

export interface WebSessionsTable {
  id: string;
  key_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  ended_at: Date | null;
}
/** A person's sign-in (0020_accounts): a login and password bound to the key that carries its role and scope. */
export interface AccountsTable {
  id: string;
  /** the credit code of an enterprise; a staff member's login name (lower case) */
  login: string;
  key_id: string;
  /** scrypt$N$r$p$salt$hash; null until activated */
  password_hash: string | null;
  password_set_at: Date | null;
  /** SHA-256 of the activation code in force, with its expiry and when it was used */
  code_hash: string | null;
  code_expires_at: Date | null;
  code_spent_at: Date | null;
  created_at: CreatedAt;
  updated_at: Date;
}
/** A device that keeps an account signed in (30 days): the token's hash, like a session's. */
export interface RememberedDevicesTable {
  id: string;
  account_id: string;
  key_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  ended_at: Date | null;
}
export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export interface DB {
  agencies: AgenciesTable;
  agency_item_records: AgencyItemRecordsTable;
  inspectors: InspectorsTable;
  enterprises: EnterprisesTable;
  grounds: GroundsTable;
  decisions: DecisionsTable;
  filings: FilingsTable;
  filing_attempts: FilingAttemptsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  audit_roots: AuditRootsTable;
  violations: ViolationsTable;
  violation_changes: ViolationChangesTable;
  feedback: FeedbackTable;
  report_ratings: ReportRatingsTable;
  job_runs: JobRunsTable;
  draw_plans: DrawPlansTable;
  filing_arrivals: FilingArrivalsTable;
  joint_responses: JointResponsesTable;
  draws: DrawsTable;
  draw_populations: DrawPopulationsTable;
  draw_assignments: DrawAssignmentsTable;
  digests: DigestsTable;
  digest_deliveries: DigestDeliveriesTable;
  idempotency_keys: IdempotencyTable;
  web_sessions: WebSessionsTable;
  app_secrets: AppSecretsTable;
  accounts: AccountsTable;
  remembered_devices: RememberedDevicesTable;
}

export type FilingRow = Selectable<FilingsTable>;
export type ViolationRow = Selectable<ViolationsTable>;
export type JobRunRow = Selectable<JobRunsTable>;
