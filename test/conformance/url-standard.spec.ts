import fc from 'fast-check';
import { parseOriginEntry } from '../../src/core/origin-pattern.js';
import { isRequestOrigin } from '../../src/core/request-origin.js';

/**
 * The origin validators against Node's URL parser, which implements the URL Standard: over
 * URL-shaped strings built to hit every tricky form, whatever the validators accept is a
 * serialized origin, and they refuse a serialized origin only for the documented reasons.
 */

const SPECIAL_SCHEMES = ['http', 'https', 'ws', 'wss', 'ftp'];
const OTHER_SCHEMES = ['chrome-extension', 'capacitor', 'a'];

const decimal = fc.oneof(
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.integer({ min: 0, max: 99 }).map((n) => `0${n}`),
  fc.constantFrom('4294967295', '4294967296', ''),
);
const hexNumber = fc
  .integer({ min: 0, max: 0xffff })
  .map((n) => `0x${n.toString(16)}`)
  .chain((x) => fc.constantFrom(x, x.toUpperCase(), '0x'));
/** IPv4 in every form the URL Standard parses: 1 to 5 parts, decimal, octal, hexadecimal. */
const ipv4 = fc
  .array(fc.oneof(decimal, decimal, hexNumber), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join('.'));

const piece = fc.oneof(
  fc.constantFrom(
    '0',
    '0',
    '0',
    '00',
    '0000',
    '1',
    'ffff',
    'FFFF',
    'a',
    '10000',
  ),
  fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
);
/** IPv6 compressed or not, with runs of zeros, upper case, IPv4 tails and zones. */
const ipv6 = fc
  .record({
    pieces: fc.array(piece, { maxLength: 9 }),
    compressAt: fc.option(fc.nat(9), { nil: undefined }),
    tail: fc.constantFrom('', '', '', ':1.2.3.4', '%25eth0', ':'),
  })
  .map(({ pieces, compressAt, tail }) => {
    const body =
      compressAt === undefined
        ? pieces.join(':')
        : `${pieces.slice(0, compressAt).join(':')}::${pieces.slice(compressAt).join(':')}`;
    return `[${body}${tail}]`;
  });

const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9_-]{1,6}$/),
  fc.constantFrom('example', 'com', 'localhost', 'Example', 'COM', 'a$b', ''),
  fc.constantFrom(
    'xn--bcher-kva',
    'xn--ls8h',
    'xn--nxasmq6b',
    'xn--f',
    'xn--a',
    'xn--',
    'XN--bcher-kva',
  ),
  fc.stringMatching(/^xn--[a-z0-9-]{0,8}$/),
  decimal,
  hexNumber,
);
/** Domains, including ones that end in a number, empty labels and trailing dots. */
const domain = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '', '.', '..'),
  )
  .map(([labels, dots]) => labels.join('.') + dots);

/** Hosts in serialized form, so that accepted origins are as frequent as refused ones. */
const canonicalIpv4 = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
  .map((parts) => parts.join('.'));
const canonicalIpv6 = fc
  .array(
    fc.oneof(
      fc.constant(0),
      fc.constant(0),
      fc.integer({ min: 0, max: 0xffff }),
    ),
    {
      minLength: 8,
      maxLength: 8,
    },
  )
  .map(
    (pieces) =>
      new URL(`http://[${pieces.map((n) => n.toString(16)).join(':')}]`).host,
  );
const canonicalDomain = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.constantFrom('com', 'example', 'localhost', 'xn--bcher-kva', 'co.uk'),
    fc.constantFrom('', '', '', '.'),
  )
  .map(([labels, last, dot]) => [...labels, last].join('.') + dot);

const host = fc.oneof(
  domain,
  domain,
  ipv4,
  ipv6,
  canonicalDomain,
  canonicalDomain,
  canonicalIpv4,
  canonicalIpv6,
);
const port = fc.oneof(
  fc.constant(''),
  fc.constant(''),
  fc.constant(''),
  fc.constantFrom(
    ':80',
    ':443',
    ':21',
    ':0',
    ':080',
    ':',
    ':65535',
    ':65536',
    ':8o',
  ),
  fc.integer({ min: 1, max: 70000 }).map((n) => `:${n}`),
);
const userinfo = fc.constantFrom('', '', '', '', '', 'user@', 'user:pass@');
const rest = fc.constantFrom('', '', '', '', '', '', '/', '/path', '?q', '#f');

const urlShaped = (schemes: string[]) =>
  fc
    .tuple(
      fc.constantFrom(
        ...schemes,
        ...schemes,
        ...schemes.map((s) => s.toUpperCase()),
      ),
      userinfo,
      host,
      port,
      rest,
    )
    .map(([scheme, user, h, p, r]) => `${scheme}://${user}${h}${p}${r}`);

/** Everything the validators may see: special schemes, `file:`, near-misses. */
const candidates = urlShaped([...SPECIAL_SCHEMES, 'file']);

function serialize(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

const isSerializedOrigin = (value: string) => serialize(value) === value;

/**
 * The serialized origins the per-request validator refuses on purpose, since no browser can
 * send them: a host with an empty label or a character other than letters, digits, `-`,
 * `_` and `.`, or port 0.
 */
function isDocumentedRefusal(origin: string): boolean {
  const { hostname, port } = new URL(origin);
  if (port === '0') return true;
  if (hostname.startsWith('[')) return false;
  return /^\.|\.\.|[^a-z0-9._-]/.test(hostname);
}

const exactEntry = (entry: string) => {
  const { pattern } = parseOriginEntry(entry);
  return pattern?.kind === 'exact';
};

const RUNS = { numRuns: 10_000 };
/** The properties parse each value with the URL parser, some with the Public Suffix List. */
const SLOW = 60_000;

describe('origins against the URL Standard', () => {
  it('the generator produces accepted, refused and near-miss origins alike', () => {
    const sample = fc.sample(candidates, 5_000);
    const accepted = sample.filter(isRequestOrigin);
    const nearMisses = sample.filter(
      (value) => serialize(value) !== undefined && !isSerializedOrigin(value),
    );
    const invalid = sample.filter((value) => serialize(value) === undefined);
    expect(accepted.length).toBeGreaterThan(400);
    expect(nearMisses.length).toBeGreaterThan(1000);
    expect(invalid.length).toBeGreaterThan(1000);
  });

  it(
    'every request origin the per-request validator accepts is a serialized origin',
    () => {
      fc.assert(
        fc.property(candidates, (value) => {
          if (isRequestOrigin(value)) expect(serialize(value)).toBe(value);
        }),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    'every serialized origin is accepted per request, but for the documented refusals',
    () => {
      fc.assert(
        fc.property(candidates, (value) => {
          if (isSerializedOrigin(value) && value !== 'null') {
            expect(isRequestOrigin(value)).toBe(!isDocumentedRefusal(value));
          }
        }),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    'every exact entry bootstrap accepts round-trips through new URL(entry).origin',
    () => {
      fc.assert(
        fc.property(candidates, (entry) => {
          if (exactEntry(entry)) expect(serialize(entry)).toBe(entry);
        }),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    'bootstrap and the per-request validator agree on exact origins',
    () => {
      fc.assert(
        fc.property(candidates, (entry) => {
          expect(exactEntry(entry)).toBe(isRequestOrigin(entry));
        }),
        RUNS,
      );
    },
    SLOW,
  );

  it(
    'other schemes, which the URL Standard makes opaque, are held to the same host and port rules',
    () => {
      fc.assert(
        fc.property(urlShaped(OTHER_SCHEMES), (value) => {
          if (!isRequestOrigin(value)) return;
          const scheme = value.slice(0, value.indexOf(':'));
          const authority = value.slice(scheme.length + 3);
          const asHttps = `https://${authority}`;
          expect(serialize(asHttps)).toBe(
            authority.endsWith(':443') ? asHttps.slice(0, -4) : asHttps,
          );
        }),
        RUNS,
      );
    },
    SLOW,
  );
});
