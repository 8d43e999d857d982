import { RequestMethod } from '@nestjs/common';
import type { RouteHandle } from '../route-handle.js';

/** The adapter methods Nest registers routes with: one per `RequestMethod`, by its lower-case name. */
export const ROUTE_METHODS: readonly string[] = Object.keys(RequestMethod)
  .filter((key) => Number.isNaN(Number(key)))
  .map((key) => key.toLowerCase());

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Replaces the methods `names` of `target` that exist: each call goes through `replace`,
 * with the original method and the call's `this` and arguments.
 */
export function patchMethods(
  target: object,
  names: readonly string[],
  replace: (original: Method, self: unknown, args: unknown[]) => unknown,
): void {
  const methods = target as Record<string, Method | undefined>;
  for (const name of names) {
    const original = methods[name];
    if (typeof original !== 'function') continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      return replace(original, this, args);
    };
  }
}

/**
 * A function that behaves as `handle` for whoever registers it: same name, and `handle`'s
 * properties and metadata through its prototype, which `Reflect.getMetadata` walks as property
 * reads do. Nothing is copied, so a route costs no metadata maps of its own.
 */
export function lookAlike<T extends RouteHandle>(
  wrapper: T,
  handle: RouteHandle,
): T {
  Object.setPrototypeOf(wrapper, handle);
  Object.defineProperty(wrapper, 'name', { value: handle.name });
  return wrapper;
}
