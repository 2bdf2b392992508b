import { localYear } from '../domain/calendar.js';
import { formatFilingNo, newId, newVerifyCode } from '../domain/codes.js';
import type { Decision } from '../domain/decision.js';
import { AppError, errorBody } from '../domain/errors.js';
import {
  auditActions,
  type Campaign,
  type FilingStatus,
  type FilingType,
  type Purpose,
  type ResultOutcome,
  type Trigger,
} from '../domain/filing.js';
import { inRegions, type Principal } from '../domain/principal.js';
import type { FilingView } from '../domain/schemas.js';
import type { FilingInput } from '../rules/facts.js';
import type { BatchWrite, StoredResponse } from '../store/filings-repo.js';
import type { FilingRow } from '../store/tables.js';
import { chains } from './audit.js';
import { storedFrom, type IdempotencyClaim, type StoredReplay } from './idempotency.js';

// What a decided filing writes, as a pure function of the decision: ids, number, verification
// code, the filing or the blocked attempt, the violations its findings raise, its audit event and
// (for an idempotent request) the response stored with it. The group commit only executes it.

export type FilingOutcome =
  | { kind: 'filed'; decision: Decision; row: FilingRow }
  | { kind: 'blocked'; decision: Decision }
  | { kind: 'replay'; replay: StoredReplay };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The grounds a filing row was filed on, as the API shows them. */
export function groundsOf(f: FilingRow): { trigger: Trigger | null; campaign: Campaign | null } {
  return {
    trigger: f.trigger_kind && f.trigger_reference ? { kind: f.trigger_kind, reference: f.trigger_reference } : null,
    campaign: f.campaign_level && f.campaign_reference ? { level: f.campaign_level, reference: f.campaign_reference } : null,
  };
}

/** Whether an agency is on a filing: the one that filed it, or a joint agency. */
export function agencyOnFiling(agencyId: string | null, f: Pick<FilingRow, 'agency_id' | 'joint_agency_ids'>): boolean {
  return agencyId !== null && (f.agency_id === agencyId || f.joint_agency_ids.includes(agencyId));
}

export function filingView(f: FilingRow, publicUrl: string, decisionOutcome: string): FilingView {
  return {
    id: f.id,
    filingNo: f.filing_no,
    verifyCode: f.verify_code,
    verifyUrl: `${publicUrl}/v/${f.verify_code}`,
    status: f.status as FilingStatus,
    agencyId: f.agency_id,
    enterpriseUscc: f.enterprise_uscc,
    region: f.region,
    type: f.type as FilingType,
    itemCodes: f.item_codes,
    inspectorIds: f.inspector_ids,
    jointAgencyIds: f.joint_agency_ids,
    plannedStart: f.planned_start.toISOString(),
    plannedEnd: f.planned_end.toISOString(),
    onSite: f.on_site,
    reason: f.reason,
    onSiteJustification: f.on_site_justification,
    purpose: f.purpose as Purpose,
    requiresLegalRepresentative: f.requires_legal_representative,
    legalRepresentativeReason: f.legal_representative_reason,
    ...groundsOf(f),
    drawAssignmentId: f.draw_assignment_id,
    filedAt: f.filed_at.toISOString(),
    arrivedAt: iso(f.arrived_at),
    result:
      f.result_outcome && f.conducted_at
        ? { outcome: f.result_outcome as ResultOutcome, conductedAt: f.conducted_at.toISOString(), summary: f.result_summary ?? '' }
        : null,
    cancelledAt: iso(f.cancelled_at),
    cancelReason: f.cancel_reason,
    decisionOutcome: decisionOutcome === 'warn' ? 'warn' : 'allow',
  };
}

export function emptyWrite(): BatchWrite {
  return { decisions: [], filings: [], attempts: [], violations: [], audit: [], idempotency: [], assignments: [] };
}

export function appendWrite(to: BatchWrite, from: BatchWrite): void {
  to.decisions.push(...from.decisions);
  to.filings.push(...from.filings);
  to.attempts.push(...from.attempts);
  to.violations.push(...from.violations);
  to.audit.push(...from.audit);
  to.idempotency.push(...from.idempotency);
  to.assignments.push(...from.assignments);
}

export interface RecordContext {
  at: Date;
  tz: string;
  publicUrl: string;
  actor: string;
  /** the request body, kept with a blocked attempt */
  body: unknown;
  /** a number drawn from the filing-number sequence for this filing */
  seq: number;
  claim?: IdempotencyClaim | undefined;
  /** the registered ground the filing rests on (a case's trigger, a higher campaign) */
  groundId?: string | null;
  /** the decision as the filing agency is answered with it (other agencies' filings as agency and day) */
  shown?: Decision;
}

export function filingRecords(
  input: FilingInput,
  decision: Decision,
  region: string,
  c: RecordContext,
): { write: BatchWrite; outcome: FilingOutcome } {
  const write = emptyWrite();
  const blocked = decision.outcome === 'block';
  // what the agency is answered with (decisionForAgency); the whole decision is what is kept
  const shown = c.shown ?? decision;
  const decisionId = newId('dec');
  const id = newId(blocked ? 'att' : 'fil');
  write.decisions.push({ id: decisionId, decision });
  for (const f of decision.findings) {
    if (!f.raises) continue;
    write.violations.push({
      id: newId('vio'),
      kind: f.raises,
      status: 'open',
      source: 'system',
      agency_id: input.agencyId,
      enterprise_uscc: input.enterpriseUscc,
      region,
      filing_id: blocked ? null : id,
      details: { ruleId: f.ruleId, decisionId, [blocked ? 'attemptId' : 'filingId']: id, message: f.message },
      occurred_at: c.at,
      raised_at: c.at,
      updated_at: c.at,
      conduct_rule_ids: f.raises === 'conduct' ? [f.ruleId] : [],
    });
  }
  const audit = { chain: chains.enterprise(input.enterpriseUscc), at: c.at, actor: c.actor, entityId: id };
  if (blocked) {
    write.attempts.push({
      id,
      agency_id: input.agencyId,
      enterprise_uscc: input.enterpriseUscc,
      region,
      body: c.body,
      decision_id: decisionId,
      attempted_at: c.at,
      actor: c.actor,
    });
    write.audit.push({
      ...audit,
      action: auditActions.blocked,
      entityType: 'filing_attempt',
      payload: { decisionId, findings: decision.findings.map((f) => f.ruleId) },
    });
    if (c.claim) write.idempotency.push(storedFrom(c.claim, 422, blockedBody(shown, c.claim)));
    return { write, outcome: { kind: 'blocked', decision: shown } };
  }
  const row: FilingRow = {
    id,
    filing_no: formatFilingNo(region, localYear(c.at, c.tz), c.seq),
    verify_code: newVerifyCode(),
    agency_id: input.agencyId,
    enterprise_uscc: input.enterpriseUscc,
    region,
    type: input.type,
    item_codes: input.itemCodes,
    inspector_ids: input.inspectorIds,
    joint_agency_ids: input.jointAgencyIds,
    planned_start: input.plannedStart,
    planned_end: input.plannedEnd,
    on_site: input.onSite,
    reason: input.reason,
    on_site_justification: input.onSiteJustification,
    purpose: input.purpose,
    requires_legal_representative: input.requiresLegalRepresentative,
    legal_representative_reason: input.legalRepresentativeReason,
    trigger_kind: input.trigger?.kind ?? null,
    trigger_reference: input.trigger?.reference ?? null,
    campaign_level: input.campaign?.level ?? null,
    campaign_reference: input.campaign?.reference ?? null,
    draw_assignment_id: input.drawAssignmentId,
    ground_id: c.groundId ?? null,
    decision_id: decisionId,
    filed_at: c.at,
    filed_by: c.actor,
    status: 'filed',
    arrived_at: null,
    result_outcome: null,
    conducted_at: null,
    result_summary: null,
    cancelled_at: null,
    cancel_reason: null,
  };
  write.filings.push(row);
  if (input.drawAssignmentId) write.assignments.push({ id: input.drawAssignmentId, filing_id: id });
  write.audit.push({
    ...audit,
    action: auditActions.filed,
    entityType: 'filing',
    // the agency and the code too: what `audit verify` holds the row to
    payload: {
      filingNo: row.filing_no,
      agencyId: row.agency_id,
      verifyCode: row.verify_code,
      decisionId,
      outcome: decision.outcome,
      body: c.body,
    },
  });
  if (c.claim)
    write.idempotency.push(storedFrom(c.claim, 201, { filing: filingView(row, c.publicUrl, decision.outcome), decision: shown }));
  return { write, outcome: { kind: 'filed', decision: shown, row } };
}

/** The 422 a blocked filing answers with, as the error handler would write it. */
export function blockedError(decision: Decision, key: 'rule_blocked' | 'joint_blocked' = 'rule_blocked'): AppError {
  // each blocking finding, where the decision holds it
  const details = decision.findings.flatMap((f, i) =>
    f.severity === 'block' ? [{ path: `/decision/findings/${i}`, message: f.message }] : [],
  );
  return new AppError('rule_blocked', key, {}, details, { decision });
}

function blockedBody(decision: Decision, claim: IdempotencyClaim) {
  return errorBody(blockedError(decision), claim.lang, claim.requestId);
}

/** A client error that an idempotent filing answered with, stored with the batch that found it. */
export function storedError(err: AppError, claim: IdempotencyClaim): StoredResponse {
  return storedFrom(claim, err.status, errorBody(err, claim.lang, claim.requestId));
}

/** Who may see a filing: admin; its agencies; its enterprise; a supervisor of its region. */
export function canSeeFiling(p: Principal, f: Pick<FilingRow, 'agency_id' | 'joint_agency_ids' | 'enterprise_uscc' | 'region'>): boolean {
  switch (p.role) {
    case 'admin':
      return true;
    case 'agency':
      return agencyOnFiling(p.agencyId, f);
    case 'enterprise':
      return f.enterprise_uscc === p.uscc;
    case 'hotline':
      return false;
    case 'supervisor':
      return inRegions(f.region, p.regions);
  }
}
