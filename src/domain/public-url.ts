import { isIP } from 'node:net';

// PUBLIC_URL is what the QR code on every printed 检查告知书 points at. Left unset it is
// http://localhost:PORT, which the enterprise's phone at the door cannot reach: harmless on a
// developer's machine, a useless notice in production.

/** Whether the address names this machine only (localhost, a loopback address, or "any"). */
export function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.') || host === '0.0.0.0';
  // an IPv4 loopback written as IPv6 is normalised by URL to ::ffff:7f00:1 … ::ffff:7fff:ffff
  if (isIP(host) === 6) return host === '::1' || host === '::' || /^::ffff:7f[0-9a-f]{2}:/.test(host);
  return false;
}

/** Whether the service must warn that its PUBLIC_URL cannot work on paper: production on a local address. */
export function publicUrlUnreachable(publicUrl: string, production: boolean): boolean {
  return production && isLocalUrl(publicUrl);
}
