import { Injectable, type Type } from '@nestjs/common';
import type { CorsHeaders } from '../core/cors-decision.js';
import type { CorsReasonCode } from '../core/cors-reason.js';
import { CorsInstaller } from './cors-installer.js';
import { CorsObservers } from './cors-observers.js';
import type { CorsPolicyProvider } from './cors-policy-provider.interface.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import { CorsProviderClient } from './cors-provider-client.js';
import { toCorsRequest } from './cors-request.js';
import type { RouteCandidates } from './cors-route.js';
import { CorsRouteTable } from './cors-route-table.js';
import { CorsRouting } from './cors-routing.js';
import { type CorsSurface, describeSurface } from './cors-surface.js';

/**
 * A request to explain, as a browser would send it.
 *
 * @publicApi
 */
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

/**
 * What the module would answer, and why.
 *
 * @publicApi
 */
export interface CorsExplanation {
  /**
   * `Controller#method` the request reaches, `A#get | B#get` where it may reach several,
   * `(raw route)` for a route no controller owns, `paths /docs*` where a rule of the `paths`
   * option gives the policy, or `null` for none (a 404 under the default).
   */
  route: string | null;
  /** The policy that applies (`a & b` where several do), or `null` when the module stays out. */
  policy: string | null;
  preflight: boolean;
  /** Whether the browser would let the page read the response (or send the actual request). */
  allowed: boolean;
  /** `allowed`, or why not: "origin not allowed", "method \"PUT\" not allowed"… */
  reason: string;
  /** The same, for machines: `allowed`, `origin_not_allowed`…; `null` where no policy applies. */
  code: CorsReasonCode | null;
  /** Where the policy has a `reportOnly` candidate: what the candidate would answer. */
  reportOnly?: { allowed: boolean; code: CorsReasonCode; reason: string };
  /** For a preflight the module answers: its status. */
  status?: number;
  /** The CORS headers the response would carry. */
  headers: CorsHeaders;
  /** What the module merges into `Vary`. */
  vary?: string;
}

/**
 * Explains the module's decisions without sending a request.
 *
 * @publicApi
 */
@Injectable()
export class CorsService {
  constructor(
    private readonly observers: CorsObservers,
    private readonly installer: CorsInstaller,
    private readonly routing: CorsRouting,
    private readonly providers: CorsProviderClient,
    private readonly registry: CorsPolicyRegistry,
    private readonly routeTable: CorsRouteTable,
  ) {}

  /**
   * What the application's HTTP routes let other origins do, as plain sorted data (WebSocket
   * gateways are not in it): every controller route with its policy, the `paths` rules, the
   * default, and what each of those policies allows. Available from
   * `onApplicationBootstrap()` on; the testing kit's `corsSurface(app)` returns it.
   */
  surface(): CorsSurface {
    this.installer.sealedLookup('CorsService.surface() (and corsSurface())');
    return describeSurface(this.registry, this.routeTable);
  }

  /**
   * Drops what `providerCache` holds for a provider class: the answer for one `cacheKey()`
   * value, or every answer. The next request asks the provider again. An answer that was being
   * computed while this ran is used for its request but not cached. Returns how many answers
   * were dropped. Throws if no route, path rule or gateway uses `provider`.
   *
   * It acts on this instance only: an app with several instances broadcasts the call (see the
   * README's recipe "Invalidating across instances"); without it, a change reaches every
   * instance within `providerCache.ttl`.
   *
   * @example
   * // A tenant edited its custom domains:
   * cors.invalidate(TenantCorsPolicy, tenantId);
   */
  invalidate(provider: Type<CorsPolicyProvider>, key?: string): number {
    return this.providers.invalidate(provider, key);
  }

  /**
   * Turns on or off the `CORS-Denied` debug header on refused preflights and denied requests
   * (see the module's `debug` option), without a restart.
   */
  setDebug(enabled: boolean): void {
    this.observers.setDebug(enabled);
  }

  /**
   * For Nest's CSRF protection (12.1 and later), so that one policy is the single list of
   * trusted origins:
   *
   * ```ts
   * app.enableCsrfProtection({ exclude: app.get(CorsService).trustedForCsrf });
   * ```
   *
   * A state-changing request is trusted only when the policy of the route it will run allows
   * its origin with credentials. The module decides before Nest's security hook runs, on
   * Express and on Fastify, so this reads that decision synchronously, as Nest requires: where
   * the request may reach several routes told apart by a version or a host, it is trusted if
   * the static policy of one of them trusts it. That is a prediction, confirmed where the
   * handler runs: if the handler that runs (after a method override, a rewritten URL, another
   * version) has a policy that does not trust the request, it is answered 403, as Nest's check
   * would, before its guards run.
   */
  readonly trustedForCsrf = (request: unknown): boolean =>
    this.installer.trustForCsrf(request);

  /**
   * What the module would answer a request, and why, from the routes the adapter's routing
   * says it may reach (several where routes share a path, told apart by a version or a host).
   * Available from `onApplicationBootstrap()` on.
   *
   * @example
   * const answer = await cors.explain({
   *   method: 'OPTIONS',
   *   path: '/admin/users',
   *   origin: 'https://partner.example.org',
   *   requestMethod: 'DELETE',
   * });
   * // { route: 'AdminController#remove', policy: 'admin', allowed: false,
   * //   reason: 'origin not allowed', status: 403, ... }
   */
  async explain(request: CorsExplainRequest): Promise<CorsExplanation> {
    const { method, path, origin, requestMethod, requestHeaders } = request;
    const headers: Record<string, string> = {};
    if (origin !== undefined) headers.origin = origin;
    if (requestMethod !== undefined)
      headers['access-control-request-method'] = requestMethod;
    if (requestHeaders !== undefined)
      headers['access-control-request-headers'] = requestHeaders;
    const cors = toCorsRequest(method, withoutQuery(path), headers, undefined);
    const candidates = this.installer.routesOf(cors.method, cors.path);
    const decider = this.routing.deciderOf(candidates, cors.path);
    const rule = candidates.every((candidate) => candidate === null)
      ? this.routing.pathRuleOf(cors.path)
      : undefined;
    const base = {
      route: rule
        ? `paths ${rule}`
        : candidates.length > 0
          ? describeCandidates(candidates)
          : null,
      preflight: cors.preflight,
      headers: {},
    };
    const policy = decider.sources.includes(undefined) ? null : decider.policy;
    const { verdict, reportOnly } = await decider.explain({
      request: cors,
      ownMethod: cors.preflight && candidates.length > 0,
    });
    if (!verdict) {
      return {
        ...base,
        policy: null,
        allowed: false,
        code: null,
        reason:
          policy === null
            ? 'no CORS policy applies to this route'
            : `policy ${policy} returned no CORS for this request`,
      };
    }
    return {
      ...base,
      policy,
      allowed: verdict.allowed,
      reason: verdict.allowed ? 'allowed' : verdict.reason!,
      code: verdict.code,
      status: verdict.status,
      headers: { ...verdict.headers },
      vary: verdict.vary,
      ...(reportOnly && {
        reportOnly: {
          allowed: reportOnly.allowed,
          code: reportOnly.code,
          reason: reportOnly.reason ?? 'allowed',
        },
      }),
    };
  }
}

/** `A#get | B#get`: the routes a request may reach, `(raw route)` for one no controller owns. */
function describeCandidates(candidates: RouteCandidates): string {
  return candidates.map((route) => route?.id ?? '(raw route)').join(' | ');
}

function withoutQuery(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
