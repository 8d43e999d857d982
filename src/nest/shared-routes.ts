import type { Type } from '@nestjs/common';

/** Nest's metadata keys of `@Controller({ host })` and of `@Version()` / `@Controller({ version })`. */
const HOST_METADATA = 'host';
const VERSION_METADATA = '__version__';

/** `@Controller()` defines its keys even when their value is `undefined`. */
const has = (key: string, target: object) =>
  Reflect.getMetadata(key, target) !== undefined;

/**
 * Whether several handlers may serve the same method and path, told apart by the host or by
 * a version outside the URI. Only then can the handler that runs differ from the one the
 * path points to, and only then does the module need its interceptor, which costs every
 * request Nest's interceptor pipeline.
 */
export function mayShareRoutes(
  controllers: readonly Type[],
  methodNames: (prototype: object) => string[],
): boolean {
  return controllers.some(
    (controller) =>
      has(HOST_METADATA, controller) ||
      has(VERSION_METADATA, controller) ||
      methodNames(controller.prototype).some((name) => {
        const method: unknown = controller.prototype[name];
        return (
          typeof method === 'function' &&
          Reflect.hasMetadata(VERSION_METADATA, method)
        );
      }),
  );
}
