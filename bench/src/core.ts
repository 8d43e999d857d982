import { compilePolicy } from '../../dist/core/compile-policy.js';
import type { CompiledCorsPolicy } from '../../dist/core/compiled-policy.js';
import type { CorsPolicyOptions, CorsRequest } from 'nestjs-cors-policy';

/** Compiles a policy with the library's core, or fails with its issues. */
export function compile(options: CorsPolicyOptions): CompiledCorsPolicy {
  const { policy, issues } = compilePolicy('bench', 'bench', options);
  if (!policy) throw new Error(JSON.stringify(issues));
  return policy;
}

/** The `request` argument of `decide()`: a static policy never calls it. */
export const noRequest = (): CorsRequest => {
  throw new Error('a static policy never needs the request');
};
