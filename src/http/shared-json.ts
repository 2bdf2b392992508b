/**
 * JSON text of objects that many answers share and nobody changes: the parts of a cached
 * verification view. A scan's answer is mostly such parts (the filing, the notice); writing them
 * out once per view instead of once per scan was a measurable share of the hottest route
 * (README, Performance).
 */
const texts = new WeakMap<object, string>();

function sharedText(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** `JSON.stringify(value)`, with the object-valued properties named in `shared` written from their cached text. */
export function jsonWithShared<T extends object>(value: T, shared: readonly (keyof T & string)[]): string {
  const parts: string[] = [];
  for (const [key, field] of Object.entries(value) as [keyof T & string, unknown][]) {
    if (field === undefined || typeof field === 'function') continue;
    const text = shared.includes(key) && field !== null && typeof field === 'object' ? sharedText(field) : JSON.stringify(field);
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
