import { compilePolicy } from '../../src/core/compile-policy.js';
import type { CompiledCorsPolicy } from '../../src/core/compiled-policy.js';
import {
  decide,
  ORIGIN_FUNCTION_FAILED,
  originFunctionVerdict,
} from '../../src/core/cors-decision.js';
import type {
  CorsPolicyOptions,
  CorsRequest,
} from '../../src/core/cors-policy-options.js';
import {
  expressCorsConfigs,
  expressCorsRequests,
} from './expressjs-cors.vectors.js';
import {
  fastifyCorsConfigs,
  fastifyCorsRequests,
} from './fastify-cors.vectors.js';
import {
  jub0bsConfigs,
  jub0bsInsecure,
  jub0bsPatterns,
  jub0bsPublicSuffixes,
} from './jub0bs-cors.vectors.js';
import { rsCorsConfigs, rsCorsRequests } from './rs-cors.vectors.js';
import type { ConfigVector, EntryVector, RequestVector } from './vector.js';

const compile = (options: Record<string, unknown>) =>
  compilePolicy(
    'conformance',
    'policy "conformance"',
    options as unknown as CorsPolicyOptions,
  );

const errorFields = (options: Record<string, unknown>) =>
  compile(options)
    .issues.filter((issue) => issue.severity === 'error')
    .map((issue) => issue.field);

function compiled(options: Record<string, unknown>): CompiledCorsPolicy {
  const { policy, issues } = compile(options);
  if (!policy) throw new Error(JSON.stringify(issues));
  return policy;
}

const title = '$source › $name';

describe.each([
  ['jub0bs/cors ParsePattern', jub0bsPatterns],
  ['jub0bs/cors IsDeemedInsecure', jub0bsInsecure],
  ['jub0bs/cors HostIsEffectiveTLD', jub0bsPublicSuffixes],
])('origin entries: %s', (_label, vectors: EntryVector[]) => {
  it.each(vectors)(`${title} › $entry`, ({ entry, credentials, accepted }) => {
    const fields = errorFields({ origin: [entry], credentials });
    expect(fields).toEqual(accepted ? [] : ['origin']);
  });
});

describe.each([
  ['jub0bs/cors', jub0bsConfigs],
  ['rs/cors', rsCorsConfigs],
  ['expressjs/cors', expressCorsConfigs],
  ['fastify/fastify-cors', fastifyCorsConfigs],
])('policies: %s', (_label, vectors: ConfigVector[]) => {
  it.each(vectors)(title, ({ options, errors }) => {
    expect(errorFields(options)).toEqual(errors);
  });
});

describe.each([
  ['rs/cors', rsCorsRequests],
  ['expressjs/cors', expressCorsRequests],
  ['fastify/fastify-cors', fastifyCorsRequests],
])('requests: %s', (_label, vectors: RequestVector[]) => {
  it.each(vectors)(title, async (vector) => {
    const request: CorsRequest = {
      origin:
        typeof vector.input.origin === 'string'
          ? vector.input.origin
          : undefined,
      method: vector.input.preflight ? 'OPTIONS' : 'GET',
      path: '/',
      headers: vector.requestHeaders ?? {},
      preflight: vector.input.preflight,
      raw: undefined,
    };
    const decision = await decide(
      compiled(vector.options),
      vector.input,
      (originFunction, origin) =>
        new Promise((resolve) => resolve(originFunction(origin, request))).then(
          originFunctionVerdict,
          () => ORIGIN_FUNCTION_FAILED,
        ),
    );
    expect(decision.allowed).toBe(vector.allowed);
    if (!vector.allowed) expect(decision.headers).toEqual({});
    if (vector.headers) expect(decision.headers).toEqual(vector.headers);
    if (vector.reason) expect(decision.reason).toBe(vector.reason);
    if (vector.status) expect(decision.status).toBe(vector.status);
    if (vector.vary !== undefined) {
      expect(decision.vary).toBe(vector.vary ?? undefined);
    }
  });
});

describe('every vector', () => {
  const all = [
    ...jub0bsPatterns,
    ...jub0bsInsecure,
    ...jub0bsPublicSuffixes,
    ...jub0bsConfigs,
    ...rsCorsConfigs,
    ...rsCorsRequests,
    ...expressCorsConfigs,
    ...expressCorsRequests,
    ...fastifyCorsConfigs,
    ...fastifyCorsRequests,
  ];

  it('cites one of the four sources, and a reason whenever it differs', () => {
    for (const vector of all) {
      expect(vector.source).toMatch(
        /^(jub0bs\/cors|rs\/cors|expressjs\/cors|fastify\/fastify-cors) \S+\.(go|js)$/,
      );
      if (vector.differs !== undefined)
        expect(vector.differs.length).toBeGreaterThan(20);
    }
  });

  it('are all there: a vector dropped from a table fails here', () => {
    const counts: Record<string, number> = {};
    for (const { source } of all) {
      const repo = source.replace(/ .*/, '');
      counts[repo] = (counts[repo] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'jub0bs/cors': 156,
      'rs/cors': 31,
      'expressjs/cors': 32,
      'fastify/fastify-cors': 25,
    });
  });
});
