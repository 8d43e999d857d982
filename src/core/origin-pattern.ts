import { parseDomain } from './public-suffix.js';
import { isRequestOrigin } from './request-origin.js';
import { showValue } from './show-value.js';

/** One compiled entry of an origin allowlist. */
export type OriginPattern =
  | { kind: 'exact'; origin: string }
  | { kind: 'null' }
  /** `scheme://*.domain[:port]`: one or more labels under `domain`; `port` is `''`, digits or `*`. */
  | { kind: 'subdomains'; scheme: string; domain: string; port: string }
  /** `scheme://host:*`: that host on any port. */
  | { kind: 'any-port'; scheme: string; host: string }
  /** `regexp` is anchored as a whole; `text` is the RegExp as written, e.g. `/^https:\/\/a\.dev$/i`. */
  | { kind: 'regexp'; regexp: RegExp; text: string };

export type OriginPatternResult =
  | { pattern: OriginPattern; error?: undefined }
  | { pattern?: undefined; error: string };

const SCHEME = '[a-z][a-z0-9+.-]*';
const SUBDOMAINS = new RegExp(
  `^(${SCHEME})://\\*\\.([^*:/]+)(?::(\\d+|\\*))?$`,
);
const ANY_PORT = new RegExp(`^(${SCHEME})://(\\[[0-9a-f:.]+\\]|[^*:/]+):\\*$`);

const fail = (error: string): OriginPatternResult => ({ error });
/** `scheme://*.[`: a wildcard in front of an IPv6 address. */
const IPV6_WILDCARD = new RegExp(`^${SCHEME}://\\*\\.\\[`);

/** Parses one allowlist entry, or explains what is wrong with it and how to fix it. */
export function parseOriginEntry(entry: string | RegExp): OriginPatternResult {
  if (entry instanceof RegExp) return parseRegExp(entry);
  if (typeof entry !== 'string') {
    return fail(
      `${showValue(entry)} is not an origin: use strings and RegExps`,
    );
  }
  const trimmed = entry.trim();
  if (trimmed !== entry || /[\s\u0000-\u001f\u007f]/.test(entry)) {
    return fail(
      `${quote(entry)} contains whitespace or control characters; did you mean ${quote(trimmed.replace(/[\s\u0000-\u001f\u007f]/g, ''))}?`,
    );
  }
  if (entry === 'null') return { pattern: { kind: 'null' } };
  if (entry === '*') {
    return fail(`'*' cannot be one entry of a list: write origin: '*'`);
  }
  return entry.includes('*') ? parseWildcard(entry) : parseExact(entry);
}

function parseRegExp(regexp: RegExp): OriginPatternResult {
  const { source } = regexp;
  if (!source.startsWith('^') || !endsWithAnchor(source)) {
    return fail(
      `${String(regexp)} is not anchored, so it also matches origins that merely contain a match; write /^${source.replace(/^\^/, '').replace(/\$$/, '')}$/`,
    );
  }
  const flags = regexp.flags.replace(/[gy]/g, '');
  return {
    pattern: {
      kind: 'regexp',
      regexp: new RegExp(`^(?:${source})$`, flags),
      text: String(regexp),
    },
  };
}

/** An allowlist entry as written, for a description of the policy: the inverse of parsing. */
export function showOriginPattern(pattern: OriginPattern): string {
  switch (pattern.kind) {
    case 'exact':
      return pattern.origin;
    case 'null':
      return 'null';
    case 'subdomains':
      return `${pattern.scheme}://*.${pattern.domain}${pattern.port && `:${pattern.port}`}`;
    case 'any-port':
      return `${pattern.scheme}://${pattern.host}:*`;
    case 'regexp':
      return pattern.text;
  }
}

/** Schemes whose URLs have a tuple origin in the URL Standard, so `new URL()` serializes it. */
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp']);

/**
 * An exact origin must be its own serialization, `new URL(entry).origin === entry`, and one
 * the per-request validator accepts (it refuses the few serializations no browser can send).
 * Other schemes (`chrome-extension:`, `capacitor:`) have an opaque origin in the URL Standard,
 * yet browsers send them as `scheme://host`: those are held to the validator's rules alone.
 */
function parseExact(entry: string): OriginPatternResult {
  const scheme = entry.slice(0, Math.max(0, entry.indexOf('://')));
  if (scheme === 'file') {
    return fail(
      `${quote(entry)} is a file: URL, and browsers send the origin of file: pages as null; write 'null' with allowNullOrigin: true instead`,
    );
  }
  const serialized = serialize(entry);
  if (SPECIAL_SCHEMES.has(scheme)) {
    if (serialized === undefined) {
      return fail(
        `${quote(entry)} is not a valid URL, so no browser ever sends it: ${whyNotAUrl(entry)}`,
      );
    }
    if (serialized !== entry) return notAsBrowsersSendIt(entry, serialized);
  }
  if (isRequestOrigin(entry)) {
    return { pattern: { kind: 'exact', origin: entry } };
  }
  if (serialized === entry) {
    return fail(
      `${quote(entry)} is a valid URL origin, but no browser can load a page from it: write a host of non-empty labels (letters, digits, '-' and '_') and a port from 1 to 65535`,
    );
  }
  return notAsBrowsersSendIt(entry, suggestOrigin(entry));
}

function notAsBrowsersSendIt(
  entry: string,
  suggestion: string | undefined,
): OriginPatternResult {
  return fail(
    `${quote(entry)} is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port)` +
      (suggestion && suggestion !== 'null'
        ? `; did you mean ${quote(suggestion)}?`
        : ''),
  );
}

/** `new URL(value).origin`, or `undefined` when `value` is not a URL. */
function serialize(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/** What `entry` serializes to, or, when it has no scheme, what `https://entry` does. */
function suggestOrigin(entry: string): string | undefined {
  const candidates = entry.includes('://')
    ? [entry]
    : [entry, `https://${entry}`];
  for (const candidate of candidates) {
    const origin = serialize(candidate);
    if (origin !== undefined && origin !== 'null' && origin !== entry)
      return origin;
  }
  return undefined;
}

const HOST = /^[^:]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]?|[^:/?#]*)/;

/** Why `new URL()` refuses `entry`, and how to fix it. */
function whyNotAUrl(entry: string): string {
  const host = HOST.exec(entry)?.[1] ?? '';
  if (host.startsWith('[')) {
    return `${quote(host)} is not an IPv6 address; write it as in "http://[2001:db8::1]"`;
  }
  if (endsInNumber(host)) {
    return `its host ends in a number, so URLs read it as an IPv4 address, and ${quote(host)} is not one; write four numbers from 0 to 255, as in "http://127.0.0.1"`;
  }
  if (/(?:^|\.)xn--/i.test(host)) {
    return `an "xn--" label of ${quote(host)} is not valid Punycode; convert the domain with url.domainToASCII()`;
  }
  return `check the host ${quote(host)} and the port`;
}

/** Whether the last label of `host` is a number to the URL Standard, making it an IPv4 address. */
const endsInNumber = (host: string) =>
  /(?:^|\.)(?:\d+|0x[0-9a-f]*)\.?$/i.test(host);

function parseWildcard(entry: string): OriginPatternResult {
  const scheme = entry.slice(0, Math.max(0, entry.indexOf('://')));
  if (scheme && !SPECIAL_SCHEMES.has(scheme)) {
    return fail(
      `${quote(entry)} puts a wildcard in a ${scheme}: origin: the origins of extensions and app shells are each one app, so list each of them exactly, e.g. ${quote(`${scheme}://localhost`)}`,
    );
  }
  const subdomains = SUBDOMAINS.exec(entry);
  if (
    IPV6_WILDCARD.test(entry) ||
    (subdomains && endsInNumber(subdomains[2] ?? ''))
  ) {
    return fail(
      `${quote(entry)} puts a wildcard in front of an IP address, which has no subdomains, so it matches nothing; list the address itself: ${quote(entry.replace('*.', ''))}`,
    );
  }
  if (subdomains) {
    const [, scheme = '', domain = '', port = ''] = subdomains;
    const base = parseExact(
      `${scheme}://${domain}${port && port !== '*' ? `:${port}` : ''}`,
    );
    if (base.error) return fail(`in ${quote(entry)}, ${base.error}`);
    // tldts ignores a trailing dot, and so must the comparison: '*.com.' covers 'com' too.
    const bare = domain.endsWith('.') ? domain.slice(0, -1) : domain;
    const parsed = parseDomain(bare);
    if (parsed.publicSuffix === bare && (parsed.isIcann || parsed.isPrivate)) {
      return fail(
        `${quote(entry)} covers every site under the public suffix '${domain}', so anyone can register a matching origin; list your own domain instead, e.g. ${quote(`${scheme}://*.your-site.${domain}`)}`,
      );
    }
    return { pattern: { kind: 'subdomains', scheme, domain, port } };
  }
  const anyPort = ANY_PORT.exec(entry);
  if (anyPort) {
    const [, scheme = '', host = ''] = anyPort;
    const base = parseExact(`${scheme}://${host}`);
    if (base.error) return fail(`in ${quote(entry)}, ${base.error}`);
    return { pattern: { kind: 'any-port', scheme, host } };
  }
  if (!entry.includes('://') && /^\*\.[^*]+$/.test(entry)) {
    return fail(
      `${quote(entry)} has no scheme; did you mean ${quote(`https://${entry}`)}?`,
    );
  }
  return fail(
    `${quote(entry)} is not a valid pattern: '*' may only stand for subdomains, as the whole first label ('https://*.example.com'), or for the port ('http://localhost:*')`,
  );
}

const quote = (value: string) => JSON.stringify(value);

/** Whether a RegExp source ends with a `$` anchor, not with an escaped `\$`. */
function endsWithAnchor(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i--)
    backslashes++;
  return backslashes % 2 === 0;
}
