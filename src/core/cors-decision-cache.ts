import type { CorsDecision } from './cors-decision.js';

/** Most origins one policy keeps decisions for; the cache starts over when it is full. */
export const MAX_CACHED_ORIGINS = 16;

/** Longest origin whose decision is kept: a host name has at most 253 characters. */
const MAX_CACHED_LENGTH = 300;

/**
 * The decisions a policy gave actual (non-preflight) requests, by `Origin`. An actual request's
 * decision depends on its origin alone, where the policy has no origin function, so the
 * origins an app serves over and over (its own front ends) are checked once. Its size is
 * bounded whatever origins are sent: at most `MAX_CACHED_ORIGINS` origins of at most 300
 * characters. Decisions are frozen: one request's headers can never become another's.
 *
 * The origins are compared one by one, not hashed: a request's `Origin` is a new string, and
 * hashing it costs more than comparing it with a few others, which mostly differ in length.
 */
export class CorsDecisionCache {
  private readonly origins: string[] = [];
  private readonly decisions: CorsDecision[] = [];

  /** The decision kept for `origin`, if any. */
  get(origin: string): CorsDecision | undefined {
    const { origins } = this;
    for (let i = 0; i < origins.length; i++) {
      if (origins[i] === origin) return this.decisions[i];
    }
    return undefined;
  }

  /** Keeps `decision` for `origin`, if the origin is short enough; returns it, frozen. */
  keep(origin: string, decision: CorsDecision): CorsDecision {
    Object.freeze(decision.headers);
    Object.freeze(decision);
    if (origin.length > MAX_CACHED_LENGTH) return decision;
    if (this.origins.length >= MAX_CACHED_ORIGINS) {
      this.origins.length = 0;
      this.decisions.length = 0;
    }
    this.origins.push(origin);
    this.decisions.push(decision);
    return decision;
  }
}
