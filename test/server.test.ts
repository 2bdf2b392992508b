import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { waitFor } from './support/fixtures.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('the server process', function () {
  this.timeout(60_000);
  let child: ChildProcess;
  let base: string;
  let rulesDir: string;
  const key = 'server-test-admin-key-0123456789';
  let logs = '';
  const exit = () => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  before(async () => {
    rulesDir = await mkdtemp(join(tmpdir(), 'rules-'));
    await cp('rules/national-baseline.json', join(rulesDir, 'national-baseline.json'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/server.ts'], {
      env: { ...process.env, DATABASE_URL: '', PORT: String(port), DATA_DIR: await mkdtemp(join(tmpdir(), 'data-')), RULES_DIR: rulesDir, BOOTSTRAP_ADMIN_KEY: key, LOG_LEVEL: 'warn', SCHEDULER: 'off' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout?.on('data', (d: Buffer) => (logs += d.toString('utf8')));
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok ?? false, 45_000);
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('reloads its rule sets on SIGHUP, and keeps them when the file is bad', async () => {
    const version = async () =>
      ((await (await fetch(`${base}/api/v1/rulesets`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { version: string }[] }).items[0]?.version;
    expect(await version()).to.equal('1.1.0');
    const path = join(rulesDir, 'national-baseline.json');
    const doc = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...doc, version: '1.1.1' }));
    child.kill('SIGHUP');
    await waitFor(async () => (await version()) === '1.1.1', 10_000);
    await writeFile(path, '{ broken');
    child.kill('SIGHUP');
    await waitFor(async () => logs.includes('rule sets refused; the previous sets stay in force'), 10_000);
    expect(await version()).to.equal('1.1.1');
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = exit();
    child.kill('SIGTERM');
    expect(await code).to.equal(0);
  });
});
