import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a handshake comes from a page of the server's own host: its `Origin`, an `http:` or
 * `https:` origin, names the host and port of its `Host` header. A browser sends both as they
 * are, so a page of another site never passes. Such a page needs no CORS over HTTP, and so
 * it needs no policy to open a socket either.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const { origin, host } = headers;
  if (typeof origin !== 'string' || host === undefined) return false;
  const scheme = origin.startsWith('https://')
    ? 8
    : origin.startsWith('http://')
      ? 7
      : 0;
  return scheme > 0 && origin.slice(scheme) === host.toLowerCase();
}
