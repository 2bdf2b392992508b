import type { Command } from 'commander';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadFixtures } from '../rules/fixtures.js';
import { loadRuleSets, RuleLoadError } from '../rules/load.js';
import { runFixture } from '../services/rule-fixtures.js';
import { migrateToLatest, openStore } from '../store/db.js';
import { ExitCode, type Cli } from './shared.js';

export function registerRules(program: Command, { io }: Cli): void {
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
}
