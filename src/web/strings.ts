import type { Lang, Localized } from '../domain/i18n.js';
import { fill } from '../domain/i18n.js';
export { roleNames } from '../domain/messages.js';
import { outcomeNames as domainOutcomeNames, purposeNames as domainPurposeNames } from '../domain/messages.js';
import { accountsUi } from './strings-accounts.js';
import { edgesUi } from './strings-edges.js';
import { formUi } from './strings-form.js';
import { noticeUi } from './strings-notice.js';
import { reportsUi } from './strings-reports.js';
import { supervisionUi } from './strings-supervision.js';

// Every word the pages show, in both languages. Messages of errors come from the domain's
// catalog (domain/messages.ts); the names of types and statuses from where they are defined.
const core = {
  app: ['涉企检查备案系统', 'Enterprise inspection filing'],
  skip: ['跳到正文', 'Skip to content'],
  langSwitch: ['English', '中文'],
  home: ['首页', 'Home'],
  apiDocs: ['接口文档', 'API docs'],
  apiSpec: ['机器可读的接口描述', 'OpenAPI'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  signedInAs: ['已登录：{name}', 'Signed in: {name}'],
  intro: [
    '行政执法机关入企检查前须先备案。企业扫描检查人员出示的二维码，或输入核验码，即可查看这次检查是否已备案、由谁检查、查什么、依据是什么；未备案或违规的检查可以当场举报。',
    'Enforcement agencies must file every inspection of an enterprise before the visit. ' +
      'The enterprise scans the code the inspectors show, or types it in, and sees whether the visit was filed, ' +
      'who inspects, what and on what legal basis; an unfiled visit or misconduct can be reported on the spot.',
  ],
  verifyTitle: ['核验检查', 'Check a visit'],
  codeLabel: ['核验码', 'Verification code'],
  codeHint: ['检查告知书上或检查人员出示的码，如 K7M2-P9QX', 'on the filing notice or shown by the inspectors, e.g. K7M2-P9QX'],
  verifyButton: ['核验', 'Check'],
  forEnterprises: ['企业', 'Enterprises'],
  forEnterprisesText: [
    '确认检查人员到达、举报、评价检查、查看本企业的检查记录。',
    'Confirm arrivals, report, rate inspections, see your inspections.',
  ],
  forAgencies: ['执法主体', 'Agencies'],
  forAgenciesText: [
    '检查前备案，填表时即可看到规则校验结果；打印检查告知书；登记检查结果。',
    'File before the visit and see the rules’ decision as you type; print the notice; record results.',
  ],
  forSupervisors: ['监督机构', 'Supervisors'],
  forSupervisorsText: [
    '问题线索、执法主体评分、每日摘要、双随机抽取及其核验。',
    'Violations, agency scorecards, daily digests, random draws and their verification.',
  ],
  // verification page
  filedTitle: ['已备案的检查', 'A filed inspection'],
  invalidTitle: ['不是有效的备案', 'Not a valid filing'],
  invalidText: [
    '这个核验码没有对应的有效备案。没有有效备案的入企检查，企业有权拒绝，并可以举报。',
    'No valid filing has this code. An enterprise may refuse an inspection that is not filed, and may report it.',
  ],
  cancelledText: ['这份备案已于 {at} 撤销，不能再作为检查依据。', 'This filing was cancelled on {at}; it no longer allows any visit.'],
  notYoursTitle: ['不是本企业的备案', 'Not a filing for your enterprise'],
  notYoursText: [
    '这个核验码是对“{name}”的检查备案，不能据此检查本企业。可以拒绝检查，并举报。',
    'This code is a filing about “{name}”; it allows no inspection of your enterprise. You may refuse the visit and report it.',
  ],
  reportVisit: ['举报这次检查', 'Report this visit'],
  nowInside: ['现在在备案的检查时间内', 'Now is inside the filed window'],
  nowUpcoming: ['检查时间尚未开始：现在入企不在备案时间内', 'The window has not started: a visit now is outside the filed window'],
  nowPassed: ['检查时间已过：现在入企不在备案时间内', 'The window has passed: a visit now is outside the filed window'],
  nowCompleted: ['这次检查已经完成：此码不能用于新的入企检查', 'This inspection is completed: the code does not cover a new visit'],
  noticeCompleted: [
    '本次检查已于 {at} 完成；此检查告知书仅供存档，不能作为新的检查依据。',
    'This inspection was completed on {at}; this notice is a record only and allows no new visit.',
  ],
  badRequest: ['请求的内容不正确。', 'The request is not valid.'],
  noticeCancelled: ['本备案已于 {at} 撤销，不能作为检查依据。', 'This filing was cancelled on {at}; it authorizes no inspection.'],
  deskReview: ['这是书面审查，不入企：任何人不能凭此备案上门检查', 'A desk review: nobody may come to the enterprise under this filing'],
  filingNo: ['备案号', 'Filing number'],
  status: ['状态', 'Status'],
  agency: ['执法主体', 'Agency'],
  jointAgencies: ['联合检查主体', 'Joint agencies'],
  jointAccepted: ['已接受', 'accepted'],
  jointDeclined: ['已拒绝', 'declined'],
  jointPending: ['待答复（接受前不计入其检查次数）', 'not answered yet (counts for it only once it accepts)'],
  jointAnswerTitle: ['联合检查答复', 'Your answer to this joint visit'],
  jointAnswerHint: [
    '本主体被列为联合检查主体。接受后，此次检查计入本主体的年度检查次数（超出上限的不能接受）；拒绝须说明理由。',
    'Your agency is named on this joint visit. Accepting puts it on your record ' +
      '(refused if it would break your annual cap); declining needs a reason.',
  ],
  jointAccept: ['接受联合检查', 'Accept'],
  jointDecline: ['拒绝', 'Decline'],
  declineReason: ['拒绝理由', 'Reason for declining'],
  arrivalsTitle: ['到场确认记录', 'Arrivals confirmed'],
  arrivalByEnterprise: ['企业确认', 'confirmed by the enterprise'],
  arrivalByAgency: ['执法主体登记', 'recorded by the agency'],
  outsideWindowMark: ['超出备案时段', 'outside the filed window'],
  groundPick: ['登记在册的事由（个案检查、上级专项检查）', 'Registered ground (case inspection, higher campaign)'],
  groundPickHint: [
    '从事由登记簿中选择；没有的请先由监督机构或 12345 平台登记，或自行登记后待核实',
    'Pick from the grounds register; if it is not there, a supervisor or the hotline platform registers it, ' +
      'or register your own lead (unverified until reviewed)',
  ],
  groundCampaign: ['上级部署的专项检查', 'higher campaign'],
  groundUnverified: ['待核实', 'unverified'],
  groundsTitle: ['事由登记簿', 'Grounds register'],
  groundRegister: ['登记事由', 'Register a ground'],
  groundKind: ['事由类型', 'Kind'],
  groundReference: ['工单号、函号或文号', 'Ticket, letter or document number'],
  groundEnterprise: ['企业统一社会信用代码（专项检查不填）', 'Enterprise credit code (not for a campaign)'],
  groundAgencies: ['指派执法主体编号（可多个，以逗号分隔；不填为不限）', 'Assigned agency ids (comma separated; none = any)'],
  groundValidTo: ['有效期至（专项检查必填）', 'Valid until (required for a campaign)'],
  groundMaxVisits: ['可支撑检查次数（每个主体）', 'Visits it grounds (per agency)'],
  groundStatus: ['核实状态', 'Status'],
  groundConfirm: ['核实属实', 'Confirm'],
  groundReject: ['不成立', 'Reject'],
  groundVerified: ['已核实', 'verified'],
  groundRejected: ['不成立', 'rejected'],
  plansTitle: ['抽查计划', 'Draw plans'],
  planStop: ['停止计划', 'Stop the plan'],
  planStopped: ['已停止', 'stopped'],
  stopReason: ['停止理由', 'Reason for stopping'],
  validUntil: ['有效期至', 'valid until'],
  enterprise: ['被检查企业', 'Enterprise'],
  window: ['检查时间', 'Window'],
  inspectors: ['检查人员', 'Inspectors'],
  credentialNo: ['执法证号', 'Credential no.'],
  items: ['检查事项', 'Items'],
  basis: ['依据', 'Legal basis'],
  type: ['检查类型', 'Type'],
  trigger: ['检查事由', 'Trigger'],
  campaign: ['上级部署文件', 'Campaign document'],
  credentialRevoked: ['执法证已注销，不得参与检查', 'credential revoked: may not inspect'],
  higherCampaign: ['上级部署的专项检查（文号不公开）', 'a campaign deployed by a higher authority (its number is not shown)'],
  confirmArrival: ['确认检查人员已到达', 'Confirm the inspectors arrived'],
  arrivalDone: ['已记录到达时间。', 'Arrival recorded.'],
  arrivalOutside: [
    '已记录到达；到达时间不在备案时间内，已生成问题线索。',
    'Arrival recorded; it is outside the filed window, and a violation was raised.',
  ],
  possiblyBehind: [
    '系统主数据库暂时无法访问，以下结果来自备用数据库，可能未包含最近约 {seconds} 秒内的变更（如刚刚撤销的备案）。如有疑问，请稍后再次核验。',
    'The main database cannot be reached just now: this answer comes from a standby and may miss changes from about ' +
      'the last {seconds} seconds (a filing cancelled a moment ago, say). If in doubt, check again later.',
  ],
  possiblyBehindUnknown: [
    '系统主数据库暂时无法访问，以下结果来自备用数据库，可能未包含最近的变更（如刚刚撤销的备案）。如有疑问，请稍后再次核验。',
    'The main database cannot be reached just now: this answer comes from a standby and may miss recent changes ' +
      '(a filing cancelled a moment ago, say). If in doubt, check again later.',
  ],
  reportProblem: ['反映问题', 'Report a problem'],
  signInToAct: ['企业登录后可确认到达、举报或评价。', 'Sign in as the enterprise to confirm arrival, report or rate.'],
  // sign-in
  signInTitle: ['登录', 'Sign in'],
  keyLabel: ['访问密钥', 'Access key'],
  keyHint: ['由管理员发放的访问密钥', 'issued by your administrator, starts with ifk_'],
  keyWrong: [
    '密钥不正确或已停用。请核对后重试，或联系管理员。',
    'The key is wrong or no longer active. Check it and try again, or ask your administrator.',
  ],
  keyMissing: ['请输入访问密钥。', 'Enter your access key.'],
  tooManySignIns: ['登录失败次数过多，请 15 分钟后再试。', 'Too many failed sign-ins. Try again in 15 minutes.'],
  sessionEnded: ['登录已过期或已退出，请重新登录。', 'Your session has ended. Sign in again.'],
  signedOut: ['已退出。', 'Signed out.'],
  // forms, errors
  csrfTitle: ['表单已失效', 'This form has expired'],
  errorTitle: ['出错了', 'Something went wrong'],
  notFoundTitle: ['没有这个页面', 'No such page'],
  back: ['返回', 'Back'],
  requestId: ['请求编号', 'Request id'],
  fixBelow: ['请修改下面标出的内容。', 'Please correct the fields marked below.'],
  required: ['必填', 'required'],
  // lists
  myFilings: ['检查记录', 'Inspections'],
  noFilings: ['还没有检查记录。', 'No inspections yet.'],
  newFiling: ['新建备案', 'New filing'],
  filedAt: ['备案时间', 'Filed'],
  open: ['查看', 'Open'],
  more: ['更多', 'More'],
  // filing form
  newFilingTitle: ['检查备案', 'File an inspection'],
  enterpriseUscc: ['企业统一社会信用代码', 'Enterprise credit code (USCC)'],
  plannedStart: ['开始时间', 'Start'],
  plannedEnd: ['结束时间', 'End'],
  timesIn: ['时间按{tz}填写', 'times in {tz}'],
  onSite: ['入企现场检查', 'On-site visit'],
  onSiteJustification: ['为什么书面审查或数据共享不够', 'Why a desk review or shared data is not enough'],
  reason: ['备注', 'Notes'],
  purpose: ['目的', 'Purpose'],
  triggerKind: ['事由类别', 'Kind of trigger'],
  triggerReference: ['工单、移送或文件编号', 'Ticket, referral or document number'],
  campaignReference: ['上级部署文件文号（专项检查）', 'Deploying document number (special campaign)'],
  drawAssignment: ['双随机抽取任务编号', 'Draw assignment id'],
  assignmentsTitle: ['待执行的双随机抽查任务', 'Drawn inspections to file (双随机)'],
  periodUntil: ['截止 {at}', 'due by {at}'],
  jointHint: [
    '勾选联合检查主体后点“检查规则”，即可选择其执法人员；每个主体都须有持证人员参加。',
    'Tick the joint agencies, then press “Check the rules” to choose their officers; ' +
      'every agency on the visit needs certified officers on it.',
  ],
  requiresLegalRep: ['要求法定代表人到场', 'Require the legal representative'],
  legalRepReason: ['要求法定代表人到场的理由', 'Why the legal representative must attend'],
  none: ['无', 'none'],
  checkButton: ['检查规则', 'Check the rules'],
  fileButton: ['提交备案', 'File'],
  decisionTitle: ['规则校验', 'Rules’ decision'],
  decisionAllow: ['可以备案：没有规则反对。', 'Can be filed: no rule objects.'],
  decisionWarn: ['可以备案，但有预警，请先看说明：', 'Can be filed, with warnings; read them first:'],
  decisionBlock: ['不能备案：', 'Cannot be filed:'],
  decisionLive: ['填写时自动校验，不会记录任何内容。', 'Checked as you type; nothing is recorded.'],
  severityBlock: ['禁止', 'blocks'],
  severityWarn: ['预警', 'warning'],
  severityInfo: ['提示', 'note'],
  ruleTemplate: ['规则文本为模板，待本地替换', 'template text, to be replaced locally'],
  // a finding of a decision made before rules had names: the id stays in the tooltip
  ruleUntitled: ['规则', 'Rule'],
  labelSep: ['：', ': '],
  noItems: ['本机关还没有公布检查事项，不能备案。', 'Your agency has published no inspection items yet, so nothing can be filed.'],
  // filing page
  printNotice: ['打印检查告知书', 'Print the filing notice'],
  verifyPage: ['核验页面', 'Verification page'],
  recordResult: ['登记检查结果', 'Record the result'],
  conductedAt: ['实施时间', 'Conducted at'],
  outcome: ['结果', 'Outcome'],
  summary: ['情况说明', 'Summary'],
  cancelFiling: ['撤销备案（开始前）', 'Cancel (before the start)'],
  cancelReason: ['撤销理由', 'Reason for cancelling'],
  resultTitle: ['检查结果', 'Result'],
  cancelledOn: ['撤销于 {at}：{reason}', 'Cancelled on {at}: {reason}'],
  arrivedAt: ['到达时间', 'Arrived'],
  decisionAtFiling: ['备案时的规则校验', 'Decision at filing'],
  done: ['已保存。', 'Saved.'],
  // report and rating
  reportTitle: ['反映问题', 'Report a problem'],
  reportKind: ['问题类型', 'What happened'],
  kindUnfiled: ['未经备案入企检查', 'An inspection nobody filed'],
  kindConduct: ['检查中的违规行为（“七个不允许”）', 'Misconduct during an inspection (the seven not-allowed)'],
  occurredAt: ['发生时间', 'When'],
  agencyName: ['执法主体名称', 'Name of the agency'],
  conductItems: ['违反了哪几条', 'Which of these happened'],
  description: ['经过', 'What happened, in your words'],
  hotlineLine: ['已拨打热线', 'Hotline called'],
  hotlineTicket: ['热线工单号', 'Hotline ticket number'],
  submit: ['提交', 'Submit'],
  reported: [
    '反映已提交，监督机构会处理，编号 {id}。办理进度和答复可在“我的反映”查看，办结后可以评价。',
    'Report sent to the supervisors, reference {id}. Follow it and read their reply under “My reports”; rate it once closed.',
  ],
  rateTitle: ['评价检查', 'Rate the inspection'],
  rating: ['满意度（非常不满意 — 非常满意）', 'Satisfaction (very dissatisfied to very satisfied)'],
  comment: ['意见', 'Comment'],
  rated: ['感谢评价。', 'Thank you for rating.'],
  alreadyRated: ['已评价：{rating}。', 'Rated: {rating}.'],
  // notice
  noticeTitle: ['检查告知书', 'Notice of administrative inspection'],
  noticeIntro: [
    '根据有关法律法规，{agency} 将对你单位实施检查。本次检查已备案，可扫描下方二维码核验。',
    'Under the laws below, {agency} will inspect your enterprise. This inspection is filed; scan the code below to check it.',
  ],
  scanToVerify: ['扫码核验', 'Scan to check'],
  rightsTitle: ['企业的权利', 'The enterprise’s rights'],
  right1: [
    '要求检查人员出示执法证件，核对姓名与证号；少于两名持证人员的，可以拒绝检查。',
    'Ask the inspectors for their credentials and compare names and numbers; you may refuse a visit by fewer than two certified officers.',
  ],
  right2: [
    '扫码核验备案；未经备案、已撤销或不在备案时间内的检查，可以拒绝。',
    'Scan to check the filing; you may refuse a visit that is not filed, cancelled, or outside its window.',
  ],
  right3: [
    '对未经备案的检查或检查中的违规行为，可以通过本系统、12345 热线举报。',
    'Report an unfiled visit or misconduct through this service or the 12345 hotline.',
  ],
  right4: ['检查完成后，对检查进行评价。', 'Rate the inspection once it is completed.'],
  print: ['打印', 'Print'],
  // dashboard
  dashboardTitle: ['监督工作台', 'Supervision dashboard'],
  chartLegend: ['蓝柱=备案，红线=问题', 'blue bars = filings, red line = violations'],
  trendTitle: ['近 30 天每日备案与问题', 'Filings and violations per day, last 30 days'],
  todayByKind: ['今日新增问题（按类型）', 'New violations today, by kind'],
  todayByAgency: ['今日新增问题（按机关）', 'New violations today, by agency'],
  openViolations: ['待处理的问题', 'Open violations'],
  noViolations: ['没有待处理的问题。', 'No open violations.'],
  kind: ['类型', 'Kind'],
  source: ['来源', 'Source'],
  raisedAt: ['发现时间', 'Raised'],
  changeStatus: ['处理', 'Change'],
  note: ['处理意见', 'Note'],
  scorecardTitle: ['执法主体评分（近 30 天）', 'Agency scorecards (last 30 days)'],
  rank: ['排名', 'Rank'],
  filings: ['备案', 'Filings'],
  blocked: ['被拦截', 'Blocked'],
  warned: ['预警', 'Warned'],
  violations: ['问题', 'Violations'],
  avgRating: ['平均评价', 'Avg. rating'],
  vetoed: ['一票否决', 'Vetoed'],
  digestArchive: ['每日摘要', 'Daily digests'],
  noDigests: ['还没有每日摘要。', 'No digests yet.'],
  drawsTitle: ['双随机抽取', 'Random draws'],
  noDraws: ['还没有抽取。', 'No draws yet.'],
  drawPlan: ['抽取计划', 'Plan'],
  drawnAt: ['抽取时间', 'Drawn'],
  drawn: ['抽中', 'Drawn'],
  verification: ['核验', 'Verification'],
  verified: ['一致', 'matches'],
  notVerified: ['不一致', 'does not match'],
  pending: ['待抽取', 'pending'],
  mostInspected: ['近 30 天被检查最多的企业', 'Most inspected enterprises, last 30 days'],
  visits: ['次数', 'Visits'],
  count: ['数量', 'Count'],
  statusChanged: ['已更新。', 'Updated.'],
  filterViolations: ['筛选', 'Filter'],
  anyStatus: ['待处理和已受理', 'Open and acknowledged'],
  anyKind: ['全部类型', 'Every kind'],
  enterpriseCode: ['企业统一社会信用代码', 'Enterprise credit code'],
  applyFilter: ['筛选', 'Apply'],
  clearFilter: ['清除筛选', 'Clear'],
  nextPage: ['下一页', 'Next page'],
  bulkTitle: ['批量处理所勾选的问题', 'Change the ticked violations at once'],
  bulkHint: [
    '勾选下面的问题（如同一企业的大量重复反映），填写处理意见后一并处理；任一条不能处理时全部不变。',
    'Tick violations below (a flood of reports from one enterprise, say), write a note and change them together; ' +
      'if one cannot change, none does.',
  ],
  bulkApply: ['批量处理', 'Change all ticked'],
  tick: ['选择', 'Select'],
} as const satisfies Record<string, readonly [string, string]>;

// each group of pages keeps its words in a file of its own
const ui = { ...core, ...accountsUi, ...noticeUi, ...formUi, ...supervisionUi, ...reportsUi, ...edgesUi };

export type UiKey = keyof typeof ui;

export function text(lang: Lang, key: UiKey, params?: Record<string, string | number>): string {
  const pair = ui[key];
  return fill(lang === 'en' ? pair[1] : pair[0], params ?? {}, lang);
}

/** A name from one of the domain's localized tables. */
export const name = (lang: Lang, l: Localized | undefined, fallback = ''): string => (l ? l[lang] : fallback);

/** The time zone times are shown in, as people name it (Asia/Shanghai is 北京时间), never its IANA id in Chinese. */
const ZONE_NAMES: Record<string, Localized> = {
  'Asia/Shanghai': { 'zh-CN': '北京时间', en: 'Beijing time' },
  'Asia/Urumqi': { 'zh-CN': '乌鲁木齐时间', en: 'Urumqi time' },
  'Asia/Hong_Kong': { 'zh-CN': '香港时间', en: 'Hong Kong time' },
};
export const zoneName = (tz: string, lang: Lang): string => ZONE_NAMES[tz]?.[lang] ?? (lang === 'en' ? tz : '当地时间');

// the domain's names, typed for lookups by any string a row holds
export const outcomeNames: Record<string, Localized> = domainOutcomeNames;
export const purposeNames: Record<string, Localized> = domainPurposeNames;
export const sourceNames: Record<string, Localized> = {
  system: { 'zh-CN': '系统', en: 'system' },
  report: { 'zh-CN': '企业举报', en: 'report' },
  feedback: { 'zh-CN': '企业评价', en: 'rating' },
  supervisor: { 'zh-CN': '监督检查', en: 'supervisor' },
};
