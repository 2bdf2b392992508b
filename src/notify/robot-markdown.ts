import type { DigestView, ReportRatesView } from '../domain/schemas.js';
import { percent } from './digest-render.js';
import { formatLocal } from '../domain/calendar.js';
import { violationKindNames, type ViolationKind } from '../domain/violation.js';

// What a county office reads in its DingTalk or WeCom group: the daily digest (每日摘要) and an
// urgent violation, as the small markdown both robots render (headings, bold, lists, links,
// quotes). In Chinese only: the groups are the county's own, and the robots show no language
// switch. Only the fields known here are rendered; a digest that carries more (added later) is
// still rendered, without them.

const kindName = (k: string) => violationKindNames[k as ViolationKind]?.['zh-CN'] ?? '其他问题';

const AGE_NAMES: Record<string, string> = {
  'under 1 day': '不足1天',
  '1-7 days': '1至7天',
  '7-30 days': '7至30天',
  'over 30 days': '超过30天',
};

/**
 * Text from people (names, descriptions) on one line, without what the robots' markdown would
 * read as markup: a name cannot turn into a link, a heading or a quote in the county's group.
 */
export function mdText(s: string, max = 200): string {
  const flat = s
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is taken out
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    // format characters (direction overrides and isolates, zero-width marks) show nothing and
    // would let a name reorder what follows it in the group
    .replace(/\p{Cf}+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
  return cut.replace(/([\\`*_[\]()#>!<|~-])/g, '\\$1');
}

export interface RobotMessage {
  /** what a DingTalk notification shows before it is opened */
  title: string;
  /** the markdown, whole */
  text: string;
  /** where the whole of it is read, for a message cut short (WeCom's 4096 bytes) */
  fullUrl: string;
}

/** The day's digests (one per scope; the robots get the one for everywhere) as one markdown message. */
export function digestMarkdown(digests: DigestView[], publicUrl: string): RobotMessage {
  const day = digests[0]?.date ?? '';
  const fullUrl = `${publicUrl}/dashboard/digests/${day}`;
  const parts = digests.map((d) => digestSection(d));
  return {
    title: `涉企检查每日摘要 ${day}`,
    text: `${parts.join('\n\n---\n\n')}\n\n[查看完整摘要](${fullUrl})`,
    fullUrl,
  };
}

function digestSection(d: DigestView): string {
  const lines: string[] = [];
  lines.push(`### 涉企检查每日摘要 ${d.date}`);
  lines.push(`辖区：${d.regions.length ? d.regions.map((r) => mdText(r)).join('、') : '全部'}`);
  lines.push('');
  lines.push(`- 新增问题：**${d.violations.newTotal}** 件`);
  lines.push(`- 拦截备案：**${d.attempts.blocked}** 次`);
  lines.push(`- 预警备案：**${d.attempts.warned}** 件`);
  const open = Object.entries(d.violations.openByAge ?? {}).filter(([, n]) => n > 0);
  if (open.length) lines.push(`- 未办结问题：${open.map(([age, n]) => `${AGE_NAMES[age] ?? mdText(age)} ${n} 件`).join('，')}`);

  const byKind = Object.entries(d.violations.newByKind ?? {});
  if (byKind.length) {
    lines.push('', '#### 新增问题（按类型）');
    for (const [k, n] of byKind) lines.push(`- ${kindName(k)}：${n} 件`);
  }
  if (d.violations.newByAgency?.length) {
    lines.push('', '#### 新增问题（按执法主体）');
    for (const a of d.violations.newByAgency) {
      const kinds = Object.entries(a.byKind)
        .map(([k, n]) => `${kindName(k)} ${n}`)
        .join('，');
      lines.push(`- ${mdText(a.agencyName ?? '未登记的执法主体')}：**${a.total}** 件（${kinds}）`);
    }
  }
  if (d.scorecard?.length) {
    lines.push('', '#### 执法主体评分');
    for (const e of d.scorecard) {
      const rating = e.averageRating === null ? '' : `，好差评均分 ${e.averageRating}`;
      const veto = e.vetoed ? '，**一票否决**' : '';
      lines.push(`${e.rank}. ${mdText(e.agencyName)}：备案 ${e.filings} 件，问题 ${e.violations.total} 件${rating}${veto}`);
    }
  }
  if (d.reportFloods?.length) {
    lines.push('', '#### 大量反映的企业');
    for (const f of d.reportFloods)
      lines.push(`- ${mdText(f.name)}（${f.uscc}）：${f.reports} 件${f.quotaReached ? '，已达每日上限' : ''}`);
  }
  if (d.draws?.length) {
    lines.push('', '#### 双随机抽查');
    for (const x of d.draws) lines.push(`- ${mdText(x.planName)}（${mdText(x.agencyName)}）：抽中 ${x.assignments} 户`);
  }
  lines.push(...reportHandlingLines(d));
  const r = d.auditRoot;
  // the day's signed root, kept in the group's history: a later rewrite of the trail shows against it
  if (r) lines.push('', `> 审计根 #${r.seq}（${r.day}）：${r.root}，${r.chains} 条链，${r.events} 个事件`);
  return lines.join('\n');
}

const ratesText = (r: ReportRatesView) =>
  `收到 ${r.received} 件，反馈率 ${percent(r.feedbackRate)}，办结率 ${percent(r.completionRate)}，满意率 ${percent(r.satisfactionRate)}`;

/**
 * Enterprises' reports and how they were handled (反馈率, 办结率, 满意率 over 30 days), as the
 * county reports them for its 12345/8890 lines; a digest made before these numbers existed has none.
 */
function reportHandlingLines(d: DigestView): string[] {
  const h = d.reportHandling;
  if (!h) return [];
  const lines = ['', '#### 企业反映办理情况（近30日）', `- 合计：${ratesText(h.total)}`];
  for (const a of h.byAgency) lines.push(`- ${mdText(a.agencyName)}：${ratesText(a)}`);
  return lines;
}

/** What an urgent notice needs of a violation (its enterprise's name looked up beside it). */
export interface UrgentViolation {
  id: string;
  kind: string;
  source: string;
  agencyName: string | null;
  enterpriseUscc: string | null;
  enterpriseName: string | null;
  occurredAt: Date;
  description: string | null;
}

const SOURCE_NAMES: Record<string, string> = { system: '系统发现', report: '企业反映', feedback: '企业评价', supervisor: '监督检查发现' };

/** One urgent violation, for the group to act on the same day. */
export function urgentMarkdown(v: UrgentViolation, publicUrl: string, tz: string): RobotMessage {
  const fullUrl = `${publicUrl}/dashboard/violations/${encodeURIComponent(v.id)}`;
  const enterprise = !v.enterpriseUscc ? '—' : v.enterpriseName ? `${mdText(v.enterpriseName)}（${v.enterpriseUscc}）` : v.enterpriseUscc;
  const lines = [
    `### 【紧急】${kindName(v.kind)}`,
    `- 执法主体：${mdText(v.agencyName ?? '未登记的执法主体')}`,
    `- 企业：${enterprise}`,
    `- 发生时间：${formatLocal(v.occurredAt, tz)}`,
    `- 来源：${SOURCE_NAMES[v.source] ?? '系统发现'}`,
    `- 问题编号：${v.id}`,
  ];
  if (v.description) lines.push('', `> ${mdText(v.description, 300)}`);
  lines.push('', `[查看并处理](${fullUrl})`);
  return { title: `【紧急】${kindName(v.kind)}`, text: lines.join('\n'), fullUrl };
}
