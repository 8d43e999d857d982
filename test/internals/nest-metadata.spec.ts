import { describe, expect, it } from '@jest/globals';
import {
  All,
  Controller,
  Delete,
  Get,
  Head,
  Options,
  Patch,
  Post,
  Put,
  RequestMethod,
  Search,
  type Type,
} from '@nestjs/common';
import { HOST_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { METHODS } from 'node:http';
import {
  hasHostFilter,
  hostMatcherOf,
  isRouteHandler,
  routeMethodOf,
} from '../../src/nest/internals/nest-metadata.js';
import type { RouteHandle } from '../../src/nest/route-handle.js';
import {
  appOn,
  everyMethodController,
  handlerOf,
  newAdapter,
  recordCalls,
  REQUEST_METHODS,
  ROUTE_METHOD_NAMES,
} from './framework.js';
import { http } from '../support/requests.js';
import { ADAPTERS } from '../support/test-app.js';

/*
 * Canaries of src/nest/internals/nest-metadata.ts: where Nest keeps the metadata of
 * controllers and route handlers, and what it makes of it.
 */

@Controller({ path: 'items', host: 'api.example.com' })
class HostController {
  @Get()
  list() {
    return 'host';
  }
}

@Controller('items')
class AnyHostController {
  @Get()
  list() {
    return 'any host';
  }
}

@Controller('plain')
class PlainController {
  @Get()
  list() {}
  helper() {}
}

describe('hasHostFilter', () => {
  it('stores @Controller({ host }) under the metadata key "host"', () => {
    expect(Reflect.getMetadata('host', HostController)).toBe('api.example.com');
  });

  it('"host" is the key Nest itself reads, and a controller without a host has none', () => {
    expect(HOST_METADATA).toBe('host');
    expect(hasHostFilter(HostController)).toBe(true);
    expect(hasHostFilter(PlainController)).toBe(false);
  });

  it("on Express, Nest's host filter passes a request for another host on to the next route of the path", async () => {
    const app = await appOn(newAdapter('express'), [
      HostController,
      AnyHostController,
    ]);
    try {
      const ask = (host: string) => http(app).get('/items').set('Host', host);
      expect((await ask('api.example.com')).text).toBe('host');
      expect((await ask('other.example.com')).text).toBe('any host');
    } finally {
      await app.close();
    }
  });

  it("on Fastify, Nest's host filter answers a request for another host with 404", async () => {
    const app = await appOn(newAdapter('fastify'), [HostController]);
    try {
      const ask = (host: string) => http(app).get('/items').set('Host', host);
      expect((await ask('api.example.com')).text).toBe('host');
      expect((await ask('other.example.com')).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('hostMatcherOf (%s)', (name) => {
  @Controller({ path: 'exact', host: 'Exact.Example.com' })
  class ExactController {
    @Get()
    list() {}
  }
  @Controller({ path: 'tenant', host: ':tenant.example.com' })
  class TenantController {
    @Get()
    list() {}
  }
  @Controller({ path: 'admin', host: /^admin\.example\.(com|org)$/ })
  class AdminController {
    @Get()
    list() {}
  }
  @Controller({ path: 'pair', host: ['a.example.com', /^b\./] })
  class PairController {
    @Get()
    list() {}
  }
  const HOSTNAMES = [
    'exact.example.com',
    'EXACT.EXAMPLE.COM',
    'exact.example.org',
    'acme.example.com',
    'acme.example.org',
    'admin.example.org',
    'admin.example.net',
    'xadmin.example.com',
    'a.example.com',
    'b.example.net',
    'c.example.com',
  ];

  it("Nest's host filter takes a request only where the matcher says it may, and surely takes it where its hosts have no parameters", async () => {
    const controllers: Array<[Type, string, boolean]> = [
      [ExactController, '/exact', true],
      [TenantController, '/tenant', false],
      [AdminController, '/admin', true],
      [PairController, '/pair', true],
    ];
    const app = await appOn(
      newAdapter(name),
      controllers.map(([controller]) => controller),
    );
    try {
      const differences: string[] = [];
      for (const [controller, path, certain] of controllers) {
        const matches = hostMatcherOf(controller)!;
        for (const hostname of HOSTNAMES) {
          const { status } = await http(app).get(path).set('Host', hostname);
          const taken = status === 200;
          const may = matches(hostname);
          if (certain ? taken !== may : taken && !may)
            differences.push(
              `${controller.name} ${hostname}: Nest ${taken ? 'took' : 'refused'} it, the matcher says ${may}`,
            );
        }
      }
      expect(differences).toEqual([]);
      expect(hostMatcherOf(PlainController)).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('isRouteHandler', () => {
  class Decorated {
    @Get() get() {}
    @Post() post() {}
    @Put() put() {}
    @Delete() delete() {}
    @Patch() patch() {}
    @All() all() {}
    @Options() options() {}
    @Head() head() {}
    @Search() search() {}
    helper() {}
  }

  it('Nest\'s @Get(), @Post()… keep their RequestMethod under the metadata key "method", which Nest reads', () => {
    expect(METHOD_METADATA).toBe('method');
    const prototype = Decorated.prototype as unknown as Record<
      string,
      RouteHandle
    >;
    for (const name of [
      'get',
      'post',
      'put',
      'delete',
      'patch',
      'all',
      'options',
      'head',
      'search',
    ]) {
      expect([name, Reflect.getMetadata('method', prototype[name]!)]).toEqual([
        name,
        RequestMethod[name.toUpperCase() as keyof typeof RequestMethod],
      ]);
      expect(isRouteHandler(prototype[name]!)).toBe(true);
    }
    expect(isRouteHandler(prototype.helper!)).toBe(false);
  });
});

describe.each(ADAPTERS)('routeMethodOf (%s)', (name) => {
  const EveryMethodController = everyMethodController();

  it('Nest copies the "method" metadata onto the handler it registers, through the adapter method of the same name', async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, ROUTE_METHOD_NAMES);
    const app = await appOn(adapter, [EveryMethodController]);
    try {
      expect(
        calls.map((call) => [
          call.name,
          routeMethodOf(handlerOf(call) as RouteHandle),
        ]),
      ).toEqual(
        REQUEST_METHODS.map((method) => [method.toLowerCase(), method]),
      );
    } finally {
      await app.close();
    }
  });

  it('RequestMethod names the HTTP methods Node knows, but ALL, which stands for every method', () => {
    expect(
      REQUEST_METHODS.filter((method) => !METHODS.includes(method)),
    ).toEqual(['ALL']);
  });
});
