import { pino, type Logger, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';
import { requestMixin } from './request-context.js';

/**
 * Structured JSON logs; readable lines (pino-pretty) when a person watches a terminal. Paths that
 * could carry a secret are censored even if someone logs them.
 */
export function createLogger(level: string, pretty = !!process.stdout.isTTY): Logger {
  const stream = pretty
    ? PinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', sync: true })
    : undefined;
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
        'webhookSecret',
        'smtpUrl',
      ],
      censor: '[redacted]',
    },
  };
  return stream ? pino(options, stream) : pino(options);
}
