import { describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AdapterVariant,
  type AppSpec,
  appSpec,
  bootApp,
  HANDLER_HEADER,
  policyOf,
  RAW_HANDLER,
} from './random-app.js';
import { NEST_12 } from '../support/nest-features.js';

/**
 * The proof that headers come from the handler that runs: random apps on the real adapters,
 * random request targets, and each response checked against the handler that answered it.
 * `CORS_ROUTES_APPS` sets how many apps per adapter (default 200; `npm run test:routes` runs
 * more); `CORS_ROUTES_SEED` explores other apps or replays a failure.
 */
const APPS = Number(process.env.CORS_ROUTES_APPS ?? 200);
const SEED = Number(process.env.CORS_ROUTES_SEED ?? 20261127);
const REQUESTS_PER_APP = 26;
const ORIGINS = [0, 1, 2, 3]
  .map((i) => `https://p${i}.test`)
  .concat(['https://nobody.test']);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'SEARCH', 'QUERY'];
const PARAM_VALUES = ['7', 'export', 'raw', 'x%2Fy', '%2e', '%zz', 'a'];
const PERTURBATIONS = [
  (path: string) => path,
  (path: string) => path,
  (path: string) => path.toUpperCase(),
  (path: string) => `${path}/`,
  (path: string) => path.replace('/', '//'),
  (path: string) => `${path};x=1`,
  (path: string) => `${path}?q=1`,
  (path: string) => `${path}#f`,
  (path: string) => `${path}/./`,
  (path: string) => `http://127.0.0.1${path}`,
  (path: string) => `${path}/${'x'.repeat(3000)}`,
];

interface RequestSpec {
  template: number;
  params: number[];
  perturbation: number;
  method: number;
  origin: number;
  version: '1' | '2' | undefined;
  preflight: boolean;
}

const requestSpec: fc.Arbitrary<RequestSpec> = fc.record({
  template: fc.nat(),
  params: fc.array(fc.nat({ max: PARAM_VALUES.length - 1 }), {
    minLength: 3,
    maxLength: 3,
  }),
  perturbation: fc.nat({ max: PERTURBATIONS.length - 1 }),
  method: fc.nat({ max: METHODS.length - 1 }),
  origin: fc.nat({ max: ORIGINS.length - 1 }),
  version: fc.constantFrom('1' as const, '2' as const, undefined),
  preflight: fc.boolean(),
});

/** Every path the app's routes are served at, as templates; then a few no route has. */
function templates(spec: AppSpec): string[] {
  const prefix = spec.prefix ? `/${spec.prefix.path}` : '';
  const paths = spec.controllers.flatMap((controller, c) => {
    const declaring =
      controller.inherits !== undefined &&
      controller.inherits < c &&
      spec.controllers[controller.inherits]!.inherits === undefined
        ? spec.controllers[controller.inherits]!
        : controller;
    return declaring.handlers.map((handler) =>
      [prefix, controller.path, handler.path].filter(Boolean).join('/'),
    );
  });
  return [...paths, ...spec.rawRoutes, '/', '/nowhere', '*'];
}

function target(spec: AppSpec, request: RequestSpec): string {
  const all = templates(spec);
  const template = all[request.template % all.length]!;
  if (template === '*') return '*';
  let param = 0;
  const path = `/${template.replace(/^\//, '')}`.replace(
    /:\w+/g,
    () => PARAM_VALUES[request.params[param++ % 3]!]!,
  );
  return PERTURBATIONS[request.perturbation]!(path);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

function send(
  port: number,
  agent: http.Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, method, path, headers, timeout: 10e3 },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} hung`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The policy index of the handler that answered: a controller's handler, or the default
 * (`p0`) for a raw route; `null` where no handler ran (a 404), which the default governs.
 */
function handlerPolicy(spec: AppSpec, answer: Answer): number | false | null {
  const id = answer.headers[HANDLER_HEADER];
  if (id === RAW_HANDLER) return 0;
  if (typeof id !== 'string') return null;
  const [, controller, handler] = /^C(\d+)#h(\d+)$/.exec(id)!;
  return policyOf(spec, Number(controller), Number(handler));
}

function allows(spec: AppSpec, policy: number | false, origin: string) {
  return policy !== false && spec.policies[policy]!.origin === origin;
}

/** What `request` should and did get, as one line for the failure message. */
function line(method: string, path: string, headers: object, answer: Answer) {
  const cors = Object.fromEntries(
    Object.entries(answer.headers).filter(
      ([name]) => name.startsWith('access-control-') || name === HANDLER_HEADER,
    ),
  );
  return `${method} ${path} ${JSON.stringify(headers)} → ${answer.status} ${JSON.stringify(cors)}`;
}

async function check(spec: AppSpec, requests: RequestSpec[]): Promise<void> {
  let app: INestApplication;
  try {
    app = await bootApp(spec);
  } catch (error) {
    // The module must never make an app fail to boot that boots without it.
    const bare = await bootApp(spec, false).then(
      (bareApp) => bareApp.close().then(() => true),
      () => false,
    );
    if (bare) throw error;
    return;
  }
  const { port } = (
    app.getHttpServer() as http.Server
  ).address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const request of requests) {
      const path = target(spec, request);
      const origin = ORIGINS[request.origin]!;
      const method = METHODS[request.method]!;
      const version = request.version && { 'x-api-version': request.version };
      if (request.preflight) {
        const headers = {
          origin,
          'access-control-request-method': method,
          ...(version && { 'access-control-request-headers': 'x-api-version' }),
        };
        const answer = await send(port, agent, 'OPTIONS', path, headers);
        expect(answer.status).toBeLessThan(500);
        if (answer.headers['access-control-allow-origin'] === undefined)
          continue;
        // Allowed: every handler the actual request can reach must allow it.
        for (const each of [undefined, '1', '2']) {
          const actual = await send(port, agent, method, path, {
            origin,
            ...(each && { 'x-api-version': each }),
          });
          const policy = handlerPolicy(spec, actual);
          if (policy === null) continue;
          const failure = `preflight ${line('OPTIONS', path, headers, answer)} allowed, but ${line(method, path, { each }, actual)} runs under ${policy === false ? 'no CORS' : `p${policy}`}`;
          expect([failure, allows(spec, policy, origin)]).toEqual([
            failure,
            true,
          ]);
          if (answer.headers['access-control-allow-credentials'] === 'true') {
            expect([
              failure,
              spec.policies[policy as number]!.credentials,
            ]).toEqual([failure, true]);
          }
        }
        continue;
      }
      const headers = { origin, ...version };
      const answer = await send(port, agent, method, path, headers);
      expect(answer.status).toBeLessThan(500);
      const ran = handlerPolicy(spec, answer);
      const got = {
        origin: answer.headers['access-control-allow-origin'],
        credentials: answer.headers['access-control-allow-credentials'],
      };
      if (ran === null && answer.status !== 404) {
        // Refused before any handler (a body the route cannot parse, a malformed URL): by the
        // policies of the routes the adapter routed it to, which the response cannot show.
        const failure = `${line(method, path, headers, answer)} is allowed by no policy of the app`;
        const granted =
          got.origin === undefined ||
          spec.policies.some(
            (policy) =>
              policy.origin === got.origin &&
              (got.credentials === undefined || policy.credentials),
          );
        expect([failure, granted]).toEqual([failure, true]);
        continue;
      }
      const policy = ran ?? 0;
      const allowed = allows(spec, policy, origin);
      const expected = {
        origin: allowed ? origin : undefined,
        credentials:
          allowed && spec.policies[policy as number]!.credentials
            ? 'true'
            : undefined,
      };
      const failure = `${line(method, path, headers, answer)} runs under ${policy === false ? 'no CORS' : `p${policy}`}`;
      expect([failure, got]).toEqual([failure, expected]);
    }
  } finally {
    agent.destroy();
    await app.close();
  }
}

// The variants with Nest 12's routeResolutionStrategy and routeConflictPolicy options only
// where Nest has them: Nest 11 would ignore both.
const ADAPTER_VARIANTS: Record<string, AdapterVariant[]> = {
  express: [
    'express',
    ...(NEST_12.routeOptions
      ? (['express-specificity', 'express-conflict-warn'] as const)
      : []),
  ],
  fastify: [
    'fastify',
    'fastify-instance',
    ...(NEST_12.routeOptions ? (['fastify-conflict-warn'] as const) : []),
  ],
};

describe.each(Object.entries(ADAPTER_VARIANTS))(
  'headers come from the handler that runs (%s: %j, differential)',
  (_, variants) => {
    it(
      `holds for ${APPS} random apps, ${REQUESTS_PER_APP} requests each (seed ${SEED})`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            appSpec(variants),
            fc.array(requestSpec, {
              minLength: REQUESTS_PER_APP,
              maxLength: REQUESTS_PER_APP,
            }),
            check,
          ),
          { numRuns: APPS, seed: SEED },
        );
      },
      APPS * 3e3,
    );
  },
);
