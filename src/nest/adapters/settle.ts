/**
 * Continues with `value` now if it is ready, or once it settles; a failure goes to `fail`,
 * so no rejection is ever left unhandled.
 */
export function settle<T>(
  value: T | Promise<T>,
  fail: (error: unknown) => void,
  then: (value: T) => void,
): void {
  if (value instanceof Promise) value.then(then).catch(fail);
  else then(value);
}
