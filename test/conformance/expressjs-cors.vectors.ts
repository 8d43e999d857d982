import type { CorsInput } from '../../src/core/cors-decision.js';
import type { CorsOriginFunction } from '../../src/core/cors-policy-options.js';
import {
  ANY_ORIGIN_WITH_CREDENTIALS,
  NOT_AN_ORIGIN_ENTRY,
  ORIGIN_REQUIRED,
  PLAIN_HTTP_WITH_CREDENTIALS,
  UNANCHORED,
} from './reasons.js';
import type { ConfigVector, RequestVector } from './vector.js';

const SOURCE = 'expressjs/cors test/test.js';
const EXAMPLE = 'http://example.com';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const HEADERS_CHECKED =
  'the requested headers (the fake request asks for x-header-1 and x-header-2) must all be in allowedHeaders, or the preflight fails; the source never compares them';

/** The source's fake GET: `Origin: http://example.com`. */
const GET: CorsInput = { origin: EXAMPLE, preflight: false };
/**
 * The source's fake OPTIONS, with its `Access-Control-Request-Headers`. It has no
 * `Access-Control-Request-Method` (the source takes any OPTIONS for a preflight); `GET` is
 * added, since only a request with one is a preflight.
 */
const OPTIONS: CorsInput = {
  origin: EXAMPLE,
  preflight: true,
  requestMethod: 'GET',
  requestHeaders: 'x-header-1, x-header-2',
};

/**
 * Options are the source's, with its default `origin: '*'` written out where a test sets no
 * origin, and its `headers` alias written `allowedHeaders`.
 */
export const expressCorsRequests: RequestVector[] = [
  {
    source: SOURCE,
    name: 'shortcircuits preflight requests',
    options: { origin: '*' },
    input: OPTIONS,
    allowed: true,
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-header-1,x-header-2',
    },
  },
  {
    source: SOURCE,
    name: 'can configure preflight success response status code',
    options: { origin: '*', optionsSuccessStatus: 200 },
    input: OPTIONS,
    allowed: true,
    status: 200,
  },
  {
    source: SOURCE,
    name: 'overrides defaults (with allowInsecureOrigins)',
    options: {
      origin: EXAMPLE,
      methods: ['FOO', 'bar'],
      allowedHeaders: ['FIZZ', 'buzz'],
      credentials: true,
      maxAge: 123,
      allowInsecureOrigins: true,
    },
    input: OPTIONS,
    allowed: false,
    reason: 'header "x-header-1" not allowed',
    differs: HEADERS_CHECKED,
  },
  {
    source: SOURCE,
    name: 'can override origin',
    options: { origin: EXAMPLE },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': EXAMPLE },
  },
  {
    source: SOURCE,
    name: 'includes Vary header for specific origins',
    options: { origin: EXAMPLE },
    input: GET,
    allowed: true,
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'specifying true for origin reflects requesting origin',
    options: { origin: true },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': EXAMPLE },
  },
  {
    source: SOURCE,
    name: 'should allow origin when callback returns true',
    options: { origin: () => true },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': EXAMPLE },
  },
  {
    source: SOURCE,
    name: 'should not allow origin when callback returns false',
    options: { origin: () => false },
    input: GET,
    allowed: false,
    reason: 'origin not allowed',
  },
  {
    source: SOURCE,
    name: 'should not override options.origin callback (allowed origin)',
    options: {
      origin: ((origin) => origin === EXAMPLE) satisfies CorsOriginFunction,
    },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': EXAMPLE },
  },
  {
    source: SOURCE,
    name: 'should not override options.origin callback (other origin)',
    options: {
      origin: ((origin) => origin === EXAMPLE) satisfies CorsOriginFunction,
    },
    input: { origin: 'http://localhost', preflight: false },
    allowed: false,
  },
  {
    source: SOURCE,
    name: 'can override methods',
    options: { origin: '*', methods: ['method1', 'method2'] },
    input: OPTIONS,
    allowed: true,
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'method1,method2',
      'access-control-allow-headers': 'x-header-1,x-header-2',
    },
  },
  {
    source: SOURCE,
    name: 'methods defaults to GET, HEAD, PUT, PATCH, POST, DELETE',
    options: { origin: '*' },
    input: OPTIONS,
    allowed: true,
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-header-1,x-header-2',
    },
  },
  {
    source: SOURCE,
    name: 'can specify allowed headers as array',
    options: { origin: '*', allowedHeaders: ['header1', 'header2'] },
    input: OPTIONS,
    allowed: false,
    differs: HEADERS_CHECKED,
  },
  {
    source: SOURCE,
    name: 'can specify allowed headers as string',
    options: { origin: '*', allowedHeaders: 'header1,header2' },
    input: OPTIONS,
    allowed: false,
    differs: HEADERS_CHECKED,
  },
  {
    source: SOURCE,
    name: 'specifying an empty list or string of allowed headers will result in no response header for allowed headers',
    options: { origin: '*', allowedHeaders: [] },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
    vary: null,
  },
  {
    source: SOURCE,
    name: 'if no allowed headers are specified, defaults to requested allowed headers',
    options: { origin: '*' },
    input: OPTIONS,
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-header-1,x-header-2',
    },
    vary: 'Access-Control-Request-Headers',
    differs:
      'requested names are validated and sent back joined by commas, never echoed raw ("x-header-1, x-header-2")',
  },
  {
    source: SOURCE,
    name: 'can specify exposed headers as array',
    options: {
      origin: '*',
      exposedHeaders: ['custom-header1', 'custom-header2'],
    },
    input: GET,
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'custom-header1,custom-header2',
    },
  },
  {
    source: SOURCE,
    name: 'can specify exposed headers as string',
    options: { origin: '*', exposedHeaders: 'custom-header1,custom-header2' },
    input: GET,
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'custom-header1,custom-header2',
    },
  },
  {
    source: SOURCE,
    name: 'specifying an empty list or string of exposed headers will result in no response header for exposed headers',
    options: { origin: '*', exposedHeaders: [] },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
  },
  {
    source: SOURCE,
    name: 'does not includes credentials unless explicitly enabled',
    options: { origin: '*' },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
  },
  {
    source: SOURCE,
    name: 'includes maxAge when specified',
    options: { origin: '*', maxAge: 456 },
    input: OPTIONS,
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-header-1,x-header-2',
      'access-control-max-age': '456',
    },
  },
  {
    source: SOURCE,
    name: 'includes maxAge when specified and equals to zero',
    options: { origin: '*', maxAge: 0 },
    input: OPTIONS,
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-header-1,x-header-2',
      'access-control-max-age': '0',
    },
  },
  {
    source: SOURCE,
    name: 'does not includes maxAge unless specified',
    options: { origin: '*' },
    input: GET,
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
  },
];

/** Tests whose options the project refuses at bootstrap. */
export const expressCorsConfigs: ConfigVector[] = [
  {
    source: SOURCE,
    name: 'no options enables default CORS to all origins',
    options: {},
    errors: ['origin'],
    differs: ORIGIN_REQUIRED,
  },
  {
    source: SOURCE,
    name: 'OPTION call with no options enables default CORS to all origins and methods',
    options: {},
    errors: ['origin'],
    differs: ORIGIN_REQUIRED,
  },
  {
    source: SOURCE,
    name: 'origin defaults to *',
    options: {},
    errors: ['origin'],
    differs: ORIGIN_REQUIRED,
  },
  {
    source: SOURCE,
    name: 'overrides defaults',
    options: {
      origin: EXAMPLE,
      methods: ['FOO', 'bar'],
      allowedHeaders: ['FIZZ', 'buzz'],
      credentials: true,
      maxAge: 123,
    },
    errors: ['origin'],
    differs: PLAIN_HTTP_WITH_CREDENTIALS,
  },
  {
    source: SOURCE,
    name: 'matches request origin against regexp',
    options: { origin: /:\/\/(.+\.)?example.com$/ },
    errors: ['origin'],
    differs: UNANCHORED,
  },
  {
    source: SOURCE,
    name: 'matches request origin against array of origin checks',
    options: { origin: [/foo\.com$/, EXAMPLE] },
    errors: ['origin'],
    differs: UNANCHORED,
  },
  {
    source: SOURCE,
    name: "doesn't match request origin against array of invalid origin checks",
    options: { origin: [/foo\.com$/, 'bar.com'] },
    errors: ['origin', 'origin'],
    differs: `refused at bootstrap rather than matching nothing: ${UNANCHORED}; ${NOT_AN_ORIGIN_ENTRY}`,
  },
  {
    source: SOURCE,
    name: 'origin of false disables cors',
    options: {
      origin: false,
      methods: ['FOO', 'bar'],
      allowedHeaders: ['FIZZ', 'buzz'],
      credentials: true,
      maxAge: 123,
    },
    errors: ['origin'],
    differs:
      'CORS is turned off for a route with @CorsPolicy(false); origin: false is a bootstrap error',
  },
  {
    source: SOURCE,
    name: 'includes credentials if explicitly enabled',
    options: { origin: '*', credentials: true },
    errors: ['origin'],
    differs: ANY_ORIGIN_WITH_CREDENTIALS,
  },
];
