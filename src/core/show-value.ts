/** A configuration value as an error message can show it, whatever it is; never throws. */
export function showValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `a ${typeof value} that cannot be printed`;
  }
}

/** What a thrown value says, quoted, for a log line; never throws. */
export function showError(error: unknown): string {
  try {
    return JSON.stringify(
      error instanceof Error ? error.message : String(error),
    );
  } catch {
    return 'a value that cannot be printed';
  }
}
