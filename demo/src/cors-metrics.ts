import type { CorsDecisionEvent } from 'nestjs-cors-policy';
import { Counter, Registry } from 'prom-client';

/**
 * The README's recipe: every CORS decision counted by kind, route, policy and code with
 * prom-client, in a registry of the demo's own, which `GET /api/demo/metrics` exposes.
 */
export class CorsMetrics {
  readonly registry = new Registry();
  private readonly decisions = new Counter({
    name: 'cors_decisions_total',
    help: 'CORS decisions',
    labelNames: ['kind', 'route', 'policy', 'code'] as const,
    registers: [this.registry],
  });

  /** The module's `onDecision` option. */
  readonly count = ({ kind, route, policy, code }: CorsDecisionEvent): void => {
    this.decisions.inc({ kind, route, policy, code });
  };
}
