import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import {
  actualDecision,
  checkListedOrigin,
  type CorsDecision,
  type CorsInput,
} from '../core/cors-decision.js';
import type { CorsReasonCode } from '../core/cors-reason.js';

/** Most origins one policy keeps the echo of; the list starts over when it is full. */
const MAX_ECHOED_ORIGINS = 16;

/** Longest origin whose echo is kept: a host name has at most 253 characters. */
const MAX_ECHOED_LENGTH = 300;

/**
 * The decisions a policy without an origin function gave actual (non-preflight) requests,
 * which depend on their `Origin` alone:
 * - a decision that echoes the origin is kept for that origin, for at most 16 origins of at most
 *   300 characters: the origins an app serves over and over (its own front ends) are checked
 *   once;
 * - any other (a denial, `*`) depends only on what checking the origin gave, so one is kept per
 *   reason code. A stream of made-up origins, all denied, never pushes out the origins kept.
 *
 * Kept decisions are frozen: one request's headers can never become another's.
 *
 * The origins are compared one by one, not hashed: a request's `Origin` is a new string, and
 * hashing it costs more than comparing it with a few others, which mostly differ in length.
 */
export class CorsDecisionCache {
  private readonly origins: string[] = [];
  private readonly echoes: CorsDecision[] = [];
  private readonly byCode = new Map<CorsReasonCode, CorsDecision>();

  constructor(private readonly policy: CompiledCorsPolicy) {}

  /** The decision for an actual request from `origin`: the one kept, else a new one, kept. */
  decide(origin: CorsInput['origin']): CorsDecision {
    const { policy } = this;
    const echo = typeof origin === 'string' && this.echoOf(origin);
    if (echo) return echo;
    const verdict = checkListedOrigin(policy, origin)!;
    const code = verdict.allowed ? 'allowed' : verdict.code;
    return (
      this.byCode.get(code) ??
      this.keep(origin, code, actualDecision(policy, origin, verdict))
    );
  }

  private echoOf(origin: string): CorsDecision | undefined {
    const { origins } = this;
    for (let i = 0; i < origins.length; i++) {
      if (origins[i] === origin) return this.echoes[i];
    }
    return undefined;
  }

  private keep(
    origin: CorsInput['origin'],
    code: CorsReasonCode,
    decision: CorsDecision,
  ): CorsDecision {
    freeze(decision);
    const echoed = decision.headers['access-control-allow-origin'];
    if (echoed === undefined || echoed !== origin) {
      this.byCode.set(code, decision);
    } else if (echoed.length <= MAX_ECHOED_LENGTH) {
      if (this.origins.length >= MAX_ECHOED_ORIGINS) {
        this.origins.length = 0;
        this.echoes.length = 0;
      }
      this.origins.push(echoed);
      this.echoes.push(decision);
    }
    return decision;
  }
}

function freeze(decision: CorsDecision): void {
  Object.freeze(decision.headers);
  Object.freeze(decision);
}
