import { Router } from 'express';
import { formatLocal } from '../../domain/calendar.js';
import type { Lang, Localized } from '../../domain/i18n.js';
import type { DigestView, ScorecardEntryView } from '../../domain/schemas.js';
import { percent } from '../../notify/digest-render.js';
import { violationKindNames, type ViolationKind } from '../../domain/violation.js';
import type { Services } from '../../services/index.js';
import { need, param, web } from '../context.js';
import { page } from '../render.js';
import { text } from '../strings.js';
import { badQuery, isCalendarDay, noSuchDay } from './supervision-scope.js';
import { trendChart } from './supervision-chart.js';

// The daily digest (每日摘要) as a page of the site: the stored digest's data in the layout, times
// in the region's time zone; the e-mail's HTML stays the API's (?format=html).

/** The parts of a digest every page shows in its own way; anything else is shown as a figure. */
const KNOWN = new Set([
  'date',
  'timeZone',
  'regions',
  'generatedAt',
  'violations',
  'attempts',
  'mostInspected',
  'draws',
  'scorecard',
  'trend',
  'reportFloods',
  'reportHandling',
  'auditRoot',
]);

const AGES: Record<string, UiAge> = {
  'under 1 day': 'svAgeUnder1',
  '1-7 days': 'svAge1to7',
  '7-30 days': 'svAge7to30',
  'over 30 days': 'svAgeOver30',
};
type UiAge = 'svAgeUnder1' | 'svAge1to7' | 'svAge7to30' | 'svAgeOver30';

/** Names of figures a digest may carry beyond those above (added as the digest grows). */
const FIGURE_NAMES: Record<string, Localized> = {
  feedbackRate: { 'zh-CN': '反馈率', en: 'feedback rate' },
  completionRate: { 'zh-CN': '办结率', en: 'completion rate' },
  satisfactionRate: { 'zh-CN': '满意率', en: 'satisfaction rate' },
  reports: { 'zh-CN': '企业反映', en: 'reports' },
  received: { 'zh-CN': '收到', en: 'received' },
  answered: { 'zh-CN': '已答复', en: 'answered' },
  replied: { 'zh-CN': '已答复', en: 'replied' },
  closed: { 'zh-CN': '已办结', en: 'closed' },
  completed: { 'zh-CN': '已办结', en: 'completed' },
  rated: { 'zh-CN': '已评价', en: 'rated' },
  satisfied: { 'zh-CN': '满意', en: 'satisfied' },
  total: { 'zh-CN': '合计', en: 'total' },
  handling: { 'zh-CN': '企业反映办理情况', en: 'handling of reports' },
  reportHandling: { 'zh-CN': '企业反映办理情况', en: 'handling of reports' },
  rates: { 'zh-CN': '办理情况', en: 'handling rates' },
};

export interface Figure {
  label: string;
  value: string;
}

/**
 * The figures of a digest's parts this page does not know by shape: numbers (rates as
 * percentages) under their names; a figure without a known name is left out of a Chinese page
 * rather than shown by its field name.
 */
export function extraFigures(d: DigestView, lang: Lang): { title: string; figures: Figure[] }[] {
  const out: { title: string; figures: Figure[] }[] = [];
  const named = (k: string) => FIGURE_NAMES[k]?.[lang] ?? (lang === 'en' ? k : null);
  const fmt = (k: string, v: unknown): string | null => {
    if (typeof v === 'number') return /rate|share/i.test(k) && v <= 1 ? `${Math.round(v * 1000) / 10}%` : String(v);
    if (v === null) return '—';
    if (typeof v === 'string' && v.length <= 40) return v;
    return null;
  };
  for (const [key, value] of Object.entries(d as Record<string, unknown>)) {
    if (KNOWN.has(key)) continue;
    const title = named(key);
    if (!title) continue;
    const figures: Figure[] = [];
    const direct = fmt(key, value);
    if (direct !== null) figures.push({ label: title, value: direct });
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const label = named(k);
        const shown = fmt(k, v);
        if (label && shown !== null) figures.push({ label, value: shown });
      }
    }
    if (figures.length) out.push({ title, figures });
  }
  return out;
}

export function digestPages(services: Services): Router {
  const r = Router();

  const ruleName = (lang: Lang) => {
    const names = new Map<string, string>();
    for (const s of services.ctx.rules.active())
      for (const rule of s.file.rules) {
        const titled = (rule as { title?: Localized }).title;
        // a rule's own message names what it stops; its placeholders are what a filing filled in
        if (!names.has(rule.id)) names.set(rule.id, (titled ?? rule.message)[lang].replace(/\{[^}]+\}/g, '…'));
      }
    return (id: string) => names.get(id) ?? text(lang, 'svRuleRetired');
  };

  r.get('/dashboard/digests', async (_req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const [kept, runs] = await Promise.all([
      services.digests.list(p, 90),
      services.jobs.list({ job: 'digest', outcome: 'succeeded', limit: 90 }),
    ]);
    // a scope's digest is kept once it is mailed or read: the days the job ran are there to open too
    const byDay = new Map<string, { date: string; newViolations: number | null; blocked: number | null; generatedAt: string | null }>(
      kept.map((d) => [d.date, d]),
    );
    for (const r of runs.items)
      if (/^\d{4}-\d{2}-\d{2}$/.test(r.period) && !byDay.has(r.period))
        byDay.set(r.period, { date: r.period, newViolations: null, blocked: null, generatedAt: null });
    const items = [...byDay.values()].sort((a, b) => b.date.localeCompare(a.date)).slice(0, 90);
    page(res, 'digest-list', text(w.lang, 'svDigestsTitle'), {
      items,
      whenTz: (at: string) => formatLocal(new Date(at), services.ctx.tz),
    });
  });

  r.get('/dashboard/digests/:date', async (req, res) => {
    const p = need(res, ['supervisor', 'admin']);
    const w = web(res);
    const date = param(req, 'date');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw badQuery('date');
    if (!isCalendarDay(date)) throw noSuchDay('date');
    const d = await services.digests.get(p, date);
    // the digest's own time zone: the region's, whatever the server's
    const tz = d.timeZone || services.ctx.tz;
    page(res, 'digest-page', text(w.lang, 'svDigestTitle', { date: d.date }), {
      d,
      tz,
      whenTz: (at: string) => formatLocal(new Date(at), tz),
      chart: trendChart(d.trend, d.date, w.lang, true),
      kindName: (k: string) => violationKindNames[k as ViolationKind]?.[w.lang] ?? text(w.lang, 'svOtherKind'),
      ruleName: ruleName(w.lang),
      extras: extraFigures(d, w.lang),
      ageName: (k: string) => (AGES[k] ? text(w.lang, AGES[k]) : text(w.lang, 'svOtherKind')),
      handling: d.reportHandling ?? null,
      ratesOf: (e: ScorecardEntryView) => e.reports ?? null,
      pct: percent,
    });
  });

  return r;
}
