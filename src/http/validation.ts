import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { TSchema } from '@sinclair/typebox';
import { createAjv } from '../domain/ajv.js';
import { AppError, type ErrorDetail } from '../domain/errors.js';
import type { Lang, Localized } from '../domain/i18n.js';
import { isSupportedInstant } from '../domain/calendar.js';
import { PATTERN_TEXTS } from '../domain/schemas.js';
import { valueName } from '../domain/value-names.js';

// Bodies are validated as sent; query strings arrive as text, so their validator coerces types.
// verbose: a refused value is at hand to say why (a well-formed date out of range is not a format error)
const bodyAjv = createAjv({ useDefaults: false, verbose: true });
const queryAjv = createAjv({ coerceTypes: 'array', useDefaults: true, verbose: true });

// ajv-i18n is CommonJS with `module.exports = fn`; require gives the function under every loader.
// Its English serves; its Chinese names keywords and JSON types ("不应少于 1 个项"), so the Chinese
// below is our own, written as a form would say it.
type Localize = (errors?: ErrorObject[] | null) => void;
const require = createRequire(import.meta.url);
const localizeEn = require('ajv-i18n/localize/en') as Localize;

const unknownField = { 'zh-CN': '未知字段，请删除', en: 'unknown field; remove it' };
// the label names the field, so "required" says the rest (ajv would repeat the name)
const requiredField = { 'zh-CN': '必填', en: 'required' };
/** What a value of the format looks like, so that a date refused says how to write one. */
const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2026-12-01T09:00:00+08:00',
  date: '2026-12-01',
  email: 'name@example.gov.cn',
};
/** The formats in words; a Chinese example only where it has no Latin words in it. */
const FORMAT_NAMES: Record<string, string> = {
  'date-time': '应为带时区的日期时间，例如 2026-12-01T09:00:00+08:00',
  date: '应为日期，例如 2026-12-01',
  email: '应为电子邮箱地址',
};

const TYPE_NAMES: Record<string, Localized> = {
  string: { 'zh-CN': '文字', en: 'a string' },
  integer: { 'zh-CN': '整数', en: 'a whole number' },
  number: { 'zh-CN': '数字', en: 'a number' },
  boolean: { 'zh-CN': '是或否', en: 'true or false' },
  array: { 'zh-CN': '列表', en: 'an array ([…])' },
  object: { 'zh-CN': '一组字段', en: 'an object ({…})' },
  null: { 'zh-CN': '空值', en: 'null' },
};
const outOfRange = { 'zh-CN': '日期须在 1900 年至 2999 年之间', en: 'must be a date from 1900 to 2999' };

/** A date or time written correctly that lies outside the years this service keeps. */
function dateOutOfRange(e: ErrorObject): boolean {
  if (typeof e.data !== 'string') return false;
  const ms = Date.parse(e.params.format === 'date' ? `${e.data}T00:00:00Z` : e.data);
  return !Number.isNaN(ms) && !isSupportedInstant(ms);
}

const num = (e: ErrorObject) => Number(e.params.limit);
/** The allowed values by the names people use (日常检查、个案检查), or null when one has no name. */
function allowedNames(values: unknown[]): string | null {
  const names = values.map((v) =>
    /^[A-Z0-9]{1,5}$/.test(String(v)) ? String(v) : typeof v === 'string' ? valueName(v)?.['zh-CN'] : undefined,
  );
  // quoted: a name may itself hold a 、 (其他机关移送、转办)
  return names.every((n): n is string => n !== undefined) ? names.map((n) => `“${n}”`).join('、') : null;
}

/** What ajv found, in Chinese a form would use; the field itself is named by its label elsewhere. */
function zhText(e: ErrorObject): string {
  switch (e.keyword) {
    case 'minLength':
      return num(e) <= 1 ? '不能为空' : `至少 ${num(e)} 个字`;
    case 'maxLength':
      return `最多 ${num(e)} 个字`;
    case 'minItems':
      return `至少选择 ${num(e)} 项`;
    case 'maxItems':
      return `最多 ${num(e)} 项`;
    case 'uniqueItems':
      return `第 ${Number(e.params.j) + 1} 项与第 ${Number(e.params.i) + 1} 项重复`;
    case 'minimum':
      return `不能小于 ${num(e)}`;
    case 'maximum':
      return `不能大于 ${num(e)}`;
    case 'exclusiveMinimum':
      return `须大于 ${num(e)}`;
    case 'exclusiveMaximum':
      return `须小于 ${num(e)}`;
    case 'minProperties':
      return `至少填写 ${num(e)} 项`;
    case 'maxProperties':
      return `最多填写 ${num(e)} 项`;
    case 'multipleOf':
      return `须为 ${String(e.params.multipleOf)} 的整数倍`;
    case 'enum': {
      const names = allowedNames(e.params.allowedValues as unknown[]);
      return names ? `应为以下之一：${names}` : '不是可选的值';
    }
    case 'const': {
      const names = allowedNames([e.params.allowedValue]);
      return names ? `应为${names}` : '不是可选的值';
    }
    case 'format':
      return FORMAT_NAMES[String(e.params.format)] ?? '格式不正确';
    case 'discriminator':
      return '类别不是可选的值';
    default:
      return '不符合要求';
  }
}

/** One language's text of each error: ajv-i18n's English or our Chinese, with our additions. */
function texts(errors: ErrorObject[], lang: Lang): { path: string; message: string; keyword: string }[] {
  const copy = structuredClone(errors);
  if (lang === 'en') localizeEn(copy);
  return copy.map((e) => {
    let path = e.instancePath || '/';
    let message = lang === 'en' ? (e.message ?? 'invalid') : zhText(e);
    if (e.keyword === 'required') {
      path = `${e.instancePath}/${String(e.params.missingProperty)}`;
      message = requiredField[lang];
    }
    if (e.keyword === 'additionalProperties') {
      path = `${e.instancePath}/${String(e.params.additionalProperty)}`;
      message = unknownField[lang];
    }
    if (e.keyword === 'enum' && lang === 'en') message += `: ${(e.params.allowedValues as string[]).join(', ')}`;
    if (e.keyword === 'type') {
      const names = String(e.params.type)
        .split(',')
        .map((t) => TYPE_NAMES[t]?.[lang] ?? t);
      message = lang === 'en' ? `must be ${names.join(' or ')}` : `应为${names.join('或')}`;
    }
    if (e.keyword === 'pattern') {
      const said = PATTERN_TEXTS[String(e.params.pattern)];
      message = said ? said[lang] : lang === 'en' ? message : '格式不正确';
    }
    if (e.keyword === 'format' && dateOutOfRange(e)) {
      message = outOfRange[lang];
    } else if (e.keyword === 'format' && lang === 'en') {
      const format = String(e.params.format);
      const example = FORMAT_EXAMPLES[format];
      message += example ? ` (${format}, for example ${example})` : ` (${format})`;
    }
    return { path, message, keyword: e.keyword };
  });
}

/**
 * A nullable field is anyOf [T, null]: a value that is neither fails both branches, and "must be
 * null" is noise beside what is wrong with it as a T. Kept when no other branch said anything.
 */
function withoutNullBranch(errors: ErrorObject[]): ErrorObject[] {
  const branchOf = (e: ErrorObject) => /^(.*\/(?:anyOf|oneOf)\/)\d+\//.exec(e.schemaPath)?.[1];
  return errors.filter((e) => {
    if (e.keyword !== 'type' || e.params.type !== 'null' || e.data === null) return true;
    const branch = branchOf(e);
    if (!branch) return true;
    return !errors.some((o) => o !== e && o.schemaPath.startsWith(branch) && !/^(anyOf|oneOf)$/.test(o.keyword));
  });
}

function details(all: ErrorObject[]): ErrorDetail[] {
  const errors = withoutNullBranch(all);
  const zh = texts(errors, 'zh-CN');
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  texts(errors, 'en').forEach((en, i) => {
    // anyOf/oneOf add a summary line after the branch errors; the branch errors say more.
    if (en.keyword === 'anyOf' || en.keyword === 'oneOf') return;
    const key = `${en.path} ${en.message}`;
    if (!seen.has(key)) out.push({ path: en.path, message: { 'zh-CN': zh[i]?.message ?? en.message, en: en.message } });
    seen.add(key);
  });
  return out;
}

export type Validator = (data: unknown) => void;

function make(validate: ValidateFunction): Validator {
  return (data) => {
    if (!validate(data)) throw new AppError('validation_failed', 'validation_failed', {}, details(validate.errors ?? []));
  };
}

export const bodyValidator = (schema: TSchema): Validator => make(bodyAjv.compile(schema));
export const queryValidator = (schema: TSchema): Validator => make(queryAjv.compile(schema));

const nulMessage = { 'zh-CN': '不能包含空字符（\\u0000）', en: 'must not contain the NUL character (\\u0000)' };
const surrogateMessage = {
  'zh-CN': '含有不成对的代理字符（\\ud800-\\udfff），不是合法的 Unicode 文本',
  en: 'contains a lone surrogate (\\ud800-\\udfff): not valid Unicode text',
};
// a high surrogate not followed by a low one, or a low one not preceded by a high one ("\ud800"
// is valid JSON, but no database stores it)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const badText = (s: string) => (s.includes('\u0000') ? nulMessage : LONE_SURROGATE.test(s) ? surrogateMessage : null);

/** No request body of this API is nested anywhere near this deep; deeper is an attack or a mistake. */
export const MAX_DEPTH = 32;

/**
 * Refuses what no schema check should have to meet: nesting deeper than MAX_DEPTH (walked
 * without recursion, so a body nested thousands deep cannot overflow the stack), NUL characters
 * and lone surrogates anywhere (PostgreSQL stores neither in text or jsonb).
 */
export function rejectUnstorable(value: unknown): void {
  const found: ErrorDetail[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0 && found.length < 10) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v === 'string') {
      const problem = badText(v);
      if (problem) found.push({ path: path || '/', message: problem });
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH)
      throw new AppError('validation_failed', 'too_deep', { max: MAX_DEPTH }, [
        { path: path || '/', message: { 'zh-CN': `嵌套超过 ${MAX_DEPTH} 层`, en: `nested more than ${MAX_DEPTH} levels` } },
      ]);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}/${i}`, depth: depth + 1 });
    } else {
      for (const [k, x] of Object.entries(v).reverse()) {
        const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const problem = badText(k);
        if (problem) found.push({ path: p, message: problem });
        stack.push({ v: x, path: p, depth: depth + 1 });
      }
    }
  }
  if (found.length) throw new AppError('validation_failed', 'validation_failed', {}, found);
}
