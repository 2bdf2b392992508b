/**
 * PostgreSQL connection URLs as libpq takes them, several hosts included
 * (`postgres://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write`). node-postgres takes one
 * host per connection, so the list is split here into one URL per host, and `target_session_attrs`
 * (which libpq checks after connecting) is left for the host pool to check (src/store/host-pool.ts).
 */

export const SESSION_ATTRS = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'] as const;
export type SessionAttrs = (typeof SESSION_ATTRS)[number];

export interface PostgresTarget {
  /** one URL per host, in the order given, each without target_session_attrs */
  hostUrls: string[];
  /** `host:port` of each, for logs (never the password) */
  hostNames: string[];
  /** what a connection must be to be used; libpq's default is `any` */
  sessionAttrs: SessionAttrs;
  /** the user to connect as (pg would fall back to $USER, which is empty in some containers) */
  user: string;
}

export class PostgresUrlError extends Error {}

/** Splits a URL that may name several hosts; throws PostgresUrlError (never echoing the password). */
export function parsePostgresUrl(raw: string): PostgresTarget {
  const m = /^(postgres(?:ql)?:)\/\/([^/?#]*)(.*)$/i.exec(raw.trim());
  if (!m) throw new PostgresUrlError('must start with postgres:// or postgresql://');
  const [, scheme, authority = '', rest = ''] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;
  // an unencoded / or # in the password ends the host part early, and the rest (password
  // included) would be taken for the database name, and printed as such
  if (/[@]/.test(rest.split('?')[0] ?? ''))
    throw new PostgresUrlError('the password holds / or # or @: percent-encode them (%2F, %23, %40)');
  const query = rest.indexOf('?');
  const path = query >= 0 ? rest.slice(0, query) : rest;
  const params = new URLSearchParams(query >= 0 ? rest.slice(query + 1) : '');
  const attrs = (params.get('target_session_attrs') ?? 'any').toLowerCase();
  // no host in the authority: a Unix socket (`postgres:///db?host=/var/run/postgresql`) or libpq's
  // defaults, one server: passed to pg as it is
  if (hostList === '') {
    if (attrs !== 'any') throw new PostgresUrlError('target_session_attrs needs hosts in the URL (host1,host2), not host= parameters');
    const user = decodeURIComponent(userinfo.slice(0, -1).split(':')[0] ?? '');
    return {
      hostUrls: [raw.trim()],
      hostNames: [params.get('host') ?? 'localhost (socket)'],
      sessionAttrs: 'any',
      user: user || 'postgres',
    };
  }
  // a comma inside [..] would be part of an IPv6 address, which never has one: plain split is safe
  const hosts = hostList.split(',');
  if (hosts.some((h) => h.trim() === '')) throw new PostgresUrlError('names an empty host (two commas, or a comma at an end)');
  if (!(SESSION_ATTRS as readonly string[]).includes(attrs))
    throw new PostgresUrlError(`target_session_attrs must be one of ${SESSION_ATTRS.join(', ')}, got "${attrs.slice(0, 40)}"`);
  params.delete('target_session_attrs');
  const search = params.toString();
  const hostUrls = hosts.map((h) => `${scheme}//${userinfo}${h}${path}${search ? `?${search}` : ''}`);
  let user = '';
  const hostNames = hostUrls.map((u, i) => {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new PostgresUrlError(`host ${i + 1} of ${hosts.length} is not a valid host[:port]`);
    }
    if (!parsed.hostname) throw new PostgresUrlError(`host ${i + 1} of ${hosts.length} is empty`);
    user = decodeURIComponent(parsed.username);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  });
  return { hostUrls, hostNames, sessionAttrs: attrs as SessionAttrs, user: user || 'postgres' };
}
