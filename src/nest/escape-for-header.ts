/**
 * Text safe to put in a response header or a log line: printable ASCII as it is, anything else
 * (control characters, CR and LF, non-ASCII) as a `\uXXXX` escape, and at most 200 characters.
 */
export function escapeForHeader(text: string): string {
  const escaped = text.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > 200 ? `${escaped.slice(0, 199)}…` : escaped;
}
