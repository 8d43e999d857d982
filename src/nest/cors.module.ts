import { Module, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import {
  CORS_MODULE_OPTIONS,
  ConfigurableCorsModule,
} from './cors-module.definition.js';
import { CorsDeciders } from './cors-decider.js';
import { CorsInstaller } from './cors-installer.js';
import { CorsObservers } from './cors-observers.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import { CorsProviderClient } from './cors-provider-client.js';
import { CorsRouteTable } from './cors-route-table.js';
import { CorsRouting } from './cors-routing.js';
import { CorsService } from './cors.service.js';
import { CorsGatewayPolicies } from './gateways/cors-gateway-policies.js';

/**
 * Per-route CORS. `CorsModule.forRoot({ default, policies })` or `forRootAsync(...)` is all the
 * set-up: the module mounts its early hook and wraps every handler Nest registers itself.
 *
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    CorsProviderClient,
    CorsObservers,
    CorsDeciders,
    CorsPolicyRegistry,
    CorsRouteTable,
    CorsRouting,
    CorsInstaller,
    CorsService,
    CorsGatewayPolicies,
  ],
  exports: [CorsService, CORS_MODULE_OPTIONS],
})
export class CorsModule extends ConfigurableCorsModule implements NestModule {
  constructor(private readonly installer: CorsInstaller) {
    super();
  }

  /** Nest calls this once every provider exists and before it registers its routes. */
  configure(): void {
    this.installer.prepare();
  }
}
