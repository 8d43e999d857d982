import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Express } from 'express';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import request from 'supertest';
import { CorsModule } from '../../src/index.js';
import { allows, expectAnswer } from '../support/answers.js';
import { http } from '../support/requests.js';
import { createTestApp } from '../support/test-app.js';

/*
 * Raw routes that write their headers with Node's writeHead(), in each of its forms, CORS
 * headers of their own included: the module's decision replaces those, and the rest goes out
 * as Node would send it. Other HTTP servers of the process are left alone.
 */

const APP = 'https://app.example.com';
const OTHER = 'https://other.example.net';

/** The default of every app here. */
const DEFAULT = { origin: [APP] };

const get = (app: INestApplication, path: string, origin: string) =>
  http(app).get(path).set('Origin', origin);

describe.each([true, false])(
  'headers a raw route hands to writeHead(), X-Powered-By set: %s (express)',
  (poweredBy) => {
    const FORGED = [
      'X-A',
      '1',
      'Vary',
      'Accept',
      'Access-Control-Allow-Origin',
      '*',
    ];
    const pairs = Array.from(
      { length: FORGED.length / 2 },
      (_, i): [string, string] => [FORGED[2 * i]!, FORGED[2 * i + 1]!],
    );
    const asObject = Object.fromEntries(pairs);
    type Form = [string, (res: ServerResponse) => void];
    const FORMS: Form[] = [
      ['an object', (res) => res.writeHead(200, asObject)],
      [
        'a status message and an object',
        (res) => res.writeHead(200, 'Fine', asObject),
      ],
      ['a flat list', (res) => res.writeHead(200, FORGED)],
      [
        'a status message and a flat list',
        (res) => res.writeHead(200, 'Fine', FORGED),
      ],
      [
        'a status message, with headers set before',
        (res) => {
          for (const [name, value] of pairs) res.setHeader(name, value);
          res.writeHead(200, 'Fine');
        },
      ],
      [
        'an object with a name in two cases',
        (res) => res.writeHead(200, { ...asObject, 'x-a': '2' }),
      ],
      [
        'an object with a name in two cases, a CORS header set before',
        (res) => {
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.writeHead(200, { ...asObject, 'x-a': '2' });
        },
      ],
      // Node 20 takes a list of pairs only where no header is set before.
      ...(poweredBy
        ? []
        : [['a list of pairs', (res) => res.writeHead(200, pairs)] as Form]),
    ];
    /** What Node itself sends for `write`, on a server the module does not decide for. */
    const plain = createServer((req, res) => {
      if (poweredBy) res.setHeader('X-Powered-By', 'Express');
      FORMS[Number(req.url!.slice(1))]![1](res);
      res.end('ok');
    });
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp({
        bootstrap: 'nest-factory',
        adapter: 'express',
        cors: CorsModule.forRoot({ default: DEFAULT }),
        configure: (nest) => {
          const instance = nest.getHttpAdapter().getInstance() as Express;
          if (!poweredBy) instance.disable('x-powered-by');
          FORMS.forEach(([, write], i) =>
            instance.get(`/${i}`, (_req, res) => {
              write(res);
              res.end('ok');
            }),
          );
        },
      });
    });
    afterAll(() => app.close());

    /** Status message and headers but for CORS's, `Vary` and those of the connection. */
    const rest = (res: request.Response) => ({
      statusMessage: (res as unknown as { res: IncomingMessage }).res
        .statusMessage,
      headers: Object.fromEntries(
        Object.entries(res.headers).filter(
          ([name]) =>
            !/^(access-control-|vary$|date$|connection$|keep-alive$)/.test(
              name,
            ),
        ),
      ),
    });

    it.each(FORMS.map(([form], i) => [form, i] as const))(
      'are written as Node writes them, with the decision in place of forged CORS headers: %s',
      async (_, i) => {
        const node = await request(plain).get(`/${i}`).set('Origin', APP);
        expect(node.headers['access-control-allow-origin']).toBe('*');
        for (const [origin, cors] of [
          [APP, allows(APP)],
          [OTHER, {}],
        ] as const) {
          const res = await get(app, `/${i}`, origin);
          expectAnswer(res, 200, cors, 'ok');
          expect(rest(res)).toEqual(rest(node));
          expect(res.headers.vary).toBe('Accept, Origin');
        }
      },
    );
  },
);

describe('other HTTP servers of the process (express)', () => {
  it('answer as they would without the module, while an app with it runs', async () => {
    const app = await createTestApp({
      bootstrap: 'nest-factory',
      adapter: 'express',
      cors: CorsModule.forRoot({ default: DEFAULT }),
    });
    const other = createServer((_req, res) => {
      res.setHeader('Access-Control-Allow-Origin', 'https://mine.example');
      res.writeHead(200, { Vary: 'Accept' });
      res.end('other');
    });
    try {
      expectAnswer(await get(app, '/nowhere', APP), 404, allows(APP));
      const res = await request(other).get('/').set('Origin', APP);
      expectAnswer(
        res,
        200,
        { 'access-control-allow-origin': 'https://mine.example' },
        'other',
      );
      expect(res.headers.vary).toBe('Accept');
    } finally {
      await app.close();
    }
  });
});
