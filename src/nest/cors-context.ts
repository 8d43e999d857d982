import type { CorsDecision } from '../core/cors-decision.js';
import type { CorsRequest } from '../core/cors-policy-options.js';
import type { PolicySource } from './policy-source.js';

/** The module's answer to a request: a decision, or `undefined` where it stays out (no CORS). */
export type CorsVerdict = CorsDecision | undefined;

/** The policies a decider decides from, each once; `undefined` stands for no CORS. */
export type CorsSources = ReadonlyArray<PolicySource | undefined>;

/** One request put to a decider. */
export interface CorsContext {
  readonly request: CorsRequest;
  /**
   * A preflight for the method of the routes it reaches, which policies without `methods`
   * allow: the routes were declared for it.
   */
  readonly ownMethod: boolean;
  /** What the log calls the request; `preflight` or `request` unless set. */
  readonly kind?: string;
}
