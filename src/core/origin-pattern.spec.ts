import { type OriginPattern, parseOriginEntry } from './origin-pattern.js';

function patternOf(entry: string | RegExp): OriginPattern {
  const result = parseOriginEntry(entry);
  if (result.error !== undefined) {
    throw new Error(`expected ${String(entry)} to parse: ${result.error}`);
  }
  return result.pattern;
}

function errorOf(entry: string | RegExp): string {
  const result = parseOriginEntry(entry);
  if (result.error === undefined) {
    throw new Error(`expected ${String(entry)} to be refused`);
  }
  return result.error;
}

function regexpOf(entry: RegExp): RegExp {
  const pattern = patternOf(entry);
  if (pattern.kind !== 'regexp') throw new Error(`got ${pattern.kind}`);
  return pattern.regexp;
}

describe('parseOriginEntry', () => {
  describe('valid entries', () => {
    it.each([
      [
        'https://app.example.com',
        { kind: 'exact', origin: 'https://app.example.com' },
      ],
      [
        'http://localhost:5173',
        { kind: 'exact', origin: 'http://localhost:5173' },
      ],
      ['null', { kind: 'null' }],
      [
        'https://*.example.com',
        {
          kind: 'subdomains',
          scheme: 'https',
          domain: 'example.com',
          port: '',
        },
      ],
      [
        'https://*.example.com:8443',
        {
          kind: 'subdomains',
          scheme: 'https',
          domain: 'example.com',
          port: '8443',
        },
      ],
      [
        'https://*.example.com:*',
        {
          kind: 'subdomains',
          scheme: 'https',
          domain: 'example.com',
          port: '*',
        },
      ],
      [
        'http://localhost:*',
        { kind: 'any-port', scheme: 'http', host: 'localhost' },
      ],
      [
        'http://127.0.0.1:*',
        { kind: 'any-port', scheme: 'http', host: '127.0.0.1' },
      ],
    ])('parses %s', (entry, expected) => {
      expect(parseOriginEntry(entry)).toEqual({ pattern: expected });
    });
  });

  describe('invalid strings, with a suggestion', () => {
    it.each([
      ['trailing slash', 'https://a.com/', /did you mean "https:\/\/a\.com"\?/],
      ['path', 'https://a.com/app', /did you mean "https:\/\/a\.com"\?/],
      [
        'default port',
        'https://a.com:443',
        /did you mean "https:\/\/a\.com"\?/,
      ],
      [
        'uppercase',
        'https://App.Example.com',
        /did you mean "https:\/\/app\.example\.com"\?/,
      ],
      ['no scheme', 'example.com', /did you mean "https:\/\/example\.com"\?/],
      ['userinfo', 'https://user@a.com', /did you mean "https:\/\/a\.com"\?/],
      [
        'surrounding whitespace',
        ' https://a.com ',
        /whitespace.*did you mean "https:\/\/a\.com"\?/,
      ],
      [
        'a trailing CRLF',
        'https://a.com\r\n',
        /control characters.*did you mean "https:\/\/a\.com"\?/,
      ],
      [
        'wildcard without scheme',
        '*.example.com',
        /no scheme; did you mean "https:\/\/\*\.example\.com"\?/,
      ],
    ])('%s: %j', (_label, entry, message) => {
      expect(errorOf(entry)).toMatch(message);
    });

    it('explains what a browser origin looks like', () => {
      expect(errorOf('https://a.com/')).toBe(
        '"https://a.com/" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean "https://a.com"?',
      );
    });
  });

  describe('invalid wildcards', () => {
    it.each([
      'h*',
      'https://*',
      'https://a.*.example.com',
      'https://*.*.example.com',
      'https://app*.example.com',
    ])('refuses %j, saying where * may go', (entry) => {
      expect(errorOf(entry)).toMatch(
        /is not a valid pattern: '\*' may only stand for subdomains/,
      );
    });

    it.each([
      ['https://*.com', 'com'],
      ['https://*.github.io', 'github.io'],
      ['https://*.co.uk', 'co.uk'],
      ['https://*.com:8443', 'com'],
    ])('refuses %j, which covers the public suffix %j', (entry, suffix) => {
      expect(errorOf(entry)).toMatch(
        `covers every site under the public suffix '${suffix}'`,
      );
    });

    it.each(['https://*.com.', 'https://*.github.io.', 'https://*.co.uk.'])(
      'refuses %j: a trailing dot does not hide a public suffix',
      (entry) => {
        expect(errorOf(entry)).toMatch(
          /covers every site under the public suffix/,
        );
      },
    );

    it('refuses a wildcard whose base is not an origin, naming the entry', () => {
      expect(errorOf('https://*.example.com:443')).toMatch(
        /^in "https:\/\/\*\.example\.com:443", .*did you mean "https:\/\/example\.com"\?/,
      );
    });

    it("refuses '*' as one entry of a list", () => {
      expect(errorOf('*')).toMatch(
        /cannot be one entry of a list: write origin: '\*'/,
      );
    });
  });

  describe('RegExps', () => {
    it.each([
      /example\.com/,
      /^https:\/\/a\.com/,
      /https:\/\/a\.com$/,
      /^https:\/\/a\.com\$/,
    ])('refuses the unanchored %s and suggests an anchored one', (regexp) => {
      expect(errorOf(regexp)).toMatch(/is not anchored.*; write \/\^/);
    });

    it('suggests the anchored form of an unanchored RegExp', () => {
      expect(errorOf(/example\.com/)).toMatch(/write \/\^example\\\.com\$\/$/);
    });

    it.each([
      /^https:\/\/a\.example\.com$/g,
      /^https:\/\/a\.example\.com$/y,
      /^https:\/\/a\.example\.com$/gy,
    ])('matches repeatedly with %s (lastIndex is harmless)', (regexp) => {
      const compiled = regexpOf(regexp);
      const results = [1, 2, 3, 4].map(() =>
        compiled.test('https://a.example.com'),
      );
      expect(results).toEqual([true, true, true, true]);
      expect(compiled.test('https://b.example.com')).toBe(false);
      expect(compiled.flags).not.toMatch(/[gy]/);
    });

    it('keeps other flags', () => {
      expect(regexpOf(/^https:\/\/a\.com$/i).test('https://A.COM')).toBe(true);
    });

    it('only matches whole origins with a top-level alternation', () => {
      const compiled = regexpOf(/^https:\/\/a\.com$|^https:\/\/b\.com$/);
      expect(compiled.test('https://a.com')).toBe(true);
      expect(compiled.test('https://b.com')).toBe(true);
      expect(compiled.test('https://a.com.evil.net')).toBe(false);
      expect(compiled.test('https://evil.net/https://b.com')).toBe(false);
    });

    it('only matches whole origins when the anchors sit inside alternatives', () => {
      const compiled = regexpOf(/^https:\/\/a\.com|evil$/);
      expect(compiled.test('https://a.com')).toBe(true);
      expect(compiled.test('https://a.com.attacker.net')).toBe(false);
      expect(compiled.test('https://attacker.net/evil')).toBe(false);
    });
  });

  it('refuses values that are neither strings nor RegExps', () => {
    expect(errorOf(42 as unknown as string)).toBe(
      '42 is not an origin: use strings and RegExps',
    );
  });
});
