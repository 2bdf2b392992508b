import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { AppError, detailMessage } from './domain/errors.js';
import { createHttpServer } from './http/server.js';
import { createLogger } from './log.js';
import { startRuntime, version } from './runtime.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { isOutage } from './store/availability.js';
import { EmbeddedDatabaseError, isWasmAbort } from './store/db.js';
import { AuditKeyError } from './services/audit-keyring.js';
import { banner, publicUrlWarning } from './start-banner.js';
import { parsePostgresUrl } from './store/pg-url.js';

/** The server named by DATABASE_URL does not answer: where it was looked for (never the password), in one line. */
function databaseAway(databaseUrl: string, err: unknown): string {
  const why = err instanceof Error ? err.message : String(err);
  return `PostgreSQL at ${parsePostgresUrl(databaseUrl).hostNames.join(', ')} does not answer (${why}): start it, or check DATABASE_URL`;
}

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
  // The embedded database aborting is not an error this process can answer and go on from:
  // say so in one line (not a page of minified WebAssembly glue) and stop.
  process.on('uncaughtException', (err) => {
    if (isWasmAbort(err)) log.fatal(new EmbeddedDatabaseError(config.dataDir, err).message);
    else log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  let runtime;
  try {
    runtime = await startRuntime(config, log, { scheduler: config.scheduler, processMetrics: true });
  } catch (err) {
    // a second process on the same embedded database, or a damaged one: one line that says what to do
    if (err instanceof DataDirLockedError || err instanceof EmbeddedDatabaseError || err instanceof AuditKeyError) log.fatal(err.message);
    else if (err instanceof AppError && err.messageKey === 'rules_invalid')
      log.fatal(
        { problems: err.details.map((d) => `${d.path}: ${detailMessage(d).en}`) },
        'rule sets are invalid; fix them and start again',
      );
    else if (config.databaseUrl && isOutage(err)) log.fatal(databaseAway(config.databaseUrl, err));
    else log.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
  const { app, services } = runtime;

  const server: Server = createHttpServer(app);
  server.listen(config.port, () => {
    log.info({ port: config.port, database: runtime.store.kind, version, publicUrl: config.publicUrl }, 'inspection-filing is listening');
    // in the log too: a service started by systemd or a container has no terminal for the banner
    const warning = publicUrlWarning(config);
    if (warning.length) log.warn({ publicUrl: config.publicUrl }, warning.map((l) => l.replace(/^\s*!!!\s*/, '')).join(' '));
    if (!process.stdout.isTTY) return;
    services.keys
      .adminExists()
      .then((admin) => process.stdout.write(banner(config, runtime.store.kind, admin, version)))
      .catch((err: unknown) => log.warn({ err }, 'could not say whether an admin key exists'));
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
    // long enough for a running job (a digest, a draw) to finish; its transaction rolls back if not
    const force = setTimeout(() => process.exit(1), 60_000);
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
