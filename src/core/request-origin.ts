/** Longest `Origin` value considered; anything longer is malformed. */
export const MAX_ORIGIN_LENGTH = 2048;

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  http: '80',
  https: '443',
  ws: '80',
  wss: '443',
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
 * Splits `value` if it is an origin exactly as a browser serializes it (lower case,
 * no path, no default port, no userinfo), in one pass and without regular expressions.
 * Returns `undefined` for anything else, `null` included: that one is matched literally.
 */
export function parseRequestOrigin(value: string): OriginParts | undefined {
  const length = value.length;
  if (length === 0 || length > MAX_ORIGIN_LENGTH) return undefined;
  let i = 0;
  if (!isLower(value.charCodeAt(0))) return undefined;
  while (i < length) {
    const c = value.charCodeAt(i);
    if (!(isLower(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      break;
    }
    i++;
  }
  const schemeEnd = i;
  if (!value.startsWith('://', i)) return undefined;
  i += 3;
  const hostStart = i;
  if (value.charCodeAt(i) === 0x5b) {
    i++;
    while (i < length && isIpv6Char(value.charCodeAt(i))) i++;
    if (value.charCodeAt(i) !== 0x5d || i === hostStart + 1) return undefined;
    i++;
  } else {
    let previous = 0x2e;
    while (i < length && isHostChar(value.charCodeAt(i))) {
      const c = value.charCodeAt(i++);
      if (c === 0x2e && previous === 0x2e) return undefined;
      previous = c;
    }
    if (i === hostStart) return undefined;
  }
  const hostEnd = i;
  let port = '';
  if (i < length) {
    if (value.charCodeAt(i) !== 0x3a) return undefined;
    const portStart = ++i;
    while (i < length && isDigit(value.charCodeAt(i))) i++;
    const digits = i - portStart;
    if (i !== length || digits === 0 || digits > 5) return undefined;
    if (value.charCodeAt(portStart) === 0x30) return undefined;
    port = value.slice(portStart);
    if (Number(port) > 65535) return undefined;
  }
  const scheme = value.slice(0, schemeEnd);
  if (port !== '' && DEFAULT_PORTS[scheme] === port) return undefined;
  return { scheme, host: value.slice(hostStart, hostEnd), port };
}
