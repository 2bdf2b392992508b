import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { RISK_CLASSES, type RiskClass } from '../domain/filing.js';
import { fillBoth, type Params } from '../domain/i18n.js';
import { messages, type ImportTextKey } from '../domain/messages.js';
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

/** Why a line was refused, or the import stopped: a key of the catalog and its parameters. */
export interface ImportReason {
  key: ImportTextKey;
  params?: Params;
}

export interface ImportReport {
  lines: number;
  imported: number;
  refused: { line: number; reason: ImportReason }[];
}

/** A problem that stops the whole import: nothing is imported. */
export class ImportFatal extends Error {
  constructor(
    readonly reason: ImportReason,
    readonly line: number,
  ) {
    super(`import stopped at line ${line}: ${reason.key}`);
  }
}

const said = (key: ImportTextKey, params?: Params): ImportReason => (params ? { key, params } : { key });
/** A value from the file as a report may repeat it: no control characters (a terminal would obey them), not a page long. */
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
const shown = (v: string) => v.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 40);

function headerColumns(header: string[]): Map<Column, number> {
  const at = new Map<Column, number>();
  header.forEach((raw, i) => {
    const h = raw.trim().toLowerCase();
    const col = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(h));
    if (!col) {
      throw new ImportFatal(said('unknown_column', { column: shown(raw) }), 1);
    }
    if (at.has(col)) throw new ImportFatal(said('repeated_column', { column: shown(raw) }), 1);
    at.set(col, i);
  });
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length) throw new ImportFatal(said('missing_columns', { columns: missing.join(', ') }), 1);
  return at;
}

function parseRow(fields: string[], at: Map<Column, number>, width: number): ImportRow | ImportReason {
  if (fields.length !== width) return said('field_count', { expected: width, found: fields.length });
  const get = (c: Column) => (at.has(c) ? (fields[at.get(c) as number] ?? '').trim() : '');
  if (fields.some((f) => f.includes('\u0000'))) return said('nul');
  let uscc: string;
  try {
    uscc = validateUscc(get('uscc'));
  } catch (err) {
    if (err instanceof AppError) return said('uscc', { problem: fillBoth(messages[err.messageKey], err.params) });
    throw err;
  }
  // the checks of the API's schema (Text, Region), so that a line and a POST are refused alike
  const name = get('name');
  if (!name || [...name].length > 200) return said('name_length');
  if (!MEANINGFUL.test(name)) return said('name_invisible');
  const region = get('region');
  if (!/^\d{6}$/.test(region)) return said('region_digits', { region: shown(region) });
  if (!isRegion(region)) return said('region_unknown', { region: shown(region) });
  const industry = get('industry');
  if ([...industry].length > 100) return said('industry_length');
  if (industry && !MEANINGFUL.test(industry)) return said('industry_invisible');
  const risk = get('riskClass').toUpperCase();
  if (risk && !(RISK_CLASSES as readonly string[]).includes(risk)) return said('risk_class', { value: shown(risk) });
  const quiet = get('noDisturb').toLowerCase();
  if (!YES.has(quiet) && !NO.has(quiet)) return said('no_disturb', { value: shown(quiet) });
  return { uscc, name, region, industry: industry || null, riskClass: (risk || null) as RiskClass | null, noDisturb: YES.has(quiet) };
}

/** Imports CSV records (the first is the header), each with its line in the file; returns what was imported and every refused line. */
export async function importEnterprises(
  ctx: ServiceContext,
  actor: Pick<Principal, 'keyId'>,
  records: AsyncIterable<{ fields: string[]; line: number }>,
  opts: { onProgress?: (lines: number) => void; source: string },
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
        report.refused.push({ line: b.line, reason: said('already_registered', { uscc: b.row.uscc }) });
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
          else report.refused.push({ line: b.line, reason: said('registered_meanwhile', { uscc: b.row.uscc }) });
        }
        report.imported += done.size;
      }
      batch = [];
    };

    for await (const { fields, line } of records) {
      if (!at) {
        at = headerColumns(fields);
        width = fields.length;
        continue;
      }
      report.lines++;
      const parsed = parseRow(fields, at, width);
      if ('key' in parsed) {
        report.refused.push({ line, reason: parsed });
      } else if (seen.has(parsed.uscc)) {
        report.refused.push({ line, reason: said('repeats_line', { uscc: parsed.uscc, line: seen.get(parsed.uscc) ?? 0 }) });
      } else {
        seen.set(parsed.uscc, line);
        batch.push({ row: parsed, line });
        if (batch.length >= BATCH) await flush();
      }
      if (report.lines % 1000 === 0) opts.onProgress?.(report.lines);
    }
    if (!at) throw new ImportFatal(said('empty_file'), 1);
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
