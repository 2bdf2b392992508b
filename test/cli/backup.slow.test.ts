import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);

/** The command line as an operator runs it: its own process, its own DATA_DIR. */
async function cliProcess(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx/esm', 'src/cli.ts', ...argv], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

describe('backup and restore of the embedded database', () => {
  // one seeded folder and its backup, made once: each command is a process that opens PGlite
  let dir: string;
  let a: string;
  let file: string;
  let original: string;
  before(async () => {
    dir = await tempDir('backup');
    [a, file] = [join(dir, 'a'), join(dir, 'backup.tgz')];
    expect((await cliProcess({ DATA_DIR: a }, 'demo', 'seed', '--enterprises', '12')).code).to.equal(0);
    const backup = await cliProcess({ DATA_DIR: a }, 'backup', file);
    expect(backup.code, backup.err).to.equal(0);
    expect(existsSync(file)).to.equal(true);
    original = (await cliProcess({ DATA_DIR: a }, 'audit', 'verify')).out;
    expect(original).to.match(/audit trail intact: [1-9]\d* events/);
  });

  it('a backup restores into a new folder with every record, and the audit trail verifies there', async () => {
    const b = join(dir, 'b');
    const restored = await cliProcess({ DATA_DIR: b }, 'restore', file);
    expect(restored.code, restored.err).to.equal(0);
    expect(restored.out).to.include('audit trail intact');
    const copy = await cliProcess({ DATA_DIR: b }, 'audit', 'verify');
    expect(copy.code).to.equal(0);
    expect(copy.out).to.equal(original);
    // the restored registry answers like the original
    const seeded = await cliProcess({ DATA_DIR: b }, 'demo', 'seed', '--enterprises', '12');
    expect(seeded.out).to.include('0 created');
  });

  it('refuses to restore over a folder that holds anything, to overwrite a file, or to work on PostgreSQL', async () => {
    const over = await cliProcess({ DATA_DIR: a }, 'restore', file);
    expect(over.code).to.equal(2);
    expect(over.err).to.include('not empty').and.include('nothing was restored');
    expect((await cliProcess({ DATA_DIR: a }, 'backup', file)).code).to.equal(2);
    const pg = await cliProcess({ DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' }, 'backup', join(dir, 'x.tgz'));
    expect(pg.code).to.equal(2);
    expect(pg.err).to.include('pg_dump');
  });

  /** The backup cut short in two ways: the gzip file itself, and a whole gzip of a cut-short archive. */
  const damaged = async () => {
    const whole = await readFile(file);
    const truncated = join(dir, 'truncated.tgz');
    await writeFile(truncated, whole.subarray(0, 3000));
    const halfArchive = join(dir, 'half.tgz');
    await writeFile(halfArchive, gzipSync(gunzipSync(whole).subarray(0, 200_000)));
    return { truncated, halfArchive };
  };

  it('refuses a damaged backup (cut short, or a whole gzip of a cut-short archive) and leaves no folder behind', async () => {
    const { truncated, halfArchive } = await damaged();
    for (const [bad, why] of [
      [truncated, 'not a complete gzip file'],
      [halfArchive, 'cut short'],
    ] as const) {
      const into = join(dir, `into-${why.length}`);
      const res = await cliProcess({ DATA_DIR: into }, 'restore', bad);
      expect(res.code, res.err).to.equal(2);
      expect(res.err).to.include(why).and.include('nothing was restored').and.not.include('    at ');
      expect(existsSync(into)).to.equal(false);
    }
  });

  it('leaves an empty folder as it was when a restore into it is refused, and it takes a good backup afterwards', async () => {
    const { halfArchive } = await damaged();
    const empty = join(dir, 'empty');
    await mkdir(empty);
    expect((await cliProcess({ DATA_DIR: empty }, 'restore', halfArchive)).code).to.equal(2);
    expect(await readdir(empty)).to.deep.equal([]);
    expect((await cliProcess({ DATA_DIR: empty }, 'restore', file)).code).to.equal(0);
  });

  it('says where a backup cannot go, and that a file is no folder to restore into', async () => {
    const nowhere = await cliProcess({ DATA_DIR: a }, 'backup', join(dir, 'no-such-folder', 'b.tgz'));
    expect(nowhere.code).to.equal(2);
    expect(nowhere.err).to.include('no folder').and.not.include('ENOENT');
    const onFile = await cliProcess({ DATA_DIR: file }, 'restore', file);
    expect(onFile.code).to.equal(2);
    expect(onFile.err).to.include('a file, not a folder');
  });
});
