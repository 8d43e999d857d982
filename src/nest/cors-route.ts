import type { Type } from '@nestjs/common';
import type { PolicySource } from './policy-source.js';

/** A controller method and the policy its requests get. */
export interface CorsRoute {
  /** `Controller#method`. */
  readonly id: string;
  readonly controller: Type;
  readonly handler: Function;
  /** `undefined`: no CORS. */
  readonly source: PolicySource | undefined;
}

/**
 * The route for several that share a method and a path: the first when they all have the
 * same policy, else one that stands for all of them (see the `shared` policy source).
 */
export function shareRoutes(routes: readonly CorsRoute[]): CorsRoute {
  const [first] = routes;
  if (routes.every((route) => route.source === first.source)) return first;
  const id = routes.map((route) => route.id).join(' | ');
  const sources = routes.map((route) => route.source);
  return { ...first, id, source: { kind: 'shared', name: id, sources } };
}
