import type { Lang } from '../domain/i18n.js';
import type { Principal } from '../domain/principal.js';
import type { Runtime } from '../runtime.js';

// What the command groups share: where they write, a runtime, the language, the exit code.

// properties, not methods: command groups take them apart ({ io: { out } })
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** an already running runtime (tests); otherwise one is started from the environment */
  runtime?: Runtime;
}

/** What every command group is given. */
export interface Cli {
  io: CliIo;
  /** runs `fn` on the test's runtime, or on one started from the environment and closed after */
  withRuntime: <T>(fn: (rt: Runtime) => Promise<T>) => Promise<T>;
}

/**
 * The command line speaks Chinese when the terminal's locale does, English otherwise: the first
 * of LC_ALL, LC_MESSAGES and LANG that is set decides, as for any POSIX program's messages.
 */
export const cliLang = (): Lang => {
  const env = process.env;
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  return /^zh/i.test(locale) ? 'zh-CN' : 'en';
};
export const say = (zh: string, en: string) => (cliLang() === 'en' ? en : zh);

/** Who the command line acts as: an administrator at the machine. */
export const CLI_ACTOR: Principal = { keyId: 'cli', role: 'admin', name: 'command line', agencyId: null, uscc: null, regions: [] };

/** Ends a command with this exit code (after it has said why). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
