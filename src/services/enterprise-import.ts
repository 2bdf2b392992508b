import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { RISK_CLASSES, type RiskClass } from '../domain/filing.js';
import { localize, type Lang } from '../domain/i18n.js';
import { messages } from '../domain/messages.js';
import type { Principal } from '../domain/principal.js';
import { isRegion } from '../domain/region.js';
import { MEANINGFUL_PATTERN } from '../domain/text.js';
import { validateUscc } from '../domain/uscc.js';
import type { EnterpriseRecord } from '../store/enterprises-repo.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';

// The registry from a spreadsheet: a county's enterprises, tens of thousands of lines. Every line
// is checked as POST /enterprises checks one; a line that fails is reported with its reason and
// the rest is imported. Everything goes in one transaction: a fatal problem (a header that is
// not ours, a file that is not UTF-8, the database) leaves nothing half-imported.

/** Columns by every name a header may give them (English as the API names them, or Chinese). */
const COLUMNS = {
  uscc: ['uscc', '统一社会信用代码', '信用代码'],
  name: ['name', '名称', '企业名称'],
  region: ['region', '区划代码', '行政区划代码', '所在区划'],
  industry: ['industry', '行业'],
  riskClass: ['riskclass', 'risk_class', '风险等级', '信用风险等级'],
  noDisturb: ['nodisturb', 'no_disturb', '无事不扰'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: readonly Column[] = ['uscc', 'name', 'region'];

const MEANINGFUL = new RegExp(MEANINGFUL_PATTERN, 'u');
const YES = new Set(['true', '1', 'yes', 'y', '是']);
const NO = new Set(['', 'false', '0', 'no', 'n', '否']);
const BATCH = 1000;

/** A line as it is registered. */
export type ImportRow = Omit<EnterpriseRecord, 'createdAt'>;

export interface ImportReport {
  lines: number;
  imported: number;
  refused: { line: number; reason: string }[];
}

/** A problem that stops the whole import: nothing is imported. */
export class ImportFatal extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const text = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);
/** A value from the file as a report may repeat it: no control characters (a terminal would obey them), not a page long. */
const shown = (v: string) => v.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 40);

function headerColumns(header: string[], lang: Lang): Map<Column, number> {
  const at = new Map<Column, number>();
  header.forEach((raw, i) => {
    const h = raw.trim().toLowerCase();
    const col = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(h));
    if (!col) {
      throw new ImportFatal(
        text(
          lang,
          `第 1 行：未知的列“${shown(raw)}”；可用的列为 uscc, name, region, industry, riskClass, noDisturb（或对应的中文列名）`,
          `line 1: unknown column "${shown(raw)}"; the columns are uscc, name, region, industry, riskClass, noDisturb (or their Chinese names)`,
        ),
        1,
      );
    }
    if (at.has(col)) throw new ImportFatal(text(lang, `第 1 行：列“${shown(raw)}”重复`, `line 1: column "${shown(raw)}" appears twice`), 1);
    at.set(col, i);
  });
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length)
    throw new ImportFatal(text(lang, `第 1 行：缺少必需的列 ${missing.join(', ')}`, `line 1: the header lacks ${missing.join(', ')}`), 1);
  return at;
}

function parseRow(fields: string[], at: Map<Column, number>, width: number, lang: Lang): ImportRow | string {
  if (fields.length !== width)
    return text(lang, `应有 ${width} 个字段，实际 ${fields.length} 个`, `expected ${width} fields, found ${fields.length}`);
  const get = (c: Column) => (at.has(c) ? (fields[at.get(c) as number] ?? '').trim() : '');
  if (fields.some((f) => f.includes('\u0000'))) return text(lang, '含有 NUL 字符', 'contains a NUL character');
  let uscc: string;
  try {
    uscc = validateUscc(get('uscc'));
  } catch (err) {
    if (err instanceof AppError) return localize(messages[err.messageKey], lang, err.params);
    throw err;
  }
  // the checks of the API's schema (Text, Region), so that a line and a POST are refused alike
  const name = get('name');
  if (!name || [...name].length > 200) return text(lang, '名称为空或超过 200 字', 'the name is empty or longer than 200 characters');
  if (!MEANINGFUL.test(name)) return text(lang, '名称须含有可见的文字或数字', 'the name must contain a visible letter or digit');
  const region = get('region');
  if (!/^\d{6}$/.test(region))
    return text(lang, `区划代码“${shown(region)}”应为 6 位数字`, `region "${shown(region)}" should be six digits`);
  if (!isRegion(region)) return text(lang, `未知的区划代码“${shown(region)}”`, `unknown region "${shown(region)}"`);
  const industry = get('industry');
  if ([...industry].length > 100) return text(lang, '行业超过 100 字', 'the industry is longer than 100 characters');
  if (industry && !MEANINGFUL.test(industry))
    return text(lang, '行业须含有可见的文字或数字', 'the industry must contain a visible letter or digit');
  const risk = get('riskClass').toUpperCase();
  if (risk && !(RISK_CLASSES as readonly string[]).includes(risk))
    return text(lang, `风险等级“${shown(risk)}”应为 A、B、C 或 D`, `risk class "${shown(risk)}" should be A, B, C or D`);
  const quiet = get('noDisturb').toLowerCase();
  if (!YES.has(quiet) && !NO.has(quiet))
    return text(lang, `无事不扰“${shown(quiet)}”应为 是/否 或 true/false`, `noDisturb "${shown(quiet)}" should be true or false`);
  return { uscc, name, region, industry: industry || null, riskClass: (risk || null) as RiskClass | null, noDisturb: YES.has(quiet) };
}

/** Imports CSV records (the first is the header), each with its line in the file; returns what was imported and every refused line. */
export async function importEnterprises(
  ctx: ServiceContext,
  actor: Pick<Principal, 'keyId'>,
  records: AsyncIterable<{ fields: string[]; line: number }>,
  opts: { lang: Lang; onProgress?: (lines: number) => void; source: string },
): Promise<ImportReport> {
  const report: ImportReport = { lines: 0, imported: 0, refused: [] };
  const digest = createHash('sha256');
  await ctx.db.transaction().execute(async (trx) => {
    let at: Map<Column, number> | null = null;
    let width = 0;
    const seen = new Map<string, number>();
    let batch: { row: ImportRow; line: number }[] = [];

    const flush = async () => {
      if (!batch.length) return;
      const exists = new Set(
        (
          await trx
            .selectFrom('enterprises')
            .select('uscc')
            .where(
              'uscc',
              'in',
              batch.map((b) => b.row.uscc),
            )
            .execute()
        ).map((r) => r.uscc),
      );
      const fresh = batch.filter((b) => {
        if (!exists.has(b.row.uscc)) return true;
        report.refused.push({ line: b.line, reason: text(opts.lang, `${b.row.uscc} 已登记`, `${b.row.uscc} is already registered`) });
        return false;
      });
      if (fresh.length) {
        const inserted = await trx
          .insertInto('enterprises')
          .values(
            fresh.map(({ row }) => ({
              uscc: row.uscc,
              name: row.name,
              region: row.region,
              industry: row.industry,
              risk_class: row.riskClass,
              no_disturb: row.noDisturb,
            })),
          )
          .onConflict((oc) => oc.column('uscc').doNothing())
          .returning('uscc')
          .execute();
        const done = new Set(inserted.map((r) => r.uscc));
        for (const b of fresh) {
          if (done.has(b.row.uscc)) digest.update(`${b.row.uscc}\n`);
          else
            report.refused.push({
              line: b.line,
              reason: text(opts.lang, `${b.row.uscc} 刚被另一请求登记`, `${b.row.uscc} was registered by another request meanwhile`),
            });
        }
        report.imported += done.size;
      }
      batch = [];
    };

    for await (const { fields, line } of records) {
      if (!at) {
        at = headerColumns(fields, opts.lang);
        width = fields.length;
        continue;
      }
      report.lines++;
      const parsed = parseRow(fields, at, width, opts.lang);
      if (typeof parsed === 'string') {
        report.refused.push({ line, reason: parsed });
      } else if (seen.has(parsed.uscc)) {
        report.refused.push({
          line,
          reason: text(
            opts.lang,
            `${parsed.uscc} 与第 ${seen.get(parsed.uscc)} 行重复`,
            `${parsed.uscc} repeats line ${seen.get(parsed.uscc)}`,
          ),
        });
      } else {
        seen.set(parsed.uscc, line);
        batch.push({ row: parsed, line });
        if (batch.length >= BATCH) await flush();
      }
      if (report.lines % 1000 === 0) opts.onProgress?.(report.lines);
    }
    if (!at)
      throw new ImportFatal(
        text(
          opts.lang,
          '文件是空的：第 1 行应为表头（uscc,name,region,…）',
          'the file is empty: line 1 should be the header (uscc,name,region,…)',
        ),
        1,
      );
    await flush();
    opts.onProgress?.(report.lines);
    if (report.imported) {
      await record(trx, {
        chain: chains.registry,
        at: ctx.clock.now(),
        actor: actor.keyId,
        action: 'enterprises.imported',
        entityType: 'import',
        entityId: opts.source,
        payload: { lines: report.lines, imported: report.imported, refused: report.refused.length, importedSha256: digest.digest('hex') },
      });
    }
  });
  report.refused.sort((a, b) => a.line - b.line);
  return report;
}
