import type { OutgoingMessage } from 'node:http';
import vary from 'vary';
import type { CorsDecision } from '../../core/cors-decision.js';

const OWNED_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
];

/**
 * Puts a decision on a response about to be written. The module owns the CORS response
 * headers: it sets those the decision has (replacing any set elsewhere, so there is exactly
 * one of each) and removes the others. `Vary` is merged with whatever the app set.
 * In debug mode, a denial also gets `CORS-Denied`.
 */
export function applyCorsHeaders(
  response: OutgoingMessage,
  decision: CorsDecision,
): void {
  const { headers } = decision;
  for (const name of OWNED_HEADERS) {
    const value = headers[name];
    if (value === undefined) response.removeHeader(name);
    else response.setHeader(name, value);
  }
  if (decision.vary)
    vary(response as Parameters<typeof vary>[0], decision.vary);
  if (decision.debug) response.setHeader(DEBUG_HEADER, decision.debug);
}

/** The header the debug mode adds to denials. */
export const DEBUG_HEADER = 'cors-denied';

/** The headers of a preflight answer: the decision's, its `Vary`, and the debug header. */
export function preflightHeaders(
  decision: CorsDecision,
): Record<string, string> {
  const headers = { ...decision.headers };
  if (decision.vary) headers.vary = decision.vary;
  if (decision.debug) headers[DEBUG_HEADER] = decision.debug;
  return headers;
}
