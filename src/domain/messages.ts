import type { Localized } from './i18n.js';

// The catalog of error and status texts. Keys are stable; rule-finding texts live in rules/.
export const messages = {
  validation_failed: { 'zh-CN': '请求内容不符合要求，请按 details 修改后重试', en: 'The request is not valid; fix the fields listed in details and retry' },
  malformed_json: { 'zh-CN': '请求体不是合法的 JSON：{reason}', en: 'The request body is not valid JSON: {reason}' },
  payload_too_large: { 'zh-CN': '请求体过大，上限为 {limit}', en: 'The request body is too large; the limit is {limit}' },
  unsupported_media_type: { 'zh-CN': '请求体须为 application/json', en: 'The request body must be application/json' },
  uscc_length: { 'zh-CN': '统一社会信用代码应为 18 位，实际为 {length} 位', en: 'A Unified Social Credit Code has 18 characters; this one has {length}' },
  uscc_charset: { 'zh-CN': '统一社会信用代码第 {position} 位“{char}”不是允许的字符（不含 I、O、S、V、Z）', en: 'Character {position} ("{char}") of the Unified Social Credit Code is not allowed (I, O, S, V and Z never occur)' },
  uscc_check: { 'zh-CN': '统一社会信用代码校验位错误：第 18 位应为“{expected}”，实际为“{actual}”', en: 'The Unified Social Credit Code check character is wrong: position 18 should be "{expected}", not "{actual}"' },
  unauthorized: { 'zh-CN': '缺少或无效的 API 密钥，请使用 Authorization: Bearer <key>', en: 'Missing or invalid API key; send Authorization: Bearer <key>' },
  forbidden: { 'zh-CN': '当前密钥（角色 {role}）无权执行此操作', en: 'This key (role {role}) may not do this' },
  not_found: { 'zh-CN': '未找到{what}：{id}', en: '{what} not found: {id}' },
  route_not_found: { 'zh-CN': '没有这个接口：{method} {path}', en: 'No such endpoint: {method} {path}' },
  conflict_exists: { 'zh-CN': '{what}已存在：{id}', en: '{what} already exists: {id}' },
  idempotency_mismatch: { 'zh-CN': '同一个 Idempotency-Key 已用于不同的请求内容', en: 'This Idempotency-Key was already used with a different request body' },
  idempotency_in_flight: { 'zh-CN': '使用同一 Idempotency-Key 的请求仍在处理中，请稍后重试', en: 'A request with this Idempotency-Key is still being processed; retry shortly' },
  rule_blocked: { 'zh-CN': '备案未通过规则校验，已记录为被拦截的备案尝试', en: 'The filing was blocked by the rules and recorded as a blocked attempt' },
  rate_limited: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  unavailable: { 'zh-CN': '服务暂不可用：{reason}', en: 'Service unavailable: {reason}' },
  internal: { 'zh-CN': '服务器内部错误，请联系管理员并提供请求编号 {requestId}', en: 'Internal error; contact the administrator with request id {requestId}' },
  transition_invalid: { 'zh-CN': '备案当前状态为“{from}”，不能{action}', en: 'The filing is "{from}" and cannot be {action}' },
  agency_mismatch: { 'zh-CN': '{what} {id} 不属于本执法主体', en: '{what} {id} does not belong to this agency' },
  key_scope_missing: { 'zh-CN': '角色 {role} 的密钥必须指定 {field}', en: 'A key with role {role} needs {field}' },
  key_scope_extra: { 'zh-CN': '角色 {role} 的密钥不能指定 {field}', en: 'A key with role {role} must not have {field}' },
  conducted_in_future: { 'zh-CN': '检查时间不能晚于当前时间', en: 'conductedAt cannot be in the future' },
  date_order: { 'zh-CN': '“{from}”必须早于“{to}”', en: '"{from}" must be before "{to}"' },
  cursor_invalid: { 'zh-CN': '分页游标无效，请使用上一页返回的 nextCursor', en: 'The cursor is not valid; pass the nextCursor of the previous page' },
  rules_invalid: { 'zh-CN': '规则集有 {count} 处错误，未重新加载，现行规则集保持不变', en: 'The rule sets have {count} problem(s); nothing was reloaded and the active sets stay in force' },
  rules_unavailable: { 'zh-CN': '没有可用的规则集，备案无法校验', en: 'No rule set is active; filings cannot be checked' },
} as const satisfies Record<string, Localized>;

export type MessageKey = keyof typeof messages;
