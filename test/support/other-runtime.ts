import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { ADMIN_KEY, clock, harness } from './harness.js';

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

/**
 * A service of its own, on an embedded database in memory, for the describe block it is called
 * in: for settings that must not leak into the shared test service (a small sign-in limit, https,
 * production). `env` is laid over the test service's base settings.
 */
export function runtimeOfItsOwn(env: Record<string, string>): () => Runtime {
  let own: Runtime | null = null;
  before(async () => {
    const config = loadConfig({
      RULES_DIR: 'rules',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      PUBLIC_URL: 'http://verify.test',
      SCHEDULER: 'off',
      AUDIT_KEY: process.env.AUDIT_KEY,
      ...env,
    });
    own = await startRuntime(config, pino({ level: 'silent' }), { clock, dataDir: 'memory://', quiet: true });
  });
  after(async () => {
    await own?.close();
  });
  return () => {
    if (!own) throw new Error('the runtime of its own is not started');
    return own;
  };
}
