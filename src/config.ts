import { isIP } from 'node:net';
import cron from 'node-cron';
import { AUDIT_KEY_MIN_LENGTH } from './domain/audit-signing.js';
import { assertTimeZone } from './domain/calendar.js';
import { parsePostgresUrl, PostgresUrlError } from './store/pg-url.js';

export interface Config {
  port: number;
  databaseUrl: string | null;
  /** DATABASE_READ_URL: standbys that scans, the verify page, lists and the dashboard read (PostgreSQL only) */
  databaseReadUrl: string | null;
  dataDir: string;
  rulesDir: string;
  tzRegion: string;
  bootstrapAdminKey: string | null;
  publicUrl: string;
  /** NODE_ENV=production: a PUBLIC_URL on this machine is then warned about (printed QR codes would point at it) */
  production: boolean;
  smtpUrl: string | null;
  digestFrom: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** DINGTALK_WEBHOOK: a DingTalk group robot's address (its access_token is a secret: never logged) */
  dingtalkWebhook: string | null;
  /** DINGTALK_SECRET: the robot's signing secret (加签), when the robot asks for signed messages */
  dingtalkSecret: string | null;
  /** WECOM_WEBHOOK: a WeCom (企业微信) group robot's address (its key is a secret: never logged) */
  wecomWebhook: string | null;
  scheduler: boolean;
  /** cron expressions (in TZ_REGION) of the scheduled jobs */
  digestSchedule: string;
  sweepSchedule: string;
  drawSchedule: string;
  /** first pause between webhook tries, doubled each try */
  webhookRetryBaseMs: number;
  logLevel: string;
  /** requests per minute per client address on the public verification endpoints */
  verifyRateLimit: number;
  /** JSON body limit in bytes */
  bodyLimit: number;
  /** PostgreSQL connections per process (PGlite is always one) */
  pgPoolSize: number;
  /** longest a statement may wait for PostgreSQL before its request fails with 503 */
  pgQueryTimeoutMs: number;
  /** signs the web pages' session cookies; unset: a secret made once and kept in the database */
  sessionSecret: string | null;
  /**
   * failed key (or password) authentications per 10 minutes per client address, the API and the
   * sign-in page counted together (AUTH_FAILURE_LIMIT; LOGIN_RATE_LIMIT is its older name)
   */
  authFailureLimit: number;
  /** the token `/metrics` asks for (Bearer); unset: an admin API key */
  metricsToken: string | null;
  /** reports an enterprise may send per calendar day (in TZ_REGION) */
  reportDailyLimit: number;
  /** Express `trust proxy`: how many proxies, or which addresses, to trust for X-Forwarded-For */
  trustProxy: number | string | null;
  /** how far back an enterprise's report may say a visit happened (a county setting) */
  reportMaxAgeDays: number;
  /** draw plans an agency may have that will still draw */
  drawMaxActivePlans: number;
  /** draw plans one key may ask for per hour, refused ones included */
  drawPlanRateLimit: number;
  /** AUDIT_KEY: signs the audit trail's heads, daily roots and backups; never stored in the database */
  auditKey: string | null;
  /** AUDIT_KEY_RETIRED: earlier keys, comma-separated, still accepted when checking */
  auditKeyRetired: string[];
  /** AUDIT_KEY_FILE: where the key is read from when AUDIT_KEY is unset (made on first start) */
  auditKeyFile: string;
}

/** What Express's `trust proxy` takes as an address: a named range, an IP, or IP/prefix. */
function isProxyAddress(t: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(t)) return true;
  const [ip, prefix, extra] = t.split('/');
  const kind = isIP(ip ?? '');
  if (!kind || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (kind === 4 ? 32 : 128);
}

/** The shortest key or token an operator may choose by hand (BOOTSTRAP_ADMIN_KEY, METRICS_TOKEN). */
export const MIN_GIVEN_KEY_LENGTH = 24;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Reads the environment once; every bad value is reported together so one fix-and-restart suffices. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name]?.trim();
    return v ? v : null;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = str(name);
    if (raw === null) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
    } catch {
      problems.push(`${name} is not a valid URL`); // the value may hold a password: never echo it
    }
    return raw;
  };

  // libpq's form, several hosts included: node's URL parser takes one host, so each is checked on its own
  const postgresUrl = (name: string, writes = false): string | null => {
    const raw = str(name);
    if (raw === null) return null;
    try {
      const target = parsePostgresUrl(raw);
      // the pool that writes must land on the primary: under `any` (libpq's default) a standby
      // suits too, and the service would stay there after the primary came back
      if (writes && target.hostUrls.length > 1 && !['read-write', 'primary'].includes(target.sessionAttrs))
        problems.push(`${name} names several hosts: add target_session_attrs=read-write, so that writes go to the primary`);
      else if (writes && !['any', 'read-write', 'primary'].includes(target.sessionAttrs))
        problems.push(
          `${name} is where the service writes: target_session_attrs must be read-write (or primary), not ${target.sessionAttrs}`,
        );
    } catch (err) {
      // the value may hold a password: never echo it
      problems.push(`${name} is not a valid URL: ${err instanceof PostgresUrlError ? err.message : 'it does not parse'}`);
    }
    return raw;
  };

  const port = int('PORT', 3000, 0, 65535);
  const tzRegion = str('TZ_REGION') ?? 'Asia/Shanghai';
  try {
    assertTimeZone(tzRegion);
  } catch {
    problems.push(`TZ_REGION "${tzRegion}" is not a known IANA time zone (for example Asia/Shanghai)`);
  }
  const schedulerRaw = (str('SCHEDULER') ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(schedulerRaw)) problems.push(`SCHEDULER must be "on" or "off", got "${schedulerRaw}"`);
  const schedule = (name: string, def: string): string => {
    const v = str(name) ?? def;
    if (!cron.validate(v)) problems.push(`${name} "${v}" is not a cron expression (for example "0 2 * * *": 02:00 every day)`);
    return v;
  };
  const digestSchedule = schedule('DIGEST_SCHEDULE', '0 2 * * *');
  const sweepSchedule = schedule('SWEEP_SCHEDULE', '0 * * * *');
  const drawSchedule = schedule('DRAW_SCHEDULE', '5 * * * *');
  const bootstrapAdminKey = str('BOOTSTRAP_ADMIN_KEY');
  if (bootstrapAdminKey !== null && bootstrapAdminKey.length < MIN_GIVEN_KEY_LENGTH) {
    problems.push(
      `BOOTSTRAP_ADMIN_KEY must be at least ${MIN_GIVEN_KEY_LENGTH} characters long (a random value, e.g. \`openssl rand -base64 24\`)`,
    );
  }
  const metricsToken = str('METRICS_TOKEN');
  if (metricsToken !== null && metricsToken.length < MIN_GIVEN_KEY_LENGTH) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_GIVEN_KEY_LENGTH} characters long`);
  }
  const loginAlias = env.AUTH_FAILURE_LIMIT?.trim()
    ? 'AUTH_FAILURE_LIMIT'
    : env.LOGIN_RATE_LIMIT?.trim()
      ? 'LOGIN_RATE_LIMIT'
      : 'AUTH_FAILURE_LIMIT';
  const webhookUrl = url('WEBHOOK_URL', ['http:', 'https:']);
  const webhookSecret = str('WEBHOOK_SECRET');
  if (webhookUrl && !webhookSecret) problems.push('WEBHOOK_URL is set but WEBHOOK_SECRET is not: webhooks are always signed');
  const dingtalkWebhook = url('DINGTALK_WEBHOOK', ['http:', 'https:']);
  const dingtalkSecret = str('DINGTALK_SECRET');
  if (dingtalkSecret && !dingtalkWebhook) problems.push("DINGTALK_SECRET is set but DINGTALK_WEBHOOK (the robot's address) is not");
  const wecomWebhook = url('WECOM_WEBHOOK', ['http:', 'https:']);
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:']);
  const digestFrom = str('DIGEST_FROM');
  if (smtpUrl && !digestFrom) problems.push('SMTP_URL is set but DIGEST_FROM (the sender address) is not');
  const trustRaw = str('TRUST_PROXY');
  let trustProxy: number | string | null = null;
  if (trustRaw !== null) {
    if (/^\d+$/.test(trustRaw)) trustProxy = Number(trustRaw);
    else if (trustRaw.split(',').every((t) => isProxyAddress(t.trim()))) trustProxy = trustRaw;
    else problems.push(`TRUST_PROXY must be a number of proxies (1) or their addresses (loopback, 10.0.0.0/8, …), got "${trustRaw}"`);
  }
  const sessionSecret = str('SESSION_SECRET');
  if (sessionSecret !== null && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters long');
  const auditKey = str('AUDIT_KEY');
  const auditKeyRetired = (str('AUDIT_KEY_RETIRED') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if ([auditKey ?? '', ...auditKeyRetired].some((k) => k && k.length < AUDIT_KEY_MIN_LENGTH)) {
    problems.push(`AUDIT_KEY and each AUDIT_KEY_RETIRED key must be at least ${AUDIT_KEY_MIN_LENGTH} characters long`);
  }
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const logLevel = str('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }

  const config: Config = {
    port,
    databaseUrl: postgresUrl('DATABASE_URL', true),
    databaseReadUrl: postgresUrl('DATABASE_READ_URL'),
    dataDir: str('DATA_DIR') ?? './data',
    rulesDir: str('RULES_DIR') ?? './rules',
    tzRegion,
    bootstrapAdminKey,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    production: str('NODE_ENV') === 'production',
    smtpUrl,
    digestFrom,
    webhookUrl,
    webhookSecret,
    dingtalkWebhook,
    dingtalkSecret,
    wecomWebhook,
    scheduler: schedulerRaw === 'on',
    digestSchedule,
    sweepSchedule,
    drawSchedule,
    webhookRetryBaseMs: int('WEBHOOK_RETRY_BASE_MS', 2000, 1, 600_000),
    logLevel,
    verifyRateLimit: int('VERIFY_RATE_LIMIT', 120, 1, 1_000_000),
    bodyLimit: int('BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    pgPoolSize: int('PG_POOL_SIZE', 10, 1, 200),
    pgQueryTimeoutMs: int('PG_QUERY_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
    sessionSecret,
    authFailureLimit: int(loginAlias, 20, 1, 100_000),
    metricsToken,
    reportDailyLimit: int('REPORT_DAILY_LIMIT', 10, 1, 10_000),
    trustProxy,
    reportMaxAgeDays: int('REPORT_MAX_AGE_DAYS', 730, 1, 36_600),
    drawMaxActivePlans: int('DRAW_MAX_ACTIVE_PLANS', 10, 1, 1000),
    drawPlanRateLimit: int('DRAW_PLAN_RATE_LIMIT', 20, 1, 100_000),
    auditKey,
    auditKeyRetired,
    auditKeyFile: str('AUDIT_KEY_FILE') ?? './audit.key',
  };
  if (config.databaseReadUrl && !config.databaseUrl)
    problems.push('DATABASE_READ_URL needs DATABASE_URL: its standbys follow a PostgreSQL primary, and the embedded database has none');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
