import fc from 'fast-check';
import { OriginMatcher } from './origin-matcher.js';
import { parseOriginEntry } from './origin-pattern.js';
import { parseRequestOrigin } from './request-origin.js';

/** A matcher built from allowlist entries the way a policy compiles them. */
function matcherFor(...entries: (string | RegExp)[]): OriginMatcher {
  return new OriginMatcher(
    entries.map((entry) => {
      const result = parseOriginEntry(entry);
      if (result.error !== undefined) throw new Error(result.error);
      return result.pattern;
    }),
  );
}

/** The origins among `origins` that `matcher` allows. */
const allowed = (matcher: OriginMatcher, origins: string[]) =>
  origins.filter((origin) => matcher.matches(origin));

describe('OriginMatcher', () => {
  it('matches exact origins only', () => {
    const matcher = matcherFor(
      'https://app.example.com',
      'http://localhost:5173',
    );
    expect(
      allowed(matcher, [
        'https://app.example.com',
        'http://localhost:5173',
        'http://app.example.com',
        'https://app.example.com:8443',
        'https://example.com',
        'https://x.app.example.com',
        'http://localhost:5174',
        'http://localhost',
      ]),
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  describe('subdomain patterns', () => {
    const matcher = matcherFor('https://*.example.com');

    it('match one or more labels under the domain', () => {
      const origins = [
        'https://a.example.com',
        'https://a.b.example.com',
        'https://x-1.y_2.z.example.com',
      ];
      expect(allowed(matcher, origins)).toEqual(origins);
    });

    it('never match the apex, a non-dot boundary, another scheme or port', () => {
      expect(
        allowed(matcher, [
          'https://example.com',
          'https://evilexample.com',
          'https://a.evilexample.com',
          'https://example.com.evil.net',
          'https://a.example.com.evil.net',
          'https://a.example.co',
          'http://a.example.com',
          'wss://a.example.com',
          'https://a.example.com:8443',
          'https://a.example.com:443',
        ]),
      ).toEqual([]);
    });

    it('match only the given port when one is set', () => {
      expect(
        allowed(matcherFor('https://*.example.com:8443'), [
          'https://a.example.com:8443',
          'https://a.example.com',
          'https://a.example.com:8444',
          'https://example.com:8443',
        ]),
      ).toEqual(['https://a.example.com:8443']);
    });

    it("match any port, and none, with port '*'", () => {
      expect(
        allowed(matcherFor('https://*.example.com:*'), [
          'https://a.example.com',
          'https://a.example.com:1',
          'https://a.b.example.com:65535',
          'https://example.com:8443',
          'http://a.example.com:8443',
        ]),
      ).toEqual([
        'https://a.example.com',
        'https://a.example.com:1',
        'https://a.b.example.com:65535',
      ]);
    });

    it('match a domain with several labels by its own labels only', () => {
      expect(
        allowed(matcherFor('https://*.app.example.co.uk'), [
          'https://x.app.example.co.uk',
          'https://app.example.co.uk',
          'https://x.example.co.uk',
          'https://x.evilapp.example.co.uk',
        ]),
      ).toEqual(['https://x.app.example.co.uk']);
    });

    it('match random lowercase hosts iff they end with a non-empty label sequence and ".example.com"', () => {
      const prefix = fc.string({
        unit: fc.constantFrom(...'abcxyz019-.'.split('')),
        maxLength: 20,
      });
      const host = fc
        .oneof(
          prefix,
          prefix.map((p) => `${p}.`),
        )
        .map((p) => `${p}example.com`);
      fc.assert(
        fc.property(host, (h) => {
          const origin = `https://${h}`;
          fc.pre(parseRequestOrigin(origin) !== undefined);
          const expected =
            h.endsWith('.example.com') && h.length > '.example.com'.length;
          expect(matcher.matches(origin)).toBe(expected);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('any-port patterns', () => {
    it('match that host on any port, and without a port', () => {
      expect(
        allowed(matcherFor('http://localhost:*'), [
          'http://localhost',
          'http://localhost:1',
          'http://localhost:5173',
          'http://localhost:65535',
          'https://localhost:5173',
          'ws://localhost:5173',
          'http://a.localhost:5173',
          'http://localhost.evil.net:5173',
          'http://127.0.0.1:5173',
        ]),
      ).toEqual([
        'http://localhost',
        'http://localhost:1',
        'http://localhost:5173',
        'http://localhost:65535',
      ]);
    });
  });

  describe('RegExps', () => {
    it('match whole origins, in order, after the other patterns', () => {
      const matcher = matcherFor(
        'https://app.example.com',
        /^https:\/\/pr-\d+\.preview\.example\.com$/,
        /^https:\/\/(staging|qa)\.example\.com$/,
      );
      expect(
        allowed(matcher, [
          'https://app.example.com',
          'https://pr-42.preview.example.com',
          'https://qa.example.com',
          'https://pr-x.preview.example.com',
          'https://pr-42.preview.example.com.evil.net',
          'https://dev.example.com',
        ]),
      ).toEqual([
        'https://app.example.com',
        'https://pr-42.preview.example.com',
        'https://qa.example.com',
      ]);
    });

    it('give the same answer on every call, even for a g RegExp', () => {
      const matcher = matcherFor(/^https:\/\/a\.example\.com$/g);
      const results = [1, 2, 3].map(() =>
        matcher.matches('https://a.example.com'),
      );
      expect(results).toEqual([true, true, true]);
    });
  });

  describe('allowsNull', () => {
    it('is true only with a literal null pattern', () => {
      expect(matcherFor('null').allowsNull).toBe(true);
      expect(matcherFor('https://a.com', 'null').allowsNull).toBe(true);
      expect(matcherFor('https://a.com').allowsNull).toBe(false);
      expect(matcherFor('http://localhost:*', /^.*$/).allowsNull).toBe(false);
      expect(matcherFor().allowsNull).toBe(false);
    });

    it('does not make matches() accept null', () => {
      expect(matcherFor('null').matches('null')).toBe(false);
    });
  });

  it('matches nothing when empty', () => {
    expect(matcherFor().matches('https://a.com')).toBe(false);
  });
});
