/**
 * `npm run bench:instr [-- --write]`: instructions per request, counted by callgrind, for
 * each scenario of `instr-scenarios.ts` in four apps: bare, the floor (the module's headers
 * set by a plain hook), `app.enableCors()` and the module.
 *
 * Each server runs under `valgrind --tool=callgrind --instr-atstart=no`, so start-up and
 * warm-up run uninstrumented. This process sends it requests over loopback, one at a time on
 * one keep-alive connection: a warm-up, then windows of requests, each counted between
 * `callgrind_control -i on` and `-i off` (all threads) and read from a `callgrind_control -d`
 * dump. A window's count now and then includes a garbage collection or a timer the others
 * miss, so each app's figure is its lowest window.
 *
 * The gate: the module's extra over bare in each scenario (for a preflight, which the module
 * answers itself while bare answers 404 through Nest's exception path, the module's own count)
 * is compared with bench/instructions.json's, and the run fails when it has grown by more than
 * `GATE` allows. `--write` makes this run's counts that baseline instead. Targets are printed;
 * one the baseline meets by more than `GATE` fails the run when missed by more than `GATE`.
 * Env: INSTR_ONLY (ids, comma-separated), INSTR_WARMUP, INSTR_REQUESTS (per window; both
 * override the scenario's), INSTR_WINDOWS (6), INSTR_JOBS (servers at once; 2), INSTR_KEEP=1
 * (keep the dumps, for `callgrind_annotate`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { format } from 'prettier';
import {
  type InstrApp,
  INSTR_APPS,
  INSTR_SCENARIOS,
  type InstrScenario,
} from './instr-scenarios.js';
import { type BenchRequest, mismatches } from './scenarios.js';

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
};
const optional = (name: string) =>
  process.env[name] === undefined ? undefined : env(name, 0);
const WARM_UP = optional('INSTR_WARMUP');
const WINDOWS = env('INSTR_WINDOWS', 6);
const REQUESTS = optional('INSTR_REQUESTS');
const JOBS = env('INSTR_JOBS', 2);
const ONLY = process.env.INSTR_ONLY?.split(',');
const WRITE = process.argv.includes('--write');

/**
 * How far the gated figure may grow above the baseline's before the run fails, in
 * instructions per request: `absolute`, or `relative` × the scenario's bare count (a
 * preflight: the module's own) where that is more: 6.1 K in S1, 14 K in S3, 3 K elsewhere.
 * On the same code with these Node flags, the module's extra moved within 2.5 K in S1 and
 * 2.8 K in S3 over 11 runs (each process's Express counts sit up to 2 K apart), within 0.3 K
 * in S7 and a preflight's count within 0.3 K over 8: the allowance is at least twice that.
 */
const GATE = { absolute: 3000, relative: 0.01 };
/**
 * Targets: the module's extra over bare at most `floor` × the floor's; a preflight's count at
 * most `preflight` × `enableCors()`'s.
 */
const TARGET = { floor: 1.1, preflight: 0.25 };

/**
 * V8 compiles and collects garbage on the main thread only, at points set by what it runs
 * rather than by threads' timing; marking is not spread over the windows; a 64 MB new space
 * is scavenged every few windows, not in each; fixed seeds for V8's hashes and address hints,
 * which otherwise move a process's counts by a few thousand instructions.
 */
const NODE_FLAGS = [
  '--single-threaded',
  '--no-incremental-marking',
  '--no-memory-reducer',
  '--max-semi-space-size=64',
  '--random-seed=1',
  '--hash-seed=1',
];
const VALGRIND_FLAGS = ['--tool=callgrind', '--instr-atstart=no', '-q'];
const SERVER = new URL('./instr-server.js', import.meta.url).pathname;
const BASELINE_FILE = new URL('../instructions.json', import.meta.url);
const START_TIMEOUT_MS = 600_000;

const run = promisify(execFile);
/** The servers running, stopped if this process exits early. */
const servers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of servers) child.kill();
});
const log = (line: string) => console.log(line);
const k = (value: number) => (value / 1000).toFixed(1);
const signedK = (value: number) => `${value < 0 ? '' : '+'}${k(value)}`;

interface Count {
  /** Instructions per request in each window, in order. */
  windows: number[];
  /** The lowest window: the app's figure. */
  perRequest: number;
}

interface Counted {
  warmUp: number;
  windows: number;
  requests: number;
  apps: Record<InstrApp, Count>;
}

interface Baseline {
  date: string;
  machine: string;
  node: string;
  valgrind: string;
  nodeFlags: string[];
  gate: typeof GATE;
  /** Instructions per request, by scenario and app, and how they were counted. */
  scenarios: Record<string, Counted>;
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

function send(
  agent: Agent,
  port: number,
  { method, path, headers }: BenchRequest,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    httpRequest(
      { agent, host: '127.0.0.1', port, method, path, headers },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers }),
        );
      },
    )
      .on('error', reject)
      .end();
  });
}

/** The response's `access-control-*` and `vary` headers. */
const corsHeaders = ({ headers }: Response) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** What is wrong with `app`'s answer to the scenario's request. */
function problemsOf(
  { scenario }: InstrScenario,
  app: InstrApp,
  response: Response,
): string[] {
  const expected = scenario.expect('module');
  switch (app) {
    case 'module':
    case 'floor':
      return mismatches(expected, response.status, response.headers);
    case 'enableCors': {
      const origin = expected.headers['access-control-allow-origin'];
      const got = response.headers['access-control-allow-origin'];
      return response.status === expected.status && got === origin
        ? []
        : [`status ${response.status}, allow-origin ${String(got)}`];
    }
    case 'bare':
      return response.headers['access-control-allow-origin'] === undefined
        ? []
        : ['bare sends access-control-allow-origin'];
  }
}

const settingsOf = (target: InstrScenario) => ({
  warmUp: WARM_UP ?? target.warmUp,
  windows: WINDOWS,
  requests: REQUESTS ?? target.requests,
});

/** Runs `app` for `target` under callgrind and counts its windows. */
async function count(
  target: InstrScenario,
  app: InstrApp,
): Promise<{ count: Count; response: Response; seconds: number[] }> {
  const begun = Date.now();
  const dir = mkdtempSync(join(os.tmpdir(), 'instr-'));
  const child = spawn(
    'valgrind',
    [
      ...VALGRIND_FLAGS,
      `--callgrind-out-file=${dir}/callgrind.%p`,
      process.execPath,
      ...NODE_FLAGS,
      SERVER,
      app,
      target.scenario.id,
      target.adapter,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  servers.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const control = (...args: string[]) =>
    run('callgrind_control', [...args, String(child.pid)]);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error('no port after 10 minutes')),
        START_TIMEOUT_MS,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (!line) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      });
      void exited.then(([code]) => {
        clearTimeout(timer);
        reject(new Error(`exited with code ${String(code)}: ${stderr}`));
      });
    });
    const startedUp = Date.now();
    const { request } = target.scenario;
    const response = await send(agent, port, request);
    const problems = problemsOf(target, app, response);
    if (problems.length > 0)
      throw new Error(`unexpected answer: ${problems.join('; ')}`);
    const load = async (amount: number) => {
      for (let i = 0; i < amount; i++) {
        const { status } = await send(agent, port, request);
        if (status !== response.status) throw new Error(`status ${status}`);
      }
    };
    const { warmUp, requests } = settingsOf(target);
    await load(warmUp);
    const warmedUp = Date.now();
    const windows: number[] = [];
    for (let window = 1; window <= WINDOWS; window++) {
      await control('-i', 'on');
      await load(requests);
      await control('-i', 'off');
      await control('-d');
      const dump = readFileSync(
        `${dir}/callgrind.${child.pid}.${window}`,
        'utf8',
      );
      const totals = /^totals:\s*(\d+)/m.exec(dump);
      if (!totals) throw new Error(`no totals in dump ${window}`);
      windows.push(Math.round(Number(totals[1]) / requests));
    }
    const phases = [begun, startedUp, warmedUp, Date.now()];
    const seconds = phases.slice(1).map((t, i) => (t - phases[i]!) / 1000);
    return {
      count: { windows, perRequest: Math.min(...windows) },
      response,
      seconds,
    };
  } catch (error) {
    throw new Error(
      `${target.id} ${app}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    agent.destroy();
    if (child.exitCode === null) child.kill();
    await exited;
    servers.delete(child);
    if (process.env.INSTR_KEEP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `tasks` `JOBS` at a time, in order. */
async function pool<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  return results;
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => row[c]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!),
      )
      .join('  ')
      .trimEnd();
  log(line(head));
  log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) log(line(row));
  log('');
}

const started = Date.now();
const scenarios = INSTR_SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.id));
const baseline = existsSync(BASELINE_FILE)
  ? (JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline)
  : undefined;
log(
  `## Instructions per request (callgrind): ${scenarios.length} scenarios × ${INSTR_APPS.length} apps, ${JOBS} servers at a time, each the lowest of ${WINDOWS} windows after a warm-up\n`,
);
if (baseline && baseline.node !== process.version)
  log(
    `The baseline was counted on Node ${baseline.node}, this run is on ${process.version}.\n`,
  );

// The scenarios with most routes start first: their servers take longest.
const jobs = [...scenarios]
  .sort((a, b) => b.scenario.routes - a.scenario.routes)
  .flatMap((target) =>
    INSTR_APPS.map((app) => async () => {
      const result = await count(target, app);
      const windows = result.count.windows.map(k).join(' ');
      const [start, warmUp, counted] = result.seconds.map((s) => s.toFixed(0));
      log(
        `  ${target.id} ${app}: ${windows} K (start ${start} s, warm-up ${warmUp} s, windows ${counted} s)`,
      );
      return { target, app, ...result };
    }),
  );
const results = await pool(jobs).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
log('');

const counts: Record<string, Counted> = {};
for (const target of scenarios) {
  const apps = {} as Record<InstrApp, Count>;
  for (const r of results) if (r.target === target) apps[r.app] = r.count;
  counts[target.id] = { ...settingsOf(target), apps };
}

// The floor must send the module's CORS headers.
const failures: string[] = [];
for (const target of scenarios) {
  const of = (app: InstrApp) =>
    results.find((r) => r.target === target && r.app === app)!.response;
  const floor = JSON.stringify(corsHeaders(of('floor')));
  const module = JSON.stringify(corsHeaders(of('module')));
  if (floor !== module || of('floor').status !== of('module').status)
    failures.push(
      `${target.id}: the floor sends ${floor}, the module ${module}`,
    );
}

const rows: string[][] = [];
for (const target of scenarios) {
  const { apps } = counts[target.id]!;
  for (const app of INSTR_APPS) {
    const { perRequest, windows } = apps[app];
    const last = baseline?.scenarios[target.id]?.apps[app];
    rows.push([
      app === 'bare' ? `${target.id} ${target.adapter}` : '',
      app,
      k(perRequest),
      app === 'bare' ? '' : signedK(perRequest - apps.bare.perRequest),
      `${k(Math.min(...windows))} – ${k(Math.max(...windows))}`,
      last ? k(last.perRequest) : '',
    ]);
  }
}
printTable(
  ['scenario', 'app', 'K instr/req', 'extra K', 'windows K', 'baseline K'],
  rows,
);

const preflight = (target: InstrScenario) =>
  target.scenario.request.method === 'OPTIONS';
const extra = (apps: Record<InstrApp, Count>, app: InstrApp) =>
  apps[app].perRequest - apps.bare.perRequest;
/** What the gate compares: the module's extra over bare, or a preflight's own count. */
const gated = (target: InstrScenario, apps: Record<InstrApp, Count>) =>
  preflight(target) ? apps.module.perRequest : extra(apps, 'module');
/**
 * How far the gated figure, or a target's, may be off before the run fails: `GATE` against
 * the count the noise grows with, bare's (a preflight: the module's own).
 */
const allowance = (target: InstrScenario, apps: Record<InstrApp, Count>) =>
  Math.max(
    GATE.absolute,
    GATE.relative * apps[preflight(target) ? 'module' : 'bare'].perRequest,
  );
/** A preflight's count, or an extra with its sign. */
const figure = (target: InstrScenario, value: number) =>
  preflight(target) ? k(value) : signedK(value);

log(
  `## Gate: the module's extra over bare (a preflight: its count) against bench/instructions.json, at most +${k(GATE.absolute)} K or ${100 * GATE.relative}% of bare's count (a preflight: its own) more\n`,
);
if (!baseline) log('No baseline yet.');
for (const target of scenarios) {
  const before = baseline?.scenarios[target.id]?.apps;
  if (!before) continue;
  const { apps } = counts[target.id]!;
  const allowed = allowance(target, before);
  const [now, then] = [gated(target, apps), gated(target, before)];
  const ok = now - then <= allowed;
  const what = preflight(target) ? 'preflight' : 'module extra';
  log(
    `${ok ? 'PASS' : 'FAIL'}  ${target.id}: ${what} ${figure(target, now)} K, baseline ${figure(target, then)} K (${signedK(now - then)} K; at most +${k(allowed)} K)`,
  );
  if (!ok && !WRITE)
    failures.push(`${target.id}: ${what} grew by ${k(now - then)} K`);
}

log(
  `\n## Targets: module extra ≤ ${TARGET.floor} × the floor's; preflight ≤ ${TARGET.preflight} × enableCors()'s count\n`,
);
for (const target of scenarios) {
  // The target as `value ≤ bound`, now and in the baseline.
  const targetOf = (apps: Record<InstrApp, Count>) =>
    preflight(target)
      ? {
          value: apps.module.perRequest,
          bound: TARGET.preflight * apps.enableCors.perRequest,
        }
      : {
          value: extra(apps, 'module'),
          bound: TARGET.floor * extra(apps, 'floor'),
        };
  const { apps } = counts[target.id]!;
  const { value, bound } = targetOf(apps);
  const before = baseline?.scenarios[target.id]?.apps;
  const allowed = allowance(target, before ?? apps);
  // Gating only where the baseline meets the target with a margin larger than the noise.
  const then = before && targetOf(before);
  const gating = !!then && then.value + allowed <= then.bound;
  const met = value <= bound;
  const failed = gating && value > bound + allowed;
  log(
    `${met ? 'MET ' : failed ? 'FAIL' : 'MISS'}  ${target.id}: ${preflight(target) ? 'preflight' : 'module extra'} ${figure(target, value)} K ≤ ${figure(target, bound)} K${gating ? ' (gating: the baseline meets it by more than the allowance)' : ''}`,
  );
  if (failed && !WRITE)
    failures.push(`${target.id}: target missed by ${k(value - bound)} K`);
}

if (WRITE && failures.length === 0) {
  const valgrind = (await run('valgrind', ['--version'])).stdout.trim();
  const written: Baseline = {
    date: new Date(started).toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.platform()} ${os.release()}`,
    node: process.version,
    valgrind,
    nodeFlags: NODE_FLAGS,
    gate: GATE,
    scenarios: { ...baseline?.scenarios, ...counts },
  };
  // Formatted as `prettier --check` wants it.
  const json = await format(JSON.stringify(written), { parser: 'json' });
  writeFileSync(BASELINE_FILE, json);
  log(`\nWrote ${BASELINE_FILE.pathname}`);
}

for (const failure of failures) log(`\nFAIL  ${failure}`);
log(`\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) process.exitCode = 1;
