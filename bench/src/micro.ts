import { do_not_optimize, measure } from 'mitata';
import { type CorsInput, decide } from '../../dist/core/cors-decision.js';
import { parseRequestHeaders } from '../../dist/core/request-headers.js';
import { isRequestOrigin } from '../../dist/core/request-origin.js';
import { CorsDecisionCache } from '../../dist/nest/cors-decision-cache.js';
import { compile, noOriginFunction } from './core.js';
import {
  ALLOWED_ORIGIN,
  BIG_ALLOWLIST,
  DENIED_ORIGIN,
  MID_ORIGIN,
  MIXED_POLICY,
  POLICY,
} from './policy.js';

export interface MicroResult {
  name: string;
  opsPerSecond: number;
  microsecondsPerCall: number;
  /** Most microseconds per call allowed, when there is a target. */
  maxMicroseconds?: number;
}

/** Adversarial `Access-Control-Request-Headers` must parse in less than this. */
const MAX_HEADER_MICROSECONDS = 50;

const ADVERSARIAL_HEADERS: Record<string, string> = {
  '15,000 commas': ','.repeat(15_000),
  '15,000 spaces': ' '.repeat(15_000),
  '1,500 names': Array.from(
    { length: 1_500 },
    (_, i) => `x-hdr-${String(i).padStart(4, '0')}`,
  ).join(','),
  '64 names of 250 characters': Array.from({ length: 64 }, (_, i) =>
    `x-${i}-`.padEnd(250, 'a'),
  ).join(','),
};

/** Request origins of each host form, all well-formed: what every request pays to validate. */
const ORIGIN_FORMS: Record<string, string> = {
  domain: 'https://app.example.com',
  'domain and port': 'http://localhost:5173',
  IPv4: 'http://127.0.0.1:8080',
  IPv6: 'http://[2001:db8::8a2e:370:7334]:8080',
  'Punycode label': 'https://xn--bcher-kva.example',
  '2 KB domain': `https://${'a'.repeat(2040)}`,
};

/** What any one-pass parser costs at least: reading each character once. */
function scan(value: string): number {
  let commas = 0;
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) === 0x2c) commas++;
  }
  return commas;
}

export async function runMicrobenchmarks(): Promise<MicroResult[]> {
  const mixed = compile(MIXED_POLICY);
  const matcher = mixed.matcher!;
  const bigList = compile({ ...POLICY, origin: BIG_ALLOWLIST }).matcher!;
  /** Far more distinct origins than a policy keeps decisions for, taken in turn. */
  const tenants = Array.from({ length: 1024 }, (_, i): CorsInput => ({
    origin: `https://t${i}.tenant.example.com`,
    preflight: false,
  }));
  let next = 0;
  const policy = compile(POLICY);
  const keptPolicy = new CorsDecisionCache(policy);
  const keptMixed = new CorsDecisionCache(mixed);
  const actual: CorsInput = { origin: ALLOWED_ORIGIN, preflight: false };
  const preflight: CorsInput = {
    origin: ALLOWED_ORIGIN,
    preflight: true,
    requestMethod: 'PUT',
    requestHeaders: 'content-type',
  };
  const origins = {
    exact: ALLOWED_ORIGIN,
    'subdomain wildcard': 'https://a.b.tenant.example.com',
    'any port': 'http://localhost:5173',
    regexp: 'https://pr-42.preview.example.dev',
    miss: DENIED_ORIGIN,
  };
  for (const [kind, origin] of Object.entries(ORIGIN_FORMS)) {
    if (!isRequestOrigin(origin))
      throw new Error(`validate origin: ${kind} is refused`);
  }
  for (const [kind, origin] of Object.entries(origins)) {
    if (matcher.matches(origin) !== (kind !== 'miss'))
      throw new Error(`origin match: ${kind} gives the wrong answer`);
  }
  if (!bigList.matches(MID_ORIGIN))
    throw new Error('origin match: the big list refuses its middle origin');
  for (const [checked, input] of [
    [policy, actual],
    [policy, preflight],
    [mixed, tenants[0]!],
  ] as const) {
    const decision = decide(checked, input, noOriginFunction);
    if (decision instanceof Promise || !decision.allowed)
      throw new Error(`decide() denies ${JSON.stringify(input)}`);
  }
  const cases: Array<[string, () => unknown, number?]> = [
    ...Object.entries(origins).map(
      ([kind, origin]): [string, () => unknown] => [
        `origin match: ${kind}`,
        () => matcher.matches(origin),
      ],
    ),
    [
      'origin match: the middle one of 10,000 exact origins and 100 wildcards',
      () => bigList.matches(MID_ORIGIN),
    ],
    ...Object.entries(ORIGIN_FORMS).map(
      ([kind, origin]): [string, () => unknown] => [
        `validate origin: ${kind}`,
        () => isRequestOrigin(origin),
      ],
    ),
    ...Object.entries({
      'content-type,authorization': 'content-type,authorization',
      'Content-Type, Authorization, X-Requested-With':
        'Content-Type, Authorization, X-Requested-With',
    }).map(([label, value]): [string, () => unknown] => [
      `parse request headers: ${label}`,
      () => parseRequestHeaders(value),
    ]),
    ...Object.entries(ADVERSARIAL_HEADERS).map(
      ([label, value]): [string, () => unknown, number] => [
        `parse request headers: ${label}, ${(value.length / 1024).toFixed(1)} KB`,
        () => parseRequestHeaders(value),
        MAX_HEADER_MICROSECONDS,
      ],
    ),
    [
      'reference: a bare charCodeAt loop over the 1,500 names',
      () => scan(ADVERSARIAL_HEADERS['1,500 names']!),
    ],
    ['decide: actual GET', () => decide(policy, actual, noOriginFunction)],
    ['kept decisions: actual GET', () => keptPolicy.decide(actual.origin)],
    [
      'kept decisions: actual GET, a tenant origin the policy has decided for',
      () => keptMixed.decide(tenants[0]!.origin),
    ],
    [
      'kept decisions: actual GET, a tenant origin the policy has not kept',
      () => keptMixed.decide(tenants[next++ % tenants.length]!.origin),
    ],
    [
      'decide: preflight PUT',
      () => decide(policy, preflight, noOriginFunction),
    ],
  ];
  const results: MicroResult[] = [];
  for (const [name, fn, maxMicroseconds] of cases) {
    const { avg } = await measure(() => do_not_optimize(fn()));
    results.push({
      name,
      opsPerSecond: 1e9 / avg,
      microsecondsPerCall: avg / 1e3,
      maxMicroseconds,
    });
  }
  return results;
}
