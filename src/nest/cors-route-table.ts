import { Injectable, type Type } from '@nestjs/common';
import type { CorsConfigIssue } from '../core/config-issue.js';
import { Reflector } from '@nestjs/core';
import { CORS_POLICY_METADATA } from './cors.constants.js';
import type { CorsPolicyMetadata } from './cors-policy.decorator.js';
import { CorsDeciders } from './cors-decider.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { CorsRoute } from './cors-route.js';
import { hostMatcherOf, routeMethodOf } from './internals/nest-metadata.js';
import { routeOwnerOf } from './internals/route-owners.js';
import type { RouteHandle } from './route-handle.js';

/** A controller route as Nest handed it to the adapter. */
export interface RouteRegistration {
  /** The method it is declared for: `GET`, `SEARCH`…, or `ALL`. */
  readonly method: string;
  /** The path the adapter routes it at, e.g. `/api/v2/users/:id`. */
  readonly path: string;
  readonly route: CorsRoute;
}

/** The controller methods that serve routes, each with its policy, by the handler Nest registered. */
@Injectable()
export class CorsRouteTable {
  private readonly byController = new Map<Type, Map<string, CorsRoute>>();
  private readonly paths: RouteRegistration[] = [];
  private readonly found: CorsConfigIssue[] = [];

  constructor(
    private readonly registry: CorsPolicyRegistry,
    private readonly deciders: CorsDeciders,
    private readonly reflector: Reflector,
  ) {}

  /**
   * Gives each of `handlers` that a controller owns its route, compiling its policy and
   * recording what is wrong with it. Called before Nest registers its routes, so that
   * registering only looks routes up; handlers no controller owns are skipped.
   */
  resolve(handlers: readonly RouteHandle[]): void {
    // Compiled while Nest registers routes, the policies' objects would sit among the
    // adapter's routing structures as it builds them, and Express's scan of 1,000 routes was
    // measurably slower for it.
    for (const handler of handlers) this.routeOf(handler);
  }

  /**
   * The route of a handler Nest hands to the adapter for `path`, recorded as registered;
   * `undefined` for one no controller owns.
   */
  routeOfHandle(handle: RouteHandle, path: unknown): CorsRoute | undefined {
    const route = this.routeOf(handle);
    const method = routeMethodOf(handle);
    if (route && method && typeof path === 'string')
      this.paths.push({ method, path, route });
    return route;
  }

  /** The controller routes Nest registered, in its order. */
  registered(): readonly RouteRegistration[] {
    return this.paths;
  }

  private routeOf(handle: RouteHandle): CorsRoute | undefined {
    const owner = routeOwnerOf(handle);
    if (!owner) return undefined;
    const { controller, methodName } = owner;
    const routes =
      this.byController.get(controller) ?? new Map<string, CorsRoute>();
    this.byController.set(controller, routes);
    const known = routes.get(methodName);
    if (known) return known;
    const id = `${controller.name}#${methodName}`;
    const metadata = this.reflector.getAllAndOverride<
      CorsPolicyMetadata | undefined
    >(CORS_POLICY_METADATA, [handle, controller]);
    const onHandler = this.reflector.get<CorsPolicyMetadata | undefined>(
      CORS_POLICY_METADATA,
      handle,
    );
    const declaredAt = onHandler === undefined ? controller.name : id;
    const source = this.registry.forRoute(
      metadata,
      id,
      `${declaredAt} (inline)`,
    );
    const route: CorsRoute = {
      id,
      controller,
      source,
      decider: this.deciders.of(id, [source]),
      matchesHost: hostMatcherOf(controller),
    };
    routes.set(methodName, route);
    this.checkMethod(route, routeMethodOf(handle));
    return route;
  }

  /** Warns where a policy's explicit `methods` leave out the method its route is declared for. */
  private checkMethod(route: CorsRoute, method: string | undefined): void {
    const { source } = route;
    if (source?.kind !== 'static' || !method || method === 'ALL') return;
    const { policy } = source;
    if (
      !policy.explicitMethods ||
      !policy.methods ||
      policy.methods.has(method)
    )
      return;
    this.found.push({
      severity: 'warning',
      code: 'route_method_not_allowed',
      subject: route.id,
      field: 'methods',
      message: `policy ${JSON.stringify(policy.name)} does not list ${method}, the method of this route, so browsers can never call it cross-origin; add ${method} to its methods`,
    });
  }

  /** What is wrong with the routes: their policies' own issues are the registry's. */
  get issues(): readonly CorsConfigIssue[] {
    return this.found;
  }

  /** Every route Nest registered, each once, in the order of its first registration. */
  routes(): CorsRoute[] {
    return [...new Set(this.paths.map(({ route }) => route))];
  }
}
