/**
 * `npm run bench`: microbenchmarks of the core, a memory check, then HTTP scenarios. Each
 * variant runs in several fresh server processes one after another; in each, rounds alternate
 * between the variants, and the server reports the CPU time it spent over each round.
 * Env: BENCH_PROCESSES (5), BENCH_ROUNDS (3), BENCH_SECONDS (3), BENCH_WARMUP (2),
 * BENCH_ONLY (comma-separated ids among micro, memory, S1, S2, S3-get-10, S3-get,
 * S3-preflight, S4, S5, S6, S7, S8), BENCH_CPU_PROF (1).
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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
import { distinctOrigin, FEW_ROUTES, ROUTE_COUNT } from './policy.js';
import {
  type Adapter,
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
const PROCESSES = env('BENCH_PROCESSES', 5);
const ROUNDS = env('BENCH_ROUNDS', 3);
const SECONDS = env('BENCH_SECONDS', 3);
const WARM_UP_SECONDS = env('BENCH_WARMUP', 2);
const ONLY = process.env.BENCH_ONLY?.split(',');
const selected = (id: string) => !ONLY || ONLY.includes(id);

const HEAP_BOUND = 10 * 1024 * 1024;
const HTTP_MEMORY_REQUESTS = 20_000;
const HTTP_MEMORY_WARM_UP = 2_000;
const RESULTS_FILE = new URL('../results.json', import.meta.url);

/** The median of per-round values, and the lowest and highest. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface ResultRow {
  scenario: string;
  adapter: Adapter;
  variant: Variant;
  /** When the run that measured this row started. */
  date: string;
  /** Medians over all rounds: requests per second, latency percentiles in ms. */
  medianRps: number;
  p50: number;
  p99: number;
  /** Median server CPU time per request, in µs. */
  cpuPerRequest: number;
  /** What the figures below compare with; `null` for rows that compare to nothing. */
  baseline: Variant | null;
  /** Per round: this variant's CPU µs per request minus the baseline's. */
  extra: Spread | null;
  /** Per round: the baseline's CPU per request / this variant's (higher is better). */
  cpuRatio: Spread | null;
  /** Per round: this variant's requests per second / the baseline's. */
  rpsRatio: Spread | null;
  /** The least `cpuRatio.median` should be. */
  target: number | null;
  status: 'PASS' | 'MISS' | null;
}

export interface Results {
  /** When the last run started. */
  date: string;
  machine: string;
  /** The 1-minute load average when the HTTP scenarios started and when they ended. */
  loadAverage: [number, number];
  settings: {
    processes: number;
    rounds: number;
    seconds: number;
    warmUpSeconds: number;
    connections: number;
  };
  /** This run's rows, and those of earlier runs for the scenarios it did not run. */
  rows: ResultRow[];
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
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Prints rows under `head`; columns whose `align` letter is `r` are right-aligned. */
function printTable(head: string[], rows: string[][], align: string): void {
  const widths = head.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => row[c]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        align[c] === 'r' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
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
  await heapPerRoute();
}

/**
 * What the module holds for each route with a policy of its own once the app has started: the
 * module's heap over bare at 1,000 routes, less the same at 10, over the 990 routes between.
 */
async function heapPerRoute(): Promise<void> {
  const heap = async (variant: Variant, scenarioId: string) => {
    const server = await startServer(variant, scenarioId);
    try {
      return await usage(server, 'heap');
    } finally {
      await stopServer(server);
    }
  };
  const held = async (scenarioId: string) =>
    (await heap('module', scenarioId)) - (await heap('bare', scenarioId));
  const perRoute =
    ((await held('S3-get')) - (await held('S3-get-10'))) /
    (ROUTE_COUNT - FEW_ROUTES);
  log(
    `Heap the module holds per Express route with its own policy (GET and PUT; S3 at ${count(ROUTE_COUNT)} routes against ${FEW_ROUTES}, module app − bare app after start-up): ${(perRoute / 1024).toFixed(2)} KB\n`,
  );
}

/** Each variant's samples, one a round, in the same order for every variant. */
async function measureScenario(
  scenario: Scenario,
): Promise<Map<Variant, Sample[]>> {
  log(`${scenario.id} (${scenario.adapter}): ${scenario.title}`);
  const samples = new Map<Variant, Sample[]>(
    scenario.variants.map((variant) => [variant, []]),
  );
  for (let run = 1; run <= PROCESSES; run++) {
    const started = await Promise.allSettled(
      scenario.variants.map((variant) =>
        startServer(variant, scenario.id, run),
      ),
    );
    const servers = started.flatMap((s) =>
      s.status === 'fulfilled' ? [s.value] : [],
    );
    try {
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      for (const server of servers)
        await load(server, scenario.request, { seconds: WARM_UP_SECONDS });
      for (let round = 1; round <= ROUNDS; round++) {
        const order = (run + round) % 2 ? [...servers].reverse() : servers;
        const done: string[] = [];
        for (const server of order) {
          const sample = await load(server, scenario.request, {
            seconds: SECONDS,
          });
          samples.get(server.variant)!.push(sample);
          done.push(`${server.variant} ${sample.cpu.toFixed(1)}`);
        }
        log(
          `  process ${run}/${PROCESSES}, round ${round}/${ROUNDS}: ${done.join(', ')} µs/req`,
        );
      }
    } finally {
      await Promise.all(servers.map(stopServer));
    }
  }
  return samples;
}

/** Median, lowest and highest of `values`. */
function spread(values: number[]): Spread {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

function rowsOf(
  scenario: Scenario,
  samples: Map<Variant, Sample[]>,
  date: string,
): ResultRow[] {
  const of = (variant: Variant) => samples.get(variant)!;
  const medianOf = (variant: Variant, key: keyof Sample) =>
    median(of(variant).map((sample) => sample[key]));
  return scenario.variants.flatMap((variant) => {
    const row = {
      scenario: scenario.id,
      adapter: scenario.adapter,
      variant,
      date,
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
        baseline: null,
        extra: null,
        cpuRatio: null,
        rpsRatio: null,
        target: null,
        status: null,
      };
      return [{ ...row, ...none }];
    }
    return comparisons.map(({ baseline, min }): ResultRow => {
      const base = of(baseline);
      const rounds = of(variant);
      const cpuRatio = spread(rounds.map((s, i) => base[i]!.cpu / s.cpu));
      const status =
        min === undefined ? null : cpuRatio.median >= min ? 'PASS' : 'MISS';
      if (status) {
        const what = `${scenario.id} ${variant} CPU/req ≥ ${min} × ${baseline} (${cpuRatio.median.toFixed(3)})`;
        targets.push({ what, ok: status === 'PASS' });
      }
      return {
        ...row,
        baseline,
        extra: spread(rounds.map((s, i) => s.cpu - base[i]!.cpu)),
        cpuRatio,
        rpsRatio: spread(rounds.map((s, i) => s.rps / base[i]!.rps)),
        target: min ?? null,
        status,
      };
    });
  });
}

/** Targets on how the extra µs of one scenario compare with another's. */
function checkSameExtra(rows: ResultRow[]): void {
  const find = (scenario: string, variant: Variant, baseline: Variant) =>
    rows.find(
      (r) =>
        r.scenario === scenario &&
        r.variant === variant &&
        r.baseline === baseline,
    );
  for (const scenario of SCENARIOS) {
    for (const { variant, baseline, sameExtraAs } of scenario.comparisons) {
      if (!sameExtraAs) continue;
      const row = find(scenario.id, variant, baseline);
      const reference = find(sameExtraAs.scenario, variant, baseline);
      if (!row?.extra || !reference?.extra) continue;
      const baselineCpu = rows.find(
        (r) => r.scenario === sameExtraAs.scenario && r.variant === baseline,
      )!.cpuPerRequest;
      const { fraction, floor } = sameExtraAs;
      const extra = row.extra.median;
      const bound = Math.max(
        fraction * Math.abs(reference.extra.median),
        floor * baselineCpu,
      );
      targets.push({
        what: `${scenario.id} ${variant} extra µs at most ${100 * fraction}% of ${sameExtraAs.scenario}'s above it, or ${100 * floor}% of its ${baseline} CPU/req (${extra.toFixed(1)} vs ${reference.extra.median.toFixed(1)} + ${bound.toFixed(1)})`,
        ok: extra - reference.extra.median <= bound,
      });
    }
  }
}

async function http(): Promise<void> {
  const scenarios = SCENARIOS.filter((s) => selected(s.id));
  if (scenarios.length === 0) return;
  const servers = scenarios.reduce((n, s) => n + s.variants.length, 0);
  const minutes =
    (PROCESSES * servers * (WARM_UP_SECONDS + ROUNDS * SECONDS)) / 60;
  log(
    `## HTTP: ${scenarios.length} scenarios, ${servers} variants × ${PROCESSES} fresh processes, each ${ROUNDS} rounds × ${SECONDS} s after ${WARM_UP_SECONDS} s of warm-up, ${CONNECTIONS} connections, pipelining 1: about ${minutes.toFixed(1)} min\n`,
  );
  const last = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results)
    : undefined;
  const key = (r: ResultRow) => `${r.scenario} ${r.variant} ${r.baseline}`;
  const lastRatio = new Map(
    (last?.rows ?? []).map((r) => [key(r), r.cpuRatio?.median]),
  );
  const date = new Date().toISOString();
  const loadBefore = os.loadavg()[0]!;
  const rows: ResultRow[] = [];
  for (const scenario of scenarios)
    rows.push(...rowsOf(scenario, await measureScenario(scenario), date));
  checkSameExtra(rows);
  log('');
  const fixed = (digits: number) => (value: number) => value.toFixed(digits);
  const range = (value: Spread | null, show: (x: number) => string) =>
    value ? `${show(value.min)} – ${show(value.max)}` : '';
  printTable(
    [
      'scenario',
      'variant',
      'req/s',
      'p99 ms',
      'CPU µs/req',
      'vs',
      'extra µs',
      'extra range',
      'CPU ratio',
      'CPU ratio range',
      'req/s ratio',
      'target',
      'status',
      'last CPU ratio',
    ],
    rows.map((r) => [
      `${r.scenario} ${r.adapter}`,
      r.variant,
      count(r.medianRps),
      r.p99.toFixed(2),
      r.cpuPerRequest.toFixed(1),
      r.baseline ?? '',
      r.extra ? fixed(1)(r.extra.median) : '',
      range(r.extra, fixed(1)),
      r.cpuRatio ? fixed(3)(r.cpuRatio.median) : '',
      range(r.cpuRatio, fixed(2)),
      r.rpsRatio ? fixed(3)(r.rpsRatio.median) : '',
      r.target === null ? '' : `≥ ${r.target}`,
      r.status ?? '',
      lastRatio.get(key(r))?.toFixed(3) ?? '',
    ]),
    'llrrrlrrrrrlll',
  );
  const ran = new Set(scenarios.map((s) => s.id));
  const results: Results = {
    date,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.platform()} ${os.release()}, Node ${process.version}`,
    loadAverage: [loadBefore, os.loadavg()[0]!],
    settings: {
      processes: PROCESSES,
      rounds: ROUNDS,
      seconds: SECONDS,
      warmUpSeconds: WARM_UP_SECONDS,
      connections: CONNECTIONS,
    },
    rows: [...(last?.rows ?? []).filter((r) => !ran.has(r.scenario)), ...rows],
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
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
