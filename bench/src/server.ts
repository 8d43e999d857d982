/**
 * One benchmark server: `node server.js <variant> <scenario>`. Listens on an ephemeral port,
 * checks with one request of the scenario that the variant answers as it should, and sends
 * `{ port, problems }` to the parent. Then answers `heap` (bytes used after a full GC), `cpu`
 * (microseconds of CPU time used so far) and `stop`.
 */
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBenchApp, providerCalls } from './app.js';
import {
  type BenchRequest,
  findScenario,
  mismatches,
  type Variant,
} from './scenarios.js';

export type ServerMessage =
  | { type: 'ready'; port: number; problems: string[] }
  | { type: 'heap'; value: number }
  | { type: 'cpu'; value: number };

function send(
  port: number,
  { method, path, headers }: BenchRequest,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
}> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const reply = (message: ServerMessage) => process.send!(message);

const [variant, scenarioId] = process.argv.slice(2) as [Variant, string];
const scenario = findScenario(scenarioId);
const app = await createBenchApp(variant, scenario.routes, scenario.adapter);
await app.listen(0, '127.0.0.1');
const { port } = (app.getHttpServer() as Server).address() as AddressInfo;

const response = await send(port, scenario.request);
const problems = mismatches(
  scenario.expect(variant),
  response.status,
  response.headers,
);
if (variant === 'module-provider' && providerCalls.count === 0)
  problems.push('the policy provider was never asked');

process.on('message', (message) => {
  if (message === 'heap') {
    globalThis.gc!();
    globalThis.gc!();
    reply({ type: 'heap', value: process.memoryUsage().heapUsed });
  } else if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    reply({ type: 'cpu', value: user + system });
  } else if (message === 'stop') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready', port, problems });
