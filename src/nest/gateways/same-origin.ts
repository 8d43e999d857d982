import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Whether a handshake comes from a page of the server's own origin: its `Origin` names the
 * scheme of the connection (`https:` over TLS, else `http:`) and the host and port of its
 * `Host` header. A browser sends both as they are, so a page of another site, or a plain-http
 * page of this host talking to its TLS server, never passes. Such a page needs no CORS over
 * HTTP, and so it needs no policy to open a socket either.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const { origin, host } = req.headers;
  if (typeof origin !== 'string' || host === undefined) return false;
  const scheme = (req.socket as Partial<TLSSocket>).encrypted
    ? 'https://'
    : 'http://';
  return origin === `${scheme}${host.toLowerCase()}`;
}
