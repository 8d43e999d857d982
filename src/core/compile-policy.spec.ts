import { describe, expect, it } from '@jest/globals';
import { compilePolicy, type CompileResult } from './compile-policy.js';
import type { CompiledCorsPolicy } from './compiled-policy.js';
import {
  type CorsConfigIssue,
  CorsConfigurationError,
  formatIssue,
} from './config-issue.js';
import type { CorsPolicyOptions } from './cors-policy-options.js';

const SUBJECT = 'policy "test"';
const APP = 'https://app.example.com';

/** Compiles options that may not type-check, as a JavaScript user could write them. */
const compile = (options: Record<string, unknown>): CompileResult =>
  compilePolicy('test', SUBJECT, options as unknown as CorsPolicyOptions);

function compiled(options: Record<string, unknown>): CompiledCorsPolicy {
  const { policy, issues } = compile(options);
  if (!policy) throw new Error(issues.map(formatIssue).join('\n'));
  return policy;
}

const ofSeverity = (result: CompileResult, severity: 'error' | 'warning') =>
  result.issues.filter((issue) => issue.severity === severity);

/** Asserts that `options` fail with exactly one error, on `field`, matching `message`. */
function expectOneError(
  options: Record<string, unknown>,
  field: string,
  message: RegExp,
) {
  const result = compile(options);
  expect(result.policy).toBeUndefined();
  const errors = ofSeverity(result, 'error');
  expect(errors).toEqual([
    {
      severity: 'error',
      code: expect.any(String),
      subject: SUBJECT,
      field,
      message: expect.any(String),
    },
  ]);
  expect(errors[0]?.message).toMatch(message);
}

describe('compilePolicy', () => {
  describe('defaults', () => {
    const policy = compiled({ origin: [APP] });

    it('compiles an origin list with no issue', () => {
      expect(compile({ origin: [APP] }).issues).toEqual([]);
      expect(policy.name).toBe('test');
      expect(policy.anyOrigin).toBeUndefined();
      expect(policy.matcher?.matches(APP)).toBe(true);
      expect(policy.originFunction).toBeUndefined();
    });

    it('uses the default methods, with GET, HEAD and POST always allowed', () => {
      expect(policy.allowMethods).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
      expect([...(policy.methods ?? [])].sort()).toEqual([
        'DELETE',
        'GET',
        'HEAD',
        'PATCH',
        'POST',
        'PUT',
      ]);
    });

    it('has no credentials, max age, headers lists or private network', () => {
      expect(policy.credentials).toBe(false);
      expect(policy.maxAge).toBeUndefined();
      expect(policy.allowedHeaders).toBeUndefined();
      expect(policy.allowHeaders).toBeUndefined();
      expect(policy.exposeHeaders).toBeUndefined();
      expect(policy.allowPrivateNetwork).toBe(false);
    });

    it('answers preflights with 204 and varies on what it reflects', () => {
      expect(policy.optionsSuccessStatus).toBe(204);
      expect(policy.vary).toBe('Origin');
      expect(policy.preflightVary).toBe(
        'Origin, Access-Control-Request-Headers',
      );
    });
  });

  describe('compiled values', () => {
    it('joins configured lists and keeps GET, HEAD and POST allowed', () => {
      const policy = compiled({
        origin: APP,
        methods: 'PUT, DELETE',
        allowedHeaders: ['Content-Type', 'X-Api-Key'],
        exposedHeaders: 'X-Request-Id,X-Total',
        credentials: true,
        maxAge: 600,
        allowPrivateNetwork: true,
        optionsSuccessStatus: 200,
      });
      expect(policy).toMatchObject({
        credentials: true,
        allowMethods: 'PUT,DELETE',
        allowHeaders: 'Content-Type,X-Api-Key',
        exposeHeaders: 'X-Request-Id,X-Total',
        maxAge: '600',
        allowPrivateNetwork: true,
        optionsSuccessStatus: 200,
        vary: 'Origin',
        preflightVary: 'Origin, Access-Control-Request-Private-Network',
      });
      expect([...(policy.methods ?? [])].sort()).toEqual([
        'DELETE',
        'GET',
        'HEAD',
        'POST',
        'PUT',
      ]);
      expect([...(policy.allowedHeaders ?? [])]).toEqual([
        'content-type',
        'x-api-key',
      ]);
    });

    it("answers '*' without Vary on actual responses", () => {
      const policy = compiled({ origin: '*', exposedHeaders: '*' });
      expect(policy.anyOrigin).toBe('*');
      expect(policy.exposeHeaders).toBe('*');
      expect(policy.vary).toBeUndefined();
      expect(policy.preflightVary).toBe('Access-Control-Request-Headers');
    });

    it("varies preflights on the method with methods '*'", () => {
      const policy = compiled({
        origin: true,
        methods: '*',
        allowedHeaders: [],
      });
      expect(policy.anyOrigin).toBe(true);
      expect(policy.methods).toBeUndefined();
      expect(policy.vary).toBe('Origin');
      expect(policy.preflightVary).toBe(
        'Origin, Access-Control-Request-Method',
      );
    });

    it('keeps an origin function', () => {
      const originFunction = () => true;
      const policy = compiled({ origin: originFunction });
      expect(policy.originFunction).toBe(originFunction);
      expect(policy.matcher).toBeUndefined();
      expect(policy.vary).toBe('Origin');
    });

    it('accepts maxAge 0 and 86400', () => {
      expect(compiled({ origin: APP, maxAge: 0 }).maxAge).toBe('0');
      expect(compiled({ origin: APP, maxAge: 86400 }).maxAge).toBe('86400');
    });
  });

  describe('errors, each naming its field', () => {
    it.each([
      [{ origin: '*', credentials: true }, 'origin', /^'\*' with credentials/],
      [{ origin: true, credentials: true }, 'origin', /^true with credentials/],
      [
        { origin: [APP, 'null'], credentials: true },
        'origin',
        /^'null' with credentials/,
      ],
      [{ origin: [APP, '*'] }, 'origin', /cannot be one entry of a list/],
      [
        { origin: ['https://app.example.com/'] },
        'origin',
        /did you mean "https:\/\/app\.example\.com"/,
      ],
      [
        { origin: APP, methods: ['GE T'] },
        'methods',
        /"GE T" is not a valid name/,
      ],
      [{ origin: APP, methods: ['GET\r\n'] }, 'methods', /is not a valid name/],
      [
        { origin: APP, allowedHeaders: ['X-Foo\n'] },
        'allowedHeaders',
        /is not a valid name/,
      ],
      [
        { origin: APP, methods: ['PUT', 1] },
        'methods',
        /^1 is not a valid name/,
      ],
      [
        { origin: APP, allowedHeaders: [null] },
        'allowedHeaders',
        /^null is not a valid name/,
      ],
      [
        { origin: APP, exposedHeaders: ['X-Id', 2] },
        'exposedHeaders',
        /^2 is not a valid name/,
      ],
      [
        { origin: APP, methods: ['GET\r\nX-Injected: 1'] },
        'methods',
        /is not a valid name/,
      ],
      [
        { origin: APP, methods: ['CONNECT'] },
        'methods',
        /^CONNECT is forbidden/,
      ],
      [{ origin: APP, methods: 'TRACE' }, 'methods', /^TRACE is forbidden/],
      [{ origin: APP, methods: ['track'] }, 'methods', /^track is forbidden/],
      [
        { origin: APP, methods: '*', credentials: true },
        'methods',
        /'\*' is taken literally/,
      ],
      [{ origin: APP, methods: ['*', 'GET'] }, 'methods', /must stand alone/],
      [
        { origin: APP, exposedHeaders: '*', credentials: true },
        'exposedHeaders',
        /'\*' is taken literally/,
      ],
      [
        { origin: APP, allowedHeaders: ['x-a', 'x b'] },
        'allowedHeaders',
        /"x b" is not a valid name/,
      ],
      [{ origin: APP, maxAge: -1 }, 'maxAge', /^-1 is not a whole number/],
      [{ origin: APP, maxAge: 1.5 }, 'maxAge', /^1\.5 is not a whole number/],
      [{ origin: APP, maxAge: 86401 }, 'maxAge', /^86401 is not .* 0 to 86400/],
      [
        { origin: APP, optionsSuccessStatus: 404 },
        'optionsSuccessStatus',
        /^404 is not a 2xx status/,
      ],
      [
        { origin: APP, credentials: 'yes' },
        'credentials',
        /"yes" is not true or false/,
      ],
      [
        { origin: APP, allowPrivateNetwork: 1 },
        'allowPrivateNetwork',
        /^1 is not true or false/,
      ],
      [
        { origin: APP, maxage: 600 },
        'maxage',
        /^unknown option; the options are origin, /,
      ],
      [{ methods: ['GET'] }, 'origin', /^is required/],
    ])('%j → %s', (options, field, message) => {
      expectOneError(options, field, message);
    });

    it('refuses a policy that is not an object', () => {
      for (const options of [null, 'https://a.com', [APP]]) {
        const result = compilePolicy(
          'test',
          SUBJECT,
          options as unknown as CorsPolicyOptions,
        );
        expect(result.policy).toBeUndefined();
        expect(result.issues).toEqual([
          {
            severity: 'error',
            code: 'invalid_policy',
            subject: SUBJECT,
            field: 'policy',
            message: expect.stringMatching(/^a policy is an object/),
          },
        ]);
      }
    });

    it('reports every problem at once', () => {
      const result = compile({
        origin: ['https://a.com/', 'null'],
        credentials: true,
        methods: ['PUT', 'TRACE'],
        maxAge: -5,
        optionsSuccessStatus: 500,
        exposedHeaders: '*',
        unknownOption: true,
      });
      expect(result.policy).toBeUndefined();
      expect(
        result.issues.map((issue) => [issue.severity, issue.field]),
      ).toEqual([
        ['error', 'unknownOption'],
        ['error', 'origin'],
        ['error', 'origin'],
        ['error', 'methods'],
        ['error', 'exposedHeaders'],
        ['error', 'maxAge'],
        ['error', 'optionsSuccessStatus'],
      ]);
    });

    it.each([
      [{ origin: APP, maxage: 600 }, 'unknown_option'],
      [{ origin: APP, maxAge: -1 }, 'invalid_value'],
      [{ origin: APP, credentials: 'yes' }, 'invalid_value'],
      [{ origin: APP, methods: 5 }, 'invalid_value'],
      [{ methods: ['GET'] }, 'missing_value'],
      [{ origin: ['https://app.example.com/'] }, 'invalid_origin'],
      [{ origin: ['chrome-extension://*'] }, 'invalid_origin'],
      [{ origin: APP, methods: ['GE T'] }, 'invalid_name'],
      [{ origin: APP, methods: ['*', 'GET'] }, 'invalid_name'],
      [{ origin: APP, methods: ['TRACE'] }, 'forbidden_method'],
      [{ origin: '*', credentials: true }, 'unsafe_with_credentials'],
      [{ origin: [APP, 'null'], credentials: true }, 'unsafe_with_credentials'],
      [
        { origin: APP, exposedHeaders: '*', credentials: true },
        'unsafe_with_credentials',
      ],
      [
        { origin: ['http://app.example.com'], credentials: true },
        'insecure_origin',
      ],
      [
        { origin: APP, reportOnly: { origin: APP, reportOnly: {} } },
        'invalid_policy',
      ],
    ])('%j → code %s', (options, code) => {
      expect(compile(options).issues).toEqual([
        expect.objectContaining({ severity: 'error', code }),
      ]);
    });

    it.each([
      [{ origin: [] }, 'no_effect'],
      [{ origin: APP, allowedHeaders: ['Cookie'] }, 'no_effect'],
      [{ origin: APP, exposedHeaders: ['Set-Cookie'] }, 'no_effect'],
      [{ origin: APP, allowInsecureOrigins: true }, 'no_effect'],
      [{ origin: APP, methods: ['get'] }, 'method_case'],
    ])('%j → warning %s', (options, code) => {
      expect(compile(options).issues).toEqual([
        expect.objectContaining({ severity: 'warning', code }),
      ]);
    });

    it('keeps warnings next to errors, and still compiles nothing', () => {
      const result = compile({
        origin: APP,
        allowedHeaders: ['Cookie'],
        maxAge: 86401,
      });
      expect(result.policy).toBeUndefined();
      expect(result.issues.map((issue) => issue.severity)).toEqual([
        'warning',
        'error',
      ]);
    });
  });

  describe('warnings, with the policy still compiled', () => {
    it.each([
      [
        { allowedHeaders: ['Content-Type', 'Origin'] },
        'allowedHeaders',
        /^Origin is set by the browser/,
      ],
      [
        { allowedHeaders: 'Cookie' },
        'allowedHeaders',
        /^Cookie is set by the browser/,
      ],
      [
        { allowedHeaders: ['Sec-Fetch-Mode'] },
        'allowedHeaders',
        /^Sec-Fetch-Mode is set by the browser/,
      ],
      [
        { exposedHeaders: ['Set-Cookie'] },
        'exposedHeaders',
        /^Set-Cookie is never readable/,
      ],
      [{ methods: ['get'] }, 'methods', /browsers send GET, not get/],
    ])('%j → %s', (options, field, message) => {
      const result = compile({ origin: APP, ...options });
      expect(result.policy).toBeDefined();
      expect(result.issues).toEqual([
        {
          severity: 'warning',
          code: expect.any(String),
          subject: SUBJECT,
          field,
          message: expect.stringMatching(message),
        },
      ]);
    });

    it('warns about an empty origin list, which allows nothing', () => {
      const result = compile({ origin: [] });
      expect(result.policy?.matcher?.matches(APP)).toBe(false);
      expect(result.issues).toEqual([
        {
          severity: 'warning',
          code: 'no_effect',
          subject: SUBJECT,
          field: 'origin',
          message: 'the list is empty, so no origin is ever allowed',
        },
      ]);
    });
  });
});

describe('compilePolicy: plain-http origins with credentials', () => {
  const INSECURE =
    /is served without TLS, and with credentials anyone who can intercept traffic to that page can make credentialed requests from it; use https, or set allowInsecureOrigins: true to accept that risk/;

  it.each([
    'http://app.example.com',
    'http://*.example.com',
    'http://example.com:*',
    'http://169.254.169.254',
    'http://[2001:db8::1]:8080',
    'http://127.example.com',
    'http://localhost.example.com',
    'ws://app.example.com',
  ])(
    'refuses %j with credentials, naming the entry and the opt-out',
    (entry) => {
      expectOneError(
        { origin: [APP, entry], credentials: true },
        'origin',
        INSECURE,
      );
      expect(
        compile({ origin: [APP, entry], credentials: true }).issues[0]?.message,
      ).toMatch(`${JSON.stringify(entry)} is served without TLS`);
    },
  );

  it.each([
    'http://localhost:5173',
    'http://localhost',
    'http://localhost.:5173',
    'http://app.localhost:5173',
    'http://*.localhost:5173',
    'http://localhost:*',
    'http://127.0.0.1:8080',
    'http://127.255.0.9',
    'http://127.0.0.1:*',
    'http://[::1]:3000',
    'https://app.example.com',
    'chrome-extension://abcdefghijklmnop',
  ])('allows %j with credentials: loopback or TLS', (entry) => {
    const result = compile({ origin: [entry], credentials: true });
    expect(result.issues).toEqual([]);
    expect(
      result.policy?.matcher?.matches(
        entry.replace(':*', '').replace('*', 'x'),
      ),
    ).toBe(true);
  });

  it('allows plain-http origins without credentials', () => {
    expect(compile({ origin: ['http://app.example.com'] }).issues).toEqual([]);
  });

  it('allows them with credentials and allowInsecureOrigins: true', () => {
    const result = compile({
      origin: ['http://app.example.com', 'http://*.example.com'],
      credentials: true,
      allowInsecureOrigins: true,
    });
    expect(result.issues).toEqual([]);
    expect(result.policy?.matcher?.matches('http://a.example.com')).toBe(true);
  });

  it('warns that allowInsecureOrigins has no effect without credentials', () => {
    const result = compile({
      origin: ['http://app.example.com'],
      allowInsecureOrigins: true,
    });
    expect(result.policy).toBeDefined();
    expect(result.issues).toEqual([
      {
        severity: 'warning',
        code: 'no_effect',
        subject: SUBJECT,
        field: 'allowInsecureOrigins',
        message:
          'has no effect without credentials: plain http origins are refused only with credentials; remove it',
      },
    ]);
  });

  it('refuses an allowInsecureOrigins that is not a boolean', () => {
    expectOneError(
      { origin: [APP], credentials: true, allowInsecureOrigins: 'yes' },
      'allowInsecureOrigins',
      /^"yes" is not true or false$/,
    );
  });

  it('judges RegExps by the origins they let in (issue 22 case 4, below)', () => {
    expect(
      compile({ origin: [/^http:\/\/a\.example\.com$/], credentials: true })
        .issues,
    ).toEqual([expect.objectContaining({ code: 'insecure_origin' })]);
  });
});

/** The issues of `options`, each as [severity, code, message]. */
const issuesOf = (options: Record<string, unknown>) =>
  compile(options).issues.map(({ severity, code, field, subject, message }) => {
    expect([field, subject]).toEqual(['origin', SUBJECT]);
    return [severity, code, message];
  });

/** The wording `'*'` with credentials is refused with, after what it names. */
const EVERY_WEBSITE = (() => {
  const message = compile({ origin: '*', credentials: true }).issues[0]!
    .message;
  return message.slice("'*' ".length);
})();
/** The wording a plain-http string is refused with, after what it names. */
const WITHOUT_TLS = (() => {
  const entry = 'http://a.example.com';
  const message = compile({ origin: [entry], credentials: true }).issues[0]!
    .message;
  return message.slice(`${JSON.stringify(entry)} `.length);
})();
const OWN_HOSTS = String.raw`/^https:\/\/[a-z0-9-]+\.example\.com$/`;

describe('issue 22 case 4: RegExp entries under credentials', () => {
  it("refuses a RegExp that lets in any host, as it refuses '*', naming it and the fix", () => {
    const result = compile({ origin: [/^https:\/\/.*$/], credentials: true });
    expect(result.policy).toBeUndefined();
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'unsafe_with_credentials',
        subject: SUBJECT,
        field: 'origin',
        message: String.raw`/^https:\/\/.*$/ lets in https://zqxjvkwpyb.zz, a host nobody lists, and with credentials would let every website read your users' data; list the origins that may, e.g. origin: ['https://app.example.com'], or match only your own hosts, e.g. /^https:\/\/[a-z0-9-]+\.example\.com$/`,
      },
    ]);
    expect(result.issues[0]?.message).toContain(EVERY_WEBSITE);
  });

  it.each([
    [/^https?:\/\/.+$/, 'https://zqxjvkwpyb.zz'],
    [/^.*$/, 'https://zqxjvkwpyb.zz'],
    [/^http:\/\/.*$/, 'http://zqxjvkwpyb.zz'],
    [/^https:\/\/[a-z]+\.com$/, 'https://zqxjvkwpyb.com'],
    [/^https:\/\/[a-z0-9-]+\.github\.io$/, 'https://zqxjvkwpyb.github.io'],
    [/^https:\/\/.*example\.com$/, 'https://zqxjvkwpybexample.com'],
    [/^https:\/\/app\.example\.[a-z]+$/, 'https://app.example.zz'],
    [/^https:\/\/example\.com.*$/, 'https://example.com.zqxjvkwpyb.zz'],
    [/^https:\/\/[a-z]+\.[a-z]{2,3}(:\d+)?$/i, 'https://zqxjvkwpyb.zz'],
  ])('refuses %s with credentials: it lets in %s', (regexp, origin) => {
    expect(issuesOf({ origin: [regexp], credentials: true })).toEqual([
      [
        'error',
        'unsafe_with_credentials',
        `${String(regexp)} lets in ${origin}, a host nobody lists, and ${EVERY_WEBSITE}, or match only your own hosts, e.g. ${OWN_HOSTS}`,
      ],
    ]);
  });

  it('does not lift the any-host rule for allowInsecureOrigins', () => {
    expect(
      issuesOf({
        origin: [/^https?:\/\/.*$/],
        credentials: true,
        allowInsecureOrigins: true,
      }).map(([severity, code]) => [severity, code]),
    ).toEqual([['error', 'unsafe_with_credentials']]);
  });

  it.each([
    [/^http:\/\/a\.example\.com$/, 'http://a.example.com'],
    [/^https?:\/\/[a-z0-9-]+\.example\.com$/, 'http://a.example.com'],
    [/^(https|http):\/\/app\.example\.com(:\d+)?$/, 'http://app.example.com'],
    [/^wss?:\/\/app\.example\.com$/, 'ws://app.example.com'],
    [/^http:\/\/169\.254\.169\.254$/, 'http://169.254.169.254'],
  ])(
    'refuses %s with credentials, as the string form: it lets in %s',
    (regexp, origin) => {
      expect(issuesOf({ origin: [regexp], credentials: true })).toEqual([
        [
          'error',
          'insecure_origin',
          `${String(regexp)} lets in ${origin}, which ${WITHOUT_TLS}`,
        ],
      ]);
      expect(issuesOf({ origin: [origin], credentials: true })).toEqual([
        ['error', 'insecure_origin', `"${origin}" ${WITHOUT_TLS}`],
      ]);
    },
  );

  it('allows a plain-http RegExp with allowInsecureOrigins, or without credentials', () => {
    const regexp = /^https?:\/\/[a-z0-9-]+\.example\.com$/;
    expect(
      compile({
        origin: [regexp],
        credentials: true,
        allowInsecureOrigins: true,
      }).issues,
    ).toEqual([]);
    expect(compile({ origin: [regexp] }).issues).toEqual([]);
  });

  it.each([
    /^https:\/\/[a-z0-9-]+\.example\.com$/,
    /^https:\/\/pr-\d+\.preview\.example\.com$/,
    /^https:\/\/(staging|qa)\.example\.com$/,
    /^https:\/\/([a-z0-9-]+\.)*example\.com$/i,
    /^https:\/\/[^.]+\.example\.com$/,
    /^https:\/\/.+\.example\.com$/,
    /^https:\/\/example\.com(:\d+)?$/,
    /^https:\/\/[a-z]+\.example\.co\.uk$/,
    /^https:\/\/[a-z]+\.internal\.corp$/,
    /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/,
    /^http:\/\/localhost:\d+$/,
    /^https:\/\/a\.example\.com$/gy,
  ])('compiles %s with credentials and no issue', (regexp) => {
    const result = compile({ origin: [regexp], credentials: true });
    expect(result.issues).toEqual([]);
    expect(result.policy?.matcher?.patterns).toHaveLength(1);
  });

  it('still lets in what a valid RegExp was written for, and nothing beside it', () => {
    const matcher = compiled({
      origin: [/^https:\/\/[a-z0-9-]+\.example\.com$/],
      credentials: true,
    }).matcher!;
    expect(matcher.matches('https://app.example.com')).toBe(true);
    expect(matcher.matches('https://appxexample.com')).toBe(false);
    expect(matcher.matches('https://zqxjvkwpyb.zz')).toBe(false);
  });

  it('warns, without credentials, that a RegExp lets in any host, as true would', () => {
    const result = compile({ origin: [/^https:\/\/.*$/] });
    expect(result.policy?.matcher?.matches('https://evil.example.net')).toBe(
      true,
    );
    expect(issuesOf({ origin: [/^https:\/\/.*$/] })).toEqual([
      [
        'warning',
        'matches_any_host',
        `/^https:\\/\\/.*$/ lets in https://zqxjvkwpyb.zz, a host nobody lists, so every website can read these responses, as with origin: true; write origin: '*' if that is meant, or match only your own hosts, e.g. ${OWN_HOSTS}`,
      ],
    ]);
  });

  it('warns about unescaped dots, naming the origin that gets in, with or without credentials', () => {
    const regexp = /^https:\/\/app.example.com$/;
    const warning = [
      'warning',
      'unescaped_dot',
      String.raw`/^https:\/\/app.example.com$/ lets in https://appxexample.com, as an unescaped '.' matches any character; escape the dots: \.`,
    ];
    for (const credentials of [false, true]) {
      const result = compile({ origin: [regexp], credentials });
      expect(result.policy?.matcher?.matches('https://appxexample.com')).toBe(
        true,
      );
      expect(issuesOf({ origin: [regexp], credentials })).toEqual([warning]);
    }
  });

  it.each([
    [/^https:\/\/(www.)?example\.com$/, 'https://wwwxexample.com'],
    [/^https:\/\/[a-z]+\.example.com$/, 'https://a.examplexcom'],
    [/^https:\/\/(app|admin).example\.com$/, 'https://appxexample.com'],
    [/^https:\/\/app\.example.co.uk$/, 'https://app.examplexco.uk'],
  ])('warns that %s lets in %s', (regexp, origin) => {
    expect(issuesOf({ origin: [regexp] })).toEqual([
      [
        'warning',
        'unescaped_dot',
        `${String(regexp)} lets in ${origin}, as an unescaped '.' matches any character; escape the dots: \\.`,
      ],
    ]);
  });

  it('reports a RegExp that is both insecure and loosely dotted once for each', () => {
    expect(
      issuesOf({
        origin: [/^http:\/\/app.example.com$/],
        credentials: true,
      }).map(([severity, code]) => [severity, code]),
    ).toEqual([
      ['error', 'insecure_origin'],
      ['warning', 'unescaped_dot'],
    ]);
  });

  it('is deterministic: the same issues every time', () => {
    const options = { origin: [/^https:\/\/.*$/, /^https:\/\/a.b\.com$/] };
    expect(compile(options).issues).toEqual(compile(options).issues);
  });
});

describe('issue 22 case 11: the null origin', () => {
  const REFUSED = `'null' is the origin of sandboxed iframes and file: pages, which any website can create, so it lets every website read these responses; remove it (origin: '*' already lets such pages read public responses), or set allowNullOrigin: true to accept that`;

  it("refuses a 'null' entry, naming why and the fix", () => {
    const result = compile({ origin: [APP, 'null'] });
    expect(result.policy).toBeUndefined();
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'null_origin',
        subject: SUBJECT,
        field: 'origin',
        message: REFUSED,
      },
    ]);
    expect(issuesOf({ origin: 'null' })).toEqual([
      ['error', 'null_origin', REFUSED],
    ]);
  });

  it('allows it with allowNullOrigin: true, and answers null then', () => {
    const result = compile({ origin: [APP, 'null'], allowNullOrigin: true });
    expect(result.issues).toEqual([]);
    expect(result.policy?.matcher?.allowsNull).toBe(true);
  });

  it("still refuses 'null' with credentials, whatever allowNullOrigin says", () => {
    for (const allowNullOrigin of [undefined, true]) {
      expect(
        issuesOf({ origin: ['null'], credentials: true, allowNullOrigin }),
      ).toEqual([
        [
          'error',
          'unsafe_with_credentials',
          `'null' with credentials lets any sandboxed iframe or local file read your users' data; remove 'null'`,
        ],
      ]);
    }
  });

  it.each([[[APP]], ['*'], [true]])(
    "warns that allowNullOrigin has no effect with origin %j, which has no 'null' entry",
    (origin) => {
      const result = compile({ origin, allowNullOrigin: true });
      expect(result.policy).toBeDefined();
      expect(result.policy?.matcher?.allowsNull ?? false).toBe(false);
      expect(result.issues).toEqual([
        {
          severity: 'warning',
          code: 'no_effect',
          subject: SUBJECT,
          field: 'allowNullOrigin',
          message: "has no effect without a 'null' entry in origin; remove it",
        },
      ]);
    },
  );

  it('refuses an allowNullOrigin that is not a boolean', () => {
    expectOneError(
      { origin: [APP], allowNullOrigin: 'yes' },
      'allowNullOrigin',
      /^"yes" is not true or false$/,
    );
  });

  it("keeps origin: '*' without credentials as it was: no issue, answered with *", () => {
    const result = compile({ origin: '*' });
    expect(result.issues).toEqual([]);
    expect(result.policy?.anyOrigin).toBe('*');
  });
});

describe('CorsConfigurationError', () => {
  const issues: CorsConfigIssue[] = [
    {
      severity: 'error',
      code: 'invalid_origin',
      subject: 'policy "a"',
      field: 'origin',
      message: 'bad origin',
    },
    {
      severity: 'error',
      code: 'invalid_value',
      subject: 'AppController#hello',
      field: 'maxAge',
      message: 'too long',
    },
  ];

  it('lists every issue as `subject › field: message [code]`', () => {
    const error = new CorsConfigurationError(issues);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CorsConfigurationError');
    expect(error.issues).toBe(issues);
    expect(error.message).toBe(
      'Invalid CORS configuration (2 errors):\n' +
        '  - policy "a" › origin: bad origin [invalid_origin]\n' +
        '  - AppController#hello › maxAge: too long [invalid_value]',
    );
  });

  it('says "1 error" for one issue', () => {
    expect(new CorsConfigurationError(issues.slice(0, 1)).message).toBe(
      'Invalid CORS configuration (1 error):\n  - policy "a" › origin: bad origin [invalid_origin]',
    );
  });

  it('formats the issues of a real compilation', () => {
    const { issues: found } = compile({
      origin: APP,
      maxAge: -1,
      methods: 'TRACE',
    });
    const lines = new CorsConfigurationError(found).message.split('\n');
    expect(lines).toEqual([
      'Invalid CORS configuration (2 errors):',
      `  - ${SUBJECT} › methods: ${found[0]?.message} [forbidden_method]`,
      `  - ${SUBJECT} › maxAge: ${found[1]?.message} [invalid_value]`,
    ]);
    expect(lines[1]).toMatch(
      /^ {2}- policy "test" › methods: TRACE is forbidden/,
    );
  });
});
