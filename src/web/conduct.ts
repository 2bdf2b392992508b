import type { Localized } from '../domain/i18n.js';
import type { Services } from '../services/index.js';

/**
 * The seven not-allowed as an enterprise ticks them: each item's name, its rule's title, or for a
 * rule set without titles what its message states before the colon (the rest explains the
 * finding to an agency, with its placeholders).
 */
export function conductChoices(services: Services): { id: string; message: Localized }[] {
  const name = (s: string) => (s.split(/：|: /)[0] ?? s).replace(/\{\w+\}/g, '…');
  return services.violations
    .conductItems()
    .map((c) => ({ id: c.id, message: c.title ?? { 'zh-CN': name(c.message['zh-CN']), en: name(c.message.en) } }));
}
