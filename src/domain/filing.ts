import { AppError } from './errors.js';
import type { Localized } from './i18n.js';
import { formatLocal } from './calendar.js';
import { statusNames } from './messages.js';

export const FILING_TYPES = ['routine', 'case', 'special', 'random', 'emergency'] as const;
export type FilingType = (typeof FILING_TYPES)[number];
export const PURPOSES = ['inspection', 'observation', 'supervision', 'study'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const FILING_STATUSES = ['filed', 'in_progress', 'completed', 'cancelled'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];
/** `not_conducted`: the visit was filed, its start passed, and it did not take place; it still counts toward caps. */
export const OUTCOMES = ['no_issues', 'issues_found', 'penalty', 'not_conducted'] as const;
export type ResultOutcome = (typeof OUTCOMES)[number];
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

/** What sets off a case inspection (个案检查). A closed list: "any four characters of reason" is not grounds. */
export const TRIGGER_KINDS = ['complaint', 'referral', 'monitoring', 'accident', 'assignment', 'other'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];
export const triggerLabels: Record<TriggerKind, Localized> = {
  complaint: { 'zh-CN': '投诉举报（含 12345/8890 热线工单）', en: 'complaint or hotline ticket (12345/8890)' },
  referral: { 'zh-CN': '其他机关移送、转办', en: 'referral or transfer from another authority' },
  monitoring: { 'zh-CN': '监测、抽检发现的线索', en: 'monitoring or sampling lead' },
  accident: { 'zh-CN': '事故', en: 'accident' },
  assignment: { 'zh-CN': '上级机关交办', en: 'assignment by a higher authority' },
  other: { 'zh-CN': '其他有据可查的事由', en: 'other documented grounds' },
};
/** What the grounds register holds: the triggers a case may cite (all but "other") and campaigns. */
export const GROUND_KINDS = ['complaint', 'referral', 'monitoring', 'accident', 'assignment', 'campaign'] as const;
export type GroundKind = (typeof GROUND_KINDS)[number];
export const GROUND_STATUSES = ['verified', 'unverified', 'rejected'] as const;
export type GroundStatus = (typeof GROUND_STATUSES)[number];
export const groundStatusNames = {
  verified: { 'zh-CN': '已核实', en: 'verified' },
  unverified: { 'zh-CN': '待核实', en: 'unverified' },
  rejected: { 'zh-CN': '不成立', en: 'rejected' },
} as const satisfies Record<GroundStatus, Localized>;

export interface Trigger {
  kind: TriggerKind;
  /** ticket, referral or document number */
  reference: string;
}
/** A special campaign deployed by a higher authority (上级部署的专项检查): not counted toward the local cap. */
export interface Campaign {
  level: 'higher';
  /** the deploying document's number */
  reference: string;
}

export type LifecycleAction = 'arrive' | 'record_result' | 'cancel';

// filed -> in_progress (arrival) -> completed (result) | cancelled.
// A result may be recorded without a confirmed arrival (the enterprise may not have scanned).
// Cancellation is for plans that change before the visit: once the planned start has passed the
// agency records a result instead (possibly not_conducted), so a visit cannot be made to vanish.
const transitions: Record<LifecycleAction, { from: readonly FilingStatus[]; to: FilingStatus }> = {
  arrive: { from: ['filed'], to: 'in_progress' },
  record_result: { from: ['filed', 'in_progress'], to: 'completed' },
  cancel: { from: ['filed'], to: 'cancelled' },
};

/** The audit action each lifecycle step is recorded under. */
export const auditActions = {
  filed: 'filing.filed',
  blocked: 'filing.blocked',
  arrive: 'filing.arrived',
  record_result: 'filing.completed',
  cancel: 'filing.cancelled',
} as const;

const actionWords: Record<LifecycleAction, Localized> = {
  arrive: { 'zh-CN': '确认到达', en: 'marked as arrived' },
  record_result: { 'zh-CN': '登记结果', en: 'given a result' },
  cancel: { 'zh-CN': '撤销', en: 'cancelled' },
};

export function nextStatus(from: FilingStatus, action: LifecycleAction): FilingStatus {
  const t = transitions[action];
  if (!t.from.includes(from)) {
    throw new AppError('conflict', 'transition_invalid', { from: statusNames[from], action: actionWords[action] });
  }
  return t.to;
}

/** Cancellation only before the planned start: afterwards the visit may have happened. */
export function assertCancellable(plannedStart: Date, now: Date, tz: string): void {
  if (now.getTime() >= plannedStart.getTime()) {
    throw new AppError('conflict', 'cancel_after_start', { start: formatLocal(plannedStart, tz) }, [
      {
        path: '/plannedStart',
        message: {
          'zh-CN': '已过，不能撤销；请登记检查结果（未实施的登记为“未实施”）',
          en: 'the planned start has passed; record a result (outcome not_conducted if the visit did not take place)',
        },
      },
    ]);
  }
}
