import { parse as parseDomain } from 'tldts';
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
  | { kind: 'regexp'; regexp: RegExp };

export type OriginPatternResult =
  | { pattern: OriginPattern; error?: undefined }
  | { pattern?: undefined; error: string };

const SCHEME = '[a-z][a-z0-9+.-]*';
const SUBDOMAINS = new RegExp(
  `^(${SCHEME})://\\*\\.([^*:/]+)(?::(\\d+|\\*))?$`,
);
const ANY_PORT = new RegExp(`^(${SCHEME})://(\\[[0-9a-f:.]+\\]|[^*:/]+):\\*$`);

const fail = (error: string): OriginPatternResult => ({ error });

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
    pattern: { kind: 'regexp', regexp: new RegExp(`^(?:${source})$`, flags) },
  };
}

function parseExact(entry: string): OriginPatternResult {
  if (isRequestOrigin(entry))
    return { pattern: { kind: 'exact', origin: entry } };
  const suggestion = suggestOrigin(entry);
  return fail(
    `${quote(entry)} is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port)` +
      (suggestion ? `; did you mean ${quote(suggestion)}?` : ''),
  );
}

function suggestOrigin(entry: string): string | undefined {
  for (const candidate of [entry, `https://${entry}`]) {
    try {
      const origin = new URL(candidate).origin;
      if (origin !== 'null' && origin !== entry) return origin;
    } catch {
      // not a URL either way: no suggestion
    }
  }
  return undefined;
}

function parseWildcard(entry: string): OriginPatternResult {
  const subdomains = SUBDOMAINS.exec(entry);
  if (subdomains) {
    const [, scheme, domain, port = ''] = subdomains;
    const base = parseExact(
      `${scheme}://${domain}${port && port !== '*' ? `:${port}` : ''}`,
    );
    if (base.error) return fail(`in ${quote(entry)}, ${base.error}`);
    // tldts ignores a trailing dot, and so must the comparison: '*.com.' covers 'com' too.
    const bare = domain.endsWith('.') ? domain.slice(0, -1) : domain;
    const parsed = parseDomain(bare, { allowPrivateDomains: true });
    if (parsed.publicSuffix === bare && (parsed.isIcann || parsed.isPrivate)) {
      return fail(
        `${quote(entry)} covers every site under the public suffix '${domain}', so anyone can register a matching origin; list your own domain instead, e.g. ${quote(`${scheme}://*.your-site.${domain}`)}`,
      );
    }
    return { pattern: { kind: 'subdomains', scheme, domain, port } };
  }
  const anyPort = ANY_PORT.exec(entry);
  if (anyPort) {
    const [, scheme, host] = anyPort;
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
