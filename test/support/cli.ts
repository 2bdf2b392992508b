import { runCli } from '../../src/cli/program.js';
import { harness } from './harness.js';

/** Runs a CLI command against the test run's runtime: its exit code and what it printed. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const h = await harness();
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), runtime: h.runtime });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
