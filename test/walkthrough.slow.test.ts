import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startServer } from './support/server-process.js';
import { tempDir } from './support/temp.js';

const run = promisify(execFile);
const KEY = 'dev-admin-key-change-me-now';

// The README's walk-through is docs/walkthrough.sh, which checks every answer: run against a
// fresh server, it cannot drift from what the service does.
describe('the walk-through (docs/walkthrough.sh)', () => {
  it('runs from an empty database to a rated, supervised filing, and the trail verifies after it', async () => {
    const dataDir = join(await tempDir('walkthrough'), 'data');
    const server = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    let out: string;
    try {
      await server.ready();
      const res = await run('bash', ['docs/walkthrough.sh'], { env: { ...process.env, BASE: server.base, ADMIN_KEY: KEY } }).catch(
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      out = `${res.stdout}\n${res.stderr}`;
      expect('code' in res ? res.code : 0, out.slice(-2000)).to.equal(0);
    } finally {
      await server.kill('SIGTERM');
    }
    expect(out).to.include('walk-through complete');
    const verify = await run(process.execPath, ['--import', 'tsx/esm', 'src/cli.ts', 'audit', 'verify'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    expect(verify.stdout).to.match(/audit trail intact: [1-9]\d* events/);
  });
});
