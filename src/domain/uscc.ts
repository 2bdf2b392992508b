import { AppError } from './errors.js';
import { fillBoth, type Params } from './i18n.js';
import { messages } from './messages.js';

// GB 32100-2015: 18 characters, position 18 is a mod-31 check character.
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i] as string) * (WEIGHTS[i] as number);
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check] as string;
}

/** Returns the normalized (upper-case) code or throws `uscc_invalid` naming what is wrong. */
/** `where`: the field it came in (a JSON pointer, `path` for the address, `?enterprise` for a query), named in the error's details. */
export function validateUscc(raw: string, where = '/uscc'): string {
  const code = raw.trim().toUpperCase();
  const fail = (key: 'uscc_length' | 'uscc_charset' | 'uscc_check', params: Params) => {
    return new AppError('uscc_invalid', key, params, [{ path: where, message: fillBoth(messages[key], params) }]);
  };
  if (code.length !== 18) throw fail('uscc_length', { length: code.length });
  for (let i = 0; i < 18; i++) {
    const ch = code[i] as string;
    if (!USCC_ALPHABET.includes(ch)) throw fail('uscc_charset', { position: i + 1, char: ch });
  }
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) throw fail('uscc_check', { expected, actual: code[17] as string });
  return code;
}

/** Positions 3-8: the administrative division code of the registering authority. */
export const usccRegion = (uscc: string) => uscc.slice(2, 8);

/** Builds a valid code from a 2-char registration-type prefix, a 6-digit region and a 9-char body. */
export function makeUscc(prefix: string, region: string, body: string): string {
  const first17 = `${prefix}${region}${body}`.toUpperCase();
  return first17 + usccCheckChar(first17);
}
