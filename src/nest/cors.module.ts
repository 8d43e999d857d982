import { Module, type NestModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ConfigurableCorsModule } from './cors-module.definition.js';
import { CorsEngine } from './cors-engine.js';
import { CorsInstaller } from './cors-installer.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import { CorsRouteTable } from './cors-route-table.js';
import { CorsService } from './cors.service.js';

/**
 * Per-route CORS. `CorsModule.forRoot({ default, policies })` or `forRootAsync(...)` is all the
 * set-up: the module mounts its early hook and wraps every handler Nest registers itself.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    CorsPolicyRegistry,
    CorsRouteTable,
    CorsEngine,
    CorsInstaller,
    CorsService,
  ],
  exports: [CorsService],
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
