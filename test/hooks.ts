import { closeHarness, harness } from './support/harness.js';
import { killServers } from './support/server-process.js';
import { removeTempDirs } from './support/temp.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await harness();
  },
  async afterEach() {
    (await harness()).clock.reset();
  },
  async afterAll() {
    await killServers();
    await closeHarness();
    await removeTempDirs();
  },
};
