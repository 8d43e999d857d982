/** Longest `Origin` value considered; anything longer is malformed. */
export const MAX_ORIGIN_LENGTH = 2048;

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
};

/** The parts of a serialized origin: `scheme://host[:port]`. */
export interface OriginParts {
  scheme: string;
  host: string;
  /** The port, without the colon; `''` when the origin has none. */
  port: string;
}

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHostChar = (c: number) =>
  isLower(c) || isDigit(c) || c === 0x2d || c === 0x2e || c === 0x5f;
const isIpv6Char = (c: number) =>
  isDigit(c) || (c >= 0x61 && c <= 0x66) || c === 0x3a || c === 0x2e;

/**
 * Checks, in one pass, without regular expressions and without allocating, that `value` is an
 * origin exactly as a browser serializes it: lower case, no path, no default port, no
 * userinfo. Returns where its host ends (the port's colon, or the end), or -1. `null` gives -1:
 * it is matched literally.
 */
function scanRequestOrigin(value: string): number {
  const length = value.length;
  if (length === 0 || length > MAX_ORIGIN_LENGTH) return -1;
  let i = 0;
  if (!isLower(value.charCodeAt(0))) return -1;
  while (i < length) {
    const c = value.charCodeAt(i);
    if (!(isLower(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      break;
    }
    i++;
  }
  const schemeEnd = i;
  if (!value.startsWith('://', i)) return -1;
  i += 3;
  const hostStart = i;
  if (value.charCodeAt(i) === 0x5b) {
    i++;
    while (i < length && isIpv6Char(value.charCodeAt(i))) i++;
    if (value.charCodeAt(i) !== 0x5d || i === hostStart + 1) return -1;
    i++;
  } else {
    let previous = 0x2e;
    while (i < length && isHostChar(value.charCodeAt(i))) {
      const c = value.charCodeAt(i++);
      if (c === 0x2e && previous === 0x2e) return -1;
      previous = c;
    }
    if (i === hostStart) return -1;
  }
  const hostEnd = i;
  if (i === length) return hostEnd;
  if (value.charCodeAt(i) !== 0x3a) return -1;
  const portStart = ++i;
  let port = 0;
  while (i < length && isDigit(value.charCodeAt(i))) {
    port = port * 10 + value.charCodeAt(i++) - 0x30;
  }
  const digits = i - portStart;
  if (i !== length || digits === 0 || digits > 5 || port > 65535) return -1;
  if (value.charCodeAt(portStart) === 0x30) return -1;
  const defaultPort = DEFAULT_PORTS[value.slice(0, schemeEnd)];
  return defaultPort === port ? -1 : hostEnd;
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
