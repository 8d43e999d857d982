import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type Type,
} from '@nestjs/common';
import {
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
} from '@nestjs/core';
import { CorsConfigurationError, formatIssue } from '../core/config-issue.js';
import { createCorsBinding } from './adapters/create-cors-binding.js';
import type { CorsHttpBinding } from './adapters/cors-http-binding.js';
import { CorsEngine } from './cors-engine.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import { CorsRouteTable } from './cors-route-table.js';
import { markRouteOwners } from './route-owners.js';
import { mayShareRoutes } from './shared-routes.js';

/**
 * Wires the module into the application: marks controller methods before Nest registers
 * them, mounts the early hook as soon as the HTTP adapter exists (before the body parsers),
 * and at bootstrap builds the route table and validates the whole configuration.
 */
@Injectable()
export class CorsInstaller implements OnApplicationBootstrap {
  private readonly logger = new Logger('CorsModule');
  /** The binding for the application's adapter, once it is known and supported. */
  binding: CorsHttpBinding | undefined;
  private unsupportedAdapter: string | undefined;
  private adapterCorsEnabled = false;
  /** Whether the handler that runs may not be the one its path points to (see `mayShareRoutes`). */
  readonly routesMayBeShared: boolean;

  constructor(
    adapterHost: HttpAdapterHost,
    discovery: DiscoveryService,
    private readonly engine: CorsEngine,
    private readonly registry: CorsPolicyRegistry,
    private readonly routes: CorsRouteTable,
  ) {
    const scanner = new MetadataScanner();
    const controllers = discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype as Type | null)
      .filter((metatype): metatype is Type => typeof metatype === 'function');
    const methodNames = (prototype: object) =>
      scanner.getAllMethodNames(prototype);
    markRouteOwners(controllers, methodNames);
    this.routesMayBeShared = mayShareRoutes(controllers, methodNames);
    adapterHost.init$.subscribe(() => {
      const adapter = adapterHost.httpAdapter;
      const enableCors = adapter.enableCors;
      adapter.enableCors = (...args) => {
        this.adapterCorsEnabled = true;
        return enableCors.apply(adapter, args);
      };
      this.binding = createCorsBinding(adapter);
      if (this.binding) this.binding.install(this.engine);
      else this.unsupportedAdapter = adapter.getType();
    });
  }

  onApplicationBootstrap(): void {
    if (this.unsupportedAdapter) {
      throw new Error(
        `CorsModule supports the Express and Fastify adapters; this application runs on "${this.unsupportedAdapter}". Use @nestjs/platform-express or @nestjs/platform-fastify.`,
      );
    }
    this.registry.load();
    const { binding } = this;
    if (binding) {
      this.engine.setRouteLookup(
        binding.routeLookup((handle) => this.routes.routeOfHandle(handle)),
      );
    }
    const issues = this.registry.issues;
    const errors = issues.filter((issue) => issue.severity === 'error');
    if (errors.length > 0) throw new CorsConfigurationError(errors);
    for (const warning of issues) this.logger.warn(formatIssue(warning));
    this.logger.verbose(
      `default policy: ${this.registry.defaultSource?.name ?? 'none (no CORS)'}`,
    );
    for (const route of this.routes.routes()) {
      this.logger.verbose(`${route.id} → ${route.source?.name ?? 'no CORS'}`);
    }
    if (this.adapterCorsEnabled) {
      this.logger.warn(
        "app.enableCors() is active as well: it answers the preflights of routes without a policy and its headers fight this module's. Remove it; CorsModule covers every route.",
      );
    }
  }
}
