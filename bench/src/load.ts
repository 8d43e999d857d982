import autocannon from 'autocannon';
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { BenchRequest, Variant } from './scenarios.js';
import type { ServerMessage } from './server.js';

export const CONNECTIONS = 10;
const SERVER = new URL('./server.js', import.meta.url);
/**
 * `BENCH_CPU_PROF=1`: servers write a V8 CPU profile to `bench/profiles/` when stopped, and
 * beside it a `.json` of the `Served` requests, which `profile.js` divides by.
 */
const PROFILE_DIR = new URL('../profiles/', import.meta.url).pathname;

export interface Served {
  requests: number;
  /** Server CPU time over the loads, in µs. */
  cpu: number;
}

export interface Server {
  variant: Variant;
  port: number;
  child: ChildProcess;
  /** The profile's file name without its extension, when profiling. */
  profile: string | undefined;
  served: Served;
}

/** The next IPC message from `child`; rejects if it exits first. */
export function nextMessage<T = ServerMessage>(
  child: ChildProcess,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) =>
      reject(new Error(`child process exited with code ${code}`));
    child.once('exit', exited);
    child.once('message', (message) => {
      child.off('exit', exited);
      resolve(message as T);
    });
  });
}

/** Forks a server and fails unless its start-up check passed; `run` tells processes apart. */
export async function startServer(
  variant: Variant,
  scenarioId: string,
  run = 1,
): Promise<Server> {
  const profile = process.env.BENCH_CPU_PROF
    ? `${scenarioId}-${variant}-${run}`
    : undefined;
  const profiling = profile
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${PROFILE_DIR}`,
        `--cpu-prof-name=${profile}.cpuprofile`,
      ]
    : [];
  const child = fork(SERVER, [variant, scenarioId], {
    execArgv: ['--expose-gc', ...profiling],
  });
  const message = await nextMessage(child);
  if (message.type !== 'ready' || message.problems.length > 0) {
    child.kill();
    throw new Error(
      `${scenarioId}/${variant} does not behave as intended: ${message.type === 'ready' ? message.problems.join('; ') : message.type}`,
    );
  }
  const served = { requests: 0, cpu: 0 };
  return { variant, port: message.port, child, profile, served };
}

export async function stopServer({
  child,
  profile,
  served,
}: Server): Promise<void> {
  const exited = once(child, 'exit');
  child.send('stop');
  await exited;
  if (profile)
    writeFileSync(
      `${PROFILE_DIR}${profile}.json`,
      `${JSON.stringify(served, null, 2)}\n`,
    );
}

/** The server's heap used after a full GC (bytes), or CPU time used so far (µs). */
export async function usage(
  { child }: Server,
  type: 'heap' | 'cpu',
): Promise<number> {
  const reply = nextMessage(child);
  child.send(type);
  const message = await reply;
  if (message.type !== type) throw new Error(`unexpected ${message.type}`);
  return message.value;
}

export interface Sample {
  rps: number;
  /** Latency percentiles, in milliseconds. */
  p50: number;
  p99: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  cpu: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/**
 * Sends `request` for `seconds`, or `amount` times; `origin(i)`, when given, sets the
 * `Origin` of request `i`. Fails on any error, timeout or non-2xx response.
 */
export async function load(
  server: Server,
  request: BenchRequest,
  run: { seconds: number } | { amount: number; origin: (i: number) => string },
): Promise<Sample> {
  let i = 0;
  const cpuBefore = await usage(server, 'cpu');
  const instance = autocannon({
    url: `http://127.0.0.1:${server.port}${request.path}`,
    connections: CONNECTIONS,
    pipelining: 1,
    method: request.method,
    headers: request.headers,
    ...('seconds' in run
      ? { duration: run.seconds }
      : {
          amount: run.amount,
          requests: [
            {
              ...request,
              setupRequest: (req) => ({
                ...req,
                headers: { ...req.headers, origin: run.origin(i++) },
              }),
            },
          ],
        }),
  });
  const latencies: number[] = [];
  instance.on('response', (_client, _status, _bytes, time: number) =>
    latencies.push(time),
  );
  const result = await instance;
  const cpu = (await usage(server, 'cpu')) - cpuBefore;
  if (result.errors || result.timeouts || result.non2xx) {
    throw new Error(
      `${server.variant}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses`,
    );
  }
  latencies.sort((a, b) => a - b);
  server.served.requests += result.requests.total;
  server.served.cpu += cpu;
  return {
    rps: result.requests.total / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpu: cpu / result.requests.total,
  };
}
