import { Ajv, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';
import { isSupportedInstant } from './calendar.js';

// Dates a person could mean: RFC 3339 allows a leap second (23:59:60) that JavaScript cannot
// represent, and years the database or the time zone arithmetic cannot hold (0000, 9999 late
// in the day in Asia/Shanghai). Refused as the format error they are, not failed on later.

/** One ajv configuration for HTTP bodies, config and rule files. */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false, ...options });
  ajvFormats.default(ajv);
  const rfc = (name: 'date-time' | 'date') => {
    const f = ajv.formats[name] as unknown;
    if (typeof f === 'function') return f as (s: string) => boolean;
    const validate = (f as { validate?: unknown } | undefined)?.validate;
    if (typeof validate === 'function') return (s: string) => Boolean((validate as (s: string) => unknown)(s));
    throw new Error(`ajv-formats has no ${name} validator`);
  };
  const rfcDateTime = rfc('date-time');
  const rfcDate = rfc('date');
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => rfcDateTime(s) && isSupportedInstant(Date.parse(s)) });
  ajv.addFormat('date', { type: 'string', validate: (s: string) => rfcDate(s) && isSupportedInstant(Date.parse(`${s}T00:00:00Z`)) });
  return ajv;
}
