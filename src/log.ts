import { pino, type Logger } from 'pino';
import { requestMixin } from './request-context.js';

/** Structured JSON logs. Paths that could carry a secret are censored even if someone logs them. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'inspection-filing' },
    // the request id on every line written while a request is handled, services included
    mixin: requestMixin,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'key', '*.key', 'credentialNo', '*.credentialNo', 'databaseUrl', 'webhookSecret', 'smtpUrl'],
      censor: '[redacted]',
    },
  });
}
