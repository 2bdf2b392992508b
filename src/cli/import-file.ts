import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { parse } from 'csv-parse';
import type { Runtime } from '../runtime.js';
import { ImportFatal, importRegister, type ImportReport, type RegisterImport } from '../services/register-import.js';

/** csv-parse's errors as a Chinese reader needs them (its messages are English only). */
const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: '引号没有闭合',
  CSV_INVALID_CLOSING_QUOTE: '右引号后面还有字符',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: '右引号后面还有字符',
  CSV_MAX_RECORD_SIZE: '一行过长',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: '字段个数与表头不一致',
};

/**
 * Where a byte sequence stops being UTF-8: its index, -1 if it never does, or -2 - i when it is
 * valid up to i and ends inside a character.
 */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // the second byte's range: no overlong forms (E0 80.., F0 80..), no surrogates (ED A0..), nothing past U+10FFFF (F4 90..)
    const second = buf[i + 1];
    const [lo, hi] =
      b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (n > 0 && second !== undefined && (second < lo || second > hi)) return i;
    if (i + n >= buf.length) return -2 - i; // an incomplete character at the end: valid up to i, the rest waits for the next chunk
    for (let k = 1; k <= n; k++) if (((buf[i + k] as number) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** Passes UTF-8 through, counting lines and bytes; anything else (a GBK file) stops it, naming the line. */
class Utf8Lines extends Transform {
  lines = 1;
  bytes = 0;
  private carry: Buffer = Buffer.alloc(0);
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const bad = firstInvalidUtf8(buf);
    const upto = bad === -1 ? buf.length : bad <= -2 ? -2 - bad : bad;
    for (let i = 0; i < upto; i++) if (buf[i] === 0x0a) this.lines++;
    if (bad >= 0) {
      done(new ImportFatal({ key: 'not_utf8', params: { line: this.lines } }, this.lines));
      return;
    }
    this.carry = buf.subarray(upto);
    this.bytes += upto;
    done(null, buf.subarray(0, upto));
  }
  override _flush(done: TransformCallback): void {
    if (this.carry.length) done(new ImportFatal({ key: 'ends_mid_character', params: { line: this.lines } }, this.lines));
    else done();
  }
}

/** The parser's records with their lines; a stream's failure is thrown even when it came before the reading began. */
async function* withLines(
  records: AsyncIterable<{ record: string[]; info: { lines: number } }>,
  failure: () => Error | null,
): AsyncIterable<{ fields: string[]; line: number }> {
  for await (const r of records) yield { fields: r.record, line: r.info.lines };
  const failed = failure();
  if (failed) throw failed;
}

export interface ImportIo {
  out(line: string): void;
  /** a progress bar on a terminal */
  tty: boolean;
}

/** `import enterprises|inspectors FILE.csv`: stream, check and import; the report's refused lines are printed. */
export async function importFile<C extends string, R>(
  rt: Runtime,
  spec: RegisterImport<C, R>,
  file: string,
  io: ImportIo,
): Promise<ImportReport> {
  const size = (await stat(file)).size;
  const utf8 = new Utf8Lines();
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  const input = createReadStream(file);
  // The file can fail (not UTF-8) before the import has begun to read, while it still opens its
  // transaction: every stream has a listener from the start, and the first failure is kept.
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    parser.destroy(err);
  };
  input.on('error', fail);
  utf8.on('error', fail);
  parser.on('error', (err) => {
    // the parser destroyed because the import stopped (a bad header) is not why it stopped
    if (err.name !== 'AbortError') failure ??= err;
  });
  input.pipe(utf8).pipe(parser);
  const bar = io.tty
    ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} bytes | {lines} lines', hideCursor: true, stream: process.stderr })
    : null;
  bar?.start(size, 0, { lines: 0 });
  try {
    return await importRegister(
      rt.services.ctx,
      spec,
      { keyId: 'cli' },
      withLines(parser as AsyncIterable<{ record: string[]; info: { lines: number } }>, () => failure),
      {
        source: file.split('/').pop() ?? file,
        onProgress: (lines) => bar?.update(utf8.bytes, { lines }),
      },
    );
  } catch (thrown) {
    // what stopped the import: a problem found in the file, wherever it surfaced first
    const err = [failure, thrown].find((e) => e instanceof ImportFatal) ?? failure ?? thrown;
    // csv-parse's own errors (an unclosed quote) name their line too
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      const line = (err as { lines?: number }).lines ?? parser.info.lines;
      throw new ImportFatal(
        { key: 'csv_malformed', params: { line, problem: { 'zh-CN': CSV_ERRORS[code] ?? code, en: (err as Error).message } } },
        line,
      );
    }
    throw err;
  } finally {
    bar?.stop();
    input.destroy();
  }
}
