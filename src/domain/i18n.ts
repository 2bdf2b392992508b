// Every user-facing text exists in both languages; zh-CN is the default because the
// product's users are Chinese agencies and enterprises.
export type Lang = 'zh-CN' | 'en';
export type Localized = { 'zh-CN': string; en: string };
export type Params = Record<string, string | number | Localized>;

export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh-CN';
  for (const part of acceptLanguage.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
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
