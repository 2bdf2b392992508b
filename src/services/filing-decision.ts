import type { Logger } from 'pino';
import { AppError, notFound } from '../domain/errors.js';
import { fieldName } from '../domain/field-labels.js';
import { entities, reasons, typeList, typeNames } from '../domain/messages.js';
import type { Decision } from '../domain/decision.js';
import type { FilingType } from '../domain/filing.js';
import type { FilingCreateBody } from '../domain/schemas.js';
import { meaningfulLength } from '../domain/text.js';
import { validateUscc } from '../domain/uscc.js';
import { applicableSets, evaluate, historyPeriods, mergePeriods } from '../rules/evaluate.js';
import { priorFromRow, type EvaluationContext, type Facts, type FilingInput } from '../rules/facts.js';
import type { LoadedRuleSet } from '../rules/load.js';
import type { FactQuery, FactRows } from '../store/filings-repo.js';
import { LockNamespace, idempotencyLockKey, type LockKey } from '../store/locks.js';
import type { FilingRow } from '../store/tables.js';

// How a filing is decided, as pure functions shared by the filing service and the rule fixtures
// (`rules test`): the same input normalization, the same facts query, the same reading of its rows.

const uniq = <T>(xs: T[]) => [...new Set(xs)];
function notFor(field: string, types: FilingType[], type: FilingType, path: string): AppError {
  return new AppError(
    'validation_failed',
    'field_not_for_type',
    { field: fieldName(field), types: typeList(types), type: typeNames[type] },
    [{ path, key: 'only_for_types', params: { types: typeList(types) } }],
  );
}

/** A text as given, or null when a reader would see nothing in it (invisible grounds are no grounds). */
const said = (s: string | undefined) => (s !== undefined && meaningfulLength(s, 1) > 0 ? s.trim() : null);

/** A filing body as the rules see it. Refuses, naming the field, what no rule should have to read. */
export function toInput(agencyId: string, body: FilingCreateBody): FilingInput {
  const plannedStart = new Date(body.plannedStart);
  const plannedEnd = new Date(body.plannedEnd);
  if (plannedEnd.getTime() <= plannedStart.getTime()) {
    throw new AppError('validation_failed', 'date_order', { from: fieldName('plannedStart'), to: fieldName('plannedEnd') }, [
      { path: '/plannedEnd', key: 'after_field', params: { field: fieldName('plannedStart') } },
    ]);
  }
  const jointAgencyIds = uniq(body.jointAgencyIds ?? []);
  if (jointAgencyIds.includes(agencyId)) {
    throw new AppError('validation_failed', 'validation_failed', {}, [{ path: '/jointAgencyIds', key: 'not_the_filing_agency_itself' }]);
  }
  // Exemptions need grounds: a case names what set it off, and only a special inspection can be
  // a higher authority's campaign (else any routine visit could claim to be one).
  // an emergency names its trigger too: its ground is registered afterwards, within 48 hours
  if ((body.type === 'case' || body.type === 'emergency') && !body.trigger) {
    throw new AppError('validation_failed', 'trigger_required', {}, [
      { path: '/trigger', key: body.type === 'case' ? 'required_for_case' : 'required_for_emergency' },
    ]);
  }
  if (body.trigger && body.type !== 'case' && body.type !== 'emergency')
    throw notFor('trigger', ['case', 'emergency'], body.type, '/trigger');
  if (body.campaign && body.type !== 'special') throw notFor('campaign', ['special'], body.type, '/campaign');
  // a random inspection is one the draw chose: it names the assignment, and only it may
  if (body.type === 'random' && !body.drawAssignmentId) {
    throw new AppError('validation_failed', 'draw_assignment_required', {}, [{ path: '/drawAssignmentId', key: 'required_for_random' }]);
  }
  if (body.drawAssignmentId && body.type !== 'random') throw notFor('drawAssignmentId', ['random'], body.type, '/drawAssignmentId');
  return {
    agencyId,
    enterpriseUscc: validateUscc(body.enterpriseUscc, '/enterpriseUscc'),
    type: body.type,
    itemCodes: uniq(body.itemCodes),
    inspectorIds: uniq(body.inspectorIds),
    plannedStart,
    plannedEnd,
    onSite: body.onSite ?? true,
    reason: said(body.reason),
    onSiteJustification: said(body.onSiteJustification),
    jointAgencyIds,
    purpose: body.purpose ?? 'inspection',
    requiresLegalRepresentative: body.requiresLegalRepresentative ?? false,
    legalRepresentativeReason: said(body.legalRepresentativeReason),
    trigger: body.trigger ? { kind: body.trigger.kind, reference: body.trigger.reference.trim() } : null,
    campaign: body.campaign ? { level: body.campaign.level, reference: body.campaign.reference.trim() } : null,
    drawAssignmentId: body.drawAssignmentId ?? null,
  };
}

/** A filed visit as the rules see it (to decide what a joint agency's acceptance would do). */
export function toStoredInput(f: FilingRow): FilingInput {
  return {
    agencyId: f.agency_id,
    enterpriseUscc: f.enterprise_uscc,
    type: f.type as FilingType,
    itemCodes: f.item_codes,
    inspectorIds: f.inspector_ids,
    plannedStart: f.planned_start,
    plannedEnd: f.planned_end,
    onSite: f.on_site,
    reason: f.reason,
    onSiteJustification: f.on_site_justification,
    jointAgencyIds: f.joint_agency_ids,
    purpose: f.purpose as FilingInput['purpose'],
    requiresLegalRepresentative: f.requires_legal_representative,
    legalRepresentativeReason: f.legal_representative_reason,
    trigger: f.trigger_kind && f.trigger_reference ? { kind: f.trigger_kind, reference: f.trigger_reference } : null,
    campaign: f.campaign_level && f.campaign_reference ? { level: f.campaign_level, reference: f.campaign_reference } : null,
    drawAssignmentId: f.draw_assignment_id,
  };
}

export interface FactQueryOptions {
  /** take the enterprises' locks (a filing), or not (a dry run) */
  lock: boolean;
  /** Idempotency-Keys whose locks to take and whose stored responses to read */
  idempotency?: { principalId: string; key: string }[];
  /** new filing numbers to draw */
  numbers?: number;
}

/**
 * The one facts query for a set of filings: their registry entries, and of each enterprise's
 * history exactly the periods that the rules which could apply ask for (merged), no more.
 */
export function factQueryFor(
  sets: readonly LoadedRuleSet[],
  inputs: FilingInput[],
  ctx: EvaluationContext,
  opts: FactQueryOptions,
): FactQuery {
  const usccs = uniq(inputs.map((i) => i.enterpriseUscc));
  const periods = usccs.flatMap((uscc) =>
    mergePeriods(inputs.filter((i) => i.enterpriseUscc === uscc).flatMap((i) => historyPeriods(sets, i, ctx))).map((p) => ({
      uscc,
      from: new Date(p.from),
      to: new Date(p.to),
    })),
  );
  const idempotency = opts.idempotency ?? [];
  const locks: LockKey[] = opts.lock
    ? [...usccs.map((key) => ({ ns: LockNamespace.enterprise, key })), ...idempotency.map((i) => idempotencyLockKey(i.principalId, i.key))]
    : [];
  return {
    locks,
    usccs,
    agencyIds: uniq(inputs.flatMap((i) => [i.agencyId, ...i.jointAgencyIds])),
    inspectorIds: uniq(inputs.flatMap((i) => i.inspectorIds)),
    periods,
    idempotency,
    numbers: opts.numbers ?? 0,
    assignmentIds: uniq(inputs.flatMap((i) => (i.drawAssignmentId ? [i.drawAssignmentId] : []))),
    references: uniq(inputs.flatMap((i) => [i.trigger?.reference, i.campaign?.reference].filter((r): r is string => !!r))),
  };
}

/** This filing's facts from rows loaded for it (or its batch); refuses references that do not exist or are not this filing's to use. */
export function factsFor(input: FilingInput, rows: FactRows): Facts {
  const enterprise = rows.enterprises.find((e) => e.uscc === input.enterpriseUscc);
  if (!enterprise) {
    throw notFound('enterprise', input.enterpriseUscc, [{ path: '/enterpriseUscc', key: 'not_registered' }]);
  }
  const known = new Set(rows.agencies.map((a) => a.id));
  input.jointAgencyIds.forEach((id, i) => {
    if (!known.has(id)) throw notFound('agency', id, [{ path: `/jointAgencyIds/${i}`, key: 'no_such_agency' }]);
  });
  const allowed = new Set([input.agencyId, ...input.jointAgencyIds]);
  const inspectors = input.inspectorIds.map((id, i) => {
    const inspector = rows.inspectors.find((x) => x.id === id);
    if (!inspector) throw notFound('inspector', id, [{ path: `/inspectorIds/${i}`, key: 'no_such_inspector' }]);
    if (!allowed.has(inspector.agencyId)) {
      throw new AppError('validation_failed', 'agency_mismatch', { what: entities.inspector, id }, [
        { path: `/inspectorIds/${i}`, key: 'inspector_of_other_agency' },
      ]);
    }
    return inspector;
  });
  return {
    agency: rows.agencies.find((a) => a.id === input.agencyId) ?? null,
    jointAgencies: rows.agencies.filter((a) => input.jointAgencyIds.includes(a.id)),
    inspectors,
    enterprise,
    history: rows.history.filter((h) => h.enterpriseUscc === input.enterpriseUscc).map(priorFromRow),
    assignment: rows.assignments.find((a) => a.id === input.drawAssignmentId) ?? null,
    grounds: rows.grounds,
  };
}

/** The decision, or 503 when no rule set applies or a rule cannot be evaluated: a filing is never allowed by default. */
export function decide(sets: readonly LoadedRuleSet[], input: FilingInput, facts: Facts, ctx: EvaluationContext, log: Logger): Decision {
  if (applicableSets(sets, facts.enterprise.region, ctx).length === 0) {
    log.error({ region: facts.enterprise.region }, 'no rule set applies; refusing to decide');
    throw new AppError('unavailable', 'rules_unavailable');
  }
  try {
    return evaluate(sets, input, facts, ctx);
  } catch (err) {
    log.error({ err }, 'rule evaluation failed');
    throw new AppError('unavailable', 'unavailable', { reason: reasons.rulesFailed });
  }
}

/**
 * A visit as one agency alone would make it, for the caps: a joint agency accepting a filed visit,
 * or a draw asking whom an agency may still visit. No officers, items or joint agencies.
 */
export function visitAlone(
  v: Pick<FilingInput, 'agencyId' | 'enterpriseUscc' | 'type' | 'plannedStart' | 'plannedEnd'> & Partial<FilingInput>,
): FilingInput {
  return {
    onSite: true,
    reason: null,
    onSiteJustification: null,
    purpose: 'inspection',
    requiresLegalRepresentative: false,
    legalRepresentativeReason: null,
    trigger: null,
    campaign: null,
    drawAssignmentId: null,
    ...v,
    itemCodes: [],
    inspectorIds: [],
    jointAgencyIds: [],
  };
}

/** The decision of the rules that hold an agency to its own cap (frequency, agencies "same") only. */
export function capDecision(
  sets: readonly LoadedRuleSet[],
  input: FilingInput,
  facts: Facts,
  ctx: EvaluationContext,
  log: Logger,
): Decision {
  const caps = new Set(
    sets.flatMap((s) => s.file.rules).flatMap((r) => (r.kind === 'frequency' && r.params.agencies === 'same' ? [r.id] : [])),
  );
  const d = decide(sets, input, facts, ctx, log);
  const findings = d.findings.filter((x) => caps.has(x.ruleId));
  return { ...d, findings, outcome: findings.some((x) => x.severity === 'block') ? 'block' : findings.length ? 'warn' : 'allow' };
}
