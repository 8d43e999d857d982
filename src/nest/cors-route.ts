import type { Type } from '@nestjs/common';
import type { PolicySource } from './policy-source.js';

/** A controller method and the policy its requests get. */
export interface CorsRoute {
  /** `Controller#method`. */
  readonly id: string;
  readonly controller: Type;
  /** `undefined`: no CORS. */
  readonly source: PolicySource | undefined;
  /** `[source]`, made once: what the route's requests are decided from. */
  readonly sources: readonly [PolicySource | undefined];
  /** For `@Controller({ host })`: `false` where its host filter surely refuses the hostname. */
  readonly matchesHost: ((hostname: string) => boolean) | undefined;
}

/**
 * What a request can reach, in the adapter's dispatch order: the routes of controllers, and
 * `null` for a route no controller owns (a raw adapter route, which gets the default policy).
 * Empty: no route at all, so the default policy.
 */
export type RouteCandidates = ReadonlyArray<CorsRoute | null>;
