import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import type { CorsDecision } from '../core/cors-decision.js';
import { showError } from '../core/show-value.js';
import type { CorsDecisionEvent } from './cors-decision-event.js';
import { CorsDenialLog } from './cors-denial-log.js';
import { CORS_MODULE_OPTIONS } from './cors-module.definition.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';
import type { CorsContext, CorsVerdict } from './cors-context.js';
import { escapeForHeader, shownOrigin } from './escape-for-header.js';

/** Who a decision was made for: where the request goes, and the policies that decided. */
export interface CorsDecided {
  /** `Controller#method`, `paths /graphql`, `(no route)`, `A#get | B#get`. */
  readonly where: string;
  /** `partners`, `a & b` where several decided together, `no CORS`. */
  readonly policy: string;
}

/**
 * What is done with the module's decisions besides answering: the denial log, decision events
 * (the `onDecision` option), the `CORS-Denied` debug header and report-only comparisons. Only
 * what the options turn on is done: without a listener no event is built, and without debug no
 * header is added.
 */
@Injectable()
export class CorsObservers {
  private readonly logger = new Logger('CorsModule');
  private readonly denials = new CorsDenialLog((line) =>
    this.logger.debug(line),
  );
  private readonly failures = new CorsDenialLog((line) =>
    this.logger.error(line),
  );
  private readonly listener: CorsModuleOptions['onDecision'];
  private debug: boolean;

  constructor(@Inject(CORS_MODULE_OPTIONS) options: CorsModuleOptions) {
    this.listener = options.onDecision;
    this.debug = options.debug === true;
  }

  /** Whether decisions that ask a provider are timed, for their events. */
  get timed(): boolean {
    return this.listener !== undefined;
  }

  /** Turns the `CORS-Denied` debug header on or off. */
  setDebug(enabled: boolean): void {
    this.debug = enabled;
  }

  /**
   * Observes a decision: logs a denial of a request with `Origin`, reports the event, and, in
   * debug mode, returns a denial with its `CORS-Denied` header. `started`: when deciding began,
   * where it was timed.
   */
  decided(
    decided: CorsDecided,
    context: CorsContext,
    verdict: CorsVerdict,
    started: number | undefined,
  ): CorsVerdict {
    if (!verdict) return verdict;
    const { request } = context;
    if (!verdict.allowed && request.headers.origin !== undefined)
      this.logDenial(decided, context, verdict);
    if (this.listener)
      this.emit({
        ...eventOf('decision', decided, context, verdict),
        ...(started !== undefined && {
          durationMs: performance.now() - started,
        }),
      });
    return this.debug && !verdict.allowed
      ? { ...verdict, debug: debugValue(decided, verdict) }
      : verdict;
  }

  /**
   * Compares what a policy's report-only policy would answer with what was enforced, once both
   * settle, and reports a disagreement. It never changes the response.
   */
  compareReportOnly(
    where: string,
    context: CorsContext,
    reportOnly: CompiledCorsPolicy,
    enforced: CorsDecision | Promise<CorsDecision>,
    wouldBe: CorsDecision | Promise<CorsDecision>,
  ): void {
    const { request } = context;
    Promise.all([enforced, wouldBe]).then(
      ([actual, trial]) => {
        if (actual.allowed === trial.allowed) return;
        this.logger.log(
          `CORS report-only: policy ${JSON.stringify(reportOnly.name)} would ${trial.allowed ? 'allow' : 'deny'} the ${request.preflight ? 'preflight' : 'request'} on ${where} from ${shownOrigin(request)} (${trial.code}${trial.reason ? `: ${trial.reason}` : ''}), which is ${actual.allowed ? 'allowed' : 'denied'}`,
        );
        if (this.listener)
          this.emit({
            ...eventOf(
              'report-only',
              { where, policy: reportOnly.name },
              context,
              trial,
            ),
            enforced: { allowed: actual.allowed, code: actual.code },
          });
      },
      (error: unknown) =>
        this.logger.error(
          `CORS report-only policy ${JSON.stringify(reportOnly.name)} failed: ${showError(error)}`,
        ),
    );
  }

  /**
   * Logs at ERROR a failure of the app's own code that a request caused (an origin function
   * that threw or timed out), bounded per policy and code as denials are.
   */
  failed(policy: string, code: string, line: () => string): void {
    this.failures.record(policy, code, line);
  }

  private emit(event: CorsDecisionEvent): void {
    try {
      this.listener!(event);
    } catch (error) {
      this.logger.error(`CORS onDecision listener threw: ${showError(error)}`);
    }
  }

  private logDenial(
    { where, policy }: CorsDecided,
    { request, kind }: CorsContext,
    decision: CorsDecision,
  ): void {
    this.denials.record(
      policy,
      decision.code,
      () =>
        `CORS ${kind ?? (request.preflight ? 'preflight' : 'request')} denied on ${where} by policy ${JSON.stringify(policy)}: ${shownOrigin(request)}, ${escapeForHeader(decision.reason ?? '')} (${decision.code})`,
    );
  }
}

function eventOf(
  kind: CorsDecisionEvent['kind'],
  { where, policy }: CorsDecided,
  { request }: CorsContext,
  decision: CorsDecision,
): CorsDecisionEvent {
  return {
    kind,
    route: where,
    policy,
    origin:
      request.origin === undefined ? null : escapeForHeader(request.origin),
    preflight: request.preflight,
    allowed: decision.allowed,
    code: decision.code,
    reason: decision.reason ?? 'allowed',
  };
}

/** `CORS-Denied`: the code and the reason, escaped so that no request input is reflected raw. */
function debugValue(decided: CorsDecided, decision: CorsDecision): string {
  return escapeForHeader(
    `${decision.code}: ${decision.reason} (policy ${decided.policy})`,
  );
}
