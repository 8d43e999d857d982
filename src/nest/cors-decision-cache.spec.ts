import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compilePolicy } from '../core/compile-policy.js';
import type { CompiledCorsPolicy } from '../core/compiled-policy.js';
import {
  type CorsDecision,
  type CorsInput,
  decide,
} from '../core/cors-decision.js';
import type { CorsPolicyOptions } from '../core/cors-policy-options.js';
import { CorsDecisionCache } from './cors-decision-cache.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

function policyOf(options: CorsPolicyOptions): CompiledCorsPolicy {
  const { policy, issues } = compilePolicy('test', 'test', options);
  if (!policy) throw new Error(JSON.stringify(issues));
  return policy;
}

/** What the policy answers an actual request from `origin`, deciding afresh. */
function fresh(
  policy: CompiledCorsPolicy,
  origin: CorsInput['origin'],
): CorsDecision {
  const decision = decide(policy, { origin, preflight: false }, () => {
    throw new Error('no origin function');
  });
  if (decision instanceof Promise) throw new Error('expected a sync decision');
  return decision;
}

const OPTIONS: CorsPolicyOptions[] = [
  { origin: [APP, 'https://*.example.com'], credentials: true },
  { origin: true, exposedHeaders: ['X-Id'] },
  { origin: '*' },
  { origin: [APP, 'null'], allowNullOrigin: true },
];

const origins = fc.oneof(
  fc.string(),
  fc.constantFrom(APP, EVIL, 'null', APP.toUpperCase(), `${APP}/`),
  fc.webUrl().map((url) => new URL(url).origin),
  fc.nat(40).map((n) => `https://t${n}.example.com`),
  fc.constant(undefined),
  fc.constant<string[]>([APP, APP]),
);

describe('CorsDecisionCache: the decisions a policy keeps for actual requests', () => {
  it('answer each origin as a policy that never saw another one would', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPTIONS),
        fc.array(origins, { maxLength: 80 }),
        (options, seen) => {
          const policy = policyOf(options);
          const kept = new CorsDecisionCache(policy);
          for (const origin of seen) {
            expect(kept.decide(origin)).toEqual(fresh(policy, origin));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are the same frozen object for an origin seen again, and another for another origin', () => {
    const kept = new CorsDecisionCache(policyOf(OPTIONS[0]!));
    const first = kept.decide(APP);
    expect(kept.decide(APP)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.headers)).toBe(true);
    expect(
      kept.decide('https://a.example.com').headers[
        'access-control-allow-origin'
      ],
    ).toBe('https://a.example.com');
  });

  it('keep one decision per reason where the origin is not echoed, so denied origins never push out those kept', () => {
    const kept = new CorsDecisionCache(policyOf(OPTIONS[0]!));
    const allowed = kept.decide(APP);
    const denied = kept.decide(EVIL);
    for (let i = 0; i < 100; i++) {
      expect(kept.decide(`https://x${i}.evil.example.net`)).toBe(denied);
    }
    expect(kept.decide(undefined)).toBe(kept.decide(undefined));
    expect(kept.decide(APP)).toBe(allowed);
  });

  it('do not keep the echo of an origin longer than 300 characters', () => {
    const kept = new CorsDecisionCache(policyOf({ origin: true }));
    const long = `https://${'a'.repeat(300)}.example`;
    const first = kept.decide(long);
    expect(first.headers['access-control-allow-origin']).toBe(long);
    expect(kept.decide(long)).not.toBe(first);
    expect(kept.decide(long)).toEqual(first);
  });
});
