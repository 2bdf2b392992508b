import type { Localized } from './i18n.js';
import type { Role } from './principal.js';

// The catalog of error and status texts. Keys are stable; rule-finding texts live in rules/.
export const messages = {
  validation_failed: {
    'zh-CN': '请求内容不符合要求，请按下列各项修改后重试',
    en: 'The request is not valid; fix the fields listed in details and retry',
  },
  malformed_json: { 'zh-CN': '请求体不是合法的 JSON：{reason}', en: 'The request body is not valid JSON: {reason}' },
  invalid_utf8: {
    'zh-CN': '请求体不是合法的 UTF-8 编码，请以 UTF-8 发送',
    en: 'The request body is not valid UTF-8; send it encoded as UTF-8',
  },
  too_deep: { 'zh-CN': '请求体嵌套层级过深（上限 {max} 层）', en: 'The request body is nested too deeply (at most {max} levels)' },
  path_invalid: {
    'zh-CN': '请求路径含有无法解码的字符（须为 UTF-8 百分号编码）',
    en: 'The request path has characters that cannot be decoded (it must be percent-encoded UTF-8)',
  },
  payload_too_large: { 'zh-CN': '请求体过大，上限为 {limit}', en: 'The request body is too large; the limit is {limit}' },
  body_not_object: { 'zh-CN': '请求体应为 JSON 对象（{…}）', en: 'The request body must be a JSON object ({…})' },
  body_empty: { 'zh-CN': '请求体是空的，请发送 JSON 对象', en: 'The request body is empty; send a JSON object' },
  content_encoding: {
    'zh-CN': '请求体不能压缩（{encoding}），请发送未压缩的 JSON',
    en: 'Request bodies are not accepted compressed (Content-Encoding: {encoding}); send plain JSON',
  },
  unsupported_media_type: { 'zh-CN': '请求体须为 JSON 格式', en: 'The request body must be application/json' },
  uscc_length: {
    'zh-CN': '统一社会信用代码应为 18 位，实际为 {length} 位',
    en: 'A Unified Social Credit Code has 18 characters; this one has {length}',
  },
  uscc_charset: {
    'zh-CN': '统一社会信用代码第 {position} 位“{char}”不是允许的字符（不含 I、O、S、V、Z）',
    en: 'Character {position} ("{char}") of the Unified Social Credit Code is not allowed (I, O, S, V and Z never occur)',
  },
  uscc_check: {
    'zh-CN': '统一社会信用代码校验位错误：第 18 位应为“{expected}”，实际为“{actual}”',
    en: 'The Unified Social Credit Code check character is wrong: position 18 should be "{expected}", not "{actual}"',
  },
  unauthorized: {
    'zh-CN': '缺少密钥或密钥无效：请先登录，或在请求中附上有效的接口密钥',
    en: 'Missing or invalid API key; send Authorization: Bearer <key>',
  },
  csrf_invalid: {
    'zh-CN': '表单已失效或不是从本站提交的，没有保存任何内容；请刷新页面后重试',
    en: 'The form expired or was not sent from this site; nothing was saved. Reload the page and try again',
  },
  page_role: { 'zh-CN': '这个页面只对以下角色开放：{roles}', en: 'This page is only for: {roles}' },
  forbidden: { 'zh-CN': '当前身份（{role}）无权执行此操作', en: 'You (signed in as {role}) may not do this' },
  not_found: { 'zh-CN': '未找到{what}：{id}', en: '{what} not found: {id}' },
  route_not_found: { 'zh-CN': '没有这个接口：{method} {path}', en: 'No such endpoint: {method} {path}' },
  conflict_exists: { 'zh-CN': '{what}已存在：{id}', en: '{what} already exists: {id}' },
  conflict_duplicate: {
    'zh-CN': '同一对象刚被另一个请求创建，请查询后再操作',
    en: 'The same thing was just created by another request; look it up before trying again',
  },
  item_cited: {
    'zh-CN': '检查事项 {codes} 已被备案引用，名称和依据不能改写；请撤下后以新编码发布',
    en: 'Items {codes} are cited by filings, so their name and basis cannot be rewritten; withdraw them and publish under a new code',
  },
  key_expiry_past: { 'zh-CN': '密钥的到期时间须在将来', en: "A key's expiry must be in the future" },
  key_last_admin: {
    'zh-CN': '这是最后一个有效的管理员密钥，不能撤销；请先另建一个管理员密钥',
    en: 'This is the last active admin key and cannot be revoked; create another admin key first',
  },
  form_too_many_fields: { 'zh-CN': '表单字段过多', en: 'The form has too many fields' },
  form_media_type: {
    'zh-CN': '表单须以网页表单的标准格式（UTF-8 编码）提交',
    en: 'Forms are sent as application/x-www-form-urlencoded (UTF-8)',
  },
  form_resent: {
    'zh-CN': '这张表单已经提交过；要再提交一份，请重新打开表单填写',
    en: 'This form was already sent; to send another, open the form again',
  },
  idempotency_mismatch: {
    'zh-CN': '同一个幂等键已用于不同的请求内容',
    en: 'This Idempotency-Key was already used with a different request body',
  },
  rule_blocked: {
    'zh-CN': '备案未通过规则校验，已记录为被拦截的备案尝试',
    en: 'The filing was blocked by the rules and recorded as a blocked attempt',
  },
  rate_limited: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  password_busy: {
    'zh-CN': '此刻正在核对的登录过多，请 {seconds} 秒后再试',
    en: 'Too many sign-ins are being checked right now; try again in {seconds} seconds',
  },
  agency_inactive: {
    'zh-CN':
      '执法主体 {id} 已停用：不能再为其登记人员、备案、结果、联合检查答复、到达确认、检查依据、抽查计划或密钥；如需恢复，请管理员重新启用',
    en:
      'Agency {id} is deactivated: no officers, filings, results, joint answers, arrivals, grounds, draw plans or keys are recorded ' +
      'for it; an admin may reactivate it',
  },
  unavailable: { 'zh-CN': '服务暂不可用：{reason}', en: 'Service unavailable: {reason}' },
  internal: {
    'zh-CN': '服务器内部错误，请联系管理员并提供请求编号 {requestId}',
    en: 'Internal error; contact the administrator with request id {requestId}',
  },
  joint_blocked: {
    'zh-CN': '接受此联合检查将超出本主体的年度检查上限：未接受',
    en: "Accepting this joint visit would break your agency's annual cap: it was not accepted",
  },
  not_joint_agency: {
    'zh-CN': '只有备案中列明的联合检查主体可以接受或拒绝',
    en: 'Only a joint agency named on the filing accepts or declines it',
  },
  joint_answered: { 'zh-CN': '本主体已答复过此联合检查', en: 'Your agency has answered this joint visit already' },
  joint_closed: {
    'zh-CN': '备案当前为“{status}”，不能再接受或拒绝',
    en: 'The filing is {status}: it can no longer be accepted or declined',
  },
  lead_agency_only: {
    'zh-CN': '只有提交备案的执法主体可以登记结果或撤销备案；联合检查的其他主体可以查看和确认到达',
    en:
      'Only the agency that filed it records the result or cancels; ' +
      'the other agencies of a joint inspection may view it and confirm the arrival',
  },
  // accounts (issue 19): activation codes and passwords
  account_code_wrong: {
    'zh-CN': '激活码不正确，或该账号没有待用的激活码；请核对后重试（激活码不区分大小写，短横线可省略）',
    en: 'The activation code is wrong, or the account has no code waiting; check it and try again (any case, dashes optional)',
  },
  account_code_expired: {
    'zh-CN': '激活码已过期（有效期 7 天）；请联系发放激活码的单位重新发放',
    en: 'The activation code has expired (codes last 7 days); ask whoever issued it for a new one',
  },
  account_code_spent: {
    'zh-CN': '激活码已经使用过；如需重新设置密码，请联系发放单位发放新的激活码',
    en: 'The activation code has been used; to set the password again, ask for a new code',
  },
  account_password_weak: { 'zh-CN': '密码不符合要求，请按提示修改', en: 'The password is not strong enough; see the details' },
  account_enterprise_key: {
    'zh-CN': '企业的账号请通过“企业激活”发放（按统一社会信用代码），不按密钥发放',
    en: "An enterprise's account is activated by its credit code (POST /api/v1/enterprises/:uscc/activation), not by a key",
  },
  account_key_inactive: {
    'zh-CN': '该密钥已撤销或已过期，不能为其持有人发放激活码',
    en: 'This key is revoked or expired: its holder cannot be given an activation code',
  },
  account_issue_raced: {
    'zh-CN': '同一账号刚刚同时发放了另一个激活码，请稍后重试（以最后一次发放的激活码为准）',
    en: 'Another activation code for this account was issued at the same moment; try again (the last code issued is the one that works)',
  },
  account_hotline_key: {
    'zh-CN': '接诉平台（12345/8890）的密钥供系统对接使用，不能开通个人账号',
    en: 'A hotline platform (12345/8890) key is for a system: it cannot have a personal account',
  },
  account_login_taken: { 'zh-CN': '登录名“{login}”已被其他账号使用', en: 'The login name "{login}" is used by another account' },
  account_who: {
    'zh-CN': '请填写统一社会信用代码（企业）或登录名（工作人员）之一',
    en: 'Give either the credit code (enterprises) or the login name (staff)',
  },
  key_shown_once: {
    'zh-CN': '该请求已创建密钥 {id}；密钥只显示一次、不予保存。如未取得，请吊销该密钥并重新创建',
    en: 'This request already created key {id}; a key is shown once and never stored. If it was lost, revoke that key and create another',
  },
  cancel_after_start: {
    'zh-CN': '计划开始时间（{start}）已过，不能撤销备案；请登记检查结果（未实施的登记为“未实施”）',
    en:
      'The planned start ({start}) has passed, so the filing cannot be cancelled; ' +
      'record a result instead (not_conducted if the visit did not take place)',
  },
  conducted_before_filing: {
    'zh-CN': '检查时间早于 {at}：本备案当时尚不存在（紧急检查为开始时间），不可能依本备案实施',
    en: 'conductedAt is before {at}: the filing did not exist yet (for an emergency, its start), so no visit can have been made under it',
  },
  not_conducted_before_start: {
    'zh-CN': '计划开始时间（{start}）未到，检查尚未实施；如不再检查请撤销备案',
    en: 'The planned start ({start}) has not come yet; to call the visit off, cancel the filing',
  },
  agency_parent_cycle: {
    'zh-CN': '上级主体不能是本主体或其下级：一个执法系统不能形成循环',
    en: 'An agency cannot belong to itself or to one of its own sub-agencies: a system has no cycles',
  },
  agency_system_too_deep: {
    'zh-CN': '一个执法系统最多 {max} 级',
    en: 'An enforcement system has at most {max} levels',
  },
  agency_move_mid_year: {
    'zh-CN': '{year} 年本主体所在系统或新系统已有检查：年度检查上限按系统计算，年内不能调整隶属关系（次年或无检查时再调整）',
    en:
      'Its system or the new one has visits in {year}: caps count the whole system, so an agency does not change systems ' +
      'mid-year (do it in a year without visits, or from January)',
  },
  joint_ground_not_assigned: {
    'zh-CN': '此个案检查的事由只指派给了其他执法主体：本主体不能以联合检查的名义参加',
    en: 'The ground of this case inspection is assigned to other agencies: yours cannot join it',
  },
  not_conducted_window_open: {
    'zh-CN': '检查时段至 {end} 结束；时段结束前不能登记为“未实施”（企业仍可确认到场）',
    en: 'The window lasts until {end}: a visit is recorded as not conducted only once it has closed (the enterprise may still confirm it)',
  },
  draw_assignment_required: {
    'zh-CN': '双随机抽查须填写所执行的抽查任务；未被抽中的检查不能以抽查名义备案',
    en: 'A random inspection names the draw assignment it carries out (drawAssignmentId); a visit nobody drew cannot be filed as random',
  },
  trigger_required: {
    'zh-CN': '个案检查和紧急检查须说明检查事由（类型与工单号、移送函号或文书编号）',
    en: 'A case or emergency inspection must name its trigger (its kind and a ticket, referral or document number)',
  },
  confirmed_visit: {
    'zh-CN': '企业已于 {at} 确认检查人员到场，不能登记为“未实施”',
    en: 'the enterprise confirmed the inspectors arrived at {at}: the visit cannot be recorded as not conducted',
  },
  conducted_before_arrival: {
    'zh-CN': '检查时间不能早于确认到场的时间 {at}',
    en: 'the inspection cannot have been conducted before the confirmed arrival at {at}',
  },
  ground_reviewed: {
    'zh-CN': '该事由已核实（{status}），只有待核实的事由可以确认或否定',
    en: 'the ground has been reviewed already ({status}); only an unverified ground is confirmed or rejected',
  },
  field_not_for_type: {
    'zh-CN': '“{field}”仅适用于{types}，本次为{type}',
    en: '{field} applies to {types} inspections only; this one is {type}',
  },
  verify_upcoming: {
    'zh-CN': '已备案的检查，计划于 {start} 至 {end} 实施；此时间之外执法人员不应入企',
    en: 'A filed inspection, planned from {start} to {end}; inspectors should not come outside this window',
  },
  verify_open: {
    'zh-CN': '已备案的检查，现在处于备案时间窗口内（至 {end}）；请核对执法人员及其证件',
    en: 'A filed inspection, inside its filed window now (until {end}); check the inspectors and their credentials',
  },
  verify_in_progress: {
    'zh-CN': '检查已确认到达，正在实施（备案窗口至 {end}）',
    en: 'Arrival was confirmed; the inspection is under way (filed window until {end})',
  },
  verify_passed: {
    'zh-CN': '备案时间窗口已于 {end} 结束；此码不能用于现在的入企检查',
    en: 'The filed window ended at {end}; this code does not cover a visit now',
  },
  verify_completed: {
    'zh-CN': '本次检查已于 {at} 实施完毕并登记结果；此码不能用于新的入企检查',
    en: 'This inspection was completed on {at} and its result recorded; this code does not cover a new visit',
  },
  verify_not_conducted: {
    'zh-CN': '本次检查已登记为未实施（{at}）；此码不能用于任何入企检查',
    en: 'This inspection was recorded as not conducted ({at}); this code does not cover any visit',
  },
  verify_desk_review: {
    'zh-CN': '此备案为书面核查（{start} 至 {end}），不入企；持此码到场检查属于未经备案的入企检查，可以拒绝并举报',
    en:
      'This filing is a desk review ({start} to {end}): nobody comes to the enterprise under it; ' +
      'a visit under this code is unfiled: you may refuse it and report it',
  },
  verify_cancelled: {
    'zh-CN': '此备案已于 {at} 撤销，不是有效备案；持此码入企属于未经备案检查，可以拒绝并举报',
    en: 'This filing was cancelled at {at} and is not valid; a visit under this code is unfiled: you may refuse it and report it',
  },
  transition_invalid: { 'zh-CN': '备案当前状态为“{from}”，不能{action}', en: 'The filing is "{from}" and cannot be {action}' },
  agency_mismatch: { 'zh-CN': '{what} {id} 不属于本执法主体', en: '{what} {id} does not belong to this agency' },
  key_scope_missing: { 'zh-CN': '{role}的密钥必须指定{field}', en: 'A key with role {role} needs {field}' },
  key_scope_extra: { 'zh-CN': '{role}的密钥不能指定{field}', en: 'A key with role {role} must not have {field}' },
  conducted_in_future: { 'zh-CN': '检查时间不能晚于当前时间', en: 'conductedAt cannot be in the future' },
  date_order: { 'zh-CN': '“{from}”必须早于“{to}”', en: '"{from}" must be before "{to}"' },
  cursor_invalid: {
    'zh-CN': '分页游标无效，请使用上一页返回的下一页游标',
    en: 'The cursor is not valid; pass the nextCursor of the previous page',
  },
  rules_invalid: {
    'zh-CN': '规则集有 {count} 处错误，未重新加载，现行规则集保持不变',
    en: 'The rule sets have {count} problem(s); nothing was reloaded and the active sets stay in force',
  },
  violation_transition: { 'zh-CN': '该问题线索当前为“{from}”，不能改为“{to}”', en: 'The violation is {from}; it cannot become {to}' },
  conduct_unknown: {
    'zh-CN': '没有这些检查纪律条目：{ids}；现行条目为{known}',
    en: 'No such conduct items: {ids}; the items in force are {known}',
  },
  conduct_required: {
    'zh-CN': '反映违反检查纪律须列出所涉条目，现行条目为{known}',
    en: 'A conduct report names the items concerned (conductRuleIds); the items in force are {known}',
  },
  report_agency_required: {
    'zh-CN': '请说明是哪个执法主体：执法主体、执法主体名称或备案至少填一项',
    en: 'Say which agency it was: give agencyId, agencyName or filingId',
  },
  report_too_old: {
    'zh-CN': '发生时间早于 {days} 天前：本县受理此前 {days} 天内发生的反映',
    en: 'it happened more than {days} days ago: the county takes reports of the last {days} days',
  },
  agency_not_on_filing: {
    'zh-CN': '执法主体 {agency} 不是备案 {filing} 的实施主体或联合主体',
    en: 'Agency {agency} is neither the filing agency nor a joint agency of filing {filing}',
  },
  draw_outside_jurisdiction: {
    'zh-CN': '抽查范围 {region} 不在该执法主体的辖区 {jurisdiction} 内',
    en: 'The draw region {region} is outside the agency’s jurisdiction {jurisdiction}',
  },
  code_malformed: {
    'zh-CN': '这不是核验码：核验码为 14 位字母数字（不含 0、O、1、I），请核对后重新输入',
    en: 'This is not a verification code: codes have 14 letters and digits (no 0, O, 1 or I); check it and try again',
  },
  report_in_future: { 'zh-CN': '发生时间不能晚于当前时间', en: 'occurredAt cannot be in the future' },
  report_quota: {
    'zh-CN': '本企业今天（{day}）已提交 {limit} 条反映，达到每日上限；请在 {next} 之后再提交。情况紧急的，请拨打 12345 热线',
    en:
      'Your enterprise has sent {limit} reports today ({day}), the daily limit; send more after {next}. ' +
      'If it is urgent, call the 12345 hotline',
  },
  report_duplicate: {
    'zh-CN': '本企业已于 {at} 就同一执法主体同一天的同类情况提交过反映（{id}），没有重复登记；监督部门正在处理该反映',
    en:
      'You already reported this (the same agency, day and kind) at {at} as {id}; ' +
      'it was not recorded twice, and supervisors are handling that report',
  },
  violations_bulk_refused: {
    'zh-CN': '{count} 条违规的当前状态不能改为“{status}”，全部未修改；请从所选中去掉下列各条后重试',
    en: '{count} of the violations cannot be changed to {status}, so none was changed; leave out those listed in details and retry',
  },
  feedback_not_completed: {
    'zh-CN': '检查尚未完成（当前为“{status}”），完成并登记结果后才能评价',
    en: 'The inspection is not completed (it is {status}); it can be rated once its result is recorded',
  },
  feedback_exists: {
    'zh-CN': '本次检查已于 {at} 评价过，每次检查只能评价一次',
    en: 'This inspection was already rated at {at}; each inspection is rated once',
  },
  report_rating_not_closed: {
    'zh-CN': '这条反映还在办理中（当前为“{status}”），办结后才能评价处理结果',
    en: 'This report is still being handled (it is {status}); its handling can be rated once it is closed',
  },
  report_rating_exists: {
    'zh-CN': '这条反映的处理结果已于 {at} 评价过，每条反映只能评价一次',
    en: 'The handling of this report was already rated at {at}; each report is rated once',
  },
  region_outside_scope: { 'zh-CN': '{what} {id} 不在本监督密钥的辖区内', en: '{what} {id} is outside the regions of this supervisor key' },
  unknown_code_reported: {
    'zh-CN': '没有这个核验码的备案：已记录为未备案入企检查（{violationId}），监督部门会核查',
    en: 'No filing has this code: recorded as an unfiled inspection ({violationId}) for supervisors to look into',
  },
  cancelled_code_reported: {
    'zh-CN': '此备案已于 {at} 撤销，不能据此入企：已记录为未备案入企检查（{violationId}）',
    en: 'This filing was cancelled at {at} and covers no visit: recorded as an unfiled inspection ({violationId})',
  },
  draw_population_small: {
    'zh-CN': '按此条件（排除后）符合条件的企业不足 {min} 家；此计划的总体至少需要 {min} 家（至少 10 家，且不少于抽取数的 5 倍）',
    en:
      'Fewer than {min} enterprises match this filter after the exclusions; ' +
      'this plan needs at least {min} (at least 10, and five for every one drawn)',
  },
  draw_plans_at_most: {
    'zh-CN': '该执法主体已有 {max} 个进行中的抽查计划，已达上限；请先停止一个再新增',
    en: 'This agency already has {max} active draw plans, the most it may have; stop one before adding another',
  },
  draw_not_waiting: {
    'zh-CN': '该抽查计划今天没有待抽取的批次（下一批次按计划日期抽取）',
    en: 'this plan has no draw due today (its next draw is made on its day)',
  },
  draw_now_not_due: {
    'zh-CN': '该抽查计划下一次抽取定在 {date}，本期已经抽取或尚未到期；到期当天才能立即抽取',
    en: 'This plan’s next draw is on {date}: this period is drawn already or not due yet; it can be drawn now on that day',
  },
  draw_now_done: {
    'zh-CN': '该抽查计划已经抽取（{at}），只抽取一次，不能再抽',
    en: 'This plan was drawn already ({at}); it draws once and cannot be drawn again',
  },
  draw_now_uncommitted: {
    'zh-CN': '该抽查计划还没有公布种子哈希，不能立即抽取；请等待下一次抽取',
    en: 'This plan has no published seed hash yet, so it cannot be drawn now; wait for its next draw',
  },
  draw_plan_stopped: {
    'zh-CN': '该抽查计划已于 {at} 停止',
    en: 'this draw plan was stopped at {at}',
  },
  draw_above_cap: {
    'zh-CN': '抽取比例不得超过总体的 20%：最多 {max}，本次要求 {asked}',
    en: 'A draw takes at most 20% of the population: at most {max}, asked for {asked}',
  },
  draw_pool_small: {
    'zh-CN': '该执法主体在抽查期内有效的持证执法人员只有 {n} 名；随机选派并轮换人员至少需要 3 名',
    en: 'The agency has {n} certified inspectors valid through the period; drawing and rotating pairs needs at least 3',
  },
  draw_not_made: {
    'zh-CN': '抽查 {id} 尚未实施：种子公布前不能复核',
    en: 'Draw {id} has not been made yet: it can be checked once its seed is revealed',
  },
  draw_day_ahead: { 'zh-CN': '{date} 不是今天：抽查只在实施当天进行', en: '{date} is not today: a draw is made on the day it is run' },
  digest_not_ready: {
    'zh-CN': '{date} 的每日摘要尚未生成（每天 02:00 生成，或由管理员手动生成）',
    en: 'The digest of {date} has not been made yet (it is made at 02:00, or by an administrator with jobs run digest)',
  },
  job_unknown: { 'zh-CN': '没有这个任务：{name}（可用：{known}）', en: 'No such job: {name} (known: {known})' },
  job_period_future: { 'zh-CN': '{date} 尚未结束，不能为其生成{job}', en: '{date} is not over yet; the {job} for it cannot run' },
  rules_unavailable: { 'zh-CN': '没有可用的规则集，备案无法校验', en: 'No rule set is active; filings cannot be checked' },
} as const satisfies Record<string, Localized>;

export type MessageKey = keyof typeof messages;

/**
 * What an error's detail says about one field. Services name a key and its parameters; the text
 * is resolved in the request's language where the answer is written.
 */
export const detailTexts = {
  not_a_code: { 'zh-CN': '不是核验码', en: 'not a verification code' },
  account_code_check: { 'zh-CN': '请核对激活码', en: 'check the activation code' },
  account_one_of: { 'zh-CN': '统一社会信用代码和登录名须填且只填一项', en: 'give the credit code or the login name, not both' },
  password_too_short: { 'zh-CN': '密码至少 {min} 个字符', en: 'at least {min} characters' },
  password_too_long: { 'zh-CN': '密码最多 {max} 个字符', en: 'at most {max} characters' },
  password_one_char: { 'zh-CN': '密码不能全是同一个字符', en: 'not one character repeated' },
  password_is_login: { 'zh-CN': '密码不能是统一社会信用代码或登录名', en: 'not the credit code or the login name' },
  login_name_format: {
    'zh-CN': '登录名为 3 至 40 个小写字母、数字或 . _ -，且不能是 18 位',
    en: '3 to 40 lower-case letters, digits or . _ -, and not 18 long',
  },
  cursor_invalid: { 'zh-CN': '分页游标无效', en: 'invalid cursor' },
  no_such_violation_in_regions: { 'zh-CN': '没有这条违规，或不在您的辖区内', en: 'no such violation in your regions' },
  status_does_not_allow: { 'zh-CN': '当前为“{from}”，不能改为“{to}”', en: 'it is {from}: it cannot become {to}' },
  after_field: { 'zh-CN': '须晚于{field}', en: 'must be after {field}' },
  in_future: { 'zh-CN': '晚于当前时间', en: 'in the future' },
  must_be_future: { 'zh-CN': '须为将来的时间', en: 'must be in the future' },
  today_or_later: { 'zh-CN': '须为今天或以后的日期', en: 'a day from today on' },
  older_than_days: { 'zh-CN': '早于 {days} 天前', en: 'more than {days} days ago' },
  not_started_cancel_instead: {
    'zh-CN': '计划开始时间未到；如不再检查请撤销备案',
    en: 'the planned start has not come yet; cancel the filing instead',
  },
  before_filing_made: {
    'zh-CN': '早于备案时间（紧急检查为开始时间）',
    en: 'before the filing was made (or before the start of an emergency)',
  },
  required_for_role: { 'zh-CN': '此角色必须填写', en: 'required for this role' },
  not_for_role: { 'zh-CN': '此角色不能填写', en: 'not allowed for this role' },
  only_for_types: { 'zh-CN': '仅适用于{types}', en: 'only for {types} inspections' },
  required_for_case: { 'zh-CN': '个案检查必须填写', en: 'required for a case inspection' },
  required_for_emergency: {
    'zh-CN': '紧急检查必须填写（事由须在开始后 48 小时内登记）',
    en: 'required for an emergency (its ground is registered within 48 hours after the start)',
  },
  required_for_random: { 'zh-CN': '双随机抽查必须填写', en: 'required for a random inspection' },
  not_the_filing_agency_itself: { 'zh-CN': '不能包含备案主体本身', en: 'must not name the filing agency itself' },
  no_such_agency: { 'zh-CN': '没有这个执法主体', en: 'no such agency' },
  no_such_agency_name_it: { 'zh-CN': '没有这个执法主体；请改填执法主体名称', en: 'no such agency; name it in agencyName instead' },
  no_such_inspector: { 'zh-CN': '没有这名执法人员', en: 'no such inspector' },
  no_such_enterprise: { 'zh-CN': '没有这家企业', en: 'no such enterprise' },
  enterprise_not_registered: { 'zh-CN': '该企业未登记', en: 'no enterprise is registered with this code' },
  not_registered: { 'zh-CN': '未登记', en: 'not registered' },
  inspector_of_other_agency: {
    'zh-CN': '所属执法主体既不是备案主体，也不是联合检查主体',
    en: 'belongs to an agency that is neither the filing agency nor a joint agency',
  },
  already_exists: { 'zh-CN': '已存在', en: 'already exists' },
  item_cited: {
    'zh-CN': '检查事项“{code}”已被备案引用，其名称和依据不能改写',
    en: 'item "{code}" is cited by filings; its name and basis cannot be rewritten',
  },
  item_code_duplicate: { 'zh-CN': '检查事项编码“{code}”重复', en: 'duplicate item code "{code}"' },
  scorecard_max_days: { 'zh-CN': '评分最多统计 366 天', en: 'a scorecard covers at most 366 days' },
  idempotency_key_reused: { 'zh-CN': '已用于不同的请求内容', en: 'already used with another request body' },
  conduct_items_for_conduct_only: { 'zh-CN': '只有违反检查纪律的反映才列出纪律条目', en: 'only a conduct violation names conduct items' },
  no_such_conduct_item: { 'zh-CN': '没有检查纪律条目 {id}', en: 'no conduct item {id}' },
  conduct_item_required: { 'zh-CN': '至少列出一个纪律条目', en: 'name at least one conduct item' },
  no_such_filing_in_regions: { 'zh-CN': '您的辖区内没有这个备案', en: 'no such filing in your regions' },
  no_such_filing_of_yours: { 'zh-CN': '贵企业没有这个编号的备案', en: 'no filing about your enterprise has this id' },
  agency_not_on_this_filing: { 'zh-CN': '执法主体 {agency} 不在此备案中', en: 'agency {agency} is not on this filing' },
  not_an_agency_on_filing: {
    'zh-CN': '不是此备案的执法主体；反映备案主体时可不填执法主体',
    en: 'not an agency on this filing; leave agencyId out to report the filing agency',
  },
  not_the_filing_enterprise: { 'zh-CN': '不是此备案所检查的企业', en: 'not the enterprise of the filing' },
  say_which_agency: { 'zh-CN': '请说明是哪个执法主体', en: 'say which agency it was' },
  within_jurisdiction: { 'zh-CN': '须在 {jurisdiction} 之内', en: 'within {jurisdiction}' },
  ratio_or_size: { 'zh-CN': '抽取比例与抽取数量只能填一项', en: 'give either ratio or size' },
  at_most: { 'zh-CN': '不能超过 {max}', en: 'at most {max}' },
  active_plans_at_most: { 'zh-CN': '进行中的抽查计划最多 {max} 个', en: 'at most {max} active draw plans' },
  population_at_least: { 'zh-CN': '总体至少 {min} 家企业', en: 'a population of at least {min} enterprises' },
  needs_three_inspectors: { 'zh-CN': '该执法主体至少需要 3 名持证执法人员', en: 'the agency needs at least 3 certified inspectors' },
  rule_file_problem: { 'zh-CN': '{problem}', en: '{problem}' },
  parent_cycle: {
    'zh-CN': '上级主体不能是本主体或其下级（会形成循环）',
    en: 'the parent cannot be the agency itself or one of its own sub-agencies (a cycle)',
  },
  required_for_kind: { 'zh-CN': '除专项检查外必须填写', en: 'required for every kind but campaign' },
  not_for_campaign: { 'zh-CN': '专项检查不填此项；其他事由才填', en: 'not for a campaign' },
  required_for_campaign: { 'zh-CN': '专项检查必须填写', en: 'required for a campaign' },
  only_own_agency: {
    'zh-CN': '执法主体自行登记的事由只能指派给本主体',
    en: 'a ground an agency registers itself is assigned to that agency only',
  },
  already_reviewed: { 'zh-CN': '已核实过', en: 'already reviewed' },
  move_mid_year: { 'zh-CN': '年内已有检查', en: 'visits this year' },
  window_still_open: { 'zh-CN': '检查时段尚未结束', en: 'the window has not closed yet' },
  one_for_role: {
    'zh-CN': '由执法主体或热线平台登记的事由只支撑 1 次检查',
    en: 'a ground from an agency or the hotline grounds one visit',
  },
  validity_for_role: {
    'zh-CN': '由执法主体或热线平台登记的事由最早自 7 天前起、有效期不超过 {days} 天',
    en: 'a ground from an agency or the hotline starts at most 7 days back and lasts at most {days} days',
  },
  required_to_decline: { 'zh-CN': '拒绝须说明理由', en: 'a reason is needed to decline' },
  enterprise_confirmed_arrival: { 'zh-CN': '企业已确认到场', en: 'the enterprise confirmed the arrival' },
  before_arrival: { 'zh-CN': '早于确认到场的时间', en: 'before the confirmed arrival' },
} as const satisfies Record<string, Localized>;

export type DetailKey = keyof typeof detailTexts;

/** What the enterprise import says of a line it refused, or of a file it could not import at all. */
export const importTexts = {
  unknown_column: {
    'zh-CN': '第 1 行：未知的列“{column}”；可用的列为 {columns}（或对应的中文列名）',
    en: 'line 1: unknown column "{column}"; the columns are {columns} (or their Chinese names)',
  },
  repeated_column: { 'zh-CN': '第 1 行：列“{column}”重复', en: 'line 1: column "{column}" appears twice' },
  missing_columns: { 'zh-CN': '第 1 行：缺少必需的列 {columns}', en: 'line 1: the header lacks {columns}' },
  empty_file: {
    'zh-CN': '文件是空的：第 1 行应为表头（{header},…）',
    en: 'the file is empty: line 1 should be the header ({header},…)',
  },
  not_utf8: {
    'zh-CN': '第 {line} 行不是 UTF-8 编码（GBK 文件？请另存为 UTF-8 后再导入）',
    en: 'line {line} is not UTF-8 (a GBK file? save it as UTF-8 and import again)',
  },
  ends_mid_character: {
    'zh-CN': '第 {line} 行在字符中间结束（不是 UTF-8）',
    en: 'line {line} ends in the middle of a character (not UTF-8)',
  },
  csv_malformed: { 'zh-CN': '第 {line} 行：CSV 格式错误（{problem}）', en: 'line {line}: {problem}' },
  field_count: { 'zh-CN': '应有 {expected} 个字段，实际 {found} 个', en: 'expected {expected} fields, found {found}' },
  nul: { 'zh-CN': '含有 NUL 字符', en: 'contains a NUL character' },
  uscc: { 'zh-CN': '{problem}', en: '{problem}' },
  name_length: { 'zh-CN': '名称为空或超过 200 字', en: 'the name is empty or longer than 200 characters' },
  name_invisible: { 'zh-CN': '名称须含有可见的文字或数字', en: 'the name must contain a visible letter or digit' },
  region_digits: { 'zh-CN': '区划代码“{region}”应为 6 位数字', en: 'region "{region}" should be six digits' },
  region_unknown: { 'zh-CN': '未知的区划代码“{region}”', en: 'unknown region "{region}"' },
  industry_length: { 'zh-CN': '行业超过 100 字', en: 'the industry is longer than 100 characters' },
  industry_invisible: { 'zh-CN': '行业须含有可见的文字或数字', en: 'the industry must contain a visible letter or digit' },
  risk_class: { 'zh-CN': '风险等级“{value}”应为 A、B、C 或 D', en: 'risk class "{value}" should be A, B, C or D' },
  no_disturb: { 'zh-CN': '无事不扰“{value}”应为 是/否 或 true/false', en: 'noDisturb "{value}" should be true or false' },
  already_registered: { 'zh-CN': '{value} 已登记', en: '{value} is already registered' },
  registered_meanwhile: { 'zh-CN': '{value} 刚被另一请求登记', en: '{value} was registered by another request meanwhile' },
  repeats_line: { 'zh-CN': '{value} 与第 {line} 行重复', en: '{value} repeats line {line}' },
  inspector_field: {
    'zh-CN': '{field}“{value}”不符合要求（姓名 1-100 字；执法证号至少 6 位字母或数字；有效期为 YYYY-MM-DD）',
    en:
      '{field} "{value}" is not valid ' +
      '(a name of 1-100 characters; a credential number of at least 6 letters or digits; a date YYYY-MM-DD)',
  },
  agency_missing: { 'zh-CN': '缺少执法主体编码', en: 'the agency code is missing' },
  agency_unknown: { 'zh-CN': '执法主体编码“{value}”未登记', en: 'no agency is registered with code "{value}"' },
  agency_inactive: { 'zh-CN': '执法主体“{value}”已停用，不再登记人员', en: 'agency "{value}" is deactivated: no officers are added to it' },
} as const satisfies Record<string, Localized>;

export type ImportTextKey = keyof typeof importTexts;

/** The credential register's columns, as a refused line names them. */
export const inspectorFieldNames = {
  name: { 'zh-CN': '姓名', en: 'name' },
  credentialNo: { 'zh-CN': '执法证号', en: 'credential number' },
  validUntil: { 'zh-CN': '有效期至', en: 'valid until' },
} as const satisfies Record<string, Localized>;

/** Why a request could not be served, as {reason} of `unavailable`. */
export const reasons = {
  databaseAway: { 'zh-CN': '数据库暂时无法连接', en: 'the database cannot be reached' },
  rulesFailed: { 'zh-CN': '规则无法计算', en: 'the rules could not be evaluated' },
} as const satisfies Record<string, Localized>;

/** Names of the things messages speak of, so that a Chinese message names them in Chinese. */
/** The roles by the names people use for them. */
export const roleNames: Record<Role, Localized> = {
  admin: { 'zh-CN': '管理员', en: 'administrator' },
  supervisor: { 'zh-CN': '监督机构', en: 'supervisor' },
  agency: { 'zh-CN': '执法主体', en: 'agency' },
  enterprise: { 'zh-CN': '企业', en: 'enterprise' },
  hotline: { 'zh-CN': '12345/8890 热线平台', en: 'hotline platform' },
};

export const entities = {
  filing: { 'zh-CN': '备案', en: 'filing' },
  agency: { 'zh-CN': '执法主体', en: 'agency' },
  enterprise: { 'zh-CN': '企业', en: 'enterprise' },
  inspector: { 'zh-CN': '执法人员', en: 'inspector' },
  'inspector credential': { 'zh-CN': '执法证号', en: 'inspector credential' },
  'verification code': { 'zh-CN': '核验码', en: 'verification code' },
  ground: { 'zh-CN': '事由', en: 'ground' },
  violation: { 'zh-CN': '问题线索', en: 'violation' },
  report: { 'zh-CN': '反映', en: 'report' },
  draw: { 'zh-CN': '抽查', en: 'draw' },
  'draw plan': { 'zh-CN': '抽查计划', en: 'draw plan' },
  key: { 'zh-CN': '密钥', en: 'key' },
  account: { 'zh-CN': '账号', en: 'account' },
} as const satisfies Record<string, Localized>;
export type Entity = keyof typeof entities;

/** Inspection types as people say them. */
export const typeNames = {
  routine: { 'zh-CN': '日常检查', en: 'routine' },
  case: { 'zh-CN': '个案检查', en: 'case' },
  special: { 'zh-CN': '专项检查', en: 'special' },
  random: { 'zh-CN': '双随机抽查', en: 'random' },
  emergency: { 'zh-CN': '紧急检查', en: 'emergency' },
} as const satisfies Record<string, Localized>;

/** A list of types in both languages: 个案检查、紧急检查 / case, emergency. */
export function typeList(types: readonly (keyof typeof typeNames)[]): Localized {
  return { 'zh-CN': types.map((t) => typeNames[t]['zh-CN']).join('、'), en: types.map((t) => typeNames[t].en).join(', ') };
}

/** Filing statuses as people say them. */
export const statusNames = {
  filed: { 'zh-CN': '已备案', en: 'filed' },
  in_progress: { 'zh-CN': '检查中', en: 'in progress' },
  completed: { 'zh-CN': '已完成', en: 'completed' },
  cancelled: { 'zh-CN': '已撤销', en: 'cancelled' },
} as const satisfies Record<string, Localized>;

/** Results of a visit as people say them. */
export const outcomeNames = {
  no_issues: { 'zh-CN': '未发现问题', en: 'no issues' },
  issues_found: { 'zh-CN': '发现问题', en: 'issues found' },
  penalty: { 'zh-CN': '给予处罚', en: 'penalty' },
  not_conducted: { 'zh-CN': '未实施', en: 'not conducted' },
} as const satisfies Record<string, Localized>;

/** Why officers enter: an inspection, or a visit that is one in disguise (conduct.N6). */
export const purposeNames = {
  inspection: { 'zh-CN': '检查', en: 'inspection' },
  observation: { 'zh-CN': '观摩', en: 'observation' },
  supervision: { 'zh-CN': '督导', en: 'supervision' },
  study: { 'zh-CN': '考察调研', en: 'study' },
} as const satisfies Record<string, Localized>;

/**
 * 好差评 on the national five levels (政务服务“好差评”): a rating 1..5 is always shown by its
 * level's name, wherever a rating is asked for or shown (a visit's rating, a report's handling).
 */
export const ratingNames = {
  1: { 'zh-CN': '非常不满意', en: 'very dissatisfied' },
  2: { 'zh-CN': '不满意', en: 'dissatisfied' },
  3: { 'zh-CN': '基本满意', en: 'fairly satisfied' },
  4: { 'zh-CN': '满意', en: 'satisfied' },
  5: { 'zh-CN': '非常满意', en: 'very satisfied' },
} as const satisfies Record<1 | 2 | 3 | 4 | 5, Localized>;
export const RATINGS = [1, 2, 3, 4, 5] as const;
export type Rating = (typeof RATINGS)[number];

/** The name of a rating's level, or null for a number that is not one (an old row, a bad value). */
export function ratingName(rating: number): Localized | null {
  return rating === 1 || rating === 2 || rating === 3 || rating === 4 || rating === 5 ? ratingNames[rating] : null;
}

/**
 * The conduct items in force, as a message lists them: by name in Chinese (a rule id means nothing
 * to an enterprise), by the ids a client sends in English.
 */
export function conductList(items: readonly { id: string; message: Localized; title?: Localized }[]): Localized {
  if (!items.length) return { 'zh-CN': '（无）', en: '—' };
  // a rule without a name is named by its message, up to the colon (不允许……：)
  const zh = (i: (typeof items)[number]) => i.title?.['zh-CN'] ?? i.message['zh-CN'].split('：')[0] ?? '';
  return { 'zh-CN': items.map((i) => `“${zh(i)}”`).join('、'), en: items.map((i) => i.id).join(', ') };
}
