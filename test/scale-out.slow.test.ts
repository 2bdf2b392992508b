import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { ADMIN_KEY, harness } from './support/harness.js';
import { admin, auth, filingBody, waitFor, world } from './support/fixtures.js';
import { machineNow, startServer, type ServerProcess } from './support/server-process.js';
import { tempDir } from './support/temp.js';

// Three service processes on one PostgreSQL database, as a county runs it behind a load
// balancer: what one process does, the others must honour at once.
describe('three processes on one PostgreSQL', function () {
  const servers: ServerProcess[] = [];
  let rulesDir: string;

  before(async function () {
    const h = await harness();
    if (!h.config.databaseUrl) this.skip(); // PGlite is one process by construction
    rulesDir = await tempDir('rules');
    await cp('rules', rulesDir, { recursive: true });
    for (let i = 0; i < 3; i++)
      servers.push(
        await startServer({
          DATABASE_URL: h.config.databaseUrl,
          BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
          RULES_DIR: rulesDir,
          VERIFY_RATE_LIMIT: '100000',
        }),
      );
    await Promise.all(servers.map((s) => s.ready()));
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  });

  const call = (s: ServerProcess, path: string, init: RequestInit = {}) => fetch(`${s.base}${path}`, init);

  it('21 racing filings spread across the three under a cap of 1: exactly one is filed', async () => {
    const w = await world('110101', { riskClass: 'B' });
    const body = JSON.stringify(filingBody(w, {}, machineNow())); // wall-clock: the servers run on it
    const responses = await Promise.all(
      Array.from({ length: 21 }, (_, i) =>
        call(servers[i % 3]!, '/api/v1/filings', {
          method: 'POST',
          headers: { ...auth(w.agencyKey), 'content-type': 'application/json' },
          body,
        }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).to.deep.equal([201, ...Array(20).fill(422)]);
    const h = await harness();
    expect(await h.runtime.store.db.selectFrom('filings').select('id').where('enterprise_uscc', '=', w.uscc).execute()).to.have.length(1);
  });

  it('a key revoked through one process is refused by the others at once, though they had it cached', async () => {
    const w = await world();
    for (const s of servers) expect((await call(s, '/api/v1/filings', { headers: auth(w.enterpriseKey) })).status).to.equal(200);
    const h = await harness();
    const id =
      ((await h.api().get('/api/v1/keys?role=enterprise&limit=500').set(admin)).body.items as { id: string; uscc: string }[]).find(
        (k) => k.uscc === w.uscc,
      )?.id ?? '';
    expect((await call(servers[0]!, `/api/v1/keys/${id}`, { method: 'DELETE', headers: auth(ADMIN_KEY) })).status).to.equal(200);
    expect((await call(servers[0]!, '/api/v1/filings', { headers: auth(w.enterpriseKey) })).status).to.equal(401);
    // the others hear of it by NOTIFY on their own connection, in milliseconds: a deadline, not a sleep
    for (const s of servers.slice(1))
      await waitFor(async () => (await call(s, '/api/v1/filings', { headers: auth(w.enterpriseKey) })).status === 401, 2_000);
  });

  it('a rule reload through one process reloads the others', async () => {
    const path = join(rulesDir, 'national-baseline.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as { version: string };
    doc.version = '9.8.7';
    await writeFile(path, JSON.stringify(doc, null, 2));
    const res = await call(servers[0]!, '/api/v1/rulesets/reload', { method: 'POST', headers: auth(ADMIN_KEY) });
    expect(res.status).to.equal(200);
    const version = async (s: ServerProcess) =>
      (
        (await (await call(s, '/api/v1/rulesets', { headers: auth(ADMIN_KEY) })).json()) as { items: { id: string; version: string }[] }
      ).items.find((x) => x.id === 'national-baseline')?.version;
    for (const s of servers.slice(1)) await waitFor(async () => (await version(s)) === '9.8.7', 5_000);
  });
});
