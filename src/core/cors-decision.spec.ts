import { jest } from '@jest/globals';
import fc from 'fast-check';
import { compilePolicy } from './compile-policy.js';
import type { CompiledCorsPolicy } from './compiled-policy.js';
import {
  type AskOriginFunction,
  type CorsDecision,
  type CorsInput,
  decide,
  ORIGIN_FUNCTION_FAILED,
  originFunctionVerdict,
} from './cors-decision.js';
import type {
  CorsOriginFunction,
  CorsPolicyOptions,
  CorsRequest,
} from './cors-policy-options.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
/** Origin values that look like origins but that no browser sends: `new URL(x).origin !== x`. */
const NOT_SERIALIZED = [
  'http://256.0.0.1',
  'http://[::1:]',
  'http://127.0.0.1.',
  'http://127.1',
  'http://[0:0:0:0:0:0:0:1]',
  'http://xn--f',
  'file://example.com',
  'ftp://a.com:21',
];

function policyOf(options: CorsPolicyOptions): CompiledCorsPolicy {
  const { policy, issues } = compilePolicy('test', 'policy "test"', options);
  if (!policy) throw new Error(JSON.stringify(issues));
  return policy;
}

const fakeRequest = (origin: string | undefined): CorsRequest => ({
  origin,
  method: 'GET',
  path: '/things',
  headers: origin === undefined ? {} : { origin },
  preflight: false,
  raw: undefined,
});

/** Asks an origin function as the module does, without its timeout and its log. */
const askFor =
  (request: CorsRequest): AskOriginFunction =>
  (originFunction, origin) =>
    new Promise((resolve) => resolve(originFunction(origin, request))).then(
      originFunctionVerdict,
      () => ORIGIN_FUNCTION_FAILED,
    );

/** A decision that must be synchronous: every policy without an origin function. */
function decideNow(policy: CompiledCorsPolicy, input: CorsInput): CorsDecision {
  const decision = decide(policy, input, askFor(fakeRequest(undefined)));
  if (decision instanceof Promise) throw new Error('expected a sync decision');
  return decision;
}

const actual = (policy: CompiledCorsPolicy, origin: CorsInput['origin']) =>
  decideNow(policy, { origin, preflight: false });

const preflight = (
  policy: CompiledCorsPolicy,
  requestMethod: string,
  requestHeaders?: string,
  extra: Partial<CorsInput> = {},
) =>
  decideNow(policy, {
    origin: APP,
    preflight: true,
    requestMethod,
    requestHeaders,
    ...extra,
  });

describe('decide: actual requests', () => {
  const list = policyOf({
    origin: [APP, 'http://localhost:5173'],
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'X-Total'],
  });

  it('allows a listed origin, echoing it byte for byte', () => {
    expect(actual(list, 'http://localhost:5173')).toEqual({
      allowed: true,
      code: 'allowed',
      headers: {
        'access-control-allow-origin': 'http://localhost:5173',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'X-Request-Id,X-Total',
      },
      vary: 'Origin',
    });
  });

  it('sends only the allow-origin header for a bare list', () => {
    expect(actual(policyOf({ origin: APP }), APP)).toEqual({
      allowed: true,
      code: 'allowed',
      headers: { 'access-control-allow-origin': APP },
      vary: 'Origin',
    });
  });

  it.each([
    [EVIL, 'origin not allowed', 'origin_not_allowed'],
    ['https://APP.example.com', 'malformed Origin header', 'malformed_origin'],
    [`${APP}/`, 'malformed Origin header', 'malformed_origin'],
    [`${APP}\r\nx-evil: 1`, 'malformed Origin header', 'malformed_origin'],
    [undefined, 'no Origin header', 'no_origin'],
    ['null', 'origin not allowed', 'origin_not_allowed'],
  ])(
    'denies %j (%s) with no header and Vary: Origin',
    (origin, reason, code) => {
      expect(actual(list, origin)).toEqual({
        allowed: false,
        code,
        reason,
        headers: {},
        vary: 'Origin',
      });
    },
  );

  it('denies several Origin values, even if each is allowed', () => {
    expect(actual(list, [APP, APP])).toMatchObject({
      allowed: false,
      reason: 'malformed Origin header',
      headers: {},
    });
    expect(actual(list, `${APP}, ${APP}`).allowed).toBe(false);
  });

  describe("origin '*'", () => {
    const any = policyOf({ origin: '*', exposedHeaders: '*' });

    it.each([[APP], ['null'], [undefined], ['not an origin'], [[APP, EVIL]]])(
      'answers * with no Vary for %j',
      (origin) => {
        expect(actual(any, origin)).toEqual({
          allowed: true,
          code: 'allowed',
          headers: {
            'access-control-allow-origin': '*',
            'access-control-expose-headers': '*',
          },
          vary: undefined,
        });
      },
    );
  });

  describe('origin true', () => {
    const echo = policyOf({ origin: true });

    it('echoes any well-formed origin', () => {
      expect(actual(echo, EVIL)).toEqual({
        allowed: true,
        code: 'allowed',
        headers: { 'access-control-allow-origin': EVIL },
        vary: 'Origin',
      });
    });

    it('never echoes null, or a malformed origin', () => {
      expect(actual(echo, 'null')).toMatchObject({
        allowed: false,
        reason: 'origin not allowed',
        headers: {},
      });
      expect(actual(echo, 'HTTPS://EVIL.COM')).toMatchObject({
        allowed: false,
        reason: 'malformed Origin header',
        headers: {},
      });
    });

    it.each(NOT_SERIALIZED)(
      'never echoes %j, which is not a serialized origin',
      (origin) => {
        expect(actual(echo, origin)).toEqual({
          allowed: false,
          code: 'malformed_origin',
          reason: 'malformed Origin header',
          headers: {},
          vary: 'Origin',
        });
      },
    );

    it.each([
      'http://example.com.',
      'http://[2001:db8::1]:8080',
      'https://xn--bcher-kva.de',
    ])('echoes %j, a serialized origin', (origin) => {
      expect(actual(echo, origin).headers).toEqual({
        'access-control-allow-origin': origin,
      });
    });
  });

  it("allows null only with a literal 'null' entry", () => {
    const withNull = policyOf({ origin: [APP, 'null'], allowNullOrigin: true });
    expect(actual(withNull, 'null')).toEqual({
      allowed: true,
      code: 'allowed',
      headers: { 'access-control-allow-origin': 'null' },
      vary: 'Origin',
    });
    const withRegExp = policyOf({ origin: [/^.*$/] });
    expect(actual(withRegExp, 'null').allowed).toBe(false);
    expect(actual(withRegExp, EVIL).allowed).toBe(true);
  });

  describe('origin functions', () => {
    const withFunction = (fn: CorsOriginFunction) =>
      policyOf({ origin: fn, credentials: true });

    it('is not called for a malformed origin, several origins or null', async () => {
      const fn = jest.fn<CorsOriginFunction>(() => true);
      const policy = withFunction(fn);
      for (const origin of [`${APP}/`, [APP, APP], 'null', undefined]) {
        const decision = await decide(
          policy,
          { origin, preflight: false },
          askFor(fakeRequest(undefined)),
        );
        expect(decision.allowed).toBe(false);
      }
      const malformed = await decide(
        policy,
        { origin: 'https://a.com, https://b.com', preflight: false },
        askFor(fakeRequest(undefined)),
      );
      expect(malformed.reason).toBe('malformed Origin header');
      expect(fn).not.toHaveBeenCalled();
    });

    it.each(NOT_SERIALIZED)(
      'is not called for %j, which is not a serialized origin',
      async (origin) => {
        const fn = jest.fn<CorsOriginFunction>(() => true);
        const decision = await decide(
          withFunction(fn),
          { origin, preflight: false },
          askFor(fakeRequest(origin)),
        );
        expect(decision.reason).toBe('malformed Origin header');
        expect(fn).not.toHaveBeenCalled();
      },
    );

    it('is called with the origin and the request', async () => {
      const fn = jest.fn<CorsOriginFunction>(() => true);
      const request = fakeRequest(APP);
      await decide(
        withFunction(fn),
        { origin: APP, preflight: false },
        askFor(request),
      );
      expect(fn).toHaveBeenCalledTimes(1);
      expect(fn).toHaveBeenCalledWith(APP, request);
    });

    it.each([
      ['sync true', () => true, true],
      ['sync false', () => false, false],
      ['async true', async () => true, true],
      ['async false', async () => false, false],
      ["'yes'", () => 'yes' as unknown as boolean, false],
      ['1', async () => 1 as unknown as boolean, false],
    ])('answering %s: allowed %s', async (_label, fn, expected) => {
      const decision = await decide(
        withFunction(fn),
        { origin: APP, preflight: false },
        askFor(fakeRequest(APP)),
      );
      expect(decision).toEqual(
        expected
          ? {
              allowed: true,
              code: 'allowed',
              headers: {
                'access-control-allow-origin': APP,
                'access-control-allow-credentials': 'true',
              },
              vary: 'Origin',
            }
          : {
              allowed: false,
              code: 'origin_not_allowed',
              reason: 'origin not allowed',
              headers: {},
              vary: 'Origin',
            },
      );
    });

    it.each([
      [
        'throwing',
        () => {
          throw new Error('db down');
        },
      ],
      ['rejecting', () => Promise.reject(new Error('db down'))],
    ])('denies when %s', async (_label, fn) => {
      const decision = await decide(
        withFunction(fn),
        { origin: APP, preflight: false },
        askFor(fakeRequest(APP)),
      );
      expect(decision).toEqual({
        allowed: false,
        code: 'origin_function_failed',
        reason: 'origin function failed',
        headers: {},
        vary: 'Origin',
      });
    });
  });
});

describe('decide: preflights', () => {
  const reflecting = policyOf({ origin: APP, credentials: true, maxAge: 600 });
  const listing = policyOf({
    origin: APP,
    methods: ['PUT'],
    allowedHeaders: ['Content-Type', 'X-Api-Key'],
  });

  it('allows with 204, the methods, the requested headers listed, and max age', () => {
    expect(preflight(reflecting, 'PUT', 'Content-Type, Authorization')).toEqual(
      {
        allowed: true,
        code: 'allowed',
        status: 204,
        headers: {
          'access-control-allow-origin': APP,
          'access-control-allow-credentials': 'true',
          'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
          'access-control-allow-headers': 'content-type,authorization',
          'access-control-max-age': '600',
        },
        vary: 'Origin, Access-Control-Request-Headers',
      },
    );
  });

  it('sends no allow-headers when none are requested', () => {
    expect(preflight(reflecting, 'DELETE').headers).not.toHaveProperty(
      'access-control-allow-headers',
    );
  });

  it('never answers allow-headers with *, even for an allow-any policy', () => {
    const anyHeaders = policyOf({ origin: '*', allowedHeaders: '*' });
    const decision = preflight(anyHeaders, 'PUT', 'authorization,x-a');
    expect(decision.headers['access-control-allow-headers']).toBe(
      'authorization,x-a',
    );
    expect(decision.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers a configured header list as configured', () => {
    expect(preflight(listing, 'PUT', 'x-api-key')).toEqual({
      allowed: true,
      code: 'allowed',
      status: 204,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-allow-methods': 'PUT',
        'access-control-allow-headers': 'Content-Type,X-Api-Key',
      },
      vary: 'Origin',
    });
  });

  it('uses optionsSuccessStatus', () => {
    const ok200 = policyOf({ origin: APP, optionsSuccessStatus: 200 });
    expect(preflight(ok200, 'PUT').status).toBe(200);
  });

  it('always allows GET, HEAD and POST', () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT']) {
      expect(preflight(listing, method).allowed).toBe(true);
    }
  });

  it('compares method names case-sensitively and header names case-insensitively', () => {
    expect(preflight(listing, 'put')).toMatchObject({
      allowed: false,
      reason: 'method "put" not allowed',
    });
    expect(preflight(listing, 'PUT', 'CONTENT-TYPE, X-Api-KEY').allowed).toBe(
      true,
    );
  });

  it.each([
    ['PATCH', undefined, 'method "PATCH" not allowed', 'method_not_allowed'],
    [
      'PUT',
      'content-type,x-secret',
      'header "x-secret" not allowed',
      'header_not_allowed',
    ],
    ['PUT', 'X-Secret', 'header "x-secret" not allowed', 'header_not_allowed'],
    [
      'PUT',
      'content-type\r\nx-evil: 1',
      'malformed Access-Control-Request-Headers',
      'malformed_headers',
    ],
    [
      'PUT',
      'x a',
      'malformed Access-Control-Request-Headers',
      'malformed_headers',
    ],
    [
      'PUT',
      ','.repeat(100),
      'malformed Access-Control-Request-Headers',
      'malformed_headers',
    ],
    [
      '',
      undefined,
      'malformed Access-Control-Request-Method',
      'malformed_method',
    ],
    [
      'PU T',
      undefined,
      'malformed Access-Control-Request-Method',
      'malformed_method',
    ],
  ])(
    'refuses %j with headers %j: 403, no header, %j (%s)',
    (method, headers, reason, code) => {
      expect(preflight(listing, method, headers)).toEqual({
        allowed: false,
        code,
        reason,
        status: 403,
        headers: {},
        vary: 'Origin',
      });
    },
  );

  it('refuses several Access-Control-Request-Headers or -Method values', () => {
    const input: CorsInput = {
      origin: APP,
      preflight: true,
      requestMethod: 'PUT',
    };
    expect(
      decideNow(reflecting, { ...input, requestHeaders: ['a', 'b'] }).reason,
    ).toBe('malformed Access-Control-Request-Headers');
    expect(
      decideNow(reflecting, { ...input, requestMethod: ['PUT', 'PUT'] }).reason,
    ).toBe('malformed Access-Control-Request-Method');
  });

  it('refuses a disallowed origin before looking at the method', () => {
    expect(preflight(reflecting, 'PATCH', undefined, { origin: EVIL })).toEqual(
      {
        allowed: false,
        code: 'origin_not_allowed',
        reason: 'origin not allowed',
        status: 403,
        headers: {},
        vary: 'Origin, Access-Control-Request-Headers',
      },
    );
  });

  describe('private network access', () => {
    const pna = policyOf({ origin: APP, allowPrivateNetwork: true });

    it('is allowed only when the policy allows it', () => {
      expect(
        preflight(pna, 'PUT', undefined, { privateNetwork: true }),
      ).toMatchObject({
        allowed: true,
        status: 204,
        headers: { 'access-control-allow-private-network': 'true' },
        vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
      });
      expect(
        preflight(reflecting, 'PUT', undefined, { privateNetwork: true }),
      ).toEqual({
        allowed: false,
        code: 'private_network_not_allowed',
        reason: 'private network access not allowed',
        status: 403,
        headers: {},
        vary: 'Origin, Access-Control-Request-Headers',
      });
    });

    it('adds no header to a preflight that does not ask', () => {
      expect(preflight(pna, 'PUT').headers).not.toHaveProperty(
        'access-control-allow-private-network',
      );
    });
  });

  it("reflects the requested method with methods '*'", () => {
    const anyMethod = policyOf({ origin: APP, methods: '*' });
    const decision = preflight(anyMethod, 'PROPFIND');
    expect(decision).toMatchObject({ allowed: true, status: 204 });
    expect(decision.headers['access-control-allow-methods']).toBe('PROPFIND');
    expect(decision.vary).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });
});

describe('decide: properties', () => {
  const LISTED = [APP, 'http://localhost:5173', 'null'];
  /** Each policy with the origins its list contains. */
  const policies: [CompiledCorsPolicy, string[]][] = [
    [
      policyOf({
        origin: LISTED.slice(0, 2),
        credentials: true,
        exposedHeaders: ['X-Id'],
      }),
      LISTED.slice(0, 2),
    ],
    [
      policyOf({
        origin: LISTED,
        methods: '*',
        allowPrivateNetwork: true,
        allowNullOrigin: true,
      }),
      LISTED,
    ],
    [
      policyOf({
        origin: LISTED,
        methods: ['PUT'],
        allowedHeaders: ['X-A'],
        allowNullOrigin: true,
      }),
      LISTED,
    ],
  ];

  const origin = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(...LISTED),
    fc.constantFrom(...LISTED).map((o) => o.toUpperCase()),
    fc
      .tuple(
        fc.constantFrom(...LISTED),
        fc.constantFrom('/', '\r\n', ' ', ',', ':80', '.', '\0'),
      )
      .map(([o, suffix]) => o + suffix),
    fc.webUrl().map((url) => new URL(url).origin),
    fc.array(fc.constantFrom(...LISTED), { minLength: 2, maxLength: 3 }),
    fc.constant(undefined),
  );
  const headerList = fc.option(
    fc.oneof(
      fc.string(),
      fc
        .array(
          fc.oneof(
            fc.constantFrom('x-a', 'X-A', 'Authorization', ' ', '\r\n', '\t'),
            fc.string(),
          ),
          {
            maxLength: 6,
          },
        )
        .map((names) => names.join(',')),
    ),
    { nil: undefined },
  );
  const method = fc.oneof(
    fc.constantFrom('GET', 'PUT', 'PATCH', 'put', 'PROPFIND'),
    fc.string(),
  );

  it('never allows an unlisted ACAO, and never sends CR or LF', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        origin,
        fc.boolean(),
        method,
        headerList,
        fc.boolean(),
        (
          [policy, listed],
          o,
          isPreflight,
          requestMethod,
          requestHeaders,
          privateNetwork,
        ) => {
          const decision = decideNow(policy, {
            origin: o,
            preflight: isPreflight,
            requestMethod,
            requestHeaders,
            privateNetwork,
          });
          if (decision.allowed) {
            expect(listed).toContain(
              decision.headers['access-control-allow-origin'],
            );
            expect(decision.headers['access-control-allow-origin']).toBe(o);
          } else {
            expect(decision.headers).toEqual({});
          }
          for (const value of Object.values(decision.headers)) {
            expect(value).not.toMatch(/[\r\n]/);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
