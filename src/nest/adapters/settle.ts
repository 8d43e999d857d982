/**
 * Continues with `value` now if it is ready, or once it settles. A rejection, or a throw of
 * `then`, goes to `fail`, so that nothing is left unhandled.
 */
export function settle<T>(
  value: T | Promise<T>,
  fail: (error: unknown) => void,
  then: (value: T) => void,
): void {
  if (value instanceof Promise) {
    value.then(then).catch(fail);
    return;
  }
  try {
    then(value);
  } catch (error) {
    fail(error);
  }
}
