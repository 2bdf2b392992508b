import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { RuleLoadError } from './rules/load.js';
import { startRuntime, version } from './runtime.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  let runtime;
  try {
    runtime = await startRuntime(config, log);
  } catch (err) {
    if (err instanceof RuleLoadError) log.fatal({ problems: err.problems }, 'rule sets are invalid; fix them and start again');
    else log.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
  const { app, services } = runtime;

  const server: Server = app.listen(config.port, () => {
    log.info({ port: config.port, database: runtime.store.kind, version, publicUrl: config.publicUrl }, 'inspection-filing is listening');
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'HTTP server failed');
    process.exit(1);
  });

  process.on('SIGHUP', () => {
    services.rulesets.reload().catch((err: unknown) => log.error({ err }, 'SIGHUP reload refused'));
  });
  // Operational errors are handled where they occur; anything reaching here is logged, not fatal.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      runtime
        .close()
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
