import type { Config } from './config.js';
import { publicUrlUnreachable } from './domain/public-url.js';
import { parsePostgresUrl } from './store/pg-url.js';

/** host:port[,host:port…]/database of a PostgreSQL URL, never its password */
export function postgresWhere(databaseUrl: string): string {
  const target = parsePostgresUrl(databaseUrl);
  return `${target.hostNames.join(',')}${new URL(target.hostUrls[0] ?? '').pathname}`;
}

/**
 * The warning about a PUBLIC_URL no enterprise can reach (production on this machine's address),
 * as lines for the start banner and the log; none when the address is fine.
 */
export function publicUrlWarning(config: Pick<Config, 'publicUrl' | 'production'>): string[] {
  if (!publicUrlUnreachable(config.publicUrl, config.production)) return [];
  return [
    `  !!! WARNING: PUBLIC_URL is ${config.publicUrl}, an address of this machine only.`,
    '  !!! Every printed 检查告知书 carries a QR code to it, which no enterprise can open.',
    '  !!! Set PUBLIC_URL to the address people reach this service at (https://jiancha.example.gov.cn) and restart.',
    '  !!! 警告：PUBLIC_URL 指向本机地址，打印的检查告知书上的二维码企业无法打开；请设置为对外访问地址后重新启动。',
  ];
}

/** What a person who just ran `npm start` needs: where to go, on which database, how to get in. */
export function banner(config: Config, kind: 'postgres' | 'pglite', hasAdmin: boolean, version: string): string {
  const db =
    kind === 'pglite'
      ? `embedded PGlite in ${config.dataDir}`
      : `PostgreSQL ${postgresWhere(config.databaseUrl ?? '')}` +
        (config.databaseReadUrl ? `, reads on ${postgresWhere(config.databaseReadUrl)}` : '');
  const key = hasAdmin
    ? 'keys: an administrator makes them (npm run cli -- keys create …, or POST /api/v1/keys)'
    : `no admin key yet: restart with BOOTSTRAP_ADMIN_KEY=<16+ characters>, or ${kind === 'pglite' ? 'stop and ' : ''}` +
      'run npm run cli -- keys create --role admin --name <you>';
  const warning = publicUrlWarning(config);
  return [
    '',
    `  涉企检查备案系统 · inspection-filing ${version}`,
    `  pages      ${config.publicUrl}/`,
    `  API docs   ${config.publicUrl}/docs`,
    `  database   ${db}`,
    `  ${key}`,
    `  demo data  stop, run npm run cli -- demo seed, start again`,
    ...(warning.length ? ['', ...warning] : []),
    '',
    '',
  ].join('\n');
}
