// What a person can read of a text. Format characters (zero-width spaces, joiners, direction
// marks), combining marks on nothing, variation selectors, and the blank letters of Hangul and
// Braille all render as nothing; a reason, a reference or a name made of them says nothing.

/** A text safe inside HTML, as element content or a quoted attribute. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Characters Unicode counts as letters that render blank. */
const BLANK_LETTERS = '\u115F\u1160\u3164\uFFA0\u2800';

/**
 * A JSON Schema pattern (ajv compiles it with the u flag): at least one letter or digit that is
 * not a blank letter. Names, summaries, references and reasons use it.
 */
export const MEANINGFUL_PATTERN = `(?![${BLANK_LETTERS}])[\\p{L}\\p{N}]`;

const MEANINGFUL = new RegExp(`^${MEANINGFUL_PATTERN}$`, 'u');
const BLANKS = new Set([...BLANK_LETTERS].map((c) => c.codePointAt(0)));

/** A code point a reader sees as a letter or digit: ASCII and CJK ideographs at once, the rest by Unicode class. */
function meaningful(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  if (cp >= 0x4e00 && cp <= 0x9fff) return true;
  return !BLANKS.has(cp) && MEANINGFUL.test(String.fromCodePoint(cp));
}

/**
 * How many letters and digits a reader can see in a text, counted up to `enough` (rules ask
 * "at least n" on every filing, so the count stops there). Punctuation, marks, format
 * characters and blank letters do not count.
 */
export function meaningfulLength(s: string | null, enough = Number.POSITIVE_INFINITY): number {
  if (!s) return 0;
  let n = 0;
  for (let i = 0; i < s.length && n < enough; i++) {
    const cp = s.codePointAt(i) as number;
    if (cp > 0xffff) i++;
    if (meaningful(cp)) n++;
  }
  return n;
}
