import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
} from '@nestjs/core';
import {
  type CorsConfigIssue,
  CorsConfigurationError,
  formatIssue,
} from '../core/config-issue.js';
import type { CorsHttpBinding } from './adapters/cors-http-binding.js';
import { createCorsBinding } from './adapters/create-cors-binding.js';
import { useResponseHook } from './adapters/response-hook.js';
import { CorsRouting } from './cors-routing.js';
import { CorsGatewayPolicies } from './gateways/cors-gateway-policies.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { RouteLookup } from './cors-route.js';
import { CorsRouteTable } from './cors-route-table.js';
import { onHttpAdapter } from './internals/nest-adapter.js';
import { isRouteHandler } from './internals/nest-metadata.js';
import { OtherCors } from './other-cors.js';
import { isRouteHandle } from './route-handle.js';
import {
  markRouteOwners,
  type OwnedController,
} from './internals/route-owners.js';

/** The methods a `paths` rule is checked with against controller routes. */
const ROUTE_METHODS_TO_CHECK = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Wires the module into the application, in three steps:
 * 1. as soon as the HTTP adapter exists, mounts the early hook (before the body parsers);
 * 2. from `CorsModule.configure()`, once every provider exists and before Nest registers its
 *    routes: compiles the policies, the module's and every controller route's, marks
 *    controller methods, and has the binding capture their handlers;
 * 3. at bootstrap, once the routes are registered: seals the binding, which wraps the handlers
 *    it has not wrapped yet (on Express, all of them) and reads the adapter's routing, and
 *    reports the whole configuration.
 */
@Injectable()
export class CorsInstaller
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('CorsModule');
  private binding: CorsHttpBinding | undefined;
  private unsupportedAdapter: string | undefined;
  /** `app.enableCors()`, the `cors` middleware, `@fastify/cors`: reported at bootstrap. */
  private otherCors: OtherCors | undefined;
  private lookup: RouteLookup | undefined;
  /** From a bootstrap that succeeded on, until the app closes: see `useResponseHook()`. */
  private stopUsingResponseHook: (() => void) | undefined;
  /** Whether the app's controllers declare route handlers, which the module must then see. */
  private hasRouteHandlers = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly discovery: DiscoveryService,
    routing: CorsRouting,
    private readonly registry: CorsPolicyRegistry,
    private readonly routes: CorsRouteTable,
    private readonly gateways: CorsGatewayPolicies,
  ) {
    onHttpAdapter(adapterHost, (adapter) => {
      this.otherCors = new OtherCors(adapter);
      this.binding = createCorsBinding(adapter, routing);
      if (!this.binding) this.unsupportedAdapter = adapter.getType();
    });
  }

  /**
   * Once the app has closed, and its server with it (Nest disposes of the server before it
   * calls this), it stops using the process-wide response hook.
   */
  onApplicationShutdown(): void {
    this.stopUsingResponseHook?.();
  }

  /** Step 2: every provider exists, and Nest has not registered its routes yet. */
  prepare(): void {
    this.registry.load();
    const scanner = new MetadataScanner();
    const controllers = this.discovery
      .getControllers()
      .filter(
        (wrapper): wrapper is typeof wrapper & OwnedController =>
          typeof wrapper.metatype === 'function' &&
          typeof wrapper.instance === 'object' &&
          wrapper.instance !== null,
      );
    const methodNames = (prototype: object) =>
      scanner.getAllMethodNames(prototype);
    markRouteOwners(controllers, methodNames);
    // What Nest routes to: the instance's function for each route handler the class declares.
    const handlers = controllers.flatMap(
      ({ metatype, instance }: OwnedController) => {
        const prototype = metatype.prototype as Record<string, unknown>;
        return methodNames(prototype).flatMap((name) => {
          const declared = prototype[name];
          return isRouteHandle(declared) && isRouteHandler(declared)
            ? [instance[name]]
            : [];
        });
      },
    );
    this.hasRouteHandlers = handlers.length > 0;
    this.routes.resolve(handlers.filter(isRouteHandle));
    this.binding?.capture((handle, path) =>
      this.routes.routeOfHandle(handle, path),
    );
  }

  onApplicationBootstrap(): void {
    if (this.unsupportedAdapter) {
      throw new Error(
        `CorsModule supports the Express and Fastify adapters; this application runs on "${this.unsupportedAdapter}". Use @nestjs/platform-express or @nestjs/platform-fastify.`,
      );
    }
    if (!this.binding && this.adapterHost.httpAdapter) {
      throw new Error(
        'CorsModule could not bind to the HTTP adapter: Nest never announced it through HttpAdapterHost.init$, so no response would get CORS headers. This version of Nest starts applications in a way the module does not know. Check that nestjs-cors-policy supports your @nestjs/core version.',
      );
    }
    this.lookup = this.binding?.seal();
    if (this.binding && this.hasRouteHandlers && !this.routes.routes().length) {
      throw new Error(
        'CorsModule saw none of the routes Nest registered, so it cannot give them their policies: this version of Nest hands its routes to the HTTP adapter in a way the module does not know. Check that nestjs-cors-policy supports your @nestjs/core version.',
      );
    }
    const issues = [
      ...this.registry.issues,
      ...this.routes.issues,
      ...this.gateways.issues,
      ...this.pathRuleIssues(),
    ];
    const errors = issues.filter((issue) => issue.severity === 'error');
    if (errors.length > 0) throw new CorsConfigurationError(errors);
    for (const warning of issues) this.logger.warn(formatIssue(warning));
    this.logger.verbose(
      `default policy: ${this.registry.defaultSource?.name ?? 'none (no CORS)'}`,
    );
    for (const route of this.routes.routes()) {
      this.logger.verbose(`${route.id} → ${route.source?.name ?? 'no CORS'}`);
    }
    for (const { pattern, source } of this.registry.paths) {
      this.logger.verbose(
        `paths ${pattern.text} → ${source?.name ?? 'no CORS'}`,
      );
    }
    this.otherCors?.report((message) => this.logger.warn(message));
    if (this.binding) this.stopUsingResponseHook = useResponseHook();
  }

  /** Warnings where a `paths` rule also covers a controller route, which keeps its own policy. */
  private pathRuleIssues(): CorsConfigIssue[] {
    const { lookup } = this;
    if (!lookup) return [];
    return this.registry.paths.flatMap(({ pattern }, i): CorsConfigIssue[] => {
      const bare = pattern.text.replace(/\*$/, '');
      const reached = ROUTE_METHODS_TO_CHECK.flatMap((method) =>
        lookup(method, bare),
      );
      const covered = this.routes
        .registered()
        .filter(({ path }) => pattern.matches(path))
        .map(({ route }) => route);
      const ids = [
        ...new Set(
          [...reached, ...covered].flatMap((route) =>
            route ? [route.id] : [],
          ),
        ),
      ];
      if (ids.length === 0) return [];
      return [
        {
          severity: 'warning',
          code: 'path_covers_route',
          subject: `paths[${i}]`,
          field: 'path',
          message: `${JSON.stringify(pattern.text)} also covers ${ids.join(', ')}, which keep${ids.length === 1 ? 's' : ''} the policy of ${ids.length === 1 ? 'its' : 'their'} controller; paths rules apply only to responses no controller produces`,
        },
      ];
    });
  }

  /** For Nest's CSRF check: see `CorsService.trustedForCsrf`. */
  trustForCsrf(request: unknown): boolean {
    return this.binding?.trustForCsrf(request) ?? false;
  }

  /** The routes a method and path reach, as the adapter routes them. */
  routesOf(method: string, path: string) {
    return this.sealedLookup('CorsService.explain()')(method, path);
  }

  /**
   * The adapter's routing, read at bootstrap; before that, an error that tells `caller` when
   * it may be called.
   */
  sealedLookup(caller: string): RouteLookup {
    if (!this.lookup) {
      throw new Error(
        `${caller} reads the routes Nest registered: call it from onApplicationBootstrap() on, or once the application has started`,
      );
    }
    return this.lookup;
  }
}
