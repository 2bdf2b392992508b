import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { isCalendarDay } from '../domain/calendar.js';
import { JOB_NAMES } from '../domain/jobs.js';
import { AppError, detailsOf } from '../domain/errors.js';
import type { Lang } from '../domain/i18n.js';
import { ImportFatal } from '../services/enterprise-import.js';
import { importEnterprisesFile } from './import.js';
import { KeyCreate } from '../domain/schemas.js';
import { localize } from '../domain/i18n.js';
import { bodyValidator } from '../http/validation.js';
import { messages } from '../domain/messages.js';
import { ROLES, type Principal, type Role } from '../domain/principal.js';
import { dirname, join, resolve } from 'node:path';
import { loadFixtures } from '../rules/fixtures.js';
import { loadRuleSets, RuleLoadError } from '../rules/load.js';
import { startRuntime, version, type Runtime } from '../runtime.js';
import { verifyAuditTrail } from '../services/audit.js';
import { seedDemo } from '../services/demo.js';
import { runFixture } from '../services/rule-fixtures.js';
import { backupProblem } from '../store/backup-file.js';
import { EmbeddedDatabaseError, migrateToLatest, openStore, type Store } from '../store/db.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** an already running runtime (tests); otherwise one is started from the environment */
  runtime?: Runtime;
}

// the same checks, and the same words, as POST /api/v1/keys
const validateKey = bodyValidator(KeyCreate);
/** The command line speaks Chinese when the terminal's LANG does, English otherwise. */
const cliLang = (): Lang => (/^zh/i.test(process.env.LANG ?? '') ? 'zh-CN' : 'en');
const say = (zh: string, en: string) => (cliLang() === 'en' ? en : zh);
const cliOption = (pointer: string) =>
  ({ agencyId: 'agency', uscc: 'uscc', regions: 'regions', name: 'name', role: 'role', email: 'email', expiresAt: 'expires' })[
    pointer.split('/')[1] ?? ''
  ] ??
  (pointer || 'options');

const CLI_ACTOR: Principal = { keyId: 'cli', role: 'admin', name: 'command line', agencyId: null, uscc: null, regions: [] };

class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

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

  const program = new Command('inspection-filing')
    .description('涉企检查备案系统 inspection-filing: command line')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('migrate')
    .description('apply database migrations (the server also does this at start)')
    .action(async () => {
      if (io.runtime) {
        io.out(`migrations: ${(await migrateToLatest(io.runtime.store.db)).join(', ') || 'up to date'}`);
        return;
      }
      const config = loadConfig();
      const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(store.db);
        io.out(`migrations (${store.kind}): ${applied.join(', ') || 'up to date'}`);
      } finally {
        await store.close();
      }
    });

  const keys = program.command('keys').description('API keys');
  keys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--agency <id>', 'agency id (role agency)')
    .option('--uscc <uscc>', 'enterprise USCC (role enterprise)')
    .option('--regions <codes>', 'comma-separated division-code prefixes (role supervisor)')
    .option('--email <address>', "where the nightly digest of the key's regions is mailed (role supervisor)")
    .option('--expires <time>', 'when the key stops working, ISO 8601 (2027-01-01T00:00:00+08:00)')
    .action(
      async (o: { role: string; name: string; agency?: string; uscc?: string; regions?: string; email?: string; expires?: string }) => {
        if (!(ROLES as readonly string[]).includes(o.role)) {
          io.err(say(`--role 应为 ${ROLES.join(', ')} 之一`, `--role must be one of ${ROLES.join(', ')}`));
          throw new ExitCode(2);
        }
        const regions = o.regions
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        // an empty list would mean every region: that is said by leaving --regions out, not by accident
        if (regions !== undefined && regions.length === 0) {
          io.err(
            say(
              '--regions 至少要有一个区划代码前缀（不限地区请不写 --regions）',
              '--regions needs at least one division-code prefix (leave it out for every region)',
            ),
          );
          throw new ExitCode(2);
        }
        const body = {
          role: o.role as Role,
          name: o.name,
          ...(o.agency ? { agencyId: o.agency } : {}),
          ...(o.uscc ? { uscc: o.uscc } : {}),
          ...(regions !== undefined ? { regions } : {}),
          ...(o.email ? { email: o.email } : {}),
          ...(o.expires ? { expiresAt: o.expires } : {}),
        };
        try {
          validateKey(body);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          for (const d of err.details) io.err(`--${cliOption(d.path)}: ${d.message[cliLang()]}`);
          throw new ExitCode(2);
        }
        const created = await withRuntime((rt) => rt.services.keys.create(CLI_ACTOR, body));
        io.out(`key id: ${created.id}`);
        io.out(
          `role:   ${created.role}${created.agencyId ? ` (agency ${created.agencyId})` : ''}${created.uscc ? ` (enterprise ${created.uscc})` : ''}`,
        );
        io.out(`key:    ${created.key}`);
        if (created.expiresAt) io.out(`expires: ${created.expiresAt}`);
        io.out('The key is shown this once; only its hash is stored.');
      },
    );
  keys
    .command('list')
    .description('list keys (never the key itself), newest first')
    .option('--all', 'include revoked and expired keys')
    .action(async (o: { all?: boolean }) => {
      const rows = await withRuntime(async (rt) => {
        const out = [];
        let cursor: string | undefined;
        do {
          const page = await rt.services.keys.list({ limit: 500, ...(o.all ? {} : { active: true }), ...(cursor ? { cursor } : {}) });
          out.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return out;
      });
      for (const k of rows) {
        const scope = k.agencyId ?? k.uscc ?? (k.regions.length ? k.regions.join(',') : '');
        const state = k.revokedAt
          ? `revoked ${k.revokedAt}`
          : !k.active
            ? `expired ${k.expiresAt}`
            : k.expiresAt
              ? `until ${k.expiresAt}`
              : 'active';
        io.out([k.id, k.role, scope || '-', state, k.name].join('\t'));
      }
      if (!rows.length) io.out('no keys');
    });
  keys
    .command('revoke <id>')
    .description('revoke a key at once (every process refuses it)')
    .action(async (id: string) => {
      const k = await withRuntime((rt) => rt.services.keys.revoke(CLI_ACTOR, id));
      io.out(`revoked: ${k.id} (${k.role}, ${k.name}) at ${k.revokedAt ?? ''}`);
    });

  program
    .command('jobs')
    .description('scheduled jobs')
    .command('run <job>')
    .description('run digest, sweep or draw now; a period that already ran is not run again (same guard as the scheduler)')
    .option('--date <YYYY-MM-DD>', 'digest: the day to report (default yesterday in TZ_REGION); draw: the day')
    .action(async (job: string, o: { date?: string }) => {
      if (!(JOB_NAMES as readonly string[]).includes(job)) {
        io.err(`no such job: ${job} (known: ${JOB_NAMES.join(', ')})`);
        throw new ExitCode(2);
      }
      if (o.date !== undefined && !isCalendarDay(o.date)) {
        io.err(say('--date 应为日期，形如 2026-12-01', '--date must be a calendar day, YYYY-MM-DD (2026-12-01)'));
        throw new ExitCode(2);
      }
      const run = await withRuntime((rt) => rt.services.jobs.run(job, { date: o.date, trigger: 'manual' }));
      io.out(`${run.job} ${run.period}: ${run.alreadyRan ? 'already ran' : run.outcome} (${run.durationMs} ms, ${run.host})`);
      io.out(JSON.stringify(run.summary));
      if (run.outcome === 'failed') {
        io.err(run.error ?? 'failed');
        throw new ExitCode(1);
      }
    });

  program
    .command('draws')
    .description('random draws (双随机)')
    .command('verify <id>')
    .description('re-run a draw from its recorded seed and population and say whether it matches')
    .action(async (id: string) => {
      const v = await withRuntime((rt) => rt.services.draws.verify(id));
      io.out(`draw ${v.drawId}: ${v.matches ? 'MATCHES' : 'DOES NOT MATCH'}`);
      io.out(`  seed matches its published hash: ${v.seedMatchesCommitment ? 'yes' : 'NO'}`);
      io.out(`  population matches its hash:     ${v.populationMatchesHash ? 'yes' : 'NO'}`);
      io.out(`  record matches the audit trail:  ${v.recordMatchesAudit ? 'yes' : 'NO'}`);
      io.out(
        `  assignments (${v.recorded} recorded, ${v.recomputed} recomputed): ${v.assignmentsMatch ? 'the same' : `first difference at #${v.firstDifference?.seq}: recorded ${v.firstDifference?.recorded ?? '-'}, recomputed ${v.firstDifference?.recomputed ?? '-'}`}`,
      );
      if (!v.matches) throw new ExitCode(1);
    });

  // Backups of the embedded database: PGlite's own dump of its data folder (gzipped tar). On
  // PostgreSQL, pg_dump and pg_restore are the tools (README).
  const embeddedOnly = (config: Config, what: string) => {
    if (config.databaseUrl) {
      io.err(`${what} is for the embedded database (DATA_DIR); on PostgreSQL use pg_dump / pg_restore (README, Operations)`);
      throw new ExitCode(2);
    }
  };
  program
    .command('backup <file>')
    .description('write the embedded database (DATA_DIR) to a file; the service must be stopped')
    .action(async (file: string) => {
      const config = loadConfig();
      embeddedOnly(config, 'backup');
      if (existsSync(file)) {
        io.err(`${file} exists; choose a new file name`);
        throw new ExitCode(2);
      }
      if (!file.trim() || !existsSync(dirname(resolve(file)))) {
        io.err(`${file || '""'}: no folder ${dirname(resolve(file))} to write the backup in`);
        throw new ExitCode(2);
      }
      const store = await openStore({ databaseUrl: null, dataDir: config.dataDir });
      try {
        await migrateToLatest(store.db);
        const blob = await (store.dump as () => Promise<Blob>)();
        await writeFile(file, Buffer.from(await blob.arrayBuffer()));
        io.out(`backup of ${config.dataDir} written to ${file} (${blob.size} bytes)`);
      } finally {
        await store.close();
      }
    });
  program
    .command('restore <file>')
    .description('restore a backup into DATA_DIR, which must be empty or absent')
    .action(async (file: string) => {
      const config = loadConfig();
      embeddedOnly(config, 'restore');
      if (!existsSync(file)) {
        io.err(`no such file: ${file}`);
        throw new ExitCode(2);
      }
      const existed = existsSync(config.dataDir);
      if (existed && !statSync(config.dataDir).isDirectory()) {
        io.err(`${config.dataDir} is a file, not a folder; nothing was restored`);
        throw new ExitCode(2);
      }
      if (existed && (await readdir(config.dataDir)).length > 0) {
        io.err(`${config.dataDir} is not empty: a backup is restored only into an empty or new folder; nothing was restored`);
        throw new ExitCode(2);
      }
      const bytes = await readFile(file);
      const problem = backupProblem(bytes);
      if (problem) {
        io.err(`${file} is not a whole backup: ${problem}; nothing was restored`);
        throw new ExitCode(2);
      }
      // whatever a failed restore wrote goes again: the folder was empty or absent before it
      const undo = async () => {
        if (existed)
          for (const entry of await readdir(config.dataDir)) await rm(join(config.dataDir, entry), { recursive: true, force: true });
        else await rm(config.dataDir, { recursive: true, force: true });
      };
      let store: Store;
      try {
        store = await openStore({ databaseUrl: null, dataDir: config.dataDir, restoreFrom: new Blob([bytes]) });
      } catch (err) {
        await undo();
        if (err instanceof EmbeddedDatabaseError) {
          io.err(`${err.message}; nothing was restored`);
          throw new ExitCode(2);
        }
        throw err;
      }
      let restored = false;
      try {
        // a backup made by an older version is brought up to date
        const applied = await migrateToLatest(store.db);
        const audit = await verifyAuditTrail(store.db);
        restored = true;
        io.out(
          `restored ${file} into ${config.dataDir}${applied.length ? ` (migrations applied: ${applied.join(', ')})` : ''}; audit trail ${audit.ok ? 'intact' : 'BROKEN'}: ${audit.events} events in ${audit.chains} chains`,
        );
        if (!audit.ok) throw new ExitCode(1);
      } finally {
        await store.close();
        if (!restored) await undo();
      }
    });

  program
    .command('audit')
    .description('audit trail')
    .command('verify')
    .description('recompute every hash chain and name the first broken link')
    .action(async () => {
      const r = await withRuntime((rt) => verifyAuditTrail(rt.store.db));
      if (r.ok) {
        io.out(`audit trail intact: ${r.events} events in ${r.chains} chains`);
        return;
      }
      const b = r.broken!;
      io.err(`audit trail BROKEN at chain "${b.chain}", sequence ${b.seq} (event id ${b.eventId}): ${b.reason}`);
      io.err(`${r.events - 1} events before it verified.`);
      throw new ExitCode(1);
    });

  const rules = program.command('rules').description('rule sets');
  rules
    .command('check [dir]')
    .description('validate the rule sets in a folder (default RULES_DIR)')
    .action(async (dir?: string) => {
      const folder = dir ?? process.env.RULES_DIR ?? './rules';
      try {
        const sets = await loadRuleSets(folder);
        for (const s of sets) io.out(`ok  ${s.file.id}@${s.file.version}  ${s.file.rules.length} rules  ${s.path}`);
      } catch (err) {
        if (!(err instanceof RuleLoadError)) throw err;
        for (const p of err.problems) io.err(`${p.file}#${p.pointer}: ${p.message}`);
        throw new ExitCode(1);
      }
    });

  rules
    .command('test [dir]')
    .description('run the rule fixtures in DIR (default RULES_DIR/tests) against the rule sets in RULES_DIR')
    .action(async (dir?: string) => {
      const rulesDir = process.env.RULES_DIR ?? './rules';
      const sets = await loadRuleSets(rulesDir).catch((err: unknown) => {
        if (!(err instanceof RuleLoadError)) throw err;
        for (const p of err.problems) io.err(`${p.file}#${p.pointer}: ${p.message}`);
        throw new ExitCode(1);
      });
      let passed = 0;
      let failed = 0;
      const fixtures = await loadFixtures(dir ?? join(rulesDir, 'tests'));
      // fixtures are written to a database and read back as real filings are; each runs in a
      // transaction that is rolled back, here on a throw-away embedded database
      const store = io.runtime ? null : await openStore({ databaseUrl: null, dataDir: 'memory://' });
      const db = io.runtime?.store.db ?? store!.db;
      const quiet = pino({ level: 'warn' }, pino.destination(2));
      try {
        if (store) await migrateToLatest(store.db);
        for (const { path, fixture } of fixtures) {
          io.out(`${fixture.name}  (${path})`);
          for (const r of await runFixture(db, sets, fixture, process.env.TZ_REGION ?? 'Asia/Shanghai', quiet)) {
            if (r.ok) passed++;
            else failed++;
            io.out(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.step}`);
            if (!r.ok) {
              io.out(`       expected ${r.expected.outcome} [${r.expected.findings.join(', ')}]`);
              io.out(`       got      ${r.actual.outcome} [${r.actual.findings.join(', ')}]`);
            }
          }
        }
      } finally {
        await store?.close();
      }
      io.out(`${passed} passed, ${failed} failed`);
      if (failed) throw new ExitCode(1);
    });

  program
    .command('import')
    .description('bulk imports')
    .command('enterprises <file>')
    .description(
      'import enterprises from a UTF-8 CSV (header: uscc,name,region[,industry,riskClass,noDisturb]); refused lines are listed with their reason; a fatal problem imports nothing',
    )
    .action(async (file: string) => {
      const lang = cliLang();
      try {
        const report = await withRuntime((rt) =>
          importEnterprisesFile(rt, file, { out: io.out, tty: !io.runtime && !!process.stderr.isTTY }, lang),
        );
        const en = lang === 'en';
        for (const r of report.refused) io.out(en ? `line ${r.line}: ${r.reason}` : `第 ${r.line} 行：${r.reason}`);
        io.out(
          en
            ? `${report.lines} lines: ${report.imported} imported, ${report.refused.length} refused`
            : `共 ${report.lines} 行：导入 ${report.imported} 行，拒绝 ${report.refused.length} 行`,
        );
        if (report.refused.length) throw new ExitCode(1);
      } catch (err) {
        if (err instanceof ImportFatal) {
          io.err(`${err.message}${lang === 'en' ? '; nothing was imported' : '；未导入任何内容'}`);
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
    });

  program
    .command('demo')
    .description('demo data')
    .command('seed')
    .description('load a small Xifeng-like registry: agencies with items and inspectors, a few hundred enterprises, and keys')
    .option('--enterprises <n>', 'how many enterprises', '300')
    .action(async (o: { enterprises: string }) => {
      const n = Number(o.enterprises);
      if (!Number.isInteger(n) || n < 0 || n > 100_000) {
        io.err('--enterprises must be a whole number from 0 to 100000');
        throw new ExitCode(2);
      }
      const r = await withRuntime((rt) => seedDemo(rt.services, CLI_ACTOR, n));
      for (const a of r.agencies) io.out(`agency  ${a.id}  ${a.code}  ${a.name}${a.key ? `  key ${a.key}` : '  (existed)'}`);
      io.out(`enterprises: ${r.enterprisesCreated} created, ${r.enterprisesTotal} in 211223`);
      if (r.supervisorKey) io.out(`supervisor key (region 211223): ${r.supervisorKey}`);
      if (r.enterpriseSample?.key)
        io.out(`enterprise key (${r.enterpriseSample.uscc} ${r.enterpriseSample.name}): ${r.enterpriseSample.key}`);
      if (r.agencies.some((a) => a.key)) io.out('Keys are shown this once; only their hashes are stored.');
    });

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
    if (err instanceof ConfigError) {
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
