/**
 * `npm run bench`: microbenchmarks of the core, a memory check, then HTTP scenarios, each
 * variant in its own server process, rounds alternating between variants.
 * Env: BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_WARMUP (2), BENCH_ONLY (comma-separated
 * ids among micro, memory, S1, S2, S3-get, S3-preflight, S4, S5, S6), BENCH_CPU_PROF (1).
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  CONNECTIONS,
  load,
  nextMessage,
  type Sample,
  startServer,
  stopServer,
  usage,
} from './load.js';
import type { MemoryResult } from './memory.js';
import { runMicrobenchmarks } from './micro.js';
import { distinctOrigin } from './policy.js';
import {
  MEMORY_SCENARIO,
  type Scenario,
  SCENARIOS,
  type Variant,
} from './scenarios.js';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROUNDS = env('BENCH_ROUNDS', 5);
const SECONDS = env('BENCH_SECONDS', 5);
const WARM_UP_SECONDS = env('BENCH_WARMUP', 2);
const ONLY = process.env.BENCH_ONLY?.split(',');
const selected = (id: string) => !ONLY || ONLY.includes(id);

const HEAP_BOUND = 10 * 1024 * 1024;
const HTTP_MEMORY_REQUESTS = 20_000;
const HTTP_MEMORY_WARM_UP = 2_000;
const RESULTS_FILE = new URL('../results.json', import.meta.url);

export interface ResultRow {
  scenario: string;
  variant: Variant;
  /** Medians over the rounds: requests per second, latency percentiles in ms. */
  medianRps: number;
  p50: number;
  p99: number;
  /** Median server CPU time per request, in µs. */
  cpuPerRequest: number;
  /** `medianRps` / the baseline's `medianRps`; `null` for rows that compare to nothing. */
  ratio: number | null;
  baseline: Variant | null;
  /** The baseline's CPU per request / this variant's: the ratio a CPU-bound server would reach. */
  cpuRatio: number | null;
  /** Lowest and highest of the per-round ratios, to show the noise. */
  roundRatios: [number, number] | null;
  target: number | null;
  status: 'PASS' | 'MISS' | null;
}

/** What was checked; a `hard` check that fails is a FAIL (exit code 1), any other a MISS. */
const targets: Array<{ what: string; ok: boolean; hard?: boolean }> = [];
const log = (line: string) => console.log(line);
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Prints rows under `head`; columns whose `align` letter is `r` are right-aligned. */
function printTable(head: string[], rows: string[][], align: string): void {
  const widths = head.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => row[c].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd();
  log(line(head));
  log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) log(line(row));
  log('');
}

async function micro(): Promise<void> {
  log('## Microbenchmarks (mitata, pure core from dist/core)\n');
  const results = await runMicrobenchmarks();
  printTable(
    ['benchmark', 'ops/s', 'µs/call', 'target'],
    results.map(
      ({ name, opsPerSecond, microsecondsPerCall, maxMicroseconds }) => {
        const ok = microsecondsPerCall < (maxMicroseconds ?? Infinity);
        if (maxMicroseconds) targets.push({ what: name, ok });
        return [
          name,
          count(opsPerSecond),
          microsecondsPerCall.toFixed(3),
          maxMicroseconds
            ? `< ${maxMicroseconds} µs ${ok ? 'PASS' : 'MISS'}`
            : '',
        ];
      },
    ),
    'lrrl',
  );
}

/** Heap growth over a million in-process decisions, and over HTTP requests to a server. */
async function memory(): Promise<void> {
  log('## Memory: requests with distinct random origins\n');
  const child = fork(new URL('./memory.js', import.meta.url), {
    execArgv: ['--expose-gc'],
  });
  const results = await nextMessage<MemoryResult[]>(child);
  const server = await startServer('module-mixed', MEMORY_SCENARIO.id);
  try {
    const { request } = MEMORY_SCENARIO;
    const origin = distinctOrigin;
    await load(server, request, { amount: HTTP_MEMORY_WARM_UP, origin });
    const before = await usage(server, 'heap');
    await load(server, request, {
      amount: HTTP_MEMORY_REQUESTS,
      origin: (i) => origin(HTTP_MEMORY_WARM_UP + i),
    });
    const after = await usage(server, 'heap');
    const name = 'HTTP GET /items, module server';
    results.push({ name, requests: HTTP_MEMORY_REQUESTS, before, after });
  } finally {
    await stopServer(server);
  }
  printTable(
    [
      'path',
      'requests',
      'heap before MB',
      'heap after MB',
      'growth MB',
      `growth < ${mb(HEAP_BOUND)} MB`,
    ],
    results.map(({ name, requests, before, after }) => {
      const ok = after - before < HEAP_BOUND;
      targets.push({ what: `memory: ${name}`, ok, hard: true });
      return [
        name,
        count(requests),
        mb(before),
        mb(after),
        mb(after - before),
        ok ? 'PASS' : 'FAIL',
      ];
    }),
    'lrrrrl',
  );
}

/** Each variant's samples, one a round. */
async function measureScenario(
  scenario: Scenario,
): Promise<Map<Variant, Sample[]>> {
  log(`${scenario.id}: ${scenario.title}`);
  const started = await Promise.allSettled(
    scenario.variants.map((variant) => startServer(variant, scenario.id)),
  );
  const servers = started.flatMap((s) =>
    s.status === 'fulfilled' ? [s.value] : [],
  );
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    log(`  start-up check passed: ${scenario.variants.join(', ')}`);
    for (const server of servers)
      await load(server, scenario.request, { seconds: WARM_UP_SECONDS });
    const samples = new Map<Variant, Sample[]>(
      servers.map((server) => [server.variant, []]),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? servers : [...servers].reverse();
      const done: string[] = [];
      for (const server of order) {
        const sample = await load(server, scenario.request, {
          seconds: SECONDS,
        });
        samples.get(server.variant)!.push(sample);
        done.push(`${server.variant} ${count(sample.rps)}`);
      }
      log(`  round ${round}/${ROUNDS}: ${done.join(', ')} req/s`);
    }
    return samples;
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

function rowsOf(
  scenario: Scenario,
  samples: Map<Variant, Sample[]>,
): ResultRow[] {
  const medianOf = (variant: Variant, key: keyof Sample) =>
    median(samples.get(variant)!.map((sample) => sample[key]));
  return scenario.variants.flatMap((variant) => {
    const row = {
      scenario: scenario.id,
      variant,
      medianRps: medianOf(variant, 'rps'),
      p50: medianOf(variant, 'p50'),
      p99: medianOf(variant, 'p99'),
      cpuPerRequest: medianOf(variant, 'cpu'),
    };
    const comparisons = scenario.comparisons.filter(
      (c) => c.variant === variant,
    );
    if (comparisons.length === 0) {
      const none = {
        ratio: null,
        baseline: null,
        cpuRatio: null,
        roundRatios: null,
      };
      return [{ ...row, ...none, target: null, status: null }];
    }
    return comparisons.map(({ baseline, min }): ResultRow => {
      const ratio = row.medianRps / medianOf(baseline, 'rps');
      const base = samples.get(baseline)!;
      const perRound = samples.get(variant)!.map((s, i) => s.rps / base[i].rps);
      const status = min === undefined ? null : ratio >= min ? 'PASS' : 'MISS';
      if (status) {
        const what = `${scenario.id} ${variant} ≥ ${min} × ${baseline}`;
        targets.push({ what, ok: status === 'PASS' });
      }
      return {
        ...row,
        ratio,
        baseline,
        cpuRatio: medianOf(baseline, 'cpu') / row.cpuPerRequest,
        roundRatios: [Math.min(...perRound), Math.max(...perRound)],
        target: min ?? null,
        status,
      };
    });
  });
}

async function http(): Promise<void> {
  const scenarios = SCENARIOS.filter((s) => selected(s.id));
  if (scenarios.length === 0) return;
  const servers = scenarios.reduce((n, s) => n + s.variants.length, 0);
  const minutes = (servers * (WARM_UP_SECONDS + ROUNDS * SECONDS)) / 60;
  log(
    `## HTTP: ${scenarios.length} scenarios, ${servers} servers, ${ROUNDS} rounds × ${SECONDS} s after ${WARM_UP_SECONDS} s of warm-up, ${CONNECTIONS} connections, pipelining 1: about ${minutes.toFixed(1)} min\n`,
  );
  const last: ResultRow[] = existsSync(RESULTS_FILE)
    ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8'))
    : [];
  const key = (r: ResultRow) => `${r.scenario} ${r.variant} ${r.baseline}`;
  const lastRatio = new Map(last.map((r) => [key(r), r.ratio]));
  const rows: ResultRow[] = [];
  for (const scenario of scenarios)
    rows.push(...rowsOf(scenario, await measureScenario(scenario)));
  log('');
  const ratio = (value: number | null | undefined) => value?.toFixed(3) ?? '';
  printTable(
    [
      'scenario',
      'variant',
      'req/s',
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      'vs',
      'ratio',
      'round ratios',
      'CPU ratio',
      'target',
      'status',
      'last ratio',
    ],
    rows.map((r) => [
      r.scenario,
      r.variant,
      count(r.medianRps),
      r.p50.toFixed(2),
      r.p99.toFixed(2),
      count(r.cpuPerRequest),
      r.baseline ?? '',
      ratio(r.ratio),
      r.roundRatios?.map((x) => x.toFixed(2)).join('–') ?? '',
      ratio(r.cpuRatio),
      r.target === null ? '' : `≥ ${r.target}`,
      r.status ?? '',
      ratio(lastRatio.get(key(r))),
    ]),
    'llrrrrlrrrlll',
  );
  const ran = new Set(scenarios.map((s) => s.id));
  const kept = last.filter((r) => !ran.has(r.scenario));
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify([...kept, ...rows], null, 2)}\n`,
  );
  log(`Wrote ${RESULTS_FILE.pathname}\n`);
}

const started = Date.now();
if (selected('micro')) await micro();
if (selected('memory')) await memory();
await http();
log('## Targets\n');
for (const { what, ok, hard } of targets)
  log(`${ok ? 'PASS' : hard ? 'FAIL' : 'MISS'}  ${what}`);
log(`\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (targets.some((t) => t.hard && !t.ok)) process.exitCode = 1;
