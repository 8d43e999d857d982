/** A configuration value as an error message can show it, whatever it is; never throws. */
export function showValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `a ${typeof value} that cannot be printed`;
  }
}
