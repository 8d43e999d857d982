import type { Type } from '@nestjs/common';
import { CORS_ROUTE_OWNERS_METADATA } from './cors.constants.js';

/** The controller and method a route handler belongs to. */
export interface RouteOwner {
  controller: Type;
  methodName: string;
}

/**
 * Marks each method of each controller with its owners. Nest copies a method's metadata onto
 * the handler it registers with the HTTP adapter, so the adapter's routes can later be traced
 * back to the controller and method they run, whatever prefix, version or module path they got.
 * Must run before Nest registers its routes.
 */
export function markRouteOwners(
  controllers: Iterable<Type>,
  methodNames: (prototype: object) => string[],
): void {
  for (const controller of controllers) {
    for (const methodName of methodNames(controller.prototype)) {
      const method: unknown = controller.prototype[methodName];
      if (typeof method !== 'function') continue;
      const owners: RouteOwner[] =
        Reflect.getOwnMetadata(CORS_ROUTE_OWNERS_METADATA, method) ?? [];
      if (
        !owners.some(
          (owner) =>
            owner.controller === controller && owner.methodName === methodName,
        )
      ) {
        Reflect.defineMetadata(
          CORS_ROUTE_OWNERS_METADATA,
          [...owners, { controller, methodName }],
          method,
        );
      }
    }
  }
}

/**
 * The owner of a handler registered with the adapter. A method inherited by several
 * controllers is told apart by the handler's name, `Controller.method`, which Nest sets.
 */
export function routeOwnerOf(handle: Function): RouteOwner | undefined {
  const owners: RouteOwner[] | undefined = Reflect.getMetadata(
    CORS_ROUTE_OWNERS_METADATA,
    handle,
  );
  if (!owners || owners.length <= 1) return owners?.[0];
  return (
    owners.find(
      (owner) => handle.name === `${owner.controller.name}.${owner.methodName}`,
    ) ?? owners[0]
  );
}
