import type { CorsOriginFunction } from '../../src/core/cors-policy-options.js';
import {
  ANY_ORIGIN_WITH_CREDENTIALS,
  CONFIGURED_LIST,
  ORIGIN_REQUIRED,
  PLAIN_HTTP_WITH_CREDENTIALS,
} from './reasons.js';
import type { ConfigVector, RequestVector } from './vector.js';

const SOURCE = 'rs/cors cors_test.go';
const FOOBAR = 'http://foobar.com';
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
const startsWithFoo: CorsOriginFunction = (origin) =>
  /^http:\/\/foo/.test(origin);
const SEVERAL_FIELDS =
  'Access-Control-Request-Headers in several fields is refused as malformed: a browser sends it in one';

/**
 * `TestSpec` and the tests after it. Options are translated: AllowedOrigins to `origin` (none,
 * the source's "every origin", is `origin: '*'`), AllowOriginFunc and AllowOriginRequestFunc
 * to an origin function, AllowedMethods to `methods`, AllowedHeaders to `allowedHeaders`,
 * ExposedHeaders to `exposedHeaders`, AllowCredentials to `credentials`, MaxAge to `maxAge`
 * (the source's -1, "send 0", is `maxAge: 0`), AllowPrivateNetwork to `allowPrivateNetwork`.
 * Responses are compared on their CORS headers; rs/cors varies on more names than needed,
 * so `Vary` is compared only where the project's answer differs in meaning.
 */
export const rsCorsRequests: RequestVector[] = [
  {
    source: SOURCE,
    name: 'MatchAllOrigin',
    options: { origin: '*' },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
    vary: null,
    differs:
      "origin '*' answers every origin alike, so actual responses carry no Vary: Origin and shared caches keep one copy",
  },
  {
    source: SOURCE,
    name: 'AllowedOrigin',
    options: { origin: [FOOBAR] },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': FOOBAR },
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'WildcardOrigin',
    options: { origin: ['http://*.bar.com'] },
    input: { origin: 'http://foo.bar.com', preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': 'http://foo.bar.com' },
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'DisallowedOrigin',
    options: { origin: [FOOBAR] },
    input: { origin: 'http://barbaz.com', preflight: false },
    allowed: false,
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'DisallowedWildcardOrigin',
    options: { origin: ['http://*.bar.com'] },
    input: { origin: 'http://foo.baz.com', preflight: false },
    allowed: false,
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'AllowedOriginFuncMatch',
    options: { origin: startsWithFoo },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': FOOBAR },
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'AllowOriginRequestFuncMatch',
    options: {
      origin: ((origin, request) =>
        /^http:\/\/foo/.test(origin) &&
        request.headers.authorization ===
          'secret') satisfies CorsOriginFunction,
    },
    input: { origin: FOOBAR, preflight: false },
    requestHeaders: { authorization: 'secret' },
    allowed: true,
    headers: { 'access-control-allow-origin': FOOBAR },
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'AllowOriginRequestFuncNotMatch',
    options: {
      origin: ((origin, request) =>
        /^http:\/\/foo/.test(origin) &&
        request.headers.authorization ===
          'secret') satisfies CorsOriginFunction,
    },
    input: { origin: FOOBAR, preflight: false },
    requestHeaders: { authorization: 'not-secret' },
    allowed: false,
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'MaxAge',
    options: { origin: ['http://example.com'], methods: ['GET'], maxAge: 10 },
    input: {
      origin: 'http://example.com',
      preflight: true,
      requestMethod: 'GET',
    },
    allowed: true,
    status: 204,
    headers: {
      'access-control-allow-origin': 'http://example.com',
      'access-control-allow-methods': 'GET',
      'access-control-max-age': '10',
    },
  },
  {
    source: SOURCE,
    name: 'MaxAgeNegative',
    options: { origin: ['http://example.com'], methods: ['GET'], maxAge: 0 },
    input: {
      origin: 'http://example.com',
      preflight: true,
      requestMethod: 'GET',
    },
    allowed: true,
    headers: {
      'access-control-allow-origin': 'http://example.com',
      'access-control-allow-methods': 'GET',
      'access-control-max-age': '0',
    },
  },
  {
    source: SOURCE,
    name: 'AllowedMethod',
    options: { origin: [FOOBAR], methods: ['PUT', 'DELETE'] },
    input: { origin: FOOBAR, preflight: true, requestMethod: 'PUT' },
    allowed: true,
    headers: {
      'access-control-allow-origin': FOOBAR,
      'access-control-allow-methods': 'PUT,DELETE',
    },
    differs: CONFIGURED_LIST,
  },
  {
    source: SOURCE,
    name: 'DisallowedMethod',
    options: { origin: [FOOBAR], methods: ['PUT', 'DELETE'] },
    input: { origin: FOOBAR, preflight: true, requestMethod: 'PATCH' },
    allowed: false,
  },
  {
    source: SOURCE,
    name: 'AllowedHeaders',
    options: {
      origin: [FOOBAR],
      allowedHeaders: ['X-Header-1', 'x-header-2', 'X-HEADER-3'],
    },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: 'x-header-1,x-header-2',
    },
    allowed: true,
    headers: {
      'access-control-allow-origin': FOOBAR,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'X-Header-1,x-header-2,X-HEADER-3',
    },
    differs: CONFIGURED_LIST,
  },
  {
    source: SOURCE,
    name: 'DefaultAllowedHeaders',
    options: { origin: [FOOBAR], allowedHeaders: [] },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: 'x-requested-with',
    },
    allowed: false,
    differs:
      'an empty allowedHeaders allows no header, as written; omit it to allow any requested name',
  },
  {
    source: SOURCE,
    name: 'AllowedWildcardHeader',
    options: { origin: [FOOBAR], allowedHeaders: ['*'] },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: 'x-header-1,x-header-2',
    },
    allowed: true,
    headers: {
      'access-control-allow-origin': FOOBAR,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-headers': 'x-header-1,x-header-2',
    },
  },
  {
    source: SOURCE,
    name: 'DisallowedHeader',
    options: { origin: [FOOBAR], allowedHeaders: ['X-Header-1', 'x-header-2'] },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: 'x-header-1,x-header-3',
    },
    allowed: false,
  },
  {
    source: SOURCE,
    name: 'ExposedHeader',
    options: { origin: [FOOBAR], exposedHeaders: ['X-Header-1', 'x-header-2'] },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: {
      'access-control-allow-origin': FOOBAR,
      'access-control-expose-headers': 'X-Header-1,x-header-2',
    },
    differs:
      'names are exposed as configured rather than canonicalized; header names are case-insensitive',
  },
  {
    source: SOURCE,
    name: 'AllowedPrivateNetwork',
    options: { origin: [FOOBAR], allowPrivateNetwork: true },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      privateNetwork: true,
    },
    allowed: true,
    headers: {
      'access-control-allow-origin': FOOBAR,
      'access-control-allow-methods': DEFAULT_METHODS,
      'access-control-allow-private-network': 'true',
    },
  },
  {
    source: SOURCE,
    name: 'DisallowedPrivateNetwork (a misspelled request header)',
    options: { origin: [FOOBAR] },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      privateNetwork: false,
    },
    allowed: true,
    headers: {
      'access-control-allow-origin': FOOBAR,
      'access-control-allow-methods': DEFAULT_METHODS,
    },
  },
  {
    source: SOURCE,
    name: 'NonPreflightOptions',
    options: { origin: [FOOBAR] },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': FOOBAR },
  },
  {
    source: SOURCE,
    name: 'MultipleACRHHeaders',
    options: {
      origin: [FOOBAR],
      allowedHeaders: ['Content-Type', 'Authorization'],
    },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: ['authorization', 'content-type'],
    },
    allowed: false,
    differs: SEVERAL_FIELDS,
  },
  {
    source: SOURCE,
    name: 'MultipleACRHHeadersWithOWSAndEmptyElements',
    options: {
      origin: [FOOBAR],
      allowedHeaders: ['Content-Type', 'Authorization'],
    },
    input: {
      origin: FOOBAR,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: ['authorization\t', ' ', ' content-type'],
    },
    allowed: false,
    differs: SEVERAL_FIELDS,
  },
  {
    source: SOURCE,
    name: 'TestHandlePreflightInvalidOriginAbortion',
    options: { origin: ['http://foo.com'] },
    input: {
      origin: 'http://example.com',
      preflight: true,
      requestMethod: 'GET',
    },
    allowed: false,
  },
  {
    source: SOURCE,
    name: 'TestHandleActualRequestInvalidOriginAbortion',
    options: { origin: ['http://foo.com'] },
    input: { origin: 'http://example.com', preflight: false },
    allowed: false,
    vary: 'Origin',
  },
  {
    source: SOURCE,
    name: 'TestOptionsSuccessStatusCodeDefault (OPTIONS without Origin)',
    options: { origin: '*' },
    input: { origin: undefined, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
    differs:
      'an OPTIONS request without Origin is not a preflight: it reaches the app, which answers it',
  },
  {
    source: SOURCE,
    name: 'TestOptionsSuccessStatusCodeOverride',
    options: { origin: '*', optionsSuccessStatus: 200 },
    input: { origin: FOOBAR, preflight: true, requestMethod: 'GET' },
    allowed: true,
    status: 200,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': DEFAULT_METHODS,
    },
  },
  {
    source: SOURCE,
    name: 'TestAccessControlExposeHeadersPresence omit',
    options: { origin: '*' },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
  },
  {
    source: SOURCE,
    name: 'TestAccessControlExposeHeadersPresence include',
    options: { origin: '*', exposedHeaders: ['X-Something'] },
    input: { origin: FOOBAR, preflight: false },
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'X-Something',
    },
  },
];

/** `TestSpec` cases whose options the project refuses at bootstrap. */
export const rsCorsConfigs: ConfigVector[] = [
  {
    source: SOURCE,
    name: 'NoConfig',
    options: {},
    errors: ['origin'],
    differs: ORIGIN_REQUIRED,
  },
  {
    source: SOURCE,
    name: 'MatchAllOriginWithCredentials',
    options: { origin: '*', credentials: true },
    errors: ['origin'],
    differs: ANY_ORIGIN_WITH_CREDENTIALS,
  },
  {
    source: SOURCE,
    name: 'AllowedCredentials',
    options: { origin: [FOOBAR], credentials: true },
    errors: ['origin'],
    differs: PLAIN_HTTP_WITH_CREDENTIALS,
  },
];
