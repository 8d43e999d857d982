import {
  ALLOWED_ORIGIN,
  DENIED_ORIGIN,
  FEW_ROUTES,
  MID_ORIGIN,
  POLICY,
  ROUTE_COUNT,
} from './policy.js';

/** How a server is set up; `app.ts` builds each. */
export type Variant =
  | 'bare'
  | 'enableCors'
  | 'module'
  | 'module-one-origin'
  | 'module-big-allowlist'
  | 'module-provider'
  | 'module-mixed'
  | 'module-listener'
  | 'module-report-only';

export type Adapter = 'express' | 'fastify';

export interface BenchRequest {
  method: 'GET' | 'OPTIONS';
  path: string;
  headers: Record<string, string>;
}

/** The status and response headers a variant must answer with; `undefined`: absent. */
export interface Expectation {
  status: number;
  headers: Record<string, string | undefined>;
}

/**
 * `variant` against `baseline`, round by round: the server CPU time per request `variant`
 * spends beyond `baseline`'s (its extra µs), and their ratio, which should be at least `min`.
 * `sameExtraAs`: the extra µs should also be at most the extra of the same comparison in
 * `scenario` plus `fraction` of its size, or plus `floor` × that comparison's baseline CPU per
 * request where that is more: with the reference extra near zero, a fraction of it is below
 * what the bench can resolve.
 */
export interface Comparison {
  variant: Variant;
  baseline: Variant;
  min?: number;
  sameExtraAs?: { scenario: string; fraction: number; floor: number };
}

export interface Scenario {
  id: string;
  title: string;
  adapter: Adapter;
  /** Routes with a policy each, besides the items controller. */
  routes: number;
  request: BenchRequest;
  variants: Variant[];
  comparisons: Comparison[];
  expect(variant: Variant): Expectation;
}

const lastRoute = (routes: number) => `/s3/r${routes - 1}`;
const routeHeader = (routes: number) => `X-Route-${routes - 1}`;

const get = (path: string, origin: string): BenchRequest => ({
  method: 'GET',
  path,
  headers: { origin },
});
const preflight = (path: string): BenchRequest => ({
  method: 'OPTIONS',
  path,
  headers: {
    origin: ALLOWED_ORIGIN,
    'access-control-request-method': 'PUT',
    'access-control-request-headers': 'content-type',
  },
});

const noCors: Expectation = {
  status: 200,
  headers: { 'access-control-allow-origin': undefined },
};
const denied: Expectation = {
  status: 200,
  headers: { 'access-control-allow-origin': undefined, vary: 'Origin' },
};
const allowed = (
  origin: string,
  exposed = POLICY.exposedHeaders,
): Expectation => ({
  status: 200,
  headers: {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': exposed.join(','),
  },
});
const preflightAllowed = (allowedHeaders = POLICY.allowedHeaders) => ({
  status: 204,
  headers: {
    'access-control-allow-origin': ALLOWED_ORIGIN,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': POLICY.methods.join(','),
    'access-control-allow-headers': allowedHeaders.join(','),
    'access-control-max-age': String(POLICY.maxAge),
  },
});

export const SCENARIOS: Scenario[] = [
  {
    id: 'S1',
    title: 'GET, allowed origin, default policy',
    adapter: 'express',
    routes: 0,
    request: get('/items', ALLOWED_ORIGIN),
    variants: ['bare', 'enableCors', 'module'],
    comparisons: [
      { variant: 'enableCors', baseline: 'bare' },
      { variant: 'module', baseline: 'bare', min: 0.97 },
      { variant: 'module', baseline: 'enableCors', min: 1 },
    ],
    expect: (v) => (v === 'bare' ? noCors : allowed(ALLOWED_ORIGIN)),
  },
  {
    id: 'S2',
    title: 'preflight PUT + content-type, allowed origin',
    adapter: 'express',
    routes: 0,
    request: preflight('/items'),
    variants: ['enableCors', 'module'],
    comparisons: [{ variant: 'module', baseline: 'enableCors', min: 1 }],
    expect: () => preflightAllowed(),
  },
  routeGet('S3-get-10', FEW_ROUTES),
  routeGet('S3-get', ROUTE_COUNT, {
    min: 0.95,
    sameExtraAs: { scenario: 'S3-get-10', fraction: 0.2, floor: 0.05 },
  }),
  {
    id: 'S3-preflight',
    title: `preflight ${lastRoute(ROUTE_COUNT)} of 1,000 routes with a policy each`,
    adapter: 'express',
    routes: ROUTE_COUNT,
    request: preflight(lastRoute(ROUTE_COUNT)),
    variants: ['enableCors', 'module'],
    comparisons: [{ variant: 'module', baseline: 'enableCors', min: 0.95 }],
    expect: (v) =>
      v === 'module'
        ? preflightAllowed([...POLICY.allowedHeaders, routeHeader(ROUTE_COUNT)])
        : preflightAllowed(),
  },
  {
    id: 'S4',
    title: 'GET from a mid-list origin: 10,000 origins + 100 patterns vs 1',
    adapter: 'express',
    routes: 0,
    request: get('/items', MID_ORIGIN),
    variants: ['module-one-origin', 'module-big-allowlist'],
    comparisons: [
      {
        variant: 'module-big-allowlist',
        baseline: 'module-one-origin',
        min: 0.95,
      },
    ],
    expect: () => allowed(MID_ORIGIN),
  },
  {
    id: 'S5',
    title: 'GET, DI provider policy vs the same policy static',
    adapter: 'express',
    routes: 0,
    request: get('/items', ALLOWED_ORIGIN),
    variants: ['module', 'module-provider'],
    comparisons: [
      { variant: 'module-provider', baseline: 'module', min: 0.95 },
    ],
    expect: () => allowed(ALLOWED_ORIGIN),
  },
  {
    id: 'S6',
    title: 'GET, denied origin',
    adapter: 'express',
    routes: 0,
    request: get('/items', DENIED_ORIGIN),
    variants: ['bare', 'enableCors', 'module'],
    comparisons: [
      { variant: 'enableCors', baseline: 'bare' },
      { variant: 'module', baseline: 'bare' },
      { variant: 'module', baseline: 'enableCors' },
    ],
    expect: (v) => (v === 'bare' ? noCors : denied),
  },
  {
    id: 'S8',
    title:
      'S1 with an onDecision listener, or a report-only candidate that disagrees',
    adapter: 'express',
    routes: 0,
    request: get('/items', ALLOWED_ORIGIN),
    variants: ['module', 'module-listener', 'module-report-only'],
    comparisons: [
      { variant: 'module-listener', baseline: 'module' },
      { variant: 'module-report-only', baseline: 'module' },
    ],
    expect: () => allowed(ALLOWED_ORIGIN),
  },
  {
    id: 'S7',
    title: 'S1 on Fastify: GET, allowed origin, default policy',
    adapter: 'fastify',
    routes: 0,
    request: get('/items', ALLOWED_ORIGIN),
    variants: ['bare', 'enableCors', 'module'],
    comparisons: [
      { variant: 'enableCors', baseline: 'bare' },
      { variant: 'module', baseline: 'bare', min: 0.92 },
      { variant: 'module', baseline: 'enableCors', min: 1 },
    ],
    expect: (v) => (v === 'bare' ? noCors : allowed(ALLOWED_ORIGIN)),
  },
];

/** S3: a GET of the last of `routes` routes, each with its own policy, on Express. */
function routeGet(
  id: string,
  routes: number,
  target: Pick<Comparison, 'min' | 'sameExtraAs'> = {},
): Scenario {
  return {
    id,
    title: `GET ${lastRoute(routes)} of ${routes.toLocaleString('en-US')} routes with a policy each`,
    adapter: 'express',
    routes,
    request: get(lastRoute(routes), ALLOWED_ORIGIN),
    variants: ['bare', 'module'],
    comparisons: [{ variant: 'module', baseline: 'bare', ...target }],
    expect: (v) =>
      v === 'bare'
        ? noCors
        : allowed(ALLOWED_ORIGIN, [
            ...POLICY.exposedHeaders,
            routeHeader(routes),
          ]),
  };
}

/** The server the memory check sends requests with distinct origins to. */
export const MEMORY_SCENARIO: Scenario = {
  id: 'memory',
  title:
    'distinct origins against exact, subdomain, any-port and RegExp entries',
  adapter: 'express',
  routes: 0,
  request: get('/items', ALLOWED_ORIGIN),
  variants: ['module-mixed'],
  comparisons: [],
  expect: () => allowed(ALLOWED_ORIGIN),
};

export function findScenario(id: string): Scenario {
  const scenario = [...SCENARIOS, MEMORY_SCENARIO].find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown scenario ${id}`);
  return scenario;
}

/** What differs between `expected` and an actual response; empty when nothing does. */
export function mismatches(
  expected: Expectation,
  status: number,
  headers: Record<string, string | string[] | undefined>,
): string[] {
  const problems: string[] = [];
  if (status !== expected.status)
    problems.push(`status ${status}, expected ${expected.status}`);
  for (const [name, value] of Object.entries(expected.headers)) {
    if (headers[name] !== value) {
      problems.push(
        `${name}: ${JSON.stringify(headers[name])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
  return problems;
}
