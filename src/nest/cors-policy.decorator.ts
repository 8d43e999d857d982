import { SetMetadata } from '@nestjs/common';
import { CORS_POLICY_METADATA, DEFAULT_POLICY } from './cors.constants.js';
import type { CorsPolicyRef } from './cors-module-options.interface.js';

/** What `@CorsPolicy()` stores. */
export type CorsPolicyMetadata = CorsPolicyRef | false | typeof DEFAULT_POLICY;

/**
 * Sets the CORS policy of a controller or a handler; the handler's wins.
 * - `@CorsPolicy()`: the module's default policy.
 * - `@CorsPolicy('partners')`: a named policy.
 * - `@CorsPolicy({ origin: [...] })`: an inline policy.
 * - `@CorsPolicy(PartnersCorsPolicy)`: a provider class.
 * - `@CorsPolicy(false)`: no CORS.
 *
 * @publicApi
 */
export const CorsPolicy = (policy?: CorsPolicyRef | false) =>
  SetMetadata<string, CorsPolicyMetadata>(
    CORS_POLICY_METADATA,
    policy ?? DEFAULT_POLICY,
  );
