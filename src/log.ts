import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { requestMixin } from './request-context.js';

const require = createRequire(import.meta.url);

/** pino-pretty when it is installed (a development dependency: a production install logs JSON only). */
function prettyStream(): DestinationStream | null {
  try {
    const pretty = require('pino-pretty') as typeof import('pino-pretty');
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', sync: true });
  } catch {
    return null;
  }
}

/**
 * Structured JSON logs; readable lines (pino-pretty) when a person watches a terminal and it is installed. Paths that
 * could carry a secret are censored even if someone logs them.
 */
export function createLogger(level: string, pretty = !!process.stdout.isTTY): Logger {
  const stream = pretty ? prettyStream() : null;
  const options: LoggerOptions = {
    level,
    base: { service: 'inspection-filing' },
    // the request id on every line written while a request is handled, services included
    mixin: requestMixin,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'key',
        '*.key',
        'credentialNo',
        '*.credentialNo',
        'databaseUrl',
        'databaseReadUrl',
        'webhookSecret',
        'dingtalkWebhook',
        'dingtalkSecret',
        'wecomWebhook',
        'smtpUrl',
      ],
      censor: '[redacted]',
    },
  };
  return stream ? pino(options, stream) : pino(options);
}
