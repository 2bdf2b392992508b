import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { TSchema } from '@sinclair/typebox';
import { createAjv } from '../domain/ajv.js';
import { AppError, type ErrorDetail } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';

// Bodies are validated as sent; query strings arrive as text, so their validator coerces types.
const bodyAjv = createAjv({ useDefaults: false });
const queryAjv = createAjv({ coerceTypes: 'array', useDefaults: true });

// ajv-i18n is CommonJS with `module.exports = fn`; require gives the function under every loader.
type Localize = (errors?: ErrorObject[] | null) => void;
const require = createRequire(import.meta.url);
const localizeEn = require('ajv-i18n/localize/en') as Localize;
const localizeZh = require('ajv-i18n/localize/zh') as Localize;

const unknownField = { 'zh-CN': '未知字段，请删除', en: 'unknown field; remove it' };
/** What a value of the format looks like, so that a date refused says how to write one. */
const FORMAT_EXAMPLES: Record<string, string> = { 'date-time': '2026-12-01T09:00:00+08:00', date: '2026-12-01', email: 'name@example.gov.cn' };

function details(errors: ErrorObject[], lang: Lang): ErrorDetail[] {
  const copy = structuredClone(errors);
  (lang === 'en' ? localizeEn : localizeZh)(copy);
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of copy) {
    let path = e.instancePath || '/';
    let message = e.message ?? 'invalid';
    if (e.keyword === 'required') path = `${e.instancePath}/${String(e.params.missingProperty)}`;
    if (e.keyword === 'additionalProperties') {
      path = `${e.instancePath}/${String(e.params.additionalProperty)}`;
      message = unknownField[lang];
    }
    if (e.keyword === 'enum') message += `: ${(e.params.allowedValues as string[]).join(', ')}`;
    if (e.keyword === 'format') {
      const format = String(e.params.format);
      const example = FORMAT_EXAMPLES[format];
      message += example ? ` (${format}${lang === 'en' ? ', for example ' : '，例如 '}${example})` : ` (${format})`;
    }
    // anyOf/oneOf add a summary line after the branch errors; the branch errors say more.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const key = `${path} ${message}`;
    if (!seen.has(key)) out.push({ path, message });
    seen.add(key);
  }
  return out;
}

export type Validator = (data: unknown, lang: Lang) => void;

function make(validate: ValidateFunction): Validator {
  return (data, lang) => {
    if (!validate(data)) throw new AppError('validation_failed', 'validation_failed', {}, details(validate.errors ?? [], lang));
  };
}

export const bodyValidator = (schema: TSchema): Validator => make(bodyAjv.compile(schema));
export const queryValidator = (schema: TSchema): Validator => make(queryAjv.compile(schema));

const nulMessage = { 'zh-CN': '不能包含 NUL 字符（\\u0000）', en: 'must not contain the NUL character (\\u0000)' };
const surrogateMessage = { 'zh-CN': '含有不成对的代理字符（\\ud800-\\udfff），不是合法的 Unicode 文本', en: 'contains a lone surrogate (\\ud800-\\udfff): not valid Unicode text' };
// a high surrogate not followed by a low one, or a low one not preceded by a high one ("\ud800"
// is valid JSON, but no database stores it)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const badText = (s: string, lang: Lang) => (s.includes('\u0000') ? nulMessage[lang] : LONE_SURROGATE.test(s) ? surrogateMessage[lang] : null);

/** No request body of this API is nested anywhere near this deep; deeper is an attack or a mistake. */
export const MAX_DEPTH = 32;

/**
 * Refuses what no schema check should have to meet: nesting deeper than MAX_DEPTH (walked
 * without recursion, so a body nested thousands deep cannot overflow the stack), NUL characters
 * and lone surrogates anywhere (PostgreSQL stores neither in text or jsonb).
 */
export function rejectUnstorable(value: unknown, lang: Lang): void {
  const found: ErrorDetail[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0 && found.length < 10) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v === 'string') {
      const problem = badText(v, lang);
      if (problem) found.push({ path: path || '/', message: problem });
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) throw new AppError('validation_failed', 'too_deep', { max: MAX_DEPTH }, [{ path: path || '/', message: `nested more than ${MAX_DEPTH} levels` }]);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}/${i}`, depth: depth + 1 });
    } else {
      for (const [k, x] of Object.entries(v).reverse()) {
        const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const problem = badText(k, lang);
        if (problem) found.push({ path: p, message: problem });
        stack.push({ v: x, path: p, depth: depth + 1 });
      }
    }
  }
  if (found.length) throw new AppError('validation_failed', 'validation_failed', {}, found);
}
