import {
  type OriginPattern,
  parseOriginEntry,
  showOriginPattern,
} from './origin-pattern.js';

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

  describe('entries held to the URL Standard: new URL(entry).origin must be entry', () => {
    it.each([
      ['http://1:6060', 'http://0.0.0.1:6060'],
      ['http://127.1:3999', 'http://127.0.0.1:3999'],
      ['https://127.0.0.1.:90', 'https://127.0.0.1:90'],
      ['http://0x7f.0.0.1', 'http://127.0.0.1'],
      [
        'http://[2001:4860:4860:0000:0000:0000:0000:8888]:90',
        'http://[2001:4860:4860::8888]:90',
      ],
      ['http://[::ffff:1.2.3.4]', 'http://[::ffff:102:304]'],
      ['ftp://a.com:21', 'ftp://a.com'],
      ['http://xn--BCHER-kva.de', 'http://xn--bcher-kva.de'],
    ])('refuses %j, which browsers send as %j', (entry, serialized) => {
      expect(errorOf(entry)).toBe(
        `${JSON.stringify(entry)} is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port); did you mean ${JSON.stringify(serialized)}?`,
      );
    });

    it.each([
      [
        'http://foo.bar.255:6060',
        /ends in a number.*"foo\.bar\.255" is not one/,
      ],
      ['http://127.0.0.1.1', /ends in a number.*"127\.0\.0\.1\.1" is not one/],
      [
        'http://256.0.0.1',
        /ends in a number.*write four numbers from 0 to 255/,
      ],
      [
        'http://[::::::::::::::::1]:90',
        /"\[::::::::::::::::1\]" is not an IPv6 address/,
      ],
      ['http://[::1:]', /"\[::1:\]" is not an IPv6 address/],
      ['http://xn--f', /"xn--" label of "xn--f" is not valid Punycode/],
      [
        'https://a.xn--a.com',
        /"xn--" label of "a\.xn--a\.com" is not valid Punycode/,
      ],
    ])('refuses %j, which is not a valid URL at all', (entry, reason) => {
      const error = errorOf(entry);
      expect(error).toMatch(
        `${JSON.stringify(entry)} is not a valid URL, so no browser ever sends it: `,
      );
      expect(error).toMatch(reason);
    });

    it.each(['file://example.com', 'file:///home/me/index.html'])(
      "refuses %j, whose origin is null, and says to write 'null' with allowNullOrigin",
      (entry) => {
        expect(errorOf(entry)).toBe(
          `${JSON.stringify(entry)} is a file: URL, and browsers send the origin of file: pages as null; write 'null' with allowNullOrigin: true instead`,
        );
      },
    );

    it.each(['http://a..b', 'http://a$b.com', 'http://a.com:0'])(
      'refuses %j, a URL origin no browser can load a page from',
      (entry) => {
        expect(errorOf(entry)).toMatch(
          /is a valid URL origin, but no browser can load a page from it: write a host of non-empty labels .* and a port from 1 to 65535$/,
        );
      },
    );

    it('suggests nothing for a scheme whose origin the URL Standard leaves opaque', () => {
      expect(errorOf('chrome-extension://a..b')).toBe(
        '"chrome-extension://a..b" is not an origin as browsers send it (scheme://host[:port], lower case, no path, no default port)',
      );
    });

    it.each([
      'http://example.com.',
      'http://0.0.0.0:8080',
      'http://[::1]:3000',
      'http://[1:0:0:2::3]',
      'https://xn--bcher-kva.de',
      'ws://a.com:443',
      'chrome-extension://abcdefghijklmnop',
      'capacitor://localhost',
    ])('accepts %j, its own serialization', (entry) => {
      expect(parseOriginEntry(entry)).toEqual({
        pattern: { kind: 'exact', origin: entry },
      });
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

    it.each([
      ['http://*.127.0.0.1:3999', 'http://127.0.0.1:3999'],
      ['https://*.10.0.0.1', 'https://10.0.0.1'],
      ['http://*.1:*', 'http://1:*'],
      ['http://*.[::1]:3999', 'http://[::1]:3999'],
    ])('refuses %j, a wildcard over an IP address', (entry, address) => {
      expect(errorOf(entry)).toBe(
        `${JSON.stringify(entry)} puts a wildcard in front of an IP address, which has no subdomains, so it matches nothing; list the address itself: ${JSON.stringify(address)}`,
      );
    });

    it('refuses a wildcard over a base that is not a valid URL host', () => {
      expect(errorOf('https://*.xn--f.example')).toMatch(
        /^in "https:\/\/\*\.xn--f\.example", .* is not valid Punycode/,
      );
    });

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

describe('showOriginPattern', () => {
  it.each([
    'https://app.example.com',
    'http://localhost:5173',
    'null',
    'https://*.example.com',
    'https://*.example.com:8443',
    'https://*.example.com:*',
    'http://localhost:*',
    'http://[::1]:*',
    'chrome-extension://abcdefghijklmnop',
  ])('shows %s as written', (entry) => {
    expect(showOriginPattern(patternOf(entry))).toBe(entry);
  });

  it('shows a RegExp as written, not as anchored for matching', () => {
    expect(showOriginPattern(patternOf(/^https:\/\/[a-z]+\.dev$/gi))).toBe(
      '/^https:\\/\\/[a-z]+\\.dev$/gi',
    );
  });
});
