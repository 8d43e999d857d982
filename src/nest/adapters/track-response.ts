import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import type { CorsState } from '../cors-exchange.js';
import { applyCorsHeaders } from './apply-cors-headers.js';
import { CORS_STATE, type StatefulRequest } from './cors-http-binding.js';

/**
 * Stores `state` on the request and applies its decision to the Node response right before
 * its headers are written, however they are written: a handler's result, an exception
 * filter, the adapter's 404 or body-parser error, a stream or a raw `writeHead()`.
 */
export function trackResponse(
  request: StatefulRequest,
  response: ServerResponse,
  state: CorsState,
): void {
  const tracked = request[CORS_STATE] !== undefined;
  request[CORS_STATE] = state;
  if (tracked) return;
  onHeaders(response, function (this: ServerResponse) {
    const { decision } = request[CORS_STATE]!;
    if (decision) applyCorsHeaders(this, decision);
  });
}
