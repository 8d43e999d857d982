/** Metadata key of `@CorsPolicy()`. Namespaced so no other library reads or clobbers it. */
export const CORS_POLICY_METADATA = 'nestjs-cors-policy:policy';
/** Metadata key marking each controller method with the controller and method name that own it. */
export const CORS_ROUTE_OWNER_METADATA = 'nestjs-cors-policy:route-owner';
/** The `@CorsPolicy()` argument meaning "the module's default policy". */
export const DEFAULT_POLICY = Symbol('nestjs-cors-policy:default');
