import { formatLocal } from '../domain/calendar.js';
import type { DigestView, ScorecardEntryView } from '../domain/schemas.js';
import { escapeHtml } from '../domain/text.js';
import { violationKindNames, type ViolationKind } from '../domain/violation.js';

// A digest as a mail client shows it: one self-contained HTML document with inline styles only
// (mail clients drop <style> and never load scripts), and a small inline-SVG chart; and the
// scorecard as CSV with a BOM, so that spreadsheet programs read the Chinese names right.

const esc = escapeHtml;
const kindName = (k: string) => {
  const n = violationKindNames[k as ViolationKind];
  return n ? `${n['zh-CN']} / ${n.en}` : k;
};

const TABLE = 'border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 16px';
const TH = 'text-align:left;border-bottom:2px solid #cbd5e1;padding:4px 6px;background:#f1f5f9';
const TD = 'border-bottom:1px solid #e2e8f0;padding:4px 6px';
const H2 = 'font-size:16px;margin:20px 0 4px;color:#0f172a';

function table(head: string[], rows: (string | number)[][]): string {
  if (!rows.length) return `<p style="color:#64748b;font-size:13px">无 / none</p>`;
  return `<table style="${TABLE}"><tr>${head.map((h) => `<th style="${TH}">${esc(h)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td style="${TD}">${esc(String(c))}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

/** Filings (bars) and violations (line) per day over the last 30 days, as inline SVG. */
export function trendSvg(trend: DigestView['trend'], legend = '蓝=备案 filings · 红=问题 violations'): string {
  const w = 600;
  const h = 140;
  const pad = 20;
  const bottom = h - 2 * pad;
  const max = Math.max(1, ...trend.map((d) => Math.max(d.filings, d.violations)));
  const step = trend.length ? (w - 2 * pad) / trend.length : 0;
  const y = (v: number) => bottom - (v / max) * (bottom - pad);
  const bars = trend
    .map((d, i) => {
      const box = `x="${(pad + i * step + 1).toFixed(1)}" y="${y(d.filings).toFixed(1)}"`;
      const size = `width="${Math.max(step - 2, 1).toFixed(1)}" height="${(bottom - y(d.filings)).toFixed(1)}"`;
      return `<rect ${box} ${size} fill="#93c5fd"><title>${esc(d.day)}: ${d.filings} / ${d.violations}</title></rect>`;
    })
    .join('');
  const line = trend.map((d, i) => `${(pad + i * step + step / 2).toFixed(1)},${y(d.violations).toFixed(1)}`).join(' ');
  const first = trend[0]?.day ?? '';
  const last = trend[trend.length - 1]?.day ?? '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(legend)}">
<line x1="${pad}" y1="${bottom}" x2="${w - pad}" y2="${bottom}" stroke="#94a3b8"/>${bars}
${trend.length ? `<polyline points="${line}" fill="none" stroke="#dc2626" stroke-width="2"/>` : ''}
<text x="${pad}" y="12" font-size="11" fill="#334155">max ${max} · ${esc(legend)}</text>
<text x="${pad}" y="${h - 6}" font-size="11" fill="#334155">${esc(first)}</text>
<text x="${w - pad}" y="${h - 6}" font-size="11" fill="#334155" text-anchor="end">${esc(last)}</text></svg>`;
}

const SCORECARD_HEAD = ['#', '执法主体 agency', '备案 filings', '撤销 cancelled', '拦截 blocked', '预警 warned', '问题 violations'].concat([
  '评分 rating',
  '入企占比 on-site',
  '户均 per enterprise',
  '反映 reports',
  '反馈率 feedback',
  '办结率 completion',
  '满意率 satisfaction',
  '',
]);

/** A rate as people read it: 83%, or — when nothing was due (never 0% nor NaN). */
export const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)}%`);
/** 已反馈/应反馈 beside the rate, so that 100% of 1 reads differently from 100% of 40. */
const rateCell = (rate: number | null | undefined, n: number | undefined, of: number | undefined) =>
  rate === null || rate === undefined ? '—' : `${percent(rate)} (${n ?? 0}/${of ?? 0})`;
type Rates = NonNullable<ScorecardEntryView['reports']>;
const rateCells = (r: Rates | undefined) =>
  r
    ? [
        r.received,
        rateCell(r.feedbackRate, r.fedBack, r.dueFeedback),
        rateCell(r.completionRate, r.closed, r.received),
        rateCell(r.satisfactionRate, r.satisfied, r.rated),
      ]
    : ['—', '—', '—', '—'];
const RATES_HEAD = ['收到 received', '反馈率 feedback', '办结率 completion', '满意率 satisfaction'];
const RATES_NOTE =
  '反馈率 = 按时反馈（收到后 2 个工作日内首次答复）/ 应反馈；办结率 = 已办结（查实处理或不予认定）/ 收到；满意率 = （满意 + 非常满意）/ 已评价。' +
  ' Feedback rate = answered within 2 working days / due; completion = resolved or dismissed / received; satisfaction = rated 4-5 / rated.';
const BODY =
  "margin:0;padding:16px;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;" +
  'color:#0f172a;background:#ffffff;max-width:760px';

function section(d: DigestView): string {
  const scope = d.regions.length ? d.regions.join(', ') : '全部 / all regions';
  const agencyRows = d.violations.newByAgency.map((a) => [
    a.agencyName ?? a.agencyId ?? '未登记 / unregistered',
    a.total,
    Object.entries(a.byKind)
      .map(([k, n]) => `${kindName(k)} ${n}`)
      .join('; '),
  ]);
  const score = d.scorecard.map((e) => [
    e.rank,
    e.agencyName,
    e.filings,
    e.cancelled,
    e.blockedAttempts,
    e.warnings,
    e.violations.total,
    e.averageRating ?? '—',
    e.onSiteShare === null ? '—' : `${Math.round(e.onSiteShare * 100)}%`,
    e.visitsPerEnterprise ?? '—',
    ...rateCells(e.reports),
    e.vetoed ? `一票否决 vetoed: ${e.vetoed.violationIds.join(', ')}` : '',
  ]);
  return `<h1 style="font-size:20px;margin:0 0 4px;color:#0f172a">涉企检查每日摘要 · Daily digest ${esc(d.date)}</h1>
<p style="color:#475569;font-size:13px;margin:0 0 12px">
辖区 scope: ${esc(scope)} · ${esc(d.timeZone)} · 生成 generated ${esc(d.generatedAt)}</p>
<p style="font-size:14px">新增问题 new violations: <b>${d.violations.newTotal}</b>
· 拦截备案 blocked attempts: <b>${d.attempts.blocked}</b> · 预警备案 warned filings: <b>${d.attempts.warned}</b></p>
${trendSvg(d.trend)}
<h2 style="${H2}">新增问题（按类型）New violations by kind</h2>${table(
    ['类型 kind', '数量 n'],
    Object.entries(d.violations.newByKind).map(([k, n]) => [kindName(k), n]),
  )}
<h2 style="${H2}">新增问题（按执法主体）By agency</h2>${table(['执法主体 agency', '数量 n', '类型 kinds'], agencyRows)}
<h2 style="${H2}">未办结问题（按时长）Open violations by age</h2>${table(['时长 age', '数量 n'], Object.entries(d.violations.openByAge))}
<h2 style="${H2}">拦截原因 Blocked by rule</h2>${table(
    ['规则 rule', '次数 n'],
    d.attempts.blockedByRule.map((r) => [r.ruleId, r.n]),
  )}
<h2 style="${H2}">近30日被检查最多的企业 Most inspected (30 days)</h2>${table(
    ['企业 enterprise', 'USCC', '次数 visits'],
    d.mostInspected.map((m) => [m.name, m.uscc, m.visits]),
  )}
<h2 style="${H2}">大量反映的企业 Enterprises flooding reports</h2>${table(
    ['企业 enterprise', 'USCC', '反映 reports', '达到每日上限 quota reached'],
    (d.reportFloods ?? []).map((f) => [f.name, f.uscc, f.reports, f.quotaReached ? '是 yes' : '否 no']),
  )}
${handlingSection(d)}
<h2 style="${H2}">双随机抽查 Random draws</h2>${table(
    ['抽查 draw', '计划 plan', '执法主体 agency', '抽中 drawn'],
    d.draws.map((x) => [x.id, x.planName, x.agencyName, x.assignments]),
  )}
<h2 style="${H2}">执法主体评分 Agency scorecard</h2>${table(SCORECARD_HEAD, score)}
${rootLine(d) ? `<p style="color:#475569;font-size:12px;word-break:break-all">${esc(rootLine(d))}</p>` : ''}`;
}

/** How enterprises' reports of the last 30 days were handled: 反馈率, 办结率, 满意率, in total and per agency. */
function handlingSection(d: DigestView): string {
  const h = d.reportHandling;
  if (!h) return '';
  const rows = [['合计 total', ...rateCells(h.total)], ...h.byAgency.map((a) => [a.agencyName, ...rateCells(a)])];
  const asOf = formatLocal(new Date(h.asOf), d.timeZone);
  return `<h2 style="${H2}">企业反映办理情况（近30日）Handling of reports (30 days)</h2>
<p style="color:#475569;font-size:12px;margin:0">统计截至 as of ${esc(asOf)}</p>${table(['执法主体 agency', ...RATES_HEAD], rows)}
<p style="color:#475569;font-size:12px">${esc(RATES_NOTE)}</p>`;
}

const handlingLine = (h: NonNullable<DigestView['reportHandling']>) =>
  `企业反映（近30日）reports (30 days): 收到 ${h.total.received}; 反馈率 ${percent(h.total.feedbackRate)}; ` +
  `办结率 ${percent(h.total.completionRate)}; 满意率 ${percent(h.total.satisfactionRate)}\n`;

/** The day's signed audit root: kept in the mailbox, it lets anyone check later that the trail was not cut back or rewritten. */
function rootLine(d: DigestView): string {
  const r = d.auditRoot;
  return r
    ? `审计根 audit root #${r.seq} (${r.day}): ${r.root} · ${r.chains} chains, ${r.events} events · key ${r.keyId} · signature ${r.signature}`
    : '';
}

/** The mail's subject: both languages, as a county's mailboxes are read in either. */
export const digestSubject = (day: string) => `涉企检查每日摘要 Daily digest ${day}`;

export function digestHtml(digests: DigestView[]): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>涉企检查每日摘要 ${esc(digests[0]?.date ?? '')}</title></head>
<body style="${BODY}">
${digests.map(section).join('<hr style="border:0;border-top:1px solid #cbd5e1;margin:24px 0">')}
</body></html>`;
}

const floodLine = (f: NonNullable<DigestView['reportFloods']>[number]) =>
  `${f.name} (${f.uscc}) ${f.reports}${f.quotaReached ? ' 达上限 quota reached' : ''}`;

export function digestText(digests: DigestView[]): string {
  return digests
    .map(
      (d) =>
        `涉企检查每日摘要 Daily digest ${d.date} (${d.regions.join(', ') || 'all regions'})\n` +
        `新增问题 new violations: ${d.violations.newTotal}; 拦截 blocked: ${d.attempts.blocked}; 预警 warned: ${d.attempts.warned}\n` +
        (d.reportFloods?.length ? `大量反映 report floods: ${d.reportFloods.map(floodLine).join('; ')}\n` : '') +
        (d.reportHandling ? handlingLine(d.reportHandling) : '') +
        d.scorecard
          .map(
            (e) =>
              `${e.rank}. ${e.agencyName}: ${e.filings} filings, ${e.violations.total} violations${e.vetoed ? ' — 一票否决 vetoed' : ''}`,
          )
          .join('\n') +
        (rootLine(d) ? `\n${rootLine(d)}` : ''),
    )
    .join('\n\n');
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  // a leading =, +, - or @ would be a formula in a spreadsheet: quote it as text
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function scorecardCsv(entries: ScorecardEntryView[]): string {
  const head = [
    'rank',
    'agency_id',
    'agency_name',
    'filings',
    'cancelled',
    'blocked_attempts',
    'warnings',
    'violations',
    'violations_by_kind',
    'average_rating',
    'ratings',
    'on_site_share',
    'visits_per_enterprise',
    ...RATE_COLUMNS,
    'vetoed_by',
  ];
  const rows = entries.map((e) => [
    e.rank,
    e.agencyId,
    e.agencyName,
    e.filings,
    e.cancelled,
    e.blockedAttempts,
    e.warnings,
    e.violations.total,
    Object.entries(e.violations.byKind)
      .map(([k, n]) => `${k}:${n}`)
      .join(' '),
    e.averageRating,
    e.ratings,
    e.onSiteShare,
    e.visitsPerEnterprise,
    ...rateColumns(e.reports),
    e.vetoed ? e.vetoed.violationIds.join(' ') : '',
  ]);
  return `\uFEFF${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The digest's report floods as CSV (`?format=csv&table=report-floods`). */
export function reportFloodsCsv(floods: NonNullable<DigestView['reportFloods']>): string {
  const head = ['uscc', 'enterprise_name', 'reports', 'quota_reached'];
  const rows = floods.map((f) => [f.uscc, f.name, f.reports, f.quotaReached ? 'true' : 'false']);
  return `\uFEFF${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The rates' counts and shares as CSV columns (empty where there is no value: never 0 for "no reports"). */
/** The CSV columns of a ReportRates, in the order rateColumns writes them. */
const RATE_COLUMNS = [
  'reports_received',
  'reports_due_feedback',
  'reports_fed_back',
  'feedback_rate',
  'reports_closed',
  'completion_rate',
  'reports_rated',
  'reports_satisfied',
  'satisfaction_rate',
] as const;

function rateColumns(r: Rates | undefined): (number | null)[] {
  if (!r) return RATE_COLUMNS.map(() => null);
  return [r.received, r.dueFeedback, r.fedBack, r.feedbackRate, r.closed, r.completionRate, r.rated, r.satisfied, r.satisfactionRate];
}

/** The digest's handling of reports (30 days) per agency as CSV (`?format=csv&table=report-handling`); the first row is the total. */
export function reportHandlingCsv(h: DigestView['reportHandling']): string {
  const head = ['agency_id', 'agency_name', ...RATE_COLUMNS];
  const rows = h
    ? [['', '合计 total', ...rateColumns(h.total)], ...h.byAgency.map((a) => [a.agencyId, a.agencyName, ...rateColumns(a)])]
    : [];
  return `\uFEFF${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
