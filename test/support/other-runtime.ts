import { startRuntime, type Runtime } from '../../src/runtime.js';
import { harness } from './harness.js';

/**
 * A second runtime (another process, as far as the database can tell) on the test's PostgreSQL,
 * for the describe block it is called in; the block is skipped on PGlite, one process by
 * construction.
 */
export function otherRuntime(): () => Runtime {
  let other: Runtime | null = null;
  before(async function () {
    const h = await harness();
    if (!h.config.databaseUrl) this.skip();
    other = await startRuntime(h.config, h.log, { clock: h.clock });
  });
  after(async () => {
    await other?.close();
  });
  return () => {
    if (!other) throw new Error('the other runtime is not started');
    return other;
  };
}
