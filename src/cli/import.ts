import type { Command } from 'commander';
import { localize } from '../domain/i18n.js';
import { importTexts } from '../domain/messages.js';
import { enterpriseImport } from '../services/enterprise-import.js';
import { inspectorImport } from '../services/inspector-import.js';
import { ImportFatal, type ImportReason, type RegisterImport } from '../services/register-import.js';
import { importFile } from './import-file.js';
import { cliLang, ExitCode, type Cli } from './shared.js';

/** A reason of the import in the terminal's language. */
const said = (r: ImportReason) => localize(importTexts[r.key], cliLang(), r.params);

function importAction<C extends string, R>({ io, withRuntime }: Cli, spec: RegisterImport<C, R>) {
  return async (file: string) => {
    const lang = cliLang();
    try {
      const report = await withRuntime((rt) => importFile(rt, spec, file, { out: io.out, tty: !io.runtime && !!process.stderr.isTTY }));
      const en = lang === 'en';
      for (const r of report.refused) io.out(en ? `line ${r.line}: ${said(r.reason)}` : `第 ${r.line} 行：${said(r.reason)}`);
      io.out(
        en
          ? `${report.lines} lines: ${report.imported} imported, ${report.refused.length} refused`
          : `共 ${report.lines} 行：导入 ${report.imported} 行，拒绝 ${report.refused.length} 行`,
      );
      if (report.refused.length) throw new ExitCode(1);
    } catch (err) {
      if (err instanceof ImportFatal) {
        io.err(`${said(err.reason)}${lang === 'en' ? '; nothing was imported' : '；未导入任何内容'}`);
        throw new ExitCode(2);
      }
      const fsCode = (err as { code?: string }).code;
      if (fsCode === 'ENOENT' || fsCode === 'EISDIR' || fsCode === 'EACCES') {
        const why = {
          ENOENT: ['no such file', '没有这个文件'],
          EISDIR: ['a folder, not a file', '这是文件夹，不是文件'],
          EACCES: ['not readable', '没有读取权限'],
        }[fsCode];
        io.err(lang === 'en' ? `${why[0]}: ${file}` : `${why[1]}：${file}`);
        throw new ExitCode(2);
      }
      throw err;
    }
  };
}

export function registerImport(program: Command, cli: Cli): void {
  const group = program.command('import').description('bulk imports of the county registers (UTF-8 CSV, one transaction)');
  group
    .command('enterprises <file>')
    .description(
      'import enterprises (header: uscc,name,region[,industry,riskClass,noDisturb]); ' +
        'refused lines are listed with their reason; a fatal problem imports nothing',
    )
    .action(importAction(cli, enterpriseImport));
  group
    .command('inspectors <file>')
    .description(
      "import the credential register (header: agency,name,credentialNo,validUntil; agency is the agency's code); " +
        'refused lines are listed with their reason; a fatal problem imports nothing',
    )
    .action(importAction(cli, inspectorImport));
}
