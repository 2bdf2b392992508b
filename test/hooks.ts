import { closeHarness, harness } from './support/harness.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await harness();
  },
  async afterEach() {
    (await harness()).clock.reset();
  },
  async afterAll() {
    await closeHarness();
  },
};
