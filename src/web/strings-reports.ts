import type { Localized } from '../domain/i18n.js';

// Words of the reports pages (我的反映), in both languages; merged into the pages' catalogue in strings.ts.
export const reportsUi = {
  mrTitle: ['我的反映', 'My reports'],
  mrIntro: [
    '本企业提交的反映及其办理情况：监督机构每次处理都会写明答复。办结（查实处理或不予认定）后，可以对处理结果评价一次。',
    'The reports your enterprise sent and how each is being handled: supervisors write a reply with every step. ' +
      'Once a report is closed (founded and dealt with, or not founded) you may rate its handling, once.',
  ],
  mrNone: ['本企业还没有提交过反映。', 'Your enterprise has not sent any report.'],
  mrNew: ['反映问题', 'Report a problem'],
  mrSentAt: ['提交时间', 'Sent'],
  mrOccurredAt: ['发生时间', 'Happened'],
  mrAgency: ['被反映的执法主体', 'Agency reported'],
  mrAgencyUnknown: ['未注明', 'not named'],
  mrRef: ['编号', 'Reference'],
  mrDescription: ['反映内容', 'What you wrote'],
  mrHotline: ['热线工单', 'Hotline ticket'],
  mrReply: ['监督机构答复', "Supervisors' reply"],
  mrReplyAt: ['答复于 {at}', 'replied {at}'],
  mrNoReply: ['尚未答复。监督机构受理后会在这里写明答复。', 'No reply yet. The supervisors’ reply will show here.'],
  mrAcknowledgedAt: ['受理时间', 'Acknowledged'],
  mrClosedAt: ['办结时间', 'Closed'],
  mrRateTitle: ['评价处理结果', 'Rate the handling'],
  mrRateHint: ['办结后可以评价处理结果。', 'You can rate the handling once the report is closed.'],
  mrRatingLegend: ['您对这条反映处理结果的满意程度', 'How satisfied are you with how this report was handled?'],
  mrComment: ['意见（选填）', 'Comment (optional)'],
  mrRateSubmit: ['提交评价', 'Send rating'],
  mrRated: ['您的评价：{level}（{at}）', 'Your rating: {level} ({at})'],
  mrRatedDone: [
    '评价已提交：您对反映（编号 {id}）的处理结果评价为“{level}”。每条反映只能评价一次。',
    'Rating sent: you rated the handling of report {id} “{level}”. Each report is rated once.',
  ],
  mrBackToList: ['返回我的反映', 'Back to my reports'],
  mrMore: ['更早的反映', 'Older reports'],
  mrFilter: ['办理状态', 'Status'],
  mrFilterButton: ['筛选', 'Filter'],
  mrAll: ['全部', 'All'],
} as const satisfies Record<string, readonly [string, string]>;

/**
 * Where a report stands, as the enterprise reads it: the hotline's words (待受理, 办理中, 已办结),
 * with whether it was founded for the two closed ones.
 */
export const reportStatusNames: Record<string, Localized> = {
  open: { 'zh-CN': '待受理', en: 'waiting' },
  acknowledged: { 'zh-CN': '办理中（已受理）', en: 'being handled (acknowledged)' },
  resolved: { 'zh-CN': '已办结（查实处理）', en: 'closed: founded and dealt with' },
  dismissed: { 'zh-CN': '已办结（不予认定）', en: 'closed: not founded' },
};
