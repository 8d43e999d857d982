import {
  ALLOWED_ORIGIN,
  DENIED_ORIGIN,
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
  | 'module-mixed';

/** `basic`: the items controller; `many`: plus 1,000 routes with a policy each. */
export type Routes = 'basic' | 'many';

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

/** `variant` should reach at least `min` × the requests per second of `baseline`. */
export interface Comparison {
  variant: Variant;
  baseline: Variant;
  min?: number;
}

export interface Scenario {
  id: string;
  title: string;
  routes: Routes;
  request: BenchRequest;
  variants: Variant[];
  comparisons: Comparison[];
  expect(variant: Variant): Expectation;
}

const LAST_ROUTE = `/s3/r${ROUTE_COUNT - 1}`;
const ROUTE_HEADER = `X-Route-${ROUTE_COUNT - 1}`;

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
    routes: 'basic',
    request: get('/items', ALLOWED_ORIGIN),
    variants: ['bare', 'enableCors', 'module'],
    comparisons: [
      { variant: 'module', baseline: 'bare', min: 0.97 },
      { variant: 'module', baseline: 'enableCors', min: 1 },
    ],
    expect: (v) => (v === 'bare' ? noCors : allowed(ALLOWED_ORIGIN)),
  },
  {
    id: 'S2',
    title: 'preflight PUT + content-type, allowed origin',
    routes: 'basic',
    request: preflight('/items'),
    variants: ['enableCors', 'module'],
    comparisons: [{ variant: 'module', baseline: 'enableCors', min: 1 }],
    expect: () => preflightAllowed(),
  },
  {
    id: 'S3-get',
    title: `GET ${LAST_ROUTE} of 1,000 routes with a policy each`,
    routes: 'many',
    request: get(LAST_ROUTE, ALLOWED_ORIGIN),
    variants: ['bare', 'module'],
    comparisons: [{ variant: 'module', baseline: 'bare', min: 0.95 }],
    expect: (v) =>
      v === 'bare'
        ? noCors
        : allowed(ALLOWED_ORIGIN, [...POLICY.exposedHeaders, ROUTE_HEADER]),
  },
  {
    id: 'S3-preflight',
    title: `preflight ${LAST_ROUTE} of 1,000 routes with a policy each`,
    routes: 'many',
    request: preflight(LAST_ROUTE),
    variants: ['enableCors', 'module'],
    comparisons: [{ variant: 'module', baseline: 'enableCors', min: 0.95 }],
    expect: (v) =>
      v === 'module'
        ? preflightAllowed([...POLICY.allowedHeaders, ROUTE_HEADER])
        : preflightAllowed(),
  },
  {
    id: 'S4',
    title: 'GET from a mid-list origin: 10,000 origins + 100 patterns vs 1',
    routes: 'basic',
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
    routes: 'basic',
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
    routes: 'basic',
    request: get('/items', DENIED_ORIGIN),
    variants: ['bare', 'enableCors', 'module'],
    comparisons: [
      { variant: 'module', baseline: 'bare' },
      { variant: 'module', baseline: 'enableCors' },
    ],
    expect: (v) => (v === 'bare' ? noCors : denied),
  },
];

/** The server the memory check sends requests with distinct origins to. */
export const MEMORY_SCENARIO: Scenario = {
  id: 'memory',
  title:
    'distinct origins against exact, subdomain, any-port and RegExp entries',
  routes: 'basic',
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
