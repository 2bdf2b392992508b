import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config.js';
import { AuditKeyError } from '../services/audit-keyring.js';
import { AppError, detailsOf } from '../domain/errors.js';
import { localize } from '../domain/i18n.js';
import { messages } from '../domain/messages.js';
import { startRuntime, version, type Runtime } from '../runtime.js';
import { registerAudit } from './audit.js';
import { registerBackup } from './backup.js';
import { registerDemo } from './demo.js';
import { registerDraws } from './draws.js';
import { registerImport } from './import.js';
import { registerJobs } from './jobs.js';
import { registerKeys } from './keys.js';
import { registerMigrate } from './migrate.js';
import { registerRules } from './rules.js';
import { localizeHelp, localizeHelpText } from './help-zh.js';
import { cliLang, ExitCode, type Cli, type CliIo } from './shared.js';

// The command line: one module per command group, each registering its commands on the program
// with what they share (the output, a runtime, the language) from here.

export function buildCli(io: CliIo): Command {
  const withRuntime = async <T>(fn: (rt: Runtime) => Promise<T>): Promise<T> => {
    if (io.runtime) return fn(io.runtime);
    const config = loadConfig();
    // the CLI speaks on stdout; the service log goes to stderr at warn and above
    const rt = await startRuntime(config, pino({ level: 'warn' }, pino.destination(2)), { quiet: true });
    try {
      return await fn(rt);
    } finally {
      await rt.close();
    }
  };
  const cli: Cli = { io, withRuntime };

  // the help speaks the terminal's language, chosen once as the program is built
  const lang = cliLang();
  const program = new Command('inspection-filing')
    .description('the command line of the enterprise inspection filing system (涉企检查备案系统)')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(localizeHelpText(s.trimEnd(), lang)),
      writeErr: (s) => io.err(localizeHelpText(s.trimEnd(), lang)),
    });
  for (const register of [
    registerMigrate,
    registerKeys,
    registerJobs,
    registerDraws,
    registerBackup,
    registerAudit,
    registerRules,
    registerImport,
    registerDemo,
  ])
    register(program, cli);
  localizeHelp(program, lang);
  return program;
}

/** Runs the CLI and returns the exit code; operational errors print a message, never a stack. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildCli(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError || err instanceof AuditKeyError) {
      io.err(err.message);
      return 2;
    }
    if (err instanceof AppError) {
      const lang = cliLang();
      io.err(`${err.code}: ${localize(messages[err.messageKey], lang, err.params)}`);
      for (const d of detailsOf(err)) io.err(`  ${d.path}: ${d.message[lang]}`);
      // bad input is a usage error (2), like a bad option; anything else failed (1)
      return err.status === 400 ? 2 : 1;
    }
    io.err(`error: ${(err as Error).message}`);
    return 1;
  }
}
