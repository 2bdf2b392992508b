// What a person can read of a text. Format characters (zero-width spaces, joiners, direction
// marks), combining marks on nothing, variation selectors, and the blank letters of Hangul and
// Braille all render as nothing; a reason, a reference or a name made of them says nothing.

/** Characters Unicode counts as letters that render blank. */
const BLANK_LETTERS = '\u115F\u1160\u3164\uFFA0\u2800';
const INVISIBLE = new RegExp(`[\\p{Cf}\\p{Mn}\\p{Me}\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}${BLANK_LETTERS}]`, 'gu');

/**
 * A JSON Schema pattern (ajv compiles it with the u flag): at least one letter or digit that is
 * not a blank letter. Names, summaries, references and reasons use it.
 */
export const MEANINGFUL_PATTERN = `(?![${BLANK_LETTERS}])[\\p{L}\\p{N}]`;

/** The text with what renders as nothing removed and whitespace runs collapsed. */
export function visibleText(s: string): string {
  return s.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
}

const MEANINGFUL = new RegExp(MEANINGFUL_PATTERN, 'u');
/** How many letters and digits a text holds that a reader can see (punctuation and blanks do not count). */
export function meaningfulLength(s: string | null): number {
  if (!s) return 0;
  let n = 0;
  for (const ch of visibleText(s)) if (MEANINGFUL.test(ch)) n++;
  return n;
}
