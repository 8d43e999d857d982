/**
 * One server for `instr.ts`, meant to run under callgrind: `node instr-server.js <app>
 * <scenario> <adapter>`. `<app>` is one of `bare`, `enableCors` and `module` (the CPU bench's
 * apps, from `app.ts`), or `floor`: the bare app with one plain Express middleware or Fastify
 * `onRequest` hook that sets the fixed CORS headers the module sends for the scenario's
 * request (for a preflight, answers 204 with them), deciding nothing. Prints one JSON line,
 * `{"port":…}`, once it listens; stopped with a signal.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBenchApp } from './app.js';
import { floorHeaders, type InstrApp } from './instr-scenarios.js';
import { type Adapter, findScenario } from './scenarios.js';

const [app, scenarioId, adapter] = process.argv.slice(2) as [
  InstrApp,
  string,
  Adapter,
];
const scenario = findScenario(scenarioId);
const nest = await createBenchApp(
  app === 'floor' ? 'bare' : app,
  scenario.routes,
  adapter,
);

if (app === 'floor') {
  const headers = Object.entries(floorHeaders(scenario));
  const preflight = scenario.request.method === 'OPTIONS';
  if (adapter === 'express') {
    nest.use((_request: Request, response: Response, next: NextFunction) => {
      for (const [name, value] of headers) response.setHeader(name, value);
      if (!preflight) return next();
      response.statusCode = 204;
      response.end();
    });
  } else {
    const fastify = (nest as NestFastifyApplication)
      .getHttpAdapter()
      .getInstance();
    fastify.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.header(name, value);
      if (!preflight) return done();
      void reply.code(204).send();
    });
  }
}

await nest.listen(0, '127.0.0.1');
const { port } = (nest.getHttpServer() as Server).address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ port })}\n`);
