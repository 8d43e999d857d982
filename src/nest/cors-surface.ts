import {
  type CorsPolicyDescription,
  describePolicy,
} from '../core/describe-policy.js';
import type { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { CorsRouteTable } from './cors-route-table.js';
import type { PolicySource } from './policy-source.js';

/**
 * What an application's HTTP routes let other origins do, as plain sorted data (WebSocket
 * gateways are not in it): compare it with
 * `expect(corsSurface(app)).toMatchSnapshot()`, and a change that widens CORS shows up in
 * review.
 *
 * @publicApi
 */
export interface CorsSurface {
  /**
   * The policy of responses that no controller route and no `paths` rule covers (404s, raw
   * routes), by its name in `policies`; `null` for no CORS.
   */
  default: string | null;
  /** The rules of the `paths` option, in the order they are tried. */
  paths: CorsSurfacePathRule[];
  /** Every controller route, sorted by path, method and handler. */
  routes: CorsSurfaceRoute[];
  /** What each policy named above allows, by name, sorted. */
  policies: Record<string, CorsSurfacePolicy>;
}

/**
 * A controller route and its policy.
 *
 * @publicApi
 */
export interface CorsSurfaceRoute {
  /** The method it is declared for: `GET`, `SEARCH`…, or `ALL`. */
  method: string;
  /**
   * The path Nest builds for the route, with the global prefix and URI version:
   * `/api/v2/users/:id`, and the same on both adapters. A trailing wildcard, declared
   * `@Get('*')`, reads `/files/{*path}`: the spelling Nest gives it, as Express's adapter
   * registers it and as Nest matches middleware on both adapters (Fastify's router takes the
   * declared `/files/*`).
   */
  path: string;
  /** `Controller#method`. */
  handler: string;
  /** The name of its policy in `policies`; `null` for no CORS (`@CorsPolicy(false)`). */
  policy: string | null;
}

/**
 * A rule of the `paths` option and its policy.
 *
 * @publicApi
 */
export interface CorsSurfacePathRule {
  /** The path or prefix as written: `/graphql`, `/docs*`. */
  path: string;
  /** The name of its policy in `policies`; `null` for no CORS. */
  policy: string | null;
}

/**
 * What a policy allows; for a provider, which computes its policy per request,
 * `provider <class name>`.
 *
 * @publicApi
 */
export type CorsSurfacePolicy = CorsPolicyDescription | `provider ${string}`;

/**
 * The surface of an application whose routes are registered: every controller route with its
 * policy, the `paths` rules, the default, and what each of those policies allows. Two
 * applications configured alike get equal surfaces, on Express and on Fastify.
 */
export function describeSurface(
  registry: CorsPolicyRegistry,
  routeTable: CorsRouteTable,
): CorsSurface {
  const registered = routeTable
    .registered()
    .map(({ method, path, route }) => ({
      method,
      path: oneSpelling(path),
      handler: route.id,
      source: route.source,
    }))
    .sort(
      (a, b) =>
        compare(a.path, b.path) ||
        compare(a.method, b.method) ||
        compare(a.handler, b.handler),
    );
  const names = new PolicyNames();
  // In this order: the names are given as they are first met, then described.
  return {
    default: names.of(registry.defaultSource),
    paths: registry.paths.map(({ pattern, source }) => ({
      path: pattern.text,
      policy: names.of(source),
    })),
    routes: registered.map(({ source, ...route }) => ({
      ...route,
      policy: names.of(source),
    })),
    policies: names.describe(),
  };
}

/**
 * The name each policy goes by in a surface: its own, and where two policies share one
 * (a named policy and a provider class of that name), the later one numbered.
 */
class PolicyNames {
  private readonly names = new Map<PolicySource, string>();

  of(source: PolicySource | undefined): string | null {
    if (!source) return null;
    const known = this.names.get(source);
    if (known !== undefined) return known;
    const taken = new Set(this.names.values());
    let name = source.name;
    for (let n = 2; taken.has(name); n++) name = `${source.name} (${n})`;
    this.names.set(source, name);
    return name;
  }

  describe(): Record<string, CorsSurfacePolicy> {
    return Object.fromEntries(
      [...this.names]
        .map(([source, name]) => [name, describeSource(source)] as const)
        .sort(([a], [b]) => compare(a, b)),
    );
  }
}

function describeSource(source: PolicySource): CorsSurfacePolicy {
  return source.kind === 'provider'
    ? `provider ${source.name}`
    : describePolicy(source.policy);
}

/**
 * A route path spelt as on Express, whose adapter has Nest convert a trailing legacy wildcard
 * (`/files/*` → `/files/{*path}`) before registering it; Fastify's is handed the path as
 * declared. Fastify's router takes no other wildcard (`*` ends the path), and what it takes
 * besides a wildcard is spelt alike on both adapters.
 */
const oneSpelling = (path: string) =>
  path.endsWith('/*') ? `${path.slice(0, -1)}{*path}` : path;

/** By UTF-16 code units, the same whatever the locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
