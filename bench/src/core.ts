import { compilePolicy } from '../../dist/core/compile-policy.js';
import type { CompiledCorsPolicy } from '../../dist/core/compiled-policy.js';
import type { AskOriginFunction } from '../../dist/core/cors-decision.js';
import type { CorsPolicyOptions } from 'nestjs-cors-policy';

/** Compiles a policy with the library's core, or fails with its issues. */
export function compile(options: CorsPolicyOptions): CompiledCorsPolicy {
  const { policy, issues } = compilePolicy('bench', 'bench', options);
  if (!policy) throw new Error(JSON.stringify(issues));
  return policy;
}

/** The `ask` argument of `decide()`: a policy without an origin function never calls it. */
export const noOriginFunction: AskOriginFunction = () => {
  throw new Error('a policy without an origin function never asks one');
};
