import { describe, expect, it } from '@jest/globals';
import express from 'express';
import type { CorsRoute } from '../cors-route.js';
import type { RouteHandle } from '../route-handle.js';
import {
  type ExpressHandle,
  type ExpressRouter,
  expressRouteLookup,
} from './express-route-index.js';

type Method = 'get' | 'post' | 'put' | 'delete' | 'all';
type Next = (error?: unknown) => void;
interface FakeRequest {
  method: string;
  url: string;
}

/** What a candidate is, for the assertions: the controller route's id, or `raw`. */
const idOf = (route: CorsRoute | null) => (route ? route.id : 'raw');

/**
 * A real Express 5 router (its own Layer and Route objects), whose routes a spec adds one by
 * one. A route with an id is a controller route, which the index learns through `handleOf`; a
 * route without one is a raw route. `passesOn`: the handler calls `next()`, as Nest's version
 * filters do; every raw handler here does, so that Express runs all a request may reach.
 */
function routerWith(options?: { caseSensitive?: boolean; strict?: boolean }) {
  const router = express.Router(options);
  const handles = new Map<RouteHandle, ExpressHandle>();
  let ran: string[] = [];
  const add = (
    method: Method,
    path: string,
    id: string | null,
    passesOn = false,
  ) => {
    const name = id ?? 'raw';
    const handler = (_req: unknown, res: { end(): void }, next: Next) => {
      ran.push(name);
      if (passesOn || id === null) next();
      else res.end();
    };
    if (id !== null)
      handles.set(handler, {
        route: { id } as CorsRoute,
        passesOn,
      });
    router[method](path, handler);
  };
  const lookup = () =>
    expressRouteLookup(router as unknown as ExpressRouter, (handle) =>
      handles.get(handle),
    );
  /** The handlers Express runs for a request, in order, and the error it ends with. */
  const dispatch = (method: string, url: string) =>
    new Promise<{ ran: string[]; error?: unknown }>((resolve) => {
      ran = [];
      const handle = router as unknown as (
        req: FakeRequest,
        res: { end(): void },
        done: Next,
      ) => void;
      handle({ method, url }, { end: () => resolve({ ran }) }, (error) =>
        resolve(error === undefined ? { ran } : { ran, error }),
      );
    });
  return { add, lookup, dispatch };
}

describe('expressRouteLookup', () => {
  it('gives each method of a static path the routes that take it, GET’s for HEAD, and an all-method route for the others', () => {
    const { add, lookup } = routerWith();
    add('get', '/items', 'Items#list');
    add('post', '/items', 'Items#create');
    add('all', '/items', 'Items#any');
    const find = lookup();
    const ids = (method: string) => find(method, '/items').map(idOf);
    expect({
      GET: ids('GET'),
      HEAD: ids('HEAD'),
      POST: ids('POST'),
      PATCH: ids('PATCH'),
      OPTIONS: ids('OPTIONS'),
    }).toEqual({
      GET: ['Items#list'],
      HEAD: ['Items#list'],
      POST: ['Items#create'],
      PATCH: ['Items#any'],
      OPTIONS: ['Items#any'],
    });
    expect(find('GET', '/other')).toEqual([]);
  });

  it('reads paths as Express does: any case and one trailing slash by default, exactly with caseSensitive and strict', () => {
    const lenient = routerWith();
    lenient.add('get', '/items', 'Items#list');
    lenient.add('get', '/items/:id', 'Items#one');
    const exact = routerWith({ caseSensitive: true, strict: true });
    exact.add('get', '/items', 'Items#list');
    exact.add('get', '/items/:id', 'Items#one');
    const paths = ['/items', '/ITEMS', '/items/', '/Items/7', '/items/7/'];
    const found = (lookup: ReturnType<typeof lenient.lookup>) =>
      paths.map((path) => lookup('GET', path).map(idOf));
    expect(found(lenient.lookup())).toEqual([
      ['Items#list'],
      ['Items#list'],
      ['Items#list'],
      ['Items#one'],
      ['Items#one'],
    ]);
    expect(found(exact.lookup())).toEqual([['Items#list'], [], [], [], []]);
  });

  it('lists the routes a request reaches in stack order, up to the first that does not pass it on', () => {
    const { add, lookup } = routerWith();
    add('get', '/items/:id', 'ItemsV1#one', true);
    add('get', '/items/:id', 'ItemsV2#one', true);
    add('get', '/items/export', 'Items#export');
    add('get', '/items/:id', 'Items#never');
    const find = lookup();
    expect(find('GET', '/items/export').map(idOf)).toEqual([
      'ItemsV1#one',
      'ItemsV2#one',
      'Items#export',
    ]);
    expect(find('GET', '/items/7').map(idOf)).toEqual([
      'ItemsV1#one',
      'ItemsV2#one',
      'Items#never',
    ]);
  });

  it('stops at a static route registered before a dynamic one that also matches', () => {
    const { add, lookup } = routerWith();
    add('get', '/users/me', 'Users#me');
    add('get', '/users/:id', 'Users#one');
    const find = lookup();
    expect(find('GET', '/users/me').map(idOf)).toEqual(['Users#me']);
    expect(find('GET', '/users/7').map(idOf)).toEqual(['Users#one']);
  });

  it('gives a route no controller owns as null, and goes on past it, since its handler may call next()', () => {
    const { add, lookup } = routerWith();
    add('get', '/health', null);
    add('get', '/:page', 'Pages#page');
    const find = lookup();
    expect(find('GET', '/health')).toEqual([null, { id: 'Pages#page' }]);
    expect(find('GET', '/about').map(idOf)).toEqual(['Pages#page']);
  });

  it('matches no route for a malformed percent-escape, which Express answers with 400', async () => {
    const { add, lookup, dispatch } = routerWith();
    add('get', '/items/:id', 'Items#one');
    expect(lookup()('GET', '/items/%E0%A4%A')).toEqual([]);
    const express = await dispatch('GET', '/items/%E0%A4%A');
    expect(express.ran).toEqual([]);
    expect(express.error).toMatchObject({ status: 400 });
  });

  it.each([
    ['default', undefined],
    ['caseSensitive and strict', { caseSensitive: true, strict: true }],
  ])(
    'finds exactly the handlers the real router runs, in its order (%s routing)',
    async (_, options) => {
      const { add, lookup, dispatch } = routerWith(options);
      add('get', '/items', 'Items#list');
      add('post', '/items', 'Items#create');
      add('get', '/items/:id', 'ItemsV1#one', true);
      add('get', '/items/export', 'Items#export');
      add('get', '/items/:id', 'ItemsV2#one');
      add('delete', '/items/:id', 'Items#remove');
      add('get', '/docs/', 'Docs#index');
      add('put', '/files/*path', 'Files#put');
      add('get', '/metrics', null);
      add('all', '/{*rest}', 'Fallback#any');
      const find = lookup();
      const requests: Array<[string, string]> = [
        ['GET', '/items'],
        ['HEAD', '/items'],
        ['POST', '/items'],
        ['GET', '/Items/'],
        ['GET', '/items/export'],
        ['GET', '/items/7'],
        ['HEAD', '/items/7'],
        ['DELETE', '/items/7'],
        ['PATCH', '/items/7'],
        ['GET', '/docs/'],
        ['GET', '/docs'],
        ['PUT', '/files/a/b.txt'],
        ['PUT', '/files'],
        ['GET', '/metrics'],
        ['GET', '/metrics/'],
        ['OPTIONS', '/anything/else'],
        ['GET', '/'],
      ];
      for (const [method, path] of requests) {
        const { ran } = await dispatch(method, path);
        expect([method, path, find(method, path).map(idOf)]).toEqual([
          method,
          path,
          ran,
        ]);
      }
    },
  );
});
