/**
 * JSON text of answers that many requests share and nobody changes: a verification answer is
 * one frozen object per filing view and window state (services/verification.ts), answered to
 * every scan of its code. Writing it out once instead of once per scan was a measurable share of
 * the hottest route (docs/performance.md).
 */
const texts = new WeakMap<object, string>();

/** `JSON.stringify(value)`, worked out once for each (frozen, shared) object. */
export function sharedJson(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
