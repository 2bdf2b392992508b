// Every user-facing text exists in both languages; zh-CN is the default because the
// product's users are Chinese agencies and enterprises.
export type Lang = 'zh-CN' | 'en';
export type Localized = { 'zh-CN': string; en: string };
export type Params = Record<string, string | number | Localized>;

export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh-CN';
  // the most preferred language we have, by q-value (RFC 9110); q=0 means "not this one"
  let best: Lang = 'zh-CN';
  let bestQ = 0;
  for (const part of acceptLanguage.split(',')) {
    const [tagRaw, ...params] = part.split(';');
    const tag = tagRaw?.trim().toLowerCase() ?? '';
    const lang: Lang | null = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en' : null;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > bestQ) {
      best = lang;
      bestQ = q;
    }
  }
  return best;
}

/** Fills `{name}` placeholders; a missing value stays visible as `{name}` rather than vanishing. */
export function fill(template: string, params: Params = {}, lang: Lang = 'zh-CN'): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    if (v === undefined) return whole;
    return typeof v === 'object' ? v[lang] : String(v);
  });
}

export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

export function localize(text: Localized, lang: Lang, params?: Params): string {
  return fill(text[lang], params, lang);
}

/** Both languages with the same values filled in, for texts that are stored (decisions). */
export function fillBoth(text: Localized, params: Params = {}): Localized {
  return { 'zh-CN': fill(text['zh-CN'], params, 'zh-CN'), en: fill(text.en, params, 'en') };
}
