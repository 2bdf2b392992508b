/**
 * The path (with its query) of the same-site page a form was posted from, or '/' when the
 * Referer is missing, malformed or another site's: where to send someone back to, never off-site.
 */
export function refererPath(referer: string | undefined, host: string | undefined): string {
  if (!referer) return '/';
  try {
    const u = new URL(referer);
    return u.host === host ? `${u.pathname}${u.search}` : '/';
  } catch {
    return '/';
  }
}
