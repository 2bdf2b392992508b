import { AppError } from './errors.js';

export const FILING_TYPES = ['routine', 'case', 'special', 'random', 'emergency'] as const;
export type FilingType = (typeof FILING_TYPES)[number];
export const PURPOSES = ['inspection', 'observation', 'supervision', 'study'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const FILING_STATUSES = ['filed', 'in_progress', 'completed', 'cancelled'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];
export const OUTCOMES = ['no_issues', 'issues_found', 'penalty'] as const;
export type ResultOutcome = (typeof OUTCOMES)[number];
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type RiskClass = (typeof RISK_CLASSES)[number];

export type LifecycleAction = 'arrive' | 'record_result' | 'cancel';

// filed -> in_progress (arrival) -> completed (result) | cancelled.
// A result may be recorded without a confirmed arrival (the enterprise may not have scanned),
// but a visit that has begun can no longer be cancelled: that would hide an inspection.
const transitions: Record<LifecycleAction, { from: readonly FilingStatus[]; to: FilingStatus }> = {
  arrive: { from: ['filed'], to: 'in_progress' },
  record_result: { from: ['filed', 'in_progress'], to: 'completed' },
  cancel: { from: ['filed'], to: 'cancelled' },
};

const actionWords: Record<LifecycleAction, { 'zh-CN': string; en: string }> = {
  arrive: { 'zh-CN': '确认到达', en: 'marked as arrived' },
  record_result: { 'zh-CN': '登记结果', en: 'given a result' },
  cancel: { 'zh-CN': '撤销', en: 'cancelled' },
};

export function nextStatus(from: FilingStatus, action: LifecycleAction): FilingStatus {
  const t = transitions[action];
  if (!t.from.includes(from)) {
    throw new AppError('conflict', 'transition_invalid', { from, action: actionWords[action] });
  }
  return t.to;
}
