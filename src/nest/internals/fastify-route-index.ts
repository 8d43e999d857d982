import type FindMyWay from 'find-my-way';
import type { HTTPMethod } from 'find-my-way';
import { createRequire } from 'node:module';
import type { CorsRoute, RouteCandidates, RouteLookup } from '../cors-route.js';

/** A route as Fastify registered it (from its `onRoute` hook). */
export interface FastifyRoute {
  methods: readonly string[];
  url: string;
  /** Its `version` constraint: Nest's header, media-type and custom versioning. */
  version: unknown;
  /** The controller route, or `null` for a route no controller owns. */
  route: CorsRoute | null;
}

/** What this index reads of Fastify's configuration (`fastify.initialConfig`). */
export type FastifyConfig = Readonly<Record<string, unknown>> & {
  routerOptions?: Readonly<Record<string, unknown>>;
};

/** The router options that decide which route a path reaches. */
const MATCHING_OPTIONS = [
  'allowUnsafeRegex',
  'caseSensitive',
  'ignoreDuplicateSlashes',
  'ignoreTrailingSlash',
  'maxParamLength',
  'useSemicolonDelimiter',
];

interface Store {
  candidates: Array<CorsRoute | null>;
}

/**
 * Fastify routes with find-my-way and the matching options it runs with: every route a
 * method and path reach, whatever version the request asks for, from a find-my-way router
 * with those options, which holds each route with its version, asked once without a version
 * and once per version.
 */
export function fastifyRouteLookup(
  config: FastifyConfig,
  routes: readonly FastifyRoute[],
): RouteLookup {
  const options: Record<string, unknown> = {};
  for (const key of MATCHING_OPTIONS) {
    // Fastify takes each option from `routerOptions`, else from the top level.
    const own =
      config.routerOptions && Object.hasOwn(config.routerOptions, key);
    const value = own ? config.routerOptions![key] : config[key];
    if (value !== undefined) options[key] = value;
  }
  // Loaded here, where a Fastify app is sealed: an Express app never loads it.
  const findMyWay = createRequire(import.meta.url)(
    'find-my-way',
  ) as typeof FindMyWay;
  const router = findMyWay<FindMyWay.HTTPVersion.V1>({
    ...options,
    constraints: { version: anyVersion() },
  });
  const versions = new Set<string>();
  for (const { methods, url, version, route } of routes) {
    const constraints = version === undefined ? {} : { version };
    for (const value of [version].flat()) {
      if (typeof value === 'string') versions.add(value);
    }
    for (const method of methods) {
      const known = router.findRoute(method as HTTPMethod, url, constraints);
      if (known) (known.store as Store).candidates.push(route);
      else {
        const store: Store = { candidates: [route] };
        router.on(method as HTTPMethod, url, { constraints }, noop, store);
      }
    }
  }
  const asked = [{}, ...[...versions].map((version) => ({ version }))];
  return (method, url) => {
    let found: RouteCandidates = [];
    for (const constraints of asked) {
      const match = router.find(method as HTTPMethod, url, constraints);
      if (!match) continue;
      const { candidates } = match.store as Store;
      found =
        found.length === 0
          ? candidates
          : [...new Set([...found, ...candidates])];
    }
    return found;
  };
}

const noop = () => undefined;

/** A version constraint that stores any value, or each of an array of them. */
function anyVersion(): FindMyWay.ConstraintStrategy<FindMyWay.HTTPVersion.V1> {
  return {
    name: 'version',
    mustMatchWhenDerived: false,
    storage() {
      const stores = new Map<unknown, unknown>();
      return {
        get: (value: unknown) => stores.get(value) ?? null,
        set: (value: unknown, store: unknown) => {
          for (const each of [value].flat()) stores.set(each, store);
        },
      };
    },
    deriveConstraint: () => undefined,
    validate: () => undefined,
  } as unknown as FindMyWay.ConstraintStrategy<FindMyWay.HTTPVersion.V1>;
}
