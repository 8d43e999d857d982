import { describe, expect, it } from '@jest/globals';
import { All, Controller, Get, Post, Put } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import type { ServerResponse } from 'node:http';
import type { CorsRoute } from '../../src/nest/cors-route.js';
import type { RouteHandle } from '../../src/nest/route-handle.js';
import {
  expressRouteLayers,
  expressRouterOf,
  replaceRouteHandlers,
} from '../../src/nest/internals/express-app.js';
import {
  type ExpressHandle,
  expressRouteLookup,
} from '../../src/nest/internals/express-route-index.js';
import { adapterPackage, appOn } from './framework.js';
import { rawRequest } from '../support/requests.js';

/*
 * Canary of src/nest/internals/express-route-index.ts: the routes Express 5, as Nest's Express
 * adapter runs it, dispatches a request to are those the lookup lists, in the same order.
 */

type Next = (error?: unknown) => void;
const express = adapterPackage<() => Express>('express', 'express');

@Controller('items')
class ItemsController {
  @Get()
  list() {}
  @Get(':id')
  one() {}
  @Post()
  create() {}
  @All('any')
  any() {}
}

@Controller('files')
class FilesController {
  @Get('*path')
  file() {}
  @Put(['a', 'b'])
  put() {}
}

/** Routes added straight to Express, in the forms a user may write them. */
function rawRoutes(instance: Express): void {
  const end = (_req: unknown, res: ServerResponse) => void res.end();
  instance.get('/items/special', end);
  instance.get('/items/:key', end);
  instance.delete('/items/:id', end);
  instance.get('/opt{/:id}', end);
  instance.get('/docs/:name.:ext', end);
  instance.all('/files/*rest', end);
  instance.get('/caf\u00e9', end);
  instance.get(/^\/re\/\d+$/, end);
  instance.get(['/one', '/two'], end);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
const PATHS = [
  '/items',
  '/items/',
  '/ITEMS',
  '/items/42',
  '/items/42/',
  '/items/special',
  '/items/a%2Fb',
  '/items/any',
  '/opt',
  '/opt/7',
  '/docs/readme.md',
  '/files',
  '/files/a',
  '/files/x/y/z',
  '/caf%C3%A9',
  '/re/12',
  '/re/x',
  '/one',
  '/two',
  '/nowhere',
];

describe('expressRouteLookup', () => {
  describe.each([
    ['default routing', false],
    ['case-sensitive, strict routing', true],
  ])('with %s', (_title, exact) => {
    it.each([
      ['every route passes the request on', true],
      ['no route passes the request on', false],
    ])(
      'Express runs, for each method and path, the route layers the lookup lists, in its order, when %s',
      async (_case, passOn) => {
        const instance = express();
        instance.set('case sensitive routing', exact);
        instance.set('strict routing', exact);
        const app = await appOn(
          new ExpressAdapter(instance),
          [ItemsController, FilesController],
          {
            configure: (app) =>
              rawRoutes(
                (app.getHttpAdapter() as ExpressAdapter).getInstance<Express>(),
              ),
          },
        );
        try {
          const router = expressRouterOf(instance);
          expect([router.caseSensitive, router.strict]).toEqual([exact, exact]);
          // Each route layer runs a handler that records it, then passes on or answers.
          const handles = new Map<RouteHandle, ExpressHandle>();
          let ran: string[] = [];
          expressRouteLayers(instance).forEach((layer, index) => {
            const id = `#${index} ${String(layer.route!.path)}`;
            replaceRouteHandlers(layer, () => {
              const handler = (
                _req: unknown,
                res: ServerResponse,
                next: Next,
              ) => {
                ran.push(id);
                if (passOn) next();
                else res.end();
              };
              handles.set(handler, {
                route: { id } as CorsRoute,
                passesOn: passOn,
              });
              return handler;
            });
          });
          const lookup = expressRouteLookup(router, (handle) =>
            handles.get(handle),
          );
          const differences: string[] = [];
          /** The most layers a request ran: several where they pass it on. */
          let most = 0;
          for (const method of METHODS) {
            for (const path of PATHS) {
              ran = [];
              await rawRequest(app, method, path, { Host: 'localhost' });
              most = Math.max(most, ran.length);
              const listed = lookup(method, path).map((route) => route!.id);
              if (JSON.stringify(listed) !== JSON.stringify(ran))
                differences.push(
                  `${method} ${path}: Express ran [${ran.join(', ')}], the lookup lists [${listed.join(', ')}]`,
                );
            }
          }
          expect(differences).toEqual([]);
          expect(most).toBe(passOn ? 3 : 1);
        } finally {
          await app.close();
        }
      },
    );
  });
});
