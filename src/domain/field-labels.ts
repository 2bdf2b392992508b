import type { Localized } from './i18n.js';

// The request fields as people call them. A refused field is named by its label in the message
// ("开始时间：必填") while the detail's path stays the JSON pointer a program reads. A field is
// looked up by its dotted path first (trigger.kind), then by its own name; no label at all leaves
// the message without a name rather than with a JSON name in it. Pure data: no imports, so every
// module (errors.ts included) may use it.

const L = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });

export const fieldLabels: Record<string, Localized> = {
  // filings
  enterpriseUscc: L('企业统一社会信用代码', 'Enterprise credit code'),
  type: L('检查类型', 'Inspection type'),
  itemCodes: L('检查事项', 'Inspection items'),
  inspectorIds: L('检查人员', 'Inspectors'),
  plannedStart: L('开始时间', 'Planned start'),
  plannedEnd: L('结束时间', 'Planned end'),
  onSite: L('现场检查', 'On-site visit'),
  reason: L('理由', 'Reason'),
  onSiteJustification: L('入企检查的必要性说明', 'Why on site'),
  jointAgencyIds: L('联合检查主体', 'Joint agencies'),
  purpose: L('入企目的', 'Purpose of the visit'),
  requiresLegalRepresentative: L('要求法定代表人到场', 'Legal representative required'),
  legalRepresentativeReason: L('要求法定代表人到场的理由', 'Why the legal representative must attend'),
  trigger: L('启动事由', 'Trigger'),
  'trigger.kind': L('事由类型', 'Kind of trigger'),
  'trigger.reference': L('工单号、移送函号或文书编号', 'Ticket, referral or document number'),
  campaign: L('上级部署的专项检查', 'Higher-level campaign'),
  'campaign.level': L('部署层级', 'Level'),
  'campaign.reference': L('部署文件文号', 'Document number'),
  drawAssignmentId: L('抽查任务', 'Draw assignment'),
  // results, cancelling, joint visits
  conductedAt: L('检查时间', 'Conducted at'),
  outcome: L('检查结果', 'Outcome'),
  summary: L('结果摘要', 'Summary'),
  // registry
  code: L('编码', 'Code'),
  name: L('名称', 'Name'),
  region: L('行政区划代码', 'Division code'),
  regions: L('辖区', 'Regions'),
  items: L('检查事项清单', 'Item list'),
  'items.code': L('事项编码', 'Item code'),
  'items.name': L('事项名称', 'Item name'),
  'items.basis': L('检查依据', 'Legal basis'),
  basis: L('检查依据', 'Legal basis'),
  parentAgencyId: L('上级执法主体', 'Parent agency'),
  active: L('启用', 'Active'),
  credentialNo: L('执法证号', 'Credential number'),
  validUntil: L('有效期至', 'Valid until'),
  uscc: L('统一社会信用代码', 'Credit code'),
  industry: L('行业', 'Industry'),
  riskClass: L('风险等级', 'Risk class'),
  riskClasses: L('风险等级', 'Risk classes'),
  noDisturb: L('无事不扰', 'No-disturb list'),
  role: L('角色', 'Role'),
  agencyId: L('执法主体', 'Agency'),
  agencyIds: L('执法主体', 'Agencies'),
  agencyName: L('执法主体名称', 'Agency name'),
  email: L('电子邮箱', 'E-mail'),
  address: L('地址', 'Address'),
  phone: L('联系电话', 'Phone'),
  login: L('账号', 'Account'),
  password: L('密码', 'Password'),
  expiresAt: L('到期时间', 'Expires at'),
  // reports, ratings, violations, grounds
  kind: L('类别', 'Kind'),
  occurredAt: L('发生时间', 'Occurred at'),
  description: L('情况说明', 'Description'),
  evidence: L('证据', 'Evidence'),
  filingId: L('备案', 'Filing'),
  conductRuleIds: L('检查纪律条目', 'Conduct items'),
  hotline: L('热线工单', 'Hotline ticket'),
  line: L('热线', 'Hotline'),
  ticket: L('工单号', 'Ticket number'),
  rating: L('评价', 'Rating'),
  comment: L('意见', 'Comment'),
  status: L('状态', 'Status'),
  note: L('处理意见', 'Note'),
  ids: L('所选各条', 'Selected'),
  reference: L('文号或编号', 'Reference'),
  level: L('部署层级', 'Level'),
  validFrom: L('有效期起', 'Valid from'),
  validTo: L('有效期止', 'Valid to'),
  maxVisits: L('可支撑检查次数', 'Visits it grounds'),
  title: L('标题', 'Title'),
  // draw plans
  filter: L('抽查范围', 'Filter'),
  ratio: L('抽取比例', 'Ratio'),
  size: L('抽取数量', 'Size'),
  excludeInspectedWithinDays: L('排除近期已检查的天数', 'Leave out those inspected within (days)'),
  includeNoDisturb: L('包含无事不扰名单', 'Include the no-disturb list'),
  periodDays: L('执行期（天）', 'Period (days)'),
  schedule: L('抽取日程', 'Schedule'),
  firstDrawOn: L('首次抽取日期', 'First draw on'),
  everyDays: L('抽取间隔（天）', 'Every (days)'),
  // queries
  limit: L('每页条数', 'Page size'),
  cursor: L('分页游标', 'Page cursor'),
  q: L('搜索内容', 'Search'),
  from: L('起始时间', 'From'),
  to: L('截止时间', 'To'),
  agency: L('执法主体', 'Agency'),
  enterprise: L('企业', 'Enterprise'),
  finding: L('规则', 'Rule'),
  source: L('来源', 'Source'),
  plan: L('抽查计划', 'Draw plan'),
  format: L('格式', 'Format'),
  table: L('表格', 'Table'),
  job: L('任务', 'Job'),
  date: L('日期', 'Date'),
};

const isIndex = (s: string) => /^\d+$/.test(s);
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The label of one field by name (plannedStart), or null when the catalogue has none. */
export function fieldLabel(name: string): Localized | null {
  return Object.hasOwn(fieldLabels, name) ? (fieldLabels[name] as Localized) : null;
}

/**
 * What a JSON pointer into a request names, for a person: `/inspectorIds/1` is 检查人员（第 2 项）,
 * `/trigger/kind` 事由类型. Null for the whole body ("/"), a header or anything unlabelled.
 */
export function pathLabel(pointer: string): Localized | null {
  if (!pointer.startsWith('/') || pointer === '/') return null;
  const parts = pointer.slice(1).split('/').map(unescape);
  const named = parts.filter((p) => !isIndex(p));
  const last = named[named.length - 1];
  if (!last) return null;
  const dotted = named.slice(-2).join('.');
  const label = (named.length > 1 ? fieldLabel(dotted) : null) ?? fieldLabel(last);
  if (!label) return null;
  // the position of an item of a list, counted from 1 as people count
  const index = [...parts].reverse().find(isIndex);
  if (index === undefined) return label;
  const n = Number(index) + 1;
  return { 'zh-CN': `${label['zh-CN']}（第 ${n} 项）`, en: `${label.en} (item ${n})` };
}

/** A detail's message preceded by the field it is about: 开始时间：必填 / Planned start: required. */
export function labelled(pointer: string, message: Localized): Localized {
  const label = pathLabel(pointer);
  if (!label) return message;
  return { 'zh-CN': `${label['zh-CN']}：${message['zh-CN']}`, en: `${label.en}: ${message.en}` };
}

/** A field's name for a message's parameter: its label, or (never for a catalogued field) the name itself. */
export function fieldName(name: string): Localized {
  return fieldLabel(name) ?? { 'zh-CN': name, en: name };
}
