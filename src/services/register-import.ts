import { createHash } from 'node:crypto';
import type { Params } from '../domain/i18n.js';
import type { ImportTextKey } from '../domain/messages.js';
import type { Principal } from '../domain/principal.js';
import type { Db } from '../store/db.js';
import { chains, record } from './audit.js';
import type { ServiceContext } from './context.js';

// A county register from a spreadsheet (enterprises, tens of thousands of lines; the credential
// register): every line is checked as the API checks one; a line that fails is reported with its
// reason and the rest is imported. Everything goes in one transaction: a fatal problem (a header
// that is not ours, a file that is not UTF-8, the database) leaves nothing half-imported.

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

export const said = (key: ImportTextKey, params?: Params): ImportReason => (params ? { key, params } : { key });
/** A value from the file as a report may repeat it: no control characters (a terminal would obey them), not a page long. */
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
export const shown = (v: string) => v.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 40);

/** What one register's import knows: its columns, how a line reads, how a batch is stored. */
export interface RegisterImport<C extends string, R> {
  /** columns by every name a header may give them (English as the API names them, or Chinese) */
  columns: Record<C, readonly string[]>;
  required: readonly C[];
  /** a line's row, or why it is refused */
  parse(get: (c: C) => string): { row: R } | { refused: ImportReason };
  /** what makes a line the same register entry as another (a repeat in the file is refused) */
  key(row: R): string;
  /** how a report names a line's entry (the key, unless it must not be printed in full) */
  label?(row: R): string;
  /** stores a batch; answers the keys stored, and the refused lines with their reasons */
  insert(
    trx: Db,
    batch: { row: R; line: number }[],
    at: Date,
  ): Promise<{ stored: string[]; refused: { line: number; reason: ImportReason }[] }>;
  /** the audit event that records the import */
  action: string;
}

const BATCH = 1000;

function headerColumns<C extends string>(spec: RegisterImport<C, unknown>, header: string[]): Map<C, number> {
  const names = Object.keys(spec.columns) as C[];
  const at = new Map<C, number>();
  header.forEach((raw, i) => {
    const h = raw.trim().toLowerCase();
    const col = names.find((c) => spec.columns[c].includes(h));
    if (!col) throw new ImportFatal(said('unknown_column', { column: shown(raw), columns: names.join(', ') }), 1);
    if (at.has(col)) throw new ImportFatal(said('repeated_column', { column: shown(raw) }), 1);
    at.set(col, i);
  });
  const missing = spec.required.filter((c) => !at.has(c));
  if (missing.length) throw new ImportFatal(said('missing_columns', { columns: missing.join(', ') }), 1);
  return at;
}

/** Imports CSV records (the first is the header), each with its line in the file; returns what was imported and every refused line. */
export async function importRegister<C extends string, R>(
  ctx: ServiceContext,
  spec: RegisterImport<C, R>,
  actor: Pick<Principal, 'keyId'>,
  records: AsyncIterable<{ fields: string[]; line: number }>,
  opts: { onProgress?: (lines: number) => void; source: string },
): Promise<ImportReport> {
  const report: ImportReport = { lines: 0, imported: 0, refused: [] };
  const digest = createHash('sha256');
  const at = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    let columns: Map<C, number> | null = null;
    let width = 0;
    const seen = new Map<string, number>();
    let batch: { row: R; line: number }[] = [];

    const flush = async () => {
      if (!batch.length) return;
      const { stored, refused } = await spec.insert(trx, batch, at);
      for (const key of stored) digest.update(`${key}\n`);
      report.imported += stored.length;
      report.refused.push(...refused);
      batch = [];
    };

    for await (const { fields, line } of records) {
      if (!columns) {
        columns = headerColumns(spec, fields);
        width = fields.length;
        continue;
      }
      report.lines++;
      const cols = columns;
      const parsed =
        fields.length !== width
          ? { refused: said('field_count', { expected: width, found: fields.length }) }
          : fields.some((f) => f.includes('\u0000'))
            ? { refused: said('nul') }
            : spec.parse((c) => (cols.has(c) ? (fields[cols.get(c) as number] ?? '').trim() : ''));
      if ('refused' in parsed) {
        report.refused.push({ line, reason: parsed.refused });
      } else {
        const key = spec.key(parsed.row);
        const first = seen.get(key);
        if (first !== undefined) {
          report.refused.push({ line, reason: said('repeats_line', { value: spec.label?.(parsed.row) ?? key, line: first }) });
        } else {
          seen.set(key, line);
          batch.push({ row: parsed.row, line });
          if (batch.length >= BATCH) await flush();
        }
      }
      if (report.lines % 1000 === 0) opts.onProgress?.(report.lines);
    }
    if (!columns) throw new ImportFatal(said('empty_file', { header: spec.required.join(',') }), 1);
    await flush();
    opts.onProgress?.(report.lines);
    if (report.imported) {
      await record(trx, {
        chain: chains.registry,
        at,
        actor: actor.keyId,
        action: spec.action,
        entityType: 'import',
        entityId: opts.source,
        payload: { lines: report.lines, imported: report.imported, refused: report.refused.length, importedSha256: digest.digest('hex') },
      });
    }
  });
  report.refused.sort((a, b) => a.line - b.line);
  return report;
}
