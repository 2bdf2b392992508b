import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { startServer } from '../support/server-process.js';
import { tempPath } from '../support/temp.js';

// PGlite is one process's database. A second process on the same DATA_DIR must refuse at once,
// naming the first and the way out, and write nothing; the first keeps every record.

const KEY = 'data-dir-test-admin-key-0123456789';
const admin = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

function cli(dataDir: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('one process per embedded database (DATA_DIR)', function () {
  // a folder initialised once (PGlite's initdb takes most of a start); each test works on a copy
  let template: string;
  before(async function () {
    // a PGlite matter, and the processes are slow to start: run it in the embedded pass only
    if (process.env.DATABASE_URL) this.skip();
    template = await tempPath('data', 'template');
    const made = await startServer({ DATABASE_URL: '', DATA_DIR: template, BOOTSTRAP_ADMIN_KEY: KEY });
    await made.ready();
    expect(await made.kill('SIGTERM')).to.equal(0);
  });
  /** A DATA_DIR holding a database no process has open. */
  const initialised = async () => {
    const dataDir = await tempPath('data', 'db');
    await cp(template, dataDir, { recursive: true });
    return dataDir;
  };

  it('a second server on the same DATA_DIR refuses at once, naming the first; the first keeps every record', async () => {
    const dataDir = await initialised();
    const first = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    const made: string[] = [];
    const create = async (code: string) => {
      const res = await fetch(`${first.base}/api/v1/agencies`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ code, name: '锁测试局', region: '110101', items: [] }),
      });
      expect(res.status).to.equal(201);
      made.push(((await res.json()) as { id: string }).id);
    };
    await create('LOCK-1');

    const second = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    expect(await second.exited).to.equal(1);
    expect(second.output()).to.include(`in use by another inspection-filing process (pid ${first.child.pid})`).and.include('DATABASE_URL');
    // one line, not a stack
    expect(second.output().trim().split('\n')).to.have.length(1);

    // the command line is refused the same way
    const migrate = await cli(dataDir, 'migrate');
    expect(migrate.code).to.equal(1);
    expect(migrate.out).to.include(`pid ${first.child.pid}`);

    await create('LOCK-2');
    const list = (await (await fetch(`${first.base}/api/v1/agencies?limit=500`, { headers: admin })).json()) as { items: { id: string }[] };
    expect(list.items.map((a) => a.id)).to.include.members(made);
    expect(await first.kill('SIGTERM')).to.equal(0);
    expect(existsSync(`${dataDir}.lock`)).to.equal(false);

    // and the folder holds both records for whoever opens it next
    const third = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await third.ready();
    const again = (await (await fetch(`${third.base}/api/v1/agencies?limit=500`, { headers: admin })).json()) as {
      items: { id: string }[];
    };
    expect(again.items.map((a) => a.id)).to.include.members(made);
    await third.kill('SIGTERM');
  });

  it('a lock left by a process that died (SIGKILL) is taken over', async () => {
    const dataDir = await initialised();
    const first = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    await first.kill('SIGKILL');
    expect(existsSync(`${dataDir}.lock`)).to.equal(true);
    const next = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await next.ready();
    await next.kill('SIGTERM');
  });

  it('a damaged folder is explained in one line, not a page of minified source', async () => {
    const dataDir = await initialised();
    const first = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    await first.kill('SIGTERM');
    await writeFile(join(dataDir, 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const broken = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    expect(await broken.exited).to.equal(1);
    const lines = broken.output().trim().split('\n');
    expect(lines, broken.output()).to.have.length(1);
    expect(lines[0]!.length).to.be.below(1000);
    expect(lines[0]).to.include(`The embedded database in ${dataDir} failed`).and.include('Restore a backup');
  });

  it('a folder that is not empty and holds no database is refused, not initialized over', async () => {
    const dataDir = await initialised();
    const first = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    await first.kill('SIGTERM');
    await rm(join(dataDir, 'PG_VERSION'));
    const res = await cli(dataDir, 'migrate');
    expect(res.code).to.equal(1);
    expect(res.out).to.include('holds no embedded database');
    expect(existsSync(join(dataDir, 'PG_VERSION'))).to.equal(false);
  });

  it('a DATA_DIR inside another database folder, or that is a file, is refused', async () => {
    const dataDir = await initialised();
    const first = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir, BOOTSTRAP_ADMIN_KEY: KEY });
    await first.ready();
    const inside = await cli(join(dataDir, 'newsub'), 'migrate');
    expect(inside.code).to.equal(1);
    expect(inside.out).to.include('inside the database folder');
    expect(existsSync(join(dataDir, 'newsub'))).to.equal(false);
    await first.kill('SIGTERM');
    const file = join(dataDir, 'PG_VERSION');
    const notAFolder = await cli(file, 'migrate');
    expect(notAFolder.code).to.equal(1);
    expect(notAFolder.out).to.include('a file, not a folder');
  });
});
