/**
 * A path pattern of the module's `paths` option: a path as the request has it (`/graphql`), or
 * a prefix followed by `*` (`/docs*` covers `/docs`, `/docs/`, `/docs-json`, `/docs/x/y`).
 * Compared byte for byte with the request path, without its query string: case-sensitive,
 * with no decoding and no normalisation.
 */
export interface PathPattern {
  readonly text: string;
  matches(path: string): boolean;
  /** The same, ignoring case, for a path as a lenient router reads it (see `CorsRouting`). */
  matchesLoosely(path: string): boolean;
}

export type PathPatternResult =
  { pattern: PathPattern; error?: never } | { pattern?: never; error: string };

/** Parses a path pattern, or says what is wrong with it and how to write it. */
export function parsePathPattern(text: unknown): PathPatternResult {
  if (typeof text !== 'string' || !text.startsWith('/')) {
    return {
      error: `${JSON.stringify(text) ?? String(text)} is not a path: write one that starts with '/', e.g. '/graphql' or '/docs*'`,
    };
  }
  const star = text.indexOf('*');
  if (star !== -1 && star !== text.length - 1) {
    return {
      error: `${JSON.stringify(text)} has a '*' before its end: '*' may only end a pattern, as in '/docs*'`,
    };
  }
  if (/[?#\s]/.test(text)) {
    return {
      error: `${JSON.stringify(text)} has a query, a fragment or a space: write the path alone`,
    };
  }
  const prefix = star === -1 ? undefined : text.slice(0, -1);
  const matcher = (literal: string) =>
    prefix === undefined
      ? (path: string) => path === literal
      : (path: string) => path.startsWith(literal);
  const lower = (prefix ?? text).toLowerCase();
  return {
    pattern: {
      text,
      matches: matcher(prefix ?? text),
      matchesLoosely: matcher(lower),
    },
  };
}
