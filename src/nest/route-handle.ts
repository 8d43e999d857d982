/** A function as Nest and adapters pass them around: route handlers, controller methods. */
export type RouteHandle = (...args: never[]) => unknown;

/** Whether `value` is a function, typed as one that can be passed around and wrapped. */
export const isRouteHandle = (value: unknown): value is RouteHandle =>
  typeof value === 'function';
