import type { OriginPattern } from './origin-pattern.js';
import { parseRequestOrigin } from './request-origin.js';

/** Shared by every matcher that has no entry of a kind, so that an allowlist costs only what it holds. */
const NO_ENTRIES: ReadonlySet<string> = new Set();
const NO_REGEXPS: readonly RegExp[] = [];
const setOf = (values: string[]): ReadonlySet<string> =>
  values.length > 0 ? new Set(values) : NO_ENTRIES;

/**
 * Matches well-formed request origins against a compiled allowlist: a set lookup for exact
 * origins, one lookup per host label for subdomain patterns, then the RegExps in order.
 */
export class OriginMatcher {
  private readonly exact: ReadonlySet<string>;
  /** Keys `scheme://domain|port`, with port `''`, digits or `*`. */
  private readonly subdomains: ReadonlySet<string>;
  /** Keys `scheme://host`. */
  private readonly anyPort: ReadonlySet<string>;
  private readonly regexps: readonly RegExp[];
  readonly allowsNull: boolean;

  /** `patterns`: the allowlist, in the order it was written. */
  constructor(readonly patterns: readonly OriginPattern[]) {
    const exact: string[] = [];
    const subdomains: string[] = [];
    const anyPort: string[] = [];
    const regexps: RegExp[] = [];
    let allowsNull = false;
    for (const pattern of patterns) {
      switch (pattern.kind) {
        case 'exact':
          exact.push(pattern.origin);
          break;
        case 'null':
          allowsNull = true;
          break;
        case 'subdomains':
          subdomains.push(
            `${pattern.scheme}://${pattern.domain}|${pattern.port}`,
          );
          break;
        case 'any-port':
          anyPort.push(`${pattern.scheme}://${pattern.host}`);
          break;
        case 'regexp':
          regexps.push(pattern.regexp);
          break;
      }
    }
    this.exact = setOf(exact);
    this.subdomains = setOf(subdomains);
    this.anyPort = setOf(anyPort);
    this.regexps = regexps.length > 0 ? regexps : NO_REGEXPS;
    this.allowsNull = allowsNull;
  }

  /** Whether `origin`, already known to be a serialized origin other than `null`, is allowed. */
  matches(origin: string): boolean {
    if (this.exact.has(origin)) return true;
    if (this.subdomains.size > 0 || this.anyPort.size > 0) {
      if (this.matchesPattern(origin)) return true;
    }
    for (const regexp of this.regexps) {
      if (regexp.test(origin)) return true;
    }
    return false;
  }

  private matchesPattern(origin: string): boolean {
    const parts = parseRequestOrigin(origin);
    if (!parts) return false;
    const { scheme, host, port } = parts;
    if (this.anyPort.has(`${scheme}://${host}`)) return true;
    if (this.subdomains.size === 0) return false;
    for (
      let dot = host.indexOf('.');
      dot !== -1;
      dot = host.indexOf('.', dot + 1)
    ) {
      if (dot === 0) continue;
      const domain = `${scheme}://${host.slice(dot + 1)}`;
      if (
        this.subdomains.has(`${domain}|${port}`) ||
        this.subdomains.has(`${domain}|*`)
      ) {
        return true;
      }
    }
    return false;
  }
}
