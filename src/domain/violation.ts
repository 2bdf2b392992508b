import { AppError } from './errors.js';
import type { Localized } from './i18n.js';

// What supervisors work: the kinds of violation, where they come from, and the states a case
// goes through. "resolved" means the violation was founded and dealt with (查实处理); "dismissed"
// means it was not founded — the county's appraisal counts only founded conduct violations.

export const VIOLATION_KINDS = [
  'unfiled_inspection',
  'outside_window',
  'conduct',
  'emergency_late',
  'result_overdue',
  'disclosure_overdue',
  'draw_not_executed',
  'emergency_unfounded',
  'unfounded_exemption',
  'repeated_entry',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** Kinds an enterprise reports, and kinds a supervisor raises from a check of their own (明察暗访). */
export const REPORT_KINDS = ['unfiled_inspection', 'conduct'] as const satisfies readonly ViolationKind[];
export const SUPERVISOR_KINDS = ['unfiled_inspection', 'outside_window', 'conduct'] as const satisfies readonly ViolationKind[];

export const VIOLATION_STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type ViolationStatus = (typeof VIOLATION_STATUSES)[number];
export const VIOLATION_CHANGES = ['acknowledged', 'resolved', 'dismissed'] as const;

export const VIOLATION_SOURCES = ['system', 'report', 'feedback', 'supervisor'] as const;
export type ViolationSource = (typeof VIOLATION_SOURCES)[number];

/** An emergency cites its ground afterwards: registered within this many hours after its start, or emergency_unfounded. */
export const EMERGENCY_GROUND_HOURS = 48;

/** Government service hotlines whose ticket numbers a report may carry. */
export const HOTLINES = ['12345', '8890'] as const;

const NEXT: Record<ViolationStatus, readonly ViolationStatus[]> = {
  open: ['acknowledged', 'resolved', 'dismissed'],
  acknowledged: ['resolved', 'dismissed'],
  resolved: [],
  dismissed: [],
};

export const violationStatusNames = {
  open: { 'zh-CN': '待处理', en: 'open' },
  acknowledged: { 'zh-CN': '已受理', en: 'acknowledged' },
  resolved: { 'zh-CN': '已查实处理', en: 'resolved (founded)' },
  dismissed: { 'zh-CN': '不予认定', en: 'dismissed (not founded)' },
} as const satisfies Record<ViolationStatus, Localized>;

export const violationKindNames = {
  unfiled_inspection: { 'zh-CN': '未备案入企检查', en: 'unfiled inspection' },
  outside_window: { 'zh-CN': '超出备案时间窗口', en: 'outside the filed window' },
  conduct: { 'zh-CN': '违反检查纪律', en: 'conduct' },
  emergency_late: { 'zh-CN': '紧急检查补备案超时', en: 'emergency filed late' },
  result_overdue: { 'zh-CN': '检查结果逾期未登记', en: 'result overdue' },
  disclosure_overdue: { 'zh-CN': '抽查结果逾期未公示', en: 'random-inspection result not disclosed in time' },
  draw_not_executed: { 'zh-CN': '抽查任务未执行', en: 'drawn inspection not carried out' },
  emergency_unfounded: { 'zh-CN': '紧急检查事后无登记事由', en: 'emergency with no registered ground' },
  unfounded_exemption: { 'zh-CN': '自行登记的事由不成立', en: 'self-registered ground rejected' },
  repeated_entry: { 'zh-CN': '一次备案多次入企', en: 'repeated entry under one filing' },
} as const satisfies Record<ViolationKind, Localized>;

/** The status a change leads to, or 409 naming where the case stands. */
export function nextViolationStatus(from: ViolationStatus, to: ViolationStatus): ViolationStatus {
  if (!NEXT[from].includes(to)) {
    throw new AppError('conflict', 'violation_transition', { from: violationStatusNames[from], to: violationStatusNames[to] }, [
      {
        path: '/status',
        message: NEXT[from].length
          ? {
              'zh-CN': `当前状态只能改为${NEXT[from].map((s) => `“${violationStatusNames[s]['zh-CN']}”`).join('或')}`,
              en: `from ${from} only ${NEXT[from].join(' or ')}`,
            }
          : { 'zh-CN': `“${violationStatusNames[from]['zh-CN']}”为最终状态`, en: `${from} is final` },
      },
    ]);
  }
  return to;
}

export const violationAuditActions = {
  raised: 'violation.raised',
  reported: 'violation.reported',
  changed: 'violation.status_changed',
  rated: 'filing.rated',
} as const;

/** Working days a result may take after the window ends, and a random inspection's disclosure (企业信息公示暂行条例). */
export const RESULT_DUE_WORKDAYS = 5;
export const DISCLOSURE_DUE_WORKDAYS = 20;
