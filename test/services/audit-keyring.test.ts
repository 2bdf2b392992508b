import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { resignHeads } from '../../src/services/audit.js';
import { AuditKeyError, useAuditKeyring } from '../../src/services/audit-keyring.js';
import { verifyAuditTrail } from '../../src/services/audit-verify.js';
import { startRuntime } from '../../src/runtime.js';
import { ADMIN_KEY, harness } from '../support/harness.js';
import { tempDir } from '../support/temp.js';

const KEY_A = 'audit-key-a-0123456789abcdef-0123456789';
const KEY_B = 'audit-key-b-0123456789abcdef-0123456789';

// A process started with another key than the one that signed the trail, or with none, must not
// sign beside it: it would leave a trail that fails, or one signed by a key nobody checks with.
describe('the audit key a process starts with', () => {
  after(async () => useAuditKeyring((await harness()).runtime.auditKeyring));

  it('makes a key only for a database nothing has signed; refuses a wrong or missing key there, writing nothing', async () => {
    const h = await harness();
    const dir = await tempDir('keyring');
    const dataDir = join(dir, 'data');
    const keyFile = join(dir, 'audit.key');
    const config = (env: Record<string, string>) =>
      loadConfig({ RULES_DIR: 'rules', SCHEDULER: 'off', BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, AUDIT_KEY_FILE: keyFile, ...env });
    const log = pino({ level: 'silent' });
    // a new database, no key anywhere: the key file is made (0600) and signs
    const first = await startRuntime(config({}), log, { clock: h.clock, dataDir, quiet: true });
    const made = first.auditKeyring.current.id;
    await first.close();
    expect(existsSync(keyFile)).to.equal(true);
    // another key: refused before anything is written
    const wrong = await startRuntime(config({ AUDIT_KEY: KEY_B }), log, { clock: h.clock, dataDir, quiet: true }).catch((e: unknown) => e);
    expect(wrong).to.be.instanceOf(AuditKeyError);
    expect((wrong as Error).message)
      .to.include(made)
      .and.include('nothing was written');
    // no key at all (the file gone): refused, and no new key file is made beside a signed trail
    const elsewhere = join(dir, 'other.key');
    const none = await startRuntime(config({ AUDIT_KEY_FILE: elsewhere }), log, { clock: h.clock, dataDir, quiet: true }).catch(
      (e: unknown) => e,
    );
    expect(none).to.be.instanceOf(AuditKeyError);
    expect(existsSync(elsewhere)).to.equal(false);
    // a rotation: the new key, the old one retired beside it
    const old = (await readFile(keyFile, 'utf8')).trim();
    const rotated = await startRuntime(config({ AUDIT_KEY: KEY_A, AUDIT_KEY_RETIRED: old }), log, { clock: h.clock, dataDir, quiet: true });
    try {
      const before = await verifyAuditTrail(rotated.store.db, rotated.auditKeyring);
      expect(before.problems.map((p) => p.reason).join('\n')).to.include(`signed with retired key ${made}: run \`audit rotate\``);
      expect(await resignHeads(rotated.store.db, rotated.auditKeyring)).to.be.above(0);
      const after = await verifyAuditTrail(rotated.store.db, rotated.auditKeyring);
      expect(after.ok, JSON.stringify(after.problems)).to.equal(true);
    } finally {
      await rotated.close();
    }
  });
});
