import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { sql } from 'kysely';
import { auditKey, sign } from '../../src/domain/audit-signing.js';
import { archiveDigest, backupMaterial, readBackupFile, writeBackupFile } from '../../src/store/backup-file.js';
import { openStore } from '../../src/store/db.js';
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

  /** A backup file holding `archive`, signed with `key` (the run's audit key unless another is given). */
  const signed = (archive: Buffer, key = process.env.AUDIT_KEY!) => {
    const createdAt = new Date().toISOString(); // wall-clock: when this file was made, as the command stamps it
    const fields = { sha256: archiveDigest(archive), createdAt, bytes: archive.length };
    return writeBackupFile(archive, { ...fields, ...sign({ current: auditKey(key), retired: [] }, backupMaterial(fields)) });
  };
  const archiveOf = async () => {
    const read = readBackupFile(await readFile(file));
    if ('problem' in read) throw new Error(read.problem);
    return read.archive;
  };

  /** The backup cut short in two ways: the file itself, and a signed gzip of a cut-short archive. */
  const damaged = async () => {
    const whole = await readFile(file);
    const truncated = join(dir, 'truncated.tgz');
    await writeFile(truncated, whole.subarray(0, 3000));
    const halfArchive = join(dir, 'half.tgz');
    await writeFile(halfArchive, signed(gzipSync(gunzipSync(await archiveOf()).subarray(0, 200_000))));
    return { truncated, halfArchive };
  };

  it('refuses a damaged backup (cut short, or a whole gzip of a cut-short archive) and leaves no folder behind', async () => {
    const { truncated, halfArchive } = await damaged();
    for (const [bad, why] of [
      [truncated, 'cut short or changed'],
      [halfArchive, 'the archive ends in the middle'],
    ] as const) {
      const into = join(dir, `into-${why.length}`);
      const res = await cliProcess({ DATA_DIR: into }, 'restore', bad);
      expect(res.code, res.err).to.equal(2);
      expect(res.err).to.include(why).and.include('nothing was restored').and.not.include('    at ');
      expect(existsSync(into)).to.equal(false);
    }
  });

  it('refuses an unsigned, an altered and a foreign backup before writing anything', async () => {
    const archive = await archiveOf();
    const unsigned = join(dir, 'unsigned.tgz');
    await writeFile(unsigned, archive);
    const altered = join(dir, 'altered.tgz');
    const bytes = Buffer.from(await readFile(file));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
    await writeFile(altered, bytes);
    const foreign = join(dir, 'foreign.tgz');
    await writeFile(foreign, signed(archive, 'another-installation-audit-key-0123456789'));
    for (const [bad, why] of [
      [unsigned, 'not a signed backup'],
      [altered, 'not what was signed'],
      [foreign, 'another audit key'],
    ] as const) {
      const into = join(dir, `refused-${why.replaceAll(' ', '-')}`);
      await mkdir(into);
      const res = await cliProcess({ DATA_DIR: into }, 'restore', bad);
      expect(res.code, res.err).to.equal(2);
      expect(res.err).to.include(why).and.include('nothing was restored');
      expect(await readdir(into)).to.deep.equal([]);
    }
  });

  it('refuses a crafted backup (an admin key planted, the trail truncated) even when signed, and keeps nothing of it', async () => {
    // the worst case: someone with the database and the key builds a backup by hand
    const c = join(dir, 'crafted-source');
    expect((await cliProcess({ DATA_DIR: c }, 'restore', file)).code).to.equal(0);
    const store = await openStore({ databaseUrl: null, dataDir: c });
    let archive: Buffer;
    try {
      await sql`alter table api_keys disable trigger user`.execute(store.db);
      await sql`alter table audit_events disable trigger user`.execute(store.db);
      await sql`insert into api_keys (id, key_hash, role, name) values ('key_planted', ${'e'.repeat(64)}, 'admin', 'ops')`.execute(
        store.db,
      );
      await sql`truncate audit_events`.execute(store.db);
      archive = Buffer.from(await (await (store.dump as () => Promise<Blob>)()).arrayBuffer());
    } finally {
      await store.close();
    }
    // the command line will not sign such a folder
    const refusedBackup = await cliProcess({ DATA_DIR: c }, 'backup', join(dir, 'crafted-by-cli.tgz'));
    expect(refusedBackup.code).to.equal(1);
    expect(refusedBackup.err).to.include('fails verification');
    expect(existsSync(join(dir, 'crafted-by-cli.tgz'))).to.equal(false);
    const crafted = join(dir, 'crafted.tgz');
    await writeFile(crafted, signed(archive));
    const into = join(dir, 'crafted-into');
    await mkdir(into);
    const res = await cliProcess({ DATA_DIR: into }, 'restore', crafted);
    expect(res.code, res.out).to.equal(1);
    expect(res.err).to.include('fails verification').and.include('it was planted in the database').and.include('nothing was restored');
    expect(await readdir(into)).to.deep.equal([]);
  });

  it('will not restore under a running service: the folder is locked, and nothing is touched', async () => {
    const held = join(dir, 'held');
    const store = await openStore({ databaseUrl: null, dataDir: held });
    try {
      const res = await cliProcess({ DATA_DIR: held }, 'restore', file);
      expect(res.code).to.equal(2);
      expect(res.err).to.include('in use by another inspection-filing process').and.include('nothing was restored');
    } finally {
      await store.close();
    }
    // a staging folder a killed restore left behind is cleared by the next restore
    const into = join(dir, 'after-kill');
    await mkdir(`${into}.restoring`, { recursive: true });
    await writeFile(join(`${into}.restoring`, 'junk'), 'left by a restore killed halfway');
    const again = await cliProcess({ DATA_DIR: into }, 'restore', file);
    expect(again.code, again.err).to.equal(0);
    expect(again.out).to.match(/newest signed daily root|no signed daily root/);
    expect(existsSync(`${into}.restoring`)).to.equal(false);
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
