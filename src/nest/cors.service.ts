import { Injectable } from '@nestjs/common';
import type { CorsHeaders } from '../core/cors-decision.js';
import { CorsEngine } from './cors-engine.js';

/** A request to explain, as a browser would send it. */
export interface CorsExplainRequest {
  /** `OPTIONS` for a preflight (with `requestMethod`), or the actual method. */
  method: string;
  /** The request path, e.g. `/api/v1/users/42`. */
  path: string;
  /** The `Origin` header; omitted for a same-origin request. */
  origin?: string;
  /** For a preflight: `Access-Control-Request-Method`. */
  requestMethod?: string;
  /** For a preflight: `Access-Control-Request-Headers`, e.g. `content-type,x-api-key`. */
  requestHeaders?: string;
}

/** What the module would answer, and why. */
export interface CorsExplanation {
  /** `Controller#method` the request reaches, or `null` for none (a 404, a raw route…). */
  route: string | null;
  /** The policy that applies, or `null` when the module stays out of this request. */
  policy: string | null;
  preflight: boolean;
  /** Whether the browser would let the page read the response (or send the actual request). */
  allowed: boolean;
  /** `allowed`, or why not: "origin not allowed", "method \"PUT\" not allowed"… */
  reason: string;
  /** For a preflight the module answers: its status. */
  status?: number;
  /** The CORS headers the response would carry. */
  headers: CorsHeaders;
  /** What the module merges into `Vary`. */
  vary?: string;
}

/** Explains the module's decisions without sending a request. */
@Injectable()
export class CorsService {
  constructor(private readonly engine: CorsEngine) {}

  async explain(request: CorsExplainRequest): Promise<CorsExplanation> {
    const { method, path, origin, requestMethod, requestHeaders } = request;
    const headers: Record<string, string> = {};
    if (origin !== undefined) headers.origin = origin;
    if (requestMethod !== undefined)
      headers['access-control-request-method'] = requestMethod;
    if (requestHeaders !== undefined)
      headers['access-control-request-headers'] = requestHeaders;
    const exchange = { method, url: path, headers, raw: undefined };
    const target = this.engine.target(exchange);
    const { route, source, preflight } = target;
    const base = { route: route?.id ?? null, preflight, headers: {} };
    if (!source) {
      return {
        ...base,
        policy: null,
        allowed: false,
        reason: 'no CORS policy applies to this route',
      };
    }
    const state = await this.engine.evaluateFor(
      route,
      source,
      exchange,
      preflight,
      target.method,
      target.path,
    );
    if (!state?.decision) {
      return {
        ...base,
        policy: null,
        allowed: false,
        reason: `policy ${source.name} returned no CORS for this request`,
      };
    }
    const { decision } = state;
    return {
      ...base,
      policy: source.name,
      allowed: decision.allowed,
      reason: decision.allowed ? 'allowed' : decision.reason!,
      status: decision.status,
      headers: decision.headers,
      vary: decision.vary,
    };
  }
}
