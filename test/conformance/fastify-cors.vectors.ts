import type { CorsOriginFunction } from '../../src/core/cors-policy-options.js';
import {
  MALFORMED_ORIGIN,
  NOT_AN_ORIGIN_ENTRY,
  ORIGIN_REQUIRED,
  UNANCHORED,
} from './reasons.js';
import type { ConfigVector, RequestVector } from './vector.js';

const CORS = 'fastify/fastify-cors test/cors.test.js';
const PREFLIGHT = 'fastify/fastify-cors test/preflight.test.js';
/** The `Origin` the source's requests send: a bare host, which no browser sends. */
const BARE = 'example.com';
const MALFORMED = 'malformed Origin header';
const NOT_A_PREFLIGHT =
  "an OPTIONS request without Origin or Access-Control-Request-Method is not a preflight: it reaches the app, and under origin '*' gets Access-Control-Allow-Origin: *";

/** Options are the source's, with its default `origin: '*'` written out where a test sets none. */
export const fastifyCorsRequests: RequestVector[] = [
  ...(
    [
      ['Dynamic origin resolution (valid origin)', () => true],
      ['Dynamic origin resolution (not valid origin)', () => false],
      [
        'Dynamic origin resolution (errored)',
        () => {
          throw new Error('ouch');
        },
      ],
      ['Dynamic origin resolution (invalid result)', () => undefined],
      ['Dynamic origin resolution (valid origin - promises)', async () => true],
      [
        'Dynamic origin resolution (not valid origin - promises)',
        async () => false,
      ],
      [
        'Dynamic origin resolution (errored - promises)',
        () => Promise.reject(new Error('ouch')),
      ],
    ] as Array<[string, CorsOriginFunction]>
  ).map(([name, origin]): RequestVector => ({
    source: CORS,
    name,
    options: { origin },
    input: { origin: BARE, preflight: false },
    allowed: false,
    reason: MALFORMED,
    vary: 'Origin',
    differs: MALFORMED_ORIGIN,
  })),
  {
    source: CORS,
    name: 'Should always add vary header to `Origin` for reflected origin (valid preflight)',
    options: { origin: true },
    input: { origin: BARE, preflight: true, requestMethod: 'GET' },
    allowed: false,
    reason: MALFORMED,
    vary: 'Origin, Access-Control-Request-Headers',
    differs: MALFORMED_ORIGIN,
  },
  {
    source: CORS,
    name: 'Should always add vary header to `Origin` for reflected origin (other route)',
    options: { origin: true },
    input: { origin: undefined, preflight: false },
    allowed: false,
    vary: 'Origin',
  },
  {
    source: CORS,
    name: 'Allow only request from with specific headers (preflight)',
    options: { origin: '*', allowedHeaders: 'foo', exposedHeaders: 'bar' },
    input: { origin: BARE, preflight: true, requestMethod: 'GET' },
    allowed: false,
    reason: MALFORMED,
    differs: MALFORMED_ORIGIN,
  },
  {
    source: CORS,
    name: 'Allow only request from with specific headers (GET)',
    options: { origin: '*', allowedHeaders: 'foo', exposedHeaders: 'bar' },
    input: { origin: undefined, preflight: false },
    allowed: true,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'bar',
    },
  },
  {
    source: CORS,
    name: 'Should support wildcard config /1',
    options: { origin: '*' },
    input: { origin: undefined, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
  },
  ...(
    [
      ['Should reply to preflight requests', { origin: '*' }],
      [
        'Should add access-control-allow-headers to response if preflight req has access-control-request-headers',
        { origin: '*' },
      ],
      [
        'Should reply to preflight requests with custom status code',
        { origin: '*', optionsSuccessStatus: 200 },
      ],
      [
        'Allow only request from with specific methods',
        { origin: '*', methods: ['GET', 'POST'] },
      ],
    ] as Array<[string, Record<string, unknown>]>
  ).map(([name, options], i): RequestVector => ({
    source: PREFLIGHT,
    name,
    options,
    input: {
      origin: BARE,
      preflight: true,
      requestMethod: 'GET',
      requestHeaders: i === 1 ? 'x-requested-with' : undefined,
    },
    allowed: false,
    reason: MALFORMED,
    status: 403,
    differs: MALFORMED_ORIGIN,
  })),
  {
    source: PREFLIGHT,
    name: 'Should reply with 400 error to OPTIONS requests missing origin header when default strictPreflight',
    options: { origin: '*' },
    input: { origin: undefined, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
    differs: NOT_A_PREFLIGHT,
  },
  {
    source: PREFLIGHT,
    name: 'Should reply with 400 to OPTIONS requests when missing Access-Control-Request-Method header when default strictPreflight',
    options: { origin: '*' },
    input: { origin: BARE, preflight: false },
    allowed: true,
    headers: { 'access-control-allow-origin': '*' },
    differs: NOT_A_PREFLIGHT,
  },
];

/** Tests whose options the project refuses at bootstrap. */
export const fastifyCorsConfigs: ConfigVector[] = [
  {
    source: CORS,
    name: 'Should add cors headers',
    options: {},
    errors: ['origin'],
    differs: ORIGIN_REQUIRED,
  },
  {
    source: CORS,
    name: 'Should add cors headers (custom values)',
    options: {
      origin: BARE,
      methods: 'GET',
      credentials: true,
      exposedHeaders: ['foo', 'bar'],
      allowedHeaders: ['baz', 'woo'],
      maxAge: 123,
    },
    errors: ['origin'],
    differs: NOT_AN_ORIGIN_ENTRY,
  },
  {
    source: CORS,
    name: 'Server error if origin option is falsy but not false',
    options: { origin: '' },
    errors: ['origin'],
    differs:
      'refused at bootstrap rather than answered with a 500 on every request',
  },
  {
    source: CORS,
    name: 'Allow only request from a specific origin',
    options: { origin: 'other.io' },
    errors: ['origin'],
    differs: NOT_AN_ORIGIN_ENTRY,
  },
  {
    source: CORS,
    name: 'Allow only request from multiple specific origin',
    options: { origin: ['other.io', BARE] },
    errors: ['origin', 'origin'],
    differs: NOT_AN_ORIGIN_ENTRY,
  },
  {
    source: CORS,
    name: 'Allow only request from a specific origin using regex',
    options: { origin: /(?:example|other)\.com\/?$/giu },
    errors: ['origin'],
    differs: UNANCHORED,
  },
  {
    source: CORS,
    name: 'Should support wildcard config /2',
    options: { origin: ['*'] },
    errors: ['origin'],
    differs: "'*' is refused as one entry of a list: write origin: '*'",
  },
];
