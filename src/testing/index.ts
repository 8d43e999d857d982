export { corsSurface } from './cors-surface.js';
export type {
  CorsSurface,
  CorsSurfacePathRule,
  CorsSurfacePolicy,
  CorsSurfaceRoute,
} from '../nest/cors-surface.js';
export type { CorsPolicyDescription } from '../core/describe-policy.js';
export { expectCorsPreflight, expectCorsRequest } from './cors-expectations.js';
export type {
  CorsTestPreflight,
  CorsTestRequest,
} from './cors-expectations.js';
export type { CorsTestResponse } from './send-request.js';
