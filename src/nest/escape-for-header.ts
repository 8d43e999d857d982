import type { CorsRequest } from '../core/cors-policy-options.js';

const MAX_LENGTH = 200;

/**
 * Text safe to put in a response header or a log line: printable ASCII as it is, anything else
 * (control characters, CR and LF, non-ASCII) as a `\uXXXX` escape, and at most 200
 * characters, cut with `...` (never through an escape).
 */
export function escapeForHeader(text: string): string {
  const escaped = text.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (escaped.length <= MAX_LENGTH) return escaped;
  const cut = escaped.slice(0, MAX_LENGTH - 3).replace(/\\u[0-9a-f]{0,3}$/, '');
  return `${cut}...`;
}

/** The request's origin for a log line: escaped and bounded, as a header would be. */
export function shownOrigin(request: CorsRequest): string {
  if (request.origin !== undefined)
    return `origin "${escapeForHeader(request.origin)}"`;
  return request.headers.origin === undefined
    ? 'no Origin'
    : 'several Origin headers';
}
