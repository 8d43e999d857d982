/**
 * In-process memory check, run with `--expose-gc`: a million decisions for distinct random
 * origins, through the core's `decide()` and through the module's deciders in a booted app.
 * Sends a `MemoryResult[]` to the parent.
 */
import { decide } from '../../dist/core/cors-decision.js';
import { CorsInstaller } from '../../dist/nest/cors-installer.js';
import { CorsRouting } from '../../dist/nest/cors-routing.js';
import { toCorsRequest } from '../../dist/nest/cors-request.js';
import { createBenchApp } from './app.js';
import { compile, noOriginFunction } from './core.js';
import { ALLOWED_ORIGIN, distinctOrigin, MIXED_POLICY } from './policy.js';

export interface MemoryResult {
  name: string;
  requests: number;
  /** Heap used after a full GC, in bytes. */
  before: number;
  after: number;
}

const REQUESTS = 1_000_000;
const WARM_UP = 20_000;

function heapUsed(): number {
  globalThis.gc!();
  globalThis.gc!();
  return process.memoryUsage().heapUsed;
}

function measure(name: string, call: (origin: string) => unknown) {
  for (let i = 0; i < WARM_UP; i++) call(distinctOrigin(i));
  const before = heapUsed();
  for (let i = 0; i < REQUESTS; i++) call(distinctOrigin(WARM_UP + i));
  return { name, requests: REQUESTS, before, after: heapUsed() };
}

const policy = compile(MIXED_POLICY);
const app = await createBenchApp('module-mixed', 0);
await app.init();
const routing = app.get(CorsRouting, { strict: false });
const installer = app.get(CorsInstaller, { strict: false });
const evaluate = (origin: string) => {
  const request = toCorsRequest('GET', '/items', { origin }, {});
  return routing
    .deciderOf(installer.routesOf('GET', '/items'), '/items')
    .decide({ request, ownMethod: false });
};
const check = evaluate(ALLOWED_ORIGIN);
if (check instanceof Promise || !check?.allowed) {
  throw new Error(
    'the module does not allow GET /items from the allowed origin',
  );
}

const results: MemoryResult[] = [
  measure('decide() (core)', (origin) =>
    decide(policy, { origin, preflight: false }, noOriginFunction),
  ),
  measure('route lookup + CorsDecider.decide()', evaluate),
];
await app.close();
process.send!(results);
