import { pino, type Logger } from 'pino';

/** Structured JSON logs. Paths that could carry a secret are censored even if someone logs them. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'inspection-filing' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'key', '*.key', 'credentialNo', '*.credentialNo', 'databaseUrl', 'webhookSecret', 'smtpUrl'],
      censor: '[redacted]',
    },
  });
}
