import type { Lang } from '../../domain/i18n.js';
import type { DigestView } from '../../domain/schemas.js';
import { escapeHtml } from '../../domain/text.js';
import { text } from '../strings.js';

// The dashboard's trend: 30 bars that shrink to the width of a phone (a viewBox, no minimum
// width, so nothing scrolls sideways and today's bar, the last, is always in view), today marked,
// and the same numbers as a table for a screen reader or a keyboard user.

const W = 330;
const H = 150;
const PAD = 6;
const TOP = 22;
const BOTTOM = H - 22;

export interface TrendChart {
  svg: string;
  /** a sentence: the period, today's numbers, the totals */
  summary: string;
  rows: DigestView['trend'];
  today: string;
  /** 今天 on the dashboard, 当日 on a digest */
  markWord: string;
}

/** `today`: the day marked (the dashboard's today, or a digest's own day, marked 当日). */
export function trendChart(trend: DigestView['trend'], today: string, lang: Lang, digestDay = false): TrendChart {
  const markWord = text(lang, digestDay ? 'svDigestDay' : 'svToday');
  const max = Math.max(1, ...trend.map((d) => Math.max(d.filings, d.violations)));
  const step = trend.length ? (W - 2 * PAD) / trend.length : 0;
  const y = (v: number) => BOTTOM - (v / max) * (BOTTOM - TOP);
  const bars = trend
    .map((d, i) => {
      const x = PAD + i * step + 1;
      const isToday = d.day === today;
      const h = Math.max(BOTTOM - y(d.filings), d.filings ? 1 : 0);
      const title = escapeHtml(text(lang, 'svChartDay', { day: d.day, filings: d.filings, violations: d.violations }));
      const box = `x="${x.toFixed(1)}" y="${(BOTTOM - h).toFixed(1)}" width="${Math.max(step - 2, 1).toFixed(1)}" height="${h.toFixed(1)}"`;
      return `<rect ${box} class="${isToday ? 'sv-bar today' : 'sv-bar'}"><title>${title}</title></rect>`;
    })
    .join('');
  const points = trend.map((d, i) => `${(PAD + i * step + step / 2).toFixed(1)},${y(d.violations).toFixed(1)}`).join(' ');
  const last = trend.length - 1;
  const todayIndex = trend.findIndex((d) => d.day === today);
  const markX = Math.min(PAD + todayIndex * step + step / 2, W - PAD).toFixed(1);
  const mark =
    todayIndex >= 0 ? `<text x="${markX}" y="${TOP - 8}" text-anchor="end" class="sv-today-label">${escapeHtml(markWord)} ▾</text>` : '';
  const label = (x: number, anchor: string, s: string) =>
    `<text x="${x}" y="${H - 6}" text-anchor="${anchor}" class="sv-axis">${escapeHtml(s)}</text>`;
  const t = trend[todayIndex >= 0 ? todayIndex : last];
  const summary = text(lang, 'svChartSummary', {
    mark: markWord,
    from: trend[0]?.day ?? '—',
    to: trend[last]?.day ?? '—',
    filings: trend.reduce((n, d) => n + d.filings, 0),
    violations: trend.reduce((n, d) => n + d.violations, 0),
    todayFilings: t?.filings ?? 0,
    todayViolations: t?.violations ?? 0,
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(summary)}" focusable="false">` +
    `<line x1="${PAD}" y1="${BOTTOM}" x2="${W - PAD}" y2="${BOTTOM}" class="sv-base"/>${bars}` +
    (trend.length ? `<polyline points="${points}" class="sv-line"/>` : '') +
    `<text x="${PAD}" y="12" class="sv-axis">${escapeHtml(text(lang, 'svChartMax', { max }))}</text>${mark}` +
    label(PAD, 'start', trend[0]?.day.slice(5) ?? '') +
    label(W - PAD, 'end', trend[last]?.day.slice(5) ?? '') +
    `</svg>`;
  return { svg, summary, rows: trend, today, markWord };
}
