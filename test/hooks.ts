import supertest from 'supertest';
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
    try {
      // every API response the run received, against the document the server publishes
      const doc = (await supertest((await harness()).runtime.app).get('/openapi.json')).body;
      const { checked, problems } = contractProblems(doc);
      if (problems.length)
        throw new Error(`${problems.length} kinds of response differ from /openapi.json (of ${checked} checked):\n${problems.join('\n')}`);
    } finally {
      await killServers();
      await closeHarness();
      await removeTempDirs();
    }
    await expectNoLeaks();
  },
};
