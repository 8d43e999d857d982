/** How many denials of one policy and reason are logged in a minute; the rest are counted. */
export const DENIALS_LOGGED_PER_MINUTE = 10;
const MINUTE = 60_000;

interface Window {
  readonly start: number;
  count: number;
}

/**
 * The log of denied requests, which any client can cause: each line is written by `write`,
 * at most `DENIALS_LOGGED_PER_MINUTE` a minute for one policy and reason code. The denials
 * past that are counted, and the count is written with the next denial of that policy and
 * reason once the minute is over. It keeps one window per policy and reason, which the
 * configuration bounds, and no timer.
 */
export class CorsDenialLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes `line()` for a denial by `policy` for `code`, unless it is one too many. */
  record(policy: string, code: string, line: () => string): void {
    const key = `${code} ${policy}`;
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= MINUTE) {
      const unlogged = (window?.count ?? 0) - DENIALS_LOGGED_PER_MINUTE;
      if (unlogged > 0)
        this.write(
          `CORS: ${unlogged} more denials by policy ${JSON.stringify(policy)} (${code}) were not logged in the minute before`,
        );
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (++window.count <= DENIALS_LOGGED_PER_MINUTE) this.write(line());
  }
}
