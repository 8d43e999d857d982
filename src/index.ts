export { CorsModule } from './nest/cors.module.js';
export { CORS_MODULE_OPTIONS } from './nest/cors-module.definition.js';
export type {
  CorsModuleAsyncOptions,
  CorsOptionsFactory,
} from './nest/cors-module.definition.js';
export { CorsPolicy } from './nest/cors-policy.decorator.js';
export { CorsService } from './nest/cors.service.js';
export { CorsIoAdapter } from './nest/gateways/cors-io-adapter.js';
export { CorsWsAdapter } from './nest/gateways/cors-ws-adapter.js';
export type { WebSocketAdapterClass } from './nest/gateways/websocket-adapter-class.js';
export type {
  CorsExplainRequest,
  CorsExplanation,
} from './nest/cors.service.js';
export type {
  CorsModuleOptions,
  CorsPathRule,
  CorsPolicyRef,
  CorsProviderCacheOptions,
} from './nest/cors-module-options.interface.js';
export type { CorsPolicyProvider } from './nest/cors-policy-provider.interface.js';
export type {
  CorsOrigin,
  CorsOriginEntry,
  CorsOriginFunction,
  CorsPolicyOptions,
  CorsRequest,
} from './core/cors-policy-options.js';
export { CorsConfigurationError } from './core/config-issue.js';
export type {
  CorsConfigIssue,
  CorsConfigIssueCode,
} from './core/config-issue.js';
export type { CorsHeaders } from './core/cors-decision.js';
export type { CorsReasonCode } from './core/cors-reason.js';
export type { CorsDecisionEvent } from './nest/cors-decision-event.js';
export type {
  CorsSurface,
  CorsSurfacePathRule,
  CorsSurfacePolicy,
  CorsSurfaceRoute,
} from './nest/cors-surface.js';
export type { CorsPolicyDescription } from './core/describe-policy.js';
