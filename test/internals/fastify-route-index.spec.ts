import { describe, expect, it } from '@jest/globals';
import { Controller, Delete, Get, Post, VersioningType } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { CorsRoute } from '../../src/nest/cors-route.js';
import {
  fastifyConfigOf,
  interceptFastifyRoutes,
} from '../../src/nest/internals/fastify-instance.js';
import {
  type FastifyRoute,
  fastifyRouteLookup,
} from '../../src/nest/internals/fastify-route-index.js';
import { adapterPackage, appOn } from './framework.js';
import { rawRequest } from '../support/requests.js';

/*
 * Canary of src/nest/internals/fastify-route-index.ts: the routes Fastify 5, as Nest's Fastify
 * adapter runs it, reaches for a method and path, whatever version a request asks for, are
 * those the lookup finds, with the router options the instance runs with.
 */

type Reply = {
  header(name: string, value: string): Reply;
  send(body: string): Reply;
};

@Controller('items')
class ItemsController {
  @Get()
  list() {}
  @Get(':id')
  one() {}
  @Post()
  create() {}
}

@Controller({ path: 'items', version: '1' })
class ItemsV1Controller {
  @Get(':id')
  one() {}
  @Delete(':id')
  remove() {}
}

@Controller({ path: 'items', version: ['2', '3'] })
class ItemsV2Controller {
  @Get(':id')
  one() {}
}

@Controller({ path: 'only', version: '2' })
class OnlyV2Controller {
  @Get()
  list() {}
}

const fastify = adapterPackage<(options?: object) => FastifyInstance>(
  'fastify',
  'fastify',
);

const METHODS = ['GET', 'HEAD', 'POST', 'DELETE'];
const PATHS = [
  '/items',
  '/items/',
  '/ITEMS',
  '//items',
  '/items;session=1',
  '/items/42',
  '/items/42/',
  '/items/123456789',
  '/only',
  '/files/a/b',
  '/static/x',
  '/nowhere',
];
/** The versions requests ask for: none, each route's, and one no route has. */
const VERSIONS = [undefined, '1', '2', '3', '9'];

describe('fastifyRouteLookup', () => {
  const versioned = [
    ItemsController,
    ItemsV1Controller,
    ItemsV2Controller,
    OnlyV2Controller,
  ];
  const unversioned = [ItemsController];
  it.each([
    ['default router options', () => new FastifyAdapter(), versioned],
    [
      'routerOptions that change matching',
      () =>
        new FastifyAdapter({
          routerOptions: {
            caseSensitive: false,
            ignoreTrailingSlash: true,
            ignoreDuplicateSlashes: true,
            useSemicolonDelimiter: true,
            maxParamLength: 5,
          } as object,
        }),
      versioned,
    ],
    [
      // Nest's versioning needs the instance Nest creates: no versioned routes here.
      'an instance the user created, with top-level options that change matching',
      () =>
        new FastifyAdapter(
          fastify({
            caseSensitive: false,
            ignoreTrailingSlash: true,
            ignoreDuplicateSlashes: true,
            maxParamLength: 5,
          }) as never,
        ),
      unversioned,
    ],
  ])(
    'Fastify reaches, for each method and path, over the versions requests ask for, the routes the lookup finds: %s',
    async (_title, create, controllers) => {
      const adapter = create();
      const instance = adapter.getInstance<FastifyInstance>();
      const routes: FastifyRoute[] = [];
      interceptFastifyRoutes<unknown>(instance, (route) => {
        const version = route.constraints?.version;
        const id = `#${routes.length} ${[route.method].flat().join(',')} ${route.url}${version === undefined ? '' : ` v${JSON.stringify(version)}`}`;
        route.handler = (_request: unknown, reply: Reply) =>
          reply.header('X-Route', id).send(id);
        routes.push({
          methods: [route.method].flat(),
          url: route.url,
          version,
          route: { id } as CorsRoute,
        });
        return [];
      });
      const app = await appOn(adapter, controllers, {
        configure: (app) => {
          if (controllers !== unversioned)
            app.enableVersioning({
              type: VersioningType.HEADER,
              header: 'X-Version',
            });
          instance.get('/files/*', async () => '');
          instance.all('/static/:name', async () => '');
        },
      });
      try {
        const lookup = fastifyRouteLookup(fastifyConfigOf(instance), routes);
        const differences: string[] = [];
        let reachedSome = 0;
        for (const method of METHODS) {
          for (const path of PATHS) {
            const reached = new Set<string>();
            for (const version of VERSIONS) {
              const response = await rawRequest(app, method, path, {
                Host: 'localhost',
                ...(version && { 'X-Version': version }),
              });
              const id = response.headers['x-route'];
              if (typeof id === 'string') reached.add(id);
            }
            reachedSome += reached.size;
            const found = lookup(method, path).map((route) => route!.id);
            if (
              JSON.stringify([...reached].sort()) !==
              JSON.stringify([...found].sort())
            )
              differences.push(
                `${method} ${path}: Fastify reached [${[...reached].join(', ')}], the lookup finds [${found.join(', ')}]`,
              );
          }
        }
        expect(differences).toEqual([]);
        expect(reachedSome).toBeGreaterThan(10);
      } finally {
        await app.close();
      }
    },
  );
});
