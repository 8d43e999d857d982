import type { OriginPattern } from './origin-pattern.js';
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

/**
 * Whether a compiled allowlist entry allows origins served without TLS from a host other
 * than loopback. RegExps and `null` are not judged: a RegExp may match anything.
 */
export function allowsInsecureOrigins(pattern: OriginPattern): boolean {
  switch (pattern.kind) {
    case 'exact': {
      const parts = parseRequestOrigin(pattern.origin);
      return (
        parts !== undefined &&
        PLAIN_SCHEMES.has(parts.scheme) &&
        !isLoopback(parts.host)
      );
    }
    case 'subdomains':
      return PLAIN_SCHEMES.has(pattern.scheme) && !isLoopback(pattern.domain);
    case 'any-port':
      return PLAIN_SCHEMES.has(pattern.scheme) && !isLoopback(pattern.host);
    default:
      return false;
  }
}
