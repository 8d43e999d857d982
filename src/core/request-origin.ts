import { domainToASCII } from 'node:url';

/** Longest `Origin` value considered; anything longer is malformed. */
export const MAX_ORIGIN_LENGTH = 2048;

/** The parts of a serialized origin: `scheme://host[:port]`. */
export interface OriginParts {
  scheme: string;
  host: string;
  /** The port, without the colon; `''` when the origin has none. */
  port: string;
}

/**
 * The default port of the scheme `value` starts with, `scheme` characters long: 80, 443 or 21
 * for the special schemes, 0 for any other, which has none.
 */
function defaultPort(value: string, scheme: number): number {
  switch (scheme) {
    case 2:
      return value.startsWith('ws') ? 80 : 0;
    case 3:
      if (value.startsWith('wss')) return 443;
      return value.startsWith('ftp') ? 21 : 0;
    case 4:
      return value.startsWith('http') ? 80 : 0;
    case 5:
      return value.startsWith('https') ? 443 : 0;
    default:
      return 0;
  }
}

/** Whether the scheme of `value`, `scheme` characters long, is `file`: its origin is `null`. */
const isFile = (value: string, scheme: number) =>
  scheme === 4 && value.charCodeAt(0) === 0x66 && value.startsWith('file');

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66);
/** Letters, digits, `-` and `_`: what a label of a resolvable host name is made of. */
const isLabelChar = (c: number) =>
  isLower(c) || isDigit(c) || c === 0x2d || c === 0x5f;

/**
 * Checks, in one pass and without regular expressions, that `value` is an origin exactly as a
 * browser serializes it (the URL Standard's origin serialization): lower case, no path, no
 * userinfo, no default port, IPv4 in dotted decimal, IPv6 compressed. Returns where its host
 * ends (the port's colon, or the end), or -1. `null` gives -1: it is matched literally.
 * Nothing is allocated, except for a host with an `xn--` label: its Punycode is checked by
 * `domainToASCII()`, the URL parser's own host algorithm, since that takes Unicode's IDNA
 * tables. Stricter than the URL Standard only where no browser can send the origin: empty
 * labels, characters other than letters, digits, `-`, `_` and `.`, and port 0.
 */
function scanRequestOrigin(value: string): number {
  const length = value.length;
  if (length === 0 || length > MAX_ORIGIN_LENGTH) return -1;
  if (!isLower(value.charCodeAt(0))) return -1;
  let i = 1;
  while (i < length) {
    const c = value.charCodeAt(i);
    if (!(isLower(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      break;
    }
    i++;
  }
  const scheme = i;
  if (isFile(value, scheme) || !value.startsWith('://', i)) return -1;
  i += 3;
  const hostEnd =
    value.charCodeAt(i) === 0x5b ? scanIpv6(value, i) : scanDomain(value, i);
  if (hostEnd === -1 || hostEnd === length) return hostEnd;
  return isPort(value, hostEnd, defaultPort(value, scheme)) ? hostEnd : -1;
}

/**
 * Where the domain or IPv4 address starting at `start` ends, or -1 when it is not one as the
 * URL Standard serializes it. A host whose last label is a number is an IPv4 address, and
 * then it must be in canonical form. A trailing dot is kept by the serializer, so it is
 * allowed, except after an IPv4 address, which the serializer writes without it.
 */
function scanDomain(value: string, start: number): number {
  const length = value.length;
  let labelStart = start;
  let lastLabelStart = start;
  let lastLabelEnd = start;
  let punycode = false;
  let i = start;
  for (;;) {
    if (value.charCodeAt(i) === 0x78 && value.startsWith('xn--', i)) {
      punycode = true;
    }
    while (i < length && isLabelChar(value.charCodeAt(i))) i++;
    if (i === labelStart) {
      // Empty: only the root label after a trailing dot, at the end of the host, may be.
      if (i === start || value.charCodeAt(i) === 0x2e) return -1;
      break;
    }
    lastLabelStart = labelStart;
    lastLabelEnd = i;
    if (value.charCodeAt(i) !== 0x2e) break;
    labelStart = ++i;
  }
  if (isDigit(value.charCodeAt(lastLabelStart))) {
    if (labelStart !== i && isCanonicalIpv4(value, start, i)) return i;
    if (isNumber(value, lastLabelStart, lastLabelEnd)) return -1;
  }
  if (punycode) {
    const host = value.slice(start, i);
    if (domainToASCII(host) !== host) return -1;
  }
  return i;
}

/**
 * Whether `value[start..end)` is a number to the URL Standard's IPv4 parser: decimal digits, or
 * `0x` and hexadecimal digits (lower case, as in a serialized host).
 */
function isNumber(value: string, start: number, end: number): boolean {
  let i = start;
  if (
    end - start >= 2 &&
    value.charCodeAt(start) === 0x30 &&
    value.charCodeAt(start + 1) === 0x78
  ) {
    for (i += 2; i < end; i++) if (!isHex(value.charCodeAt(i))) return false;
    return true;
  }
  for (; i < end; i++) if (!isDigit(value.charCodeAt(i))) return false;
  return true;
}

/** Whether `value[start..end)` is four decimal numbers 0 to 255, dot-separated, no leading zero. */
function isCanonicalIpv4(value: string, start: number, end: number): boolean {
  let parts = 0;
  let i = start;
  while (parts < 4) {
    const partStart = i;
    let part = 0;
    while (i < end && isDigit(value.charCodeAt(i))) {
      part = part * 10 + value.charCodeAt(i++) - 0x30;
    }
    const digits = i - partStart;
    if (digits === 0 || digits > 3 || part > 255) return false;
    if (digits > 1 && value.charCodeAt(partStart) === 0x30) return false;
    parts++;
    if (i === end) return parts === 4;
    if (value.charCodeAt(i++) !== 0x2e) return false;
  }
  return false;
}

/**
 * Where the bracketed IPv6 address starting at `start` (its `[`) ends, past its `]`, or -1
 * when it is not in the URL Standard's serialized form: eight pieces of lower-case hexadecimal
 * without leading zeros, the first longest run of two or more zero pieces written `::`, and
 * no dotted IPv4 tail.
 */
function scanIpv6(value: string, start: number): number {
  let i = start + 1;
  let pieces = 0;
  /** How many pieces precede `::`, or -1 without one. */
  let compressAt = -1;
  /** The zero pieces just read, in a row. */
  let zeros = 0;
  let longestBefore = 0;
  let longestAfter = 0;
  if (value.charCodeAt(i) === 0x3a) {
    if (value.charCodeAt(i + 1) !== 0x3a) return -1;
    compressAt = 0;
    i += 2;
    if (value.charCodeAt(i) === 0x5d) return i + 1;
  }
  for (;;) {
    const pieceStart = i;
    while (isHex(value.charCodeAt(i))) i++;
    const digits = i - pieceStart;
    if (digits === 0 || digits > 4) return -1;
    const zero = value.charCodeAt(pieceStart) === 0x30;
    if (zero && (digits > 1 || pieces === compressAt)) return -1;
    pieces++;
    if (zero) {
      zeros++;
    } else {
      if (compressAt === -1) longestBefore = Math.max(longestBefore, zeros);
      else longestAfter = Math.max(longestAfter, zeros);
      zeros = 0;
    }
    const c = value.charCodeAt(i);
    if (c === 0x5d) break;
    if (c !== 0x3a || pieces === 8) return -1;
    i++;
    if (value.charCodeAt(i) === 0x3a) {
      if (compressAt !== -1 || zeros > 0) return -1;
      compressAt = pieces;
      i++;
      if (value.charCodeAt(i) === 0x5d) break;
    }
  }
  if (compressAt === -1) {
    longestBefore = Math.max(longestBefore, zeros);
    return pieces === 8 && longestBefore < 2 ? i + 1 : -1;
  }
  longestAfter = Math.max(longestAfter, zeros);
  const compressed = 8 - pieces;
  return compressed >= 2 &&
    longestBefore < compressed &&
    longestAfter <= compressed
    ? i + 1
    : -1;
}

/**
 * Whether `value`, from the colon at `colon` to its end, is a port as serialized: 1 to 65535,
 * no leading zero, and not the scheme's default. Port 0 is valid in a URL, but no browser can
 * load a page from it.
 */
function isPort(value: string, colon: number, defaultPort: number): boolean {
  const length = value.length;
  if (value.charCodeAt(colon) !== 0x3a) return false;
  let i = colon + 1;
  if (value.charCodeAt(i) === 0x30) return false;
  let port = 0;
  while (i < length && isDigit(value.charCodeAt(i))) {
    port = port * 10 + value.charCodeAt(i++) - 0x30;
  }
  const digits = i - colon - 1;
  return (
    i === length &&
    digits > 0 &&
    digits <= 5 &&
    port <= 65535 &&
    port !== defaultPort
  );
}

/** Whether `value` is a serialized origin other than `null`; see `scanRequestOrigin`. */
export function isRequestOrigin(value: string): boolean {
  return scanRequestOrigin(value) !== -1;
}

/** Splits `value` if it is a serialized origin other than `null`. */
export function parseRequestOrigin(value: string): OriginParts | undefined {
  const hostEnd = scanRequestOrigin(value);
  if (hostEnd === -1) return undefined;
  const schemeEnd = value.indexOf(':');
  return {
    scheme: value.slice(0, schemeEnd),
    host: value.slice(schemeEnd + 3, hostEnd),
    port: hostEnd === value.length ? '' : value.slice(hostEnd + 1),
  };
}
