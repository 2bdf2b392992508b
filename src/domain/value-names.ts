import type { Localized } from './i18n.js';
import { groundStatusNames, triggerLabels } from './filing.js';
import { outcomeNames, purposeNames, roleNames, statusNames, typeNames } from './messages.js';
import { violationKindNames, violationStatusNames } from './violation.js';

// The values of the API's enumerations by the names people use, so that a Chinese message that
// lists what may be chosen says 日常检查、个案检查, never routine, case. One table for every
// field: the same value means the same thing wherever it appears.
const other: Record<string, Localized> = {
  campaign: { 'zh-CN': '专项检查', en: 'campaign' },
  higher: { 'zh-CN': '上级部署', en: 'higher' },
  local: { 'zh-CN': '本级部署', en: 'local' },
  verified: groundStatusNames.verified,
  rejected: groundStatusNames.rejected,
  unverified: groundStatusNames.unverified,
  blocked: { 'zh-CN': '被拦截', en: 'blocked' },
  warned: { 'zh-CN': '有预警', en: 'warned' },
  system: { 'zh-CN': '系统发现', en: 'system' },
  report: { 'zh-CN': '企业反映', en: 'report' },
  feedback: { 'zh-CN': '企业评价', en: 'rating' },
  pending: { 'zh-CN': '待答复', en: 'pending' },
  accepted: { 'zh-CN': '已接受', en: 'accepted' },
  declined: { 'zh-CN': '已拒绝', en: 'declined' },
};

let table: Map<string, Localized> | null = null;

/** The name of an enumeration's value, or null when it has none (then it is not listed). */
export function valueName(value: string): Localized | null {
  // built on first use: the tables live in modules that import one another
  table ??= new Map(
    Object.entries({
      ...other,
      ...triggerLabels,
      ...violationKindNames,
      ...violationStatusNames,
      ...outcomeNames,
      ...purposeNames,
      ...roleNames,
      ...statusNames,
      ...typeNames,
    }),
  );
  return table.get(value) ?? null;
}
