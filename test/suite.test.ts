import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';

// The suite's own rules, checked like the product's: a test that reads the wall clock passes or
// fails with the date; a long timeout hides a wait that should wait on a condition; a test that
// starts processes, a browser or a cluster of its own belongs to the slow tier (`npm run test:slow`).

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(path)));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `file:line: text` for each line matching `pattern` and not marked with `allow`. */
async function lines(pattern: RegExp, allow?: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await files('test')) {
    (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
      if (pattern.test(line) && !(allow && line.includes(allow)) && !file.endsWith('suite.test.ts'))
        found.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

describe('the test suite itself', () => {
  it('reads dates from the test clock: the wall clock only where a line says why (// wall-clock)', async () => {
    expect(await lines(/Date\.now\(\)|new Date\(\)/, '// wall-clock')).to.deep.equal([]);
  });

  it('has no timeout above 30 s, and mocha does not force an exit (a leaked handle fails the run)', async () => {
    const timeouts = (await lines(/timeout\((\d[\d_]*)\)/)).filter(
      (l) => Number(/timeout\((\d[\d_]*)\)/.exec(l)?.[1]?.replaceAll('_', '')) > 30_000,
    );
    expect(timeouts).to.deep.equal([]);
    for (const config of ['.mocharc.json', '.mocharc.slow.json']) {
      const c = JSON.parse(await readFile(config, 'utf8')) as { timeout?: number; exit?: boolean };
      expect(c.timeout, config).to.be.at.most(30_000);
      expect(c.exit, config).to.equal(undefined);
    }
  });

  it('keeps processes, browsers and clusters of their own in the slow tier (*.slow.test.ts)', async () => {
    const slowOnly = /child_process|support\/(server-process|pg-cluster|remote-world)|playwright/;
    const fast = (await files('test')).filter(
      (f) => f.endsWith('.test.ts') && !f.endsWith('.slow.test.ts') && !f.endsWith('suite.test.ts'),
    );
    const offenders: string[] = [];
    for (const f of fast) if (slowOnly.test(await readFile(f, 'utf8'))) offenders.push(f);
    expect(offenders).to.deep.equal([]);
  });
});
