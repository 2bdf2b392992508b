import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';

// The suite's own rules, checked like the product's: a test that reads the wall clock passes or
// fails with the date; a long timeout hides a wait that should wait on a condition; a test that
// starts processes, a browser or a cluster of its own belongs to the slow tier (`npm run test:slow`).

const SELF = join('test', 'suite.test.ts');

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(path)));
    else if (/\.(ts|js|mjs|cjs)$/.test(e.name)) out.push(path);
  }
  return out;
}

/** Each match of `pattern` (which may span lines) on a line not marked with `allow`, as `file:line: match`. */
async function matches(pattern: RegExp, allow?: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await files('test')) {
    if (file === SELF) continue;
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    for (const m of text.matchAll(new RegExp(pattern.source, 'g'))) {
      const line = text.slice(0, m.index).split('\n').length;
      const marked = allow && lines.slice(line - 1, line + m[0].split('\n').length - 1).some((l) => l.includes(allow));
      if (!marked) found.push(`${file}:${line}: ${m[0].replace(/\s+/g, ' ')}`);
    }
  }
  return found;
}

/** Every way of reading the machine's clock that JavaScript offers a test, and the helper that wraps one. */
const WALL_CLOCK = new RegExp(
  [
    String.raw`\bDate\s*\.\s*now\b`, // Date.now(), Date.now passed along
    String.raw`\bnew\s+Date\s*(?:\(\s*\))?(?!\s*\()`, // new Date(), new Date
    String.raw`(?<![\w.]|new\s)Date\s*\(`, // Date() called as a function: a string of now
    String.raw`\bperformance\s*\.\s*timeOrigin\b`,
    String.raw`\bsystemClock\b`,
    String.raw`\bmachineNow\s*\(`,
  ].join('|'),
);

describe('the test suite itself', () => {
  it('reads dates from the test clock: the wall clock only where a line says why (// wall-clock)', async () => {
    expect(await matches(WALL_CLOCK, '// wall-clock')).to.deep.equal([]);
  });

  it('has no timeout above 30 s (nor none at all), and mocha does not force an exit (a leaked handle fails the run)', async () => {
    const plain = /^\s*(\d[\d_]*)\s*$/;
    const long = (await matches(/\btimeout\s*\(([^)]*)\)/)).filter((m) => {
      const arg = /\btimeout\s*\(([^)]*)\)$/.exec(m)?.[1] ?? '';
      const ms = plain.test(arg) ? Number(arg.replaceAll('_', '')) : NaN;
      // a number of milliseconds from 1 to 30,000; anything else (0, 6e4, '2m', an expression) is refused
      return !(ms >= 1 && ms <= 30_000);
    });
    expect(long).to.deep.equal([]);
    const configs = (await readdir('.')).filter((f) => f.startsWith('.mocharc'));
    expect(configs.sort(), 'mocha reads these configs only').to.deep.equal(['.mocharc.json', '.mocharc.slow.json']);
    for (const config of [...configs, 'test/one.mocharc.json']) {
      const c = JSON.parse(await readFile(config, 'utf8')) as { timeout?: number; exit?: boolean };
      expect(c.timeout, config).to.be.within(1, 30_000);
      expect(c.exit, config).to.equal(undefined);
    }
    const scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [name, script] of Object.entries(scripts)) expect(script, `npm run ${name}`).not.to.match(/--exit|--(no-)?timeout|\s-t\s/);
  });

  it('keeps processes, browsers and clusters of their own in the slow tier (*.slow.test.ts)', async () => {
    const slowOnly = /child_process|worker_threads|support\/(server-process|pg-cluster|remote-world)|playwright/;
    const fast = (await files('test')).filter((f) => f.endsWith('.test.ts') && !f.endsWith('.slow.test.ts') && f !== SELF);
    const offenders: string[] = [];
    for (const f of fast) if (slowOnly.test(await readFile(f, 'utf8'))) offenders.push(f);
    expect(offenders).to.deep.equal([]);
  });
});
