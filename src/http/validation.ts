import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { TSchema } from '@sinclair/typebox';
import { createAjv } from '../domain/ajv.js';
import { AppError, type ErrorDetail } from '../domain/errors.js';
import type { Lang, Localized } from '../domain/i18n.js';
import { isSupportedInstant } from '../domain/calendar.js';
import { PATTERN_TEXTS } from '../domain/schemas.js';

// Bodies are validated as sent; query strings arrive as text, so their validator coerces types.
// verbose: a refused value is at hand to say why (a well-formed date out of range is not a format error)
const bodyAjv = createAjv({ useDefaults: false, verbose: true });
const queryAjv = createAjv({ coerceTypes: 'array', useDefaults: true, verbose: true });

// ajv-i18n is CommonJS with `module.exports = fn`; require gives the function under every loader.
type Localize = (errors?: ErrorObject[] | null) => void;
const require = createRequire(import.meta.url);
const localizeEn = require('ajv-i18n/localize/en') as Localize;
const localizeZh = require('ajv-i18n/localize/zh') as Localize;

const unknownField = { 'zh-CN': '未知字段，请删除', en: 'unknown field; remove it' };
// the path names the field, so "required" says the rest (ajv would repeat the name)
const requiredField = { 'zh-CN': '必填', en: 'required' };
/** What a value of the format looks like, so that a date refused says how to write one. */
const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2026-12-01T09:00:00+08:00',
  date: '2026-12-01',
  email: 'name@example.gov.cn',
};

const TYPE_NAMES: Record<string, Localized> = {
  string: { 'zh-CN': '字符串', en: 'a string' },
  integer: { 'zh-CN': '整数', en: 'a whole number' },
  number: { 'zh-CN': '数字', en: 'a number' },
  boolean: { 'zh-CN': 'true 或 false', en: 'true or false' },
  array: { 'zh-CN': '数组（[…]）', en: 'an array ([…])' },
  object: { 'zh-CN': '对象（{…}）', en: 'an object ({…})' },
  null: { 'zh-CN': 'null', en: 'null' },
};
const outOfRange = { 'zh-CN': '日期须在 1900 年至 2999 年之间', en: 'must be a date from 1900 to 2999' };

/** A date or time written correctly that lies outside the years this service keeps. */
function dateOutOfRange(e: ErrorObject): boolean {
  if (typeof e.data !== 'string') return false;
  const ms = Date.parse(e.params.format === 'date' ? `${e.data}T00:00:00Z` : e.data);
  return !Number.isNaN(ms) && !isSupportedInstant(ms);
}

/** One language's text of each error, as ajv-i18n words it, with our additions. */
function texts(errors: ErrorObject[], lang: Lang): { path: string; message: string; keyword: string }[] {
  const copy = structuredClone(errors);
  (lang === 'en' ? localizeEn : localizeZh)(copy);
  return copy.map((e) => {
    let path = e.instancePath || '/';
    let message = e.message ?? 'invalid';
    if (e.keyword === 'required') {
      path = `${e.instancePath}/${String(e.params.missingProperty)}`;
      message = requiredField[lang];
    }
    if (e.keyword === 'additionalProperties') {
      path = `${e.instancePath}/${String(e.params.additionalProperty)}`;
      message = unknownField[lang];
    }
    if (e.keyword === 'enum') message += `: ${(e.params.allowedValues as string[]).join(', ')}`;
    if (e.keyword === 'type') {
      const names = String(e.params.type)
        .split(',')
        .map((t) => TYPE_NAMES[t]?.[lang] ?? t);
      message = lang === 'en' ? `must be ${names.join(' or ')}` : `应为${names.join('或')}`;
    }
    if (e.keyword === 'pattern') {
      const said = PATTERN_TEXTS[String(e.params.pattern)];
      if (said) message = said[lang];
    }
    if (e.keyword === 'format' && dateOutOfRange(e)) {
      message = outOfRange[lang];
    } else if (e.keyword === 'format') {
      const format = String(e.params.format);
      const example = FORMAT_EXAMPLES[format];
      message += example ? ` (${format}${lang === 'en' ? ', for example ' : '，例如 '}${example})` : ` (${format})`;
    }
    return { path, message, keyword: e.keyword };
  });
}

function details(errors: ErrorObject[]): ErrorDetail[] {
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

const nulMessage = { 'zh-CN': '不能包含 NUL 字符（\\u0000）', en: 'must not contain the NUL character (\\u0000)' };
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
