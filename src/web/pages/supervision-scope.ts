import { AppError, notFound } from '../../domain/errors.js';
import type { Entity } from '../../domain/messages.js';
import { inRegions, type Principal } from '../../domain/principal.js';
import type { AgencyView } from '../../domain/schemas.js';
import type { Services } from '../../services/index.js';

// What a supervisor's pages may show: the agencies of the supervisor's regions (an admin: all).
// A supervisor of another region gets a page that says "not found", never another region's data.

/** Enough for a county and its townships; a province's pages filter by other means. */
const MAX_AGENCIES = 5000;
const PAGE = 500;

export type ScopedAgency = Pick<AgencyView, 'id' | 'name' | 'region' | 'active'>;

/** The agencies a principal supervises, by name, for choosing one on a form or a filter. */
export async function agenciesInScope(services: Services, p: Principal): Promise<ScopedAgency[]> {
  const out: ScopedAgency[] = [];
  let cursor: string | undefined;
  for (let seen = 0; seen < MAX_AGENCIES; seen += PAGE) {
    const page = await services.registry.listAgencies(p, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const a of page.items)
      if (p.role === 'admin' || inRegions(a.region, p.regions)) out.push({ id: a.id, name: a.name, region: a.region, active: a.active });
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** Refuses (as "not found", like the API) an agency outside the principal's regions. */
export async function assertAgencyInScope(services: Services, p: Principal, agencyId: string, entity: Entity, id: string): Promise<void> {
  if (p.role === 'admin') return;
  const agency = await services.registry.getAgency(p, agencyId).catch(() => null);
  if (!agency || !inRegions(agency.region, p.role === 'supervisor' ? p.regions : ['-'])) throw notFound(entity, id);
}

/** A query parameter as text: one value, trimmed; anything else (arrays, objects) is refused. */
export function queryText(query: unknown, name: string, max = 100): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) throw badQuery(name);
  const t = v.trim();
  return t || undefined;
}

export const badQuery = (name: string) =>
  new AppError('validation_failed', 'validation_failed', {}, [
    {
      path: `/${name}`,
      message: { 'zh-CN': '查询条件不正确，请从页面上的选项中选择', en: 'not a valid filter: choose from the page’s options' },
    },
  ]);

/** One of a list of values, or nothing; anything else is a 400 with a message. */
export function queryChoice<T extends string>(query: unknown, name: string, choices: readonly T[]): T | undefined {
  const v = queryText(query, name);
  if (v === undefined) return undefined;
  const hit = choices.find((c) => c === v);
  if (!hit) throw badQuery(name);
  return hit;
}

/** A day that exists: 2026-02-30 is written like one, but Date.parse would take it for 2 March. */
export function isCalendarDay(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const ms = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === v;
}

/** A day written as one that is not in the calendar (the 30th of February), said so. */
export const noSuchDay = (name: string) =>
  new AppError('validation_failed', 'validation_failed', {}, [
    {
      path: `/${name}`,
      message: {
        'zh-CN': '没有这一天，请填写日历上有的日期，例如 2026-12-01',
        en: 'no such day: give a date on the calendar, such as 2026-12-01',
      },
    },
  ]);

/** A local calendar day (YYYY-MM-DD) from a date field, or nothing; anything else is a 400. */
export function queryDay(query: unknown, name: string): string | undefined {
  const v = queryText(query, name, 10);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw badQuery(name);
  if (!isCalendarDay(v)) throw noSuchDay(name);
  return v;
}
