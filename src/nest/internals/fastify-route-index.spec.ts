import { describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyServerOptions } from 'fastify';
import request from 'supertest';
import type { CorsRoute } from '../cors-route.js';
import {
  type FastifyConfig,
  type FastifyRoute,
  fastifyRouteLookup,
} from './fastify-route-index.js';

/** A controller route, as far as the index is concerned: its id. */
const route = (id: string) => ({ id }) as CorsRoute;
/** What a candidate is, for the assertions: the controller route's id, or `raw`. */
const idOf = (candidate: CorsRoute | null) =>
  candidate ? candidate.id : 'raw';

/** A route of the table, as the binding records it from Fastify's `onRoute` hook. */
const at = (
  method: string,
  url: string,
  id: string | null,
  version?: unknown,
): FastifyRoute => ({
  methods: [method],
  url,
  version,
  route: id === null ? null : route(id),
});

const ids = (
  config: FastifyConfig,
  routes: FastifyRoute[],
  requests: Array<[string, string]>,
) => {
  const lookup = fastifyRouteLookup(config, routes);
  return requests.map(([method, path]) => lookup(method, path).map(idOf));
};

describe('fastifyRouteLookup', () => {
  it('finds the routes of a method and path as find-my-way matches them, static before parametric', () => {
    const routes = [
      at('GET', '/items', 'Items#list'),
      at('POST', '/items', 'Items#create'),
      at('GET', '/items/:id', 'Items#one'),
      at('GET', '/items/export', 'Items#export'),
      at('GET', '/files/*', 'Files#get'),
      at('GET', '/metrics', null),
    ];
    expect(
      ids({}, routes, [
        ['GET', '/items'],
        ['POST', '/items'],
        ['DELETE', '/items'],
        ['GET', '/items/7'],
        ['GET', '/items/export'],
        ['GET', '/files/a/b.txt'],
        ['GET', '/metrics'],
        ['GET', '/nowhere'],
      ]),
    ).toEqual([
      ['Items#list'],
      ['Items#create'],
      [],
      ['Items#one'],
      ['Items#export'],
      ['Files#get'],
      ['raw'],
      [],
    ]);
  });

  it('gives every version of a path, whatever version the request asks for: the unversioned route first', () => {
    const routes = [
      at('DELETE', '/items/:id', 'ItemsV1#remove', '1'),
      at('DELETE', '/items/:id', 'ItemsV2#remove', '2'),
      at('DELETE', '/items/:id', 'Items#remove'),
      at('GET', '/items/:id', 'ItemsV1V3#one', ['1', '3']),
    ];
    expect(
      ids({}, routes, [
        ['DELETE', '/items/7'],
        ['GET', '/items/7'],
      ]),
    ).toEqual([
      ['Items#remove', 'ItemsV1#remove', 'ItemsV2#remove'],
      ['ItemsV1V3#one'],
    ]);
  });

  it('keeps together the routes Fastify tells apart by a constraint the index does not read (a host)', () => {
    const routes = [
      at('PUT', '/shared', 'HostA#put'),
      at('PUT', '/shared', 'HostB#put'),
      at('PUT', '/shared', null),
    ];
    expect(ids({}, routes, [['PUT', '/shared']])).toEqual([
      ['HostA#put', 'HostB#put', 'raw'],
    ]);
  });

  it('reads paths with the matching options Fastify runs with, from routerOptions before the top level', () => {
    const routes = [at('GET', '/admin/users', 'Admin#users')];
    const requests: Array<[string, string]> = [
      ['GET', '/Admin/Users'],
      ['GET', '/admin/users/'],
      ['GET', '/admin/users;x'],
      ['GET', '//admin//users'],
    ];
    const lenient = {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      useSemicolonDelimiter: true,
      ignoreDuplicateSlashes: true,
    };
    const strict = {
      caseSensitive: true,
      ignoreTrailingSlash: false,
      useSemicolonDelimiter: false,
      ignoreDuplicateSlashes: false,
    };
    const found = requests.map(() => ['Admin#users']);
    const none = requests.map(() => []);
    expect(ids({}, routes, requests)).toEqual(none);
    expect(ids(lenient, routes, requests)).toEqual(found);
    expect(ids({ routerOptions: lenient }, routes, requests)).toEqual(found);
    expect(
      ids({ ...strict, routerOptions: lenient }, routes, requests),
    ).toEqual(found);
    expect(
      ids({ ...lenient, routerOptions: strict }, routes, requests),
    ).toEqual(none);
  });

  it.each<[string, FastifyServerOptions]>([
    ['default options', {}],
    [
      'lenient router options',
      {
        routerOptions: {
          caseSensitive: false,
          ignoreTrailingSlash: true,
          ignoreDuplicateSlashes: true,
          // Fastify 5 reads it here; its option types do not list it yet.
          useSemicolonDelimiter: true,
        },
      } as FastifyServerOptions,
    ],
  ])(
    'finds the route real Fastify answers with, from its onRoute hook and initialConfig (%s)',
    async (_, options) => {
      const { fastify, add, lookup } = realFastify(options);
      add('GET', '/items', 'Items#list');
      add('POST', '/items', 'Items#create');
      add('GET', '/items/:id', 'Items#one');
      add('GET', '/items/export', 'Items#export');
      add('GET', '/files/*', 'Files#get');
      add('GET', '/Admin/Users', 'Admin#users');
      const find = await lookup();
      const requests: Array<[string, string]> = [
        ['GET', '/items'],
        ['HEAD', '/items'],
        ['POST', '/items'],
        ['PUT', '/items'],
        ['GET', '/items/7'],
        ['GET', '/items/export'],
        ['GET', '/ITEMS/export/'],
        ['GET', '/items;x'],
        ['GET', '//items//7'],
        ['GET', '/files/a/b.txt'],
        ['GET', '/admin/users'],
        ['GET', '/Admin/Users'],
        ['GET', '/nowhere'],
      ];
      for (const [method, url] of requests) {
        const res = await request(fastify.server)[
          method.toLowerCase() as 'get'
        ](url);
        const answered = res.headers['x-route'];
        expect([method, url, find(method, url).map(idOf)]).toEqual([
          method,
          url,
          answered === undefined ? [] : [answered],
        ]);
      }
      await fastify.close();
    },
  );

  it('gives a versioned request to real Fastify one of the routes it finds for the path', async () => {
    const { fastify, add, lookup } = realFastify({});
    add('GET', '/items/:id', 'ItemsV1#one', '1.0.0');
    add('GET', '/items/:id', 'ItemsV2#one', '2.0.0');
    const found = (await lookup())('GET', '/items/7').map(idOf);
    expect(found).toEqual(['ItemsV1#one', 'ItemsV2#one']);
    for (const version of ['1.0.0', '2.0.0']) {
      const res = await request(fastify.server)
        .get('/items/7')
        .set('Accept-Version', version);
      expect(found).toContain(res.headers['x-route']);
    }
    await fastify.close();
  });
});

/**
 * A real Fastify instance whose routes answer with their id in `X-Route`, and the lookup the
 * binding would build for it: the routes its `onRoute` hook reports, and its `initialConfig`.
 * Requests go through supertest: Fastify's `inject()` does not load under Jest on Node 20.
 */
function realFastify(options: FastifyServerOptions) {
  const fastify = Fastify(options);
  const routes: FastifyRoute[] = [];
  fastify.addHook('onRoute', (options) => {
    const { id } = options.config as { id: string };
    routes.push({
      methods: [options.method].flat(),
      url: options.url,
      version: options.constraints?.version,
      route: route(id),
    });
  });
  const add = (
    method: 'GET' | 'POST',
    url: string,
    id: string,
    version?: string,
  ) =>
    fastify.route({
      method,
      url,
      ...(version && { constraints: { version } }),
      config: { id },
      handler: (_req, reply) => reply.header('x-route', id).send(id),
    });
  const lookup = async () => {
    await fastify.ready();
    return fastifyRouteLookup(fastify.initialConfig, routes);
  };
  return { fastify, add, lookup };
}
