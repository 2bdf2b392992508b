import supertest from 'supertest';
import { problemLines } from '../src/services/audit-verify.js';
import { verifyTrail } from './support/audit.js';
import { contractProblems } from './support/contract.js';
import { closeHarness, harness } from './support/harness.js';
import { expectNoLeaks } from './support/leaks.js';
import { killServers } from './support/server-process.js';
import { removeTempDirs } from './support/temp.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    // PGlite's first start (WebAssembly, initdb, migrations): a few seconds
    this.timeout(30_000);
    await harness();
  },
  async afterEach() {
    (await harness()).clock.reset();
  },
  async afterAll() {
    const problems: string[] = [];
    try {
      // every API response the run received, against the document the server publishes
      const doc = (await supertest((await harness()).runtime.app).get('/openapi.json')).body;
      const { checked, problems: differ } = contractProblems(doc);
      // every write the run made through the service is on the trail as its rows say: a new write
      // path that skips its event, or an attack test that forgot to roll back, fails the run
      const trail = await verifyTrail((await harness()).runtime.store.db);
      if (!trail.ok) problems.push(`the audit trail fails verification after the run:\n${problemLines(trail.problems, 10).join('\n')}`);
      if (differ.length)
        problems.push(`${differ.length} kinds of response differ from /openapi.json (of ${checked} checked):\n${differ.join('\n')}`);
    } finally {
      const left = await killServers();
      if (left) problems.push(`${left} server process(es) a test started were still running at the end (a test must stop what it starts)`);
      await closeHarness();
      await removeTempDirs();
      try {
        await expectNoLeaks();
      } catch (err) {
        problems.push((err as Error).message);
      }
      // Whatever the outcome, the run ends: something no check lists (a worker thread) could keep
      // the process alive, and then it exits, failed, saying so.
      setTimeout(() => {
        console.error('the run did not end 10 s after its last hook: something a test started keeps the process alive (a worker thread?)');
        process.exit(1);
      }, 10_000).unref();
    }
    if (problems.length) throw new Error(problems.join('\n\n'));
  },
};
