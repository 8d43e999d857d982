import { Injectable } from '@nestjs/common';
import type { PathPattern } from '../core/path-pattern.js';
import { type CorsDecider, CorsDeciders } from './cors-decider.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { RouteCandidates } from './cors-route.js';

/** Which decider answers a request, from the candidates the adapter's routing gives it. */
@Injectable()
export class CorsRouting {
  constructor(
    private readonly registry: CorsPolicyRegistry,
    private readonly deciders: CorsDeciders,
  ) {}

  /**
   * The decider of a request for `path` that may reach `candidates`: the route's own where
   * there is one, else one for all of them; where no route matches, `unowned()`'s.
   */
  deciderOf(candidates: RouteCandidates, path: string): CorsDecider {
    if (candidates.length === 0) return this.unowned(path, false);
    const [first] = candidates;
    if (candidates.length === 1 && first) return first.decider;
    const routes = candidates.flatMap((route) =>
      route ? [route.decider] : [],
    );
    // Controller routes alone are alternatives: exactly one runs, and its wrapper confirms.
    return routes.length === candidates.length
      ? this.deciders.together(routes, true)
      : this.deciders.together(
          candidates.map((route) => route?.decider ?? this.unowned(path, true)),
        );
  }

  /**
   * The decider of responses no controller produced for `path`: its first `paths` rule's,
   * else the default's (`raw`: for a route no controller owns, else for no route at all).
   */
  unowned(path: string, raw: boolean): CorsDecider {
    const exact = this.ruleDecider((pattern) => pattern.matches(path), raw);
    if (this.registry.paths.length === 0) return exact;
    // A router may serve `/ADMIN` or `/%61dmin` as `/admin`: where the path as routers may read
    // it falls under another rule, the request gets only what both allow.
    const lenient = loosePath(path);
    const loose = this.ruleDecider(
      (pattern) => pattern.matchesLoosely(lenient),
      raw,
    );
    return this.deciders.together([exact, loose]);
  }

  /** The pattern of the `paths` rule that gives `path` its policy, if any. */
  pathRuleOf(path: string): string | undefined {
    return this.registry.paths.find(({ pattern }) => pattern.matches(path))
      ?.pattern.text;
  }

  private ruleDecider(
    matches: (pattern: PathPattern) => boolean,
    raw: boolean,
  ): CorsDecider {
    for (const rule of this.registry.paths) {
      if (matches(rule.pattern)) return rule.decider;
    }
    return this.registry.defaultDecider(raw);
  }
}

/** A path as a lenient router may read it: decoded, lower case, without repeated slashes. */
function loosePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as it is, as routers answer it with 400.
  }
  return decoded.toLowerCase().replace(/\/{2,}/g, '/');
}
