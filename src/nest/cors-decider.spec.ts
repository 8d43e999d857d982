import { describe, expect, it } from '@jest/globals';
import { compilePolicy } from '../core/compile-policy.js';
import type { CorsPolicyOptions } from '../core/cors-policy-options.js';
import { CorsDeciders } from './cors-decider.js';
import type { CorsObservers } from './cors-observers.js';
import type { CorsProviderClient } from './cors-provider-client.js';

const APP = 'https://app.example.com';

function policyOf(options: CorsPolicyOptions) {
  const { policy, issues } = compilePolicy('test', 'test', options);
  if (!policy) throw new Error(JSON.stringify(issues));
  return policy;
}

/** Deciders whose observers and provider client no test here reaches. */
const deciders = () =>
  new CorsDeciders({} as CorsObservers, {} as CorsProviderClient);

describe('CorsDeciders', () => {
  it('keep the decisions of a policy once, and none for a policy with an origin function, which is asked every time', () => {
    const shared = deciders();
    const listed = policyOf({ origin: [APP] });
    expect(shared.decisionsOf(listed)).toBe(shared.decisionsOf(listed));
    expect(shared.decisionsOf(policyOf({ origin: () => true }))).toBe(
      undefined,
    );
  });

  it('are one decider for requests that may reach the same one, and one of all their policies otherwise', () => {
    const shared = deciders();
    const a = {
      kind: 'static',
      name: 'a',
      policy: policyOf({ origin: [APP] }),
    } as const;
    const b = {
      kind: 'static',
      name: 'b',
      policy: policyOf({ origin: '*' }),
    } as const;
    const one = shared.of('A#get', [a]);
    expect(shared.together([one, one])).toBe(one);
    const both = shared.together([
      one,
      shared.of('B#get', [b]),
      shared.of('C#get', [a]),
    ]);
    expect([both.where, both.policy, both.sources]).toEqual([
      'A#get | B#get | C#get',
      'a & b',
      [a, b],
    ]);
  });
});
