import { isTokenChar } from './token.js';

/** Most header names a preflight may ask for. */
export const MAX_REQUESTED_HEADERS = 64;
/** Most empty elements (`a,,b`) tolerated in `Access-Control-Request-Headers`. */
export const MAX_EMPTY_ELEMENTS = 16;
/**
 * Longest `Access-Control-Request-Headers` considered: room for the most names at 60
 * characters each. Anything longer is refused before it is read.
 */
export const MAX_REQUEST_HEADERS_LENGTH = 4096;

/** A parsed `Access-Control-Request-Headers`. */
export interface RequestedHeaders {
  /** Lower-case names, in request order. */
  names: string[];
  /** The names joined by `,`: safe to send back in `Access-Control-Allow-Headers`. */
  value: string;
}

const isOws = (c: number) => c === 0x20 || c === 0x09;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;

/**
 * Parses `Access-Control-Request-Headers` in one linear pass, without regular expressions.
 * Returns `undefined` when it is malformed or over the bounds above, so hostile input costs
 * at most one pass over 4 KB.
 */
export function parseRequestHeaders(
  value: string,
): RequestedHeaders | undefined {
  const length = value.length;
  if (length > MAX_REQUEST_HEADERS_LENGTH) return undefined;
  const names: string[] = [];
  let empties = 0;
  let canonical = true;
  let i = 0;
  while (i <= length) {
    const elementStart = i;
    while (i < length && isOws(value.charCodeAt(i))) i++;
    const nameStart = i;
    let upper = false;
    while (i < length) {
      const c = value.charCodeAt(i);
      if (!isTokenChar(c)) break;
      if (isUpper(c)) upper = true;
      i++;
    }
    const nameEnd = i;
    while (i < length && isOws(value.charCodeAt(i))) i++;
    if (i < length && value.charCodeAt(i) !== 0x2c) return undefined;
    if (nameStart === nameEnd) {
      if (++empties > MAX_EMPTY_ELEMENTS) return undefined;
      canonical = false;
    } else {
      if (names.length === MAX_REQUESTED_HEADERS) return undefined;
      const name = value.slice(nameStart, nameEnd);
      names.push(upper ? name.toLowerCase() : name);
      if (upper || nameStart !== elementStart || nameEnd !== i)
        canonical = false;
    }
    i++;
  }
  return { names, value: canonical ? value : names.join(',') };
}
