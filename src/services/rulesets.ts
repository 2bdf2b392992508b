import type { Logger } from 'pino';
import { AppError } from '../domain/errors.js';
import { loadRuleSets, RuleLoadError, type LoadedRuleSet } from '../rules/load.js';

/**
 * The active rule sets. A reload validates every file first and swaps the whole list at once,
 * so a bad file leaves the previous sets in force and an evaluation never sees half a reload.
 */
export class RuleSetRegistry {
  private sets: readonly LoadedRuleSet[] = [];
  private loadedAt: Date | null = null;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async reload(): Promise<readonly LoadedRuleSet[]> {
    let sets: LoadedRuleSet[];
    try {
      sets = await loadRuleSets(this.dir);
    } catch (err) {
      if (!(err instanceof RuleLoadError)) throw err;
      this.log.error(
        { problems: err.problems },
        this.sets.length ? 'rule sets refused; the previous sets stay in force' : 'rule sets refused; none is in force',
      );
      throw new AppError(
        'validation_failed',
        'rules_invalid',
        { count: err.problems.length },
        // a rule file's problems are written for whoever edits the file, in English (as the files' keys are)
        err.problems.map((p) => ({ path: `${p.file}#${p.pointer}`, key: 'rule_file_problem' as const, params: { problem: p.message } })),
      );
    }
    this.sets = Object.freeze(sets);
    this.loadedAt = new Date();
    this.log.info({ ruleSets: sets.map((s) => `${s.file.id}@${s.file.version}`) }, 'rule sets loaded');
    return this.sets;
  }

  active(): readonly LoadedRuleSet[] {
    return this.sets;
  }

  status() {
    return { dir: this.dir, loadedAt: this.loadedAt, count: this.sets.length };
  }
}
