import { describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Express } from 'express';
import type { FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, ServerResponse } from 'node:http';
import {
  connect,
  createServer as createHttp2Server,
  Http2ServerResponse,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import {
  hookWriteHead,
  processWide,
  type WriteHead,
} from '../../src/nest/internals/node-response.js';
import { appOn } from './framework.js';
import { rawRequest } from '../support/requests.js';

/*
 * Canaries of src/nest/internals/node-response.ts: every response Node, Express and Fastify
 * send goes through the writeHead() of Node's response prototypes, which every realm of the
 * process shares.
 */

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { things: [] };
  }
  @Get('fails')
  fails() {
    throw new Error('fails');
  }
}

/** The calls of writeHead() on Node's prototypes while `run` runs: `h1 200`, `h2 404`… */
async function writeHeadCalls(run: () => Promise<void>): Promise<string[]> {
  const calls: string[] = [];
  const restore = hookWriteHead(
    (original) =>
      function (this: ServerResponse, statusCode, reason, headers) {
        calls.push(
          `${(this as unknown) instanceof Http2ServerResponse ? 'h2' : 'h1'} ${statusCode}`,
        );
        return original.call(this, statusCode, reason, headers);
      } satisfies WriteHead,
  );
  try {
    await run();
  } finally {
    restore();
  }
  return calls;
}

/** Sends GET `path` over HTTP/2 to `port`; resolves with the status. */
function http2Get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const request = session.request({ ':path': path });
    let status = 0;
    request.on('response', (headers) => (status = Number(headers[':status'])));
    request.resume();
    request.on('end', () => {
      session.close();
      resolve(status);
    });
    request.end();
  });
}

/** Listens on an ephemeral loopback port; resolves with it. */
function listen(server: {
  listen(port: number, host: string, done: () => void): unknown;
  address(): unknown;
}): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );
}

describe('hookWriteHead', () => {
  it("Node's HTTP/1 writeHeader() is writeHead(), both own properties of the prototype, and HTTP/2's response has a writeHead() of its own", () => {
    const prototype = ServerResponse.prototype;
    expect(Object.hasOwn(prototype, 'writeHead')).toBe(true);
    expect(Object.hasOwn(prototype, 'writeHeader')).toBe(true);
    const own = (name: string) =>
      Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
    expect(own('writeHeader')).toBe(own('writeHead'));
    expect(Object.hasOwn(Http2ServerResponse.prototype, 'writeHead')).toBe(
      true,
    );
  });

  it('Node sends the headers of every HTTP/1 response through writeHead(), however it is ended', async () => {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/end') res.end('body');
      else if (req.url === '/write-head') res.writeHead(201).end();
      else if (req.url === '/write-header') {
        // Node's alias of writeHead(), which its types leave out.
        (res as unknown as { writeHeader(status: number): void }).writeHeader(
          202,
        );
        res.end();
      } else if (req.url === '/write') {
        res.statusCode = 203;
        res.write('part');
        res.end();
      } else {
        res.statusCode = 204;
        res.flushHeaders();
        res.end();
      }
    });
    const port = await listen(server);
    const app = { getHttpServer: () => server, listen: () => undefined };
    try {
      const calls = await writeHeadCalls(async () => {
        for (const path of [
          '/end',
          '/write-head',
          '/write-header',
          '/write',
          '/flush',
        ])
          await rawRequest(app as unknown as INestApplication, 'GET', path, {
            Host: `127.0.0.1:${port}`,
          });
      });
      expect(calls).toEqual(['h1 200', 'h1 201', 'h1 202', 'h1 203', 'h1 204']);
    } finally {
      server.close();
    }
  });

  it("Express's res.send(), res.json(), res.sendStatus() and res.redirect(), and Nest's answers on Express, go through writeHead()", async () => {
    const app = await appOn(new ExpressAdapter(), [ThingsController], {
      configure: (app) => {
        const express = (
          app.getHttpAdapter() as ExpressAdapter
        ).getInstance<Express>();
        express.get('/send', (_req, res) => void res.status(201).send('sent'));
        express.get('/json', (_req, res) => void res.status(202).json({}));
        express.get('/status', (_req, res) => void res.sendStatus(204));
        express.get('/redirect', (_req, res) => res.redirect('/things'));
      },
    });
    try {
      const calls = await writeHeadCalls(async () => {
        for (const path of [
          '/send',
          '/json',
          '/status',
          '/redirect',
          '/things',
          '/things/fails',
          '/nowhere',
        ])
          await rawRequest(app, 'GET', path, { Host: 'localhost' });
      });
      expect(calls).toEqual([
        'h1 201',
        'h1 202',
        'h1 204',
        'h1 302',
        'h1 200',
        'h1 500',
        'h1 404',
      ]);
    } finally {
      await app.close();
    }
  });

  it("Fastify's reply.send(), its own errors, and Nest's answers on Fastify, go through writeHead()", async () => {
    const adapter = new FastifyAdapter();
    const app = await appOn(adapter, [ThingsController], {
      configure: () => {
        const fastify = adapter.getInstance<FastifyInstance>();
        fastify.get('/send', (_request, reply) => reply.code(201).send('sent'));
        fastify.get('/stream', (_request, reply) =>
          reply.code(202).send(Buffer.from('buffer')),
        );
      },
    });
    try {
      const calls = await writeHeadCalls(async () => {
        for (const path of [
          '/send',
          '/stream',
          '/things',
          '/things/fails',
          '/nowhere',
          '/%zz',
        ])
          await rawRequest(app, 'GET', path, { Host: 'localhost' });
      });
      expect(calls).toEqual([
        'h1 201',
        'h1 202',
        'h1 200',
        'h1 500',
        'h1 404',
        'h1 400',
      ]);
    } finally {
      await app.close();
    }
  });

  it("Node sends the headers of every HTTP/2 compatibility response through writeHead(), and Fastify's on HTTP/2", async () => {
    const server = createHttp2Server((req, res) => {
      if (req.url === '/end') res.end('body');
      else if (req.url === '/write-head') res.writeHead(201).end();
      else {
        res.statusCode = 203;
        res.write('part');
        res.end();
      }
    });
    const port = await listen(server);
    const adapter = new FastifyAdapter({ http2: true } as never);
    const app = await appOn(adapter, [ThingsController], { listen: true });
    const fastifyPort = (
      app.getHttpServer() as { address(): AddressInfo }
    ).address().port;
    try {
      const calls = await writeHeadCalls(async () => {
        for (const path of ['/end', '/write-head', '/write'])
          await http2Get(port, path);
        await http2Get(fastifyPort, '/things');
        await http2Get(fastifyPort, '/nowhere');
      });
      expect(calls).toEqual(['h2 200', 'h2 201', 'h2 203', 'h2 200', 'h2 404']);
    } finally {
      server.close();
      await app.close();
    }
  });
});

describe('processWide', () => {
  const KEY = Symbol.for('internals-spec:process-wide');

  it("Node's response prototype and the Symbol.for registry are the same in every realm: Jest's realm of this file, Node's own, a new one, another copy of the module", async () => {
    const record = processWide<{ value: number }>(KEY);
    record.set({ value: 1 });
    try {
      // The prototype is Node's, made in Node's own realm, not this file's.
      const getBuiltinModule = (
        process as unknown as {
          getBuiltinModule?: (name: string) => { ServerResponse: unknown };
        }
      ).getBuiltinModule;
      if (getBuiltinModule)
        expect(getBuiltinModule('node:http').ServerResponse).toBe(
          ServerResponse,
        );
      expect(ServerResponse.prototype instanceof Object).toBe(false);
      // A realm of its own reads it under the same key.
      expect(
        vm.runInNewContext(
          'prototype[Symbol.for("internals-spec:process-wide")]',
          {
            prototype: ServerResponse.prototype,
          },
        ),
      ).toEqual({ value: 1 });
      // So does another copy of the module.
      let seen: unknown;
      await jest.isolateModulesAsync(async () => {
        const copy = await import('../../src/nest/internals/node-response.js');
        expect(copy.processWide).not.toBe(processWide);
        seen = copy.processWide<{ value: number }>(KEY).get();
      });
      expect(seen).toEqual({ value: 1 });
    } finally {
      record.set(undefined);
    }
    expect(
      Object.getOwnPropertySymbols(ServerResponse.prototype),
    ).not.toContain(KEY);
  });
});
