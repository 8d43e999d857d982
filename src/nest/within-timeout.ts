/** What a user's function did not answer within `providerTimeout`. */
export class CorsTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not settle within ${ms} ms (providerTimeout)`);
  }
}

/**
 * `answer`, or a rejection with a `CorsTimeout` if it has not settled within `ms`. The timer
 * does not keep the process alive, and is cleared as soon as `answer` settles.
 */
export function withinTimeout<T>(
  answer: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CorsTimeout(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}
