import type { CorsReasonCode } from '../core/cors-reason.js';

/**
 * One decision of the module, for the `onDecision` option: made before routing, and again
 * where a handler's own policy differs from what was decided then. A request the module
 * stays out of (CORS off) has none.
 *
 * @publicApi
 */
export interface CorsDecisionEvent {
  /**
   * `decision`: what the module answered. `report-only`: a policy's `reportOnly` candidate
   * disagrees with it; `allowed`, `code` and `reason` are then the candidate's.
   */
  kind: 'decision' | 'report-only';
  /** `Controller#method`, `A#get | B#get`, `(raw route)` or `(no route)`. */
  route: string;
  /** The policy, `a & b` where several decided together. */
  policy: string;
  /** The `Origin` header, with anything but printable ASCII escaped; `null` without one. */
  origin: string | null;
  preflight: boolean;
  allowed: boolean;
  code: CorsReasonCode;
  /** The reason in words: `origin not allowed`, `header "x-debug" not allowed`… */
  reason: string;
  /** Milliseconds spent deciding, for decisions that asked a policy provider. */
  durationMs?: number;
  /** For `report-only`: what the enforced policy answered. */
  enforced?: { allowed: boolean; code: CorsReasonCode };
}
