import type { Type } from '@nestjs/common';
import { CORS_ROUTE_OWNER_METADATA } from '../cors.constants.js';
import { isRouteHandle, type RouteHandle } from '../route-handle.js';

/** The controller and method a route handler belongs to. */
export interface RouteOwner {
  readonly controller: Type;
  readonly methodName: string;
}

/** A controller as Nest's discovery gives it: its class and the instance Nest routes to. */
export interface OwnedController {
  readonly metatype: Type;
  readonly instance: Record<string, unknown>;
}

/**
 * Nest copies a controller method's metadata onto every handler it hands to the HTTP adapter,
 * and routes to `instance[methodName]`: marks each method of each controller with its owner,
 * so that each adapter route leads back to the controller and method it runs, whatever
 * prefix, version, module path or registration order it got. Must run before Nest registers
 * its routes.
 *
 * A method that several controllers share (inherited from a base class) would carry one mark
 * for all of them. Nest routes to `instance[methodName]`, so each of those controllers' instances
 * gets its own function, which calls the shared one and carries its metadata and its owner.
 */
export function markRouteOwners(
  controllers: readonly OwnedController[],
  methodNames: (prototype: object) => string[],
): void {
  const owners = new Map<RouteHandle, OwnedController[]>();
  const methods = controllers.flatMap((controller) =>
    methodNames(controller.metatype.prototype as object).flatMap(
      (methodName) => {
        const method = (
          controller.metatype.prototype as Record<string, unknown>
        )[methodName];
        if (!isRouteHandle(method)) return [];
        owners.set(method, [...(owners.get(method) ?? []), controller]);
        return [{ controller, methodName, method }];
      },
    ),
  );
  for (const { controller, methodName, method } of methods) {
    const owner: RouteOwner = { controller: controller.metatype, methodName };
    if (owners.get(method)!.length === 1) {
      Reflect.defineMetadata(CORS_ROUTE_OWNER_METADATA, owner, method);
      continue;
    }
    const own = function (this: unknown, ...args: unknown[]) {
      return (method as (...args: unknown[]) => unknown).apply(this, args);
    };
    Object.defineProperty(own, 'name', { value: method.name });
    for (const key of Reflect.getMetadataKeys(method)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, method), own);
    }
    Reflect.defineMetadata(CORS_ROUTE_OWNER_METADATA, owner, own);
    Object.defineProperty(controller.instance, methodName, {
      value: own,
      configurable: true,
      writable: true,
    });
  }
}

/** Nest copies a controller method's metadata onto the handler it registers: the owner `markRouteOwners()` marked. */
export function routeOwnerOf(handle: RouteHandle): RouteOwner | undefined {
  return Reflect.getMetadata(CORS_ROUTE_OWNER_METADATA, handle) as
    RouteOwner | undefined;
}
