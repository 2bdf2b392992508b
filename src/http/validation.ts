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
    if (e.keyword === 'format') message += ` (${String(e.params.format)})`;
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

/** PostgreSQL stores no NUL in text or jsonb; refuse it up front as bad input, wherever it is. */
export function rejectNul(value: unknown, lang: Lang): void {
  const found: ErrorDetail[] = [];
  const walk = (v: unknown, path: string) => {
    if (found.length >= 10) return;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) found.push({ path: path || '/', message: nulMessage[lang] });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}/${i}`));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (k.includes('\u0000')) found.push({ path: p, message: nulMessage[lang] });
        walk(x, p);
      }
    }
  };
  walk(value, '');
  if (found.length) throw new AppError('validation_failed', 'validation_failed', {}, found);
}
