/**
 * Continues with `value` now if it is ready, or once it settles; a rejection goes to `fail`.
 * `then` must not throw: it would be called for a value, and `fail` never after it.
 */
export function settle<T>(
  value: T | Promise<T>,
  fail: (error: unknown) => void,
  then: (value: T) => void,
): void {
  if (value instanceof Promise) value.then(then, fail);
  else then(value);
}
