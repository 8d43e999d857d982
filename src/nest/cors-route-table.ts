import { Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CORS_POLICY_METADATA } from './cors.constants.js';
import type { CorsPolicyMetadata } from './cors-policy.decorator.js';
import { CorsPolicyRegistry } from './cors-policy-registry.js';
import type { CorsRoute } from './cors-route.js';
import { routeOwnerOf } from './route-owners.js';

/** The controller methods that serve routes, each with its policy. */
@Injectable()
export class CorsRouteTable {
  private readonly byHandler = new Map<Function, CorsRoute[]>();

  constructor(
    private readonly registry: CorsPolicyRegistry,
    private readonly reflector: Reflector,
  ) {}

  /** The route of an adapter's route handler; `undefined` for routes no controller serves. */
  routeOfHandle(handle: Function): CorsRoute | undefined {
    const owner = routeOwnerOf(handle);
    return (
      owner &&
      this.routeOf(
        owner.controller,
        owner.controller.prototype[owner.methodName],
        owner.methodName,
      )
    );
  }

  /** The route of a controller method, as the interceptor sees it. */
  forHandler(controller: Type, handler: Function): CorsRoute | undefined {
    return this.byHandler
      .get(handler)
      ?.find((route) => route.controller === controller);
  }

  /** Every route, in the order they were first seen. */
  routes(): CorsRoute[] {
    return [...this.byHandler.values()].flat();
  }

  private routeOf(
    controller: Type,
    handler: Function,
    methodName: string,
  ): CorsRoute {
    const known = this.forHandler(controller, handler);
    if (known) return known;
    const id = `${controller.name}#${methodName}`;
    const onHandler = this.reflector.get<CorsPolicyMetadata | undefined>(
      CORS_POLICY_METADATA,
      handler,
    );
    const metadata =
      onHandler ??
      this.reflector.get<CorsPolicyMetadata | undefined>(
        CORS_POLICY_METADATA,
        controller,
      );
    const declaredAt = onHandler === undefined ? controller.name : id;
    const route: CorsRoute = {
      id,
      controller,
      handler,
      source: this.registry.forRoute(metadata, id, `${declaredAt} (inline)`),
    };
    this.byHandler.set(handler, [
      ...(this.byHandler.get(handler) ?? []),
      route,
    ]);
    return route;
  }
}
