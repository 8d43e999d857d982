import type { Type } from '@nestjs/common';
import type { CorsDecider } from './cors-decider.js';
import type { PolicySource } from './policy-source.js';

/** A controller method and the policy its requests get. */
export interface CorsRoute {
  /** `Controller#method`. */
  readonly id: string;
  readonly controller: Type;
  /** `undefined`: no CORS. */
  readonly source: PolicySource | undefined;
  /** Decides for the route's requests, from `source`. */
  readonly decider: CorsDecider;
  /** For `@Controller({ host })`: `false` where its host filter surely refuses the hostname. */
  readonly matchesHost: ((hostname: string) => boolean) | undefined;
}

/**
 * The candidates of a request: what it can reach, in the adapter's dispatch order, the routes
 * of controllers, and `null` for a route no controller owns (a raw adapter route, which gets
 * its `paths` rule's policy or the default). Empty: no route at all, so the same.
 */
export type RouteCandidates = ReadonlyArray<CorsRoute | null>;

/** The routes a method and path reach, in the adapter's dispatch order. */
export type RouteLookup = (method: string, path: string) => RouteCandidates;
