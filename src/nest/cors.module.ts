import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { ConfigurableCorsModule } from './cors-module.definition.js';
import { CorsEngine } from './cors-engine.js';
import { CorsInstaller } from './cors-installer.js';
import { CorsInterceptor } from './cors.interceptor.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import { CorsRouteTable } from './cors-route-table.js';
import { CorsService } from './cors.service.js';

/**
 * Per-route CORS. `CorsModule.forRoot({ default, policies })` or `forRootAsync(...)` is all the
 * set-up: the module mounts its early hook and registers its global interceptor itself, where
 * the app has handlers that share a path (host or header versioning).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    CorsPolicyRegistry,
    CorsRouteTable,
    CorsEngine,
    CorsInstaller,
    CorsInterceptor,
    {
      provide: APP_INTERCEPTOR,
      useFactory: (installer: CorsInstaller, interceptor: CorsInterceptor) =>
        installer.routesMayBeShared ? interceptor : null,
      inject: [CorsInstaller, CorsInterceptor],
    },
    CorsService,
  ],
  exports: [CorsService],
})
export class CorsModule extends ConfigurableCorsModule {}
