import { type OriginPattern, showOriginPattern } from './origin-pattern.js';
import { probeRegExp } from './regexp-probe.js';
import { parseRequestOrigin } from './request-origin.js';

/** Schemes without TLS: anyone on the network path can change what their pages run. */
const PLAIN_SCHEMES = new Set(['http', 'ws', 'ftp']);

/**
 * Whether `host` is loopback, as Secure Contexts defines a potentially trustworthy host:
 * `localhost` and names under it, `127.0.0.0/8`, `[::1]`. A page there is served from the
 * user's own machine, so no network attacker can inject script into it.
 */
function isLoopback(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '[::1]'
  );
}

/** Whether `origin`, a serialized origin, is served without TLS from a host other than loopback. */
export function isInsecureOrigin(origin: string): boolean {
  const parts = parseRequestOrigin(origin);
  return (
    parts !== undefined &&
    PLAIN_SCHEMES.has(parts.scheme) &&
    !isLoopback(parts.host)
  );
}

/**
 * An origin served without TLS from a host other than loopback that a compiled allowlist
 * entry allows, or `undefined`: the entry as written for a string, and for a RegExp the first
 * such origin its probe found (`http://a.example.com` for `/^https?:\/\/a\.example\.com$/`).
 * `null` is not judged here.
 */
export function insecureOriginOf(pattern: OriginPattern): string | undefined {
  switch (pattern.kind) {
    case 'exact':
      return isInsecureOrigin(pattern.origin) ? pattern.origin : undefined;
    case 'subdomains':
      return PLAIN_SCHEMES.has(pattern.scheme) && !isLoopback(pattern.domain)
        ? showOriginPattern(pattern)
        : undefined;
    case 'any-port':
      return PLAIN_SCHEMES.has(pattern.scheme) && !isLoopback(pattern.host)
        ? showOriginPattern(pattern)
        : undefined;
    case 'regexp':
      return probeRegExp(pattern.regexp).matched.find(isInsecureOrigin);
    case 'null':
      return undefined;
  }
}
