import { describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Inject,
  type INestApplication,
  Module,
  type NestApplicationOptions,
  type NestModule,
  VersioningType,
} from '@nestjs/common';
import {
  DiscoveryModule,
  DiscoveryService,
  MetadataScanner,
  RouterModule,
} from '@nestjs/core';
import { CorsModule } from '../../src/index.js';
import {
  markRouteOwners,
  type OwnedController,
  routeOwnerOf,
} from '../../src/nest/internals/route-owners.js';
import {
  type Call,
  handlerOf,
  type NestAdapter,
  newAdapter,
  recordCalls,
} from './framework.js';
import { NEST_12, NEST_VERSION } from '../support/nest-features.js';
import { http } from '../support/requests.js';
import { ADAPTERS, createTestApp } from '../support/test-app.js';

/*
 * Canaries of src/nest/internals/route-owners.ts: Nest copies a controller method's metadata
 * onto the handler it hands to the adapter, and routes to the method the instance has.
 */

/** Where the module marks each handler with the controller that owns it. */
const ROUTE_OWNER = 'nestjs-cors-policy:route-owner';

/**
 * Marks the route owners as the module does: in `configure()`, which Nest calls before it
 * registers any route, with every controller Nest's discovery knows.
 */
@Module({ imports: [DiscoveryModule] })
class OwnersModule implements NestModule {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
  ) {}

  configure(): void {
    const scanner = new MetadataScanner();
    const controllers = this.discovery
      .getControllers()
      .filter(
        (wrapper): wrapper is typeof wrapper & OwnedController =>
          typeof wrapper.metatype === 'function' &&
          typeof wrapper.instance === 'object' &&
          wrapper.instance !== null,
      );
    markRouteOwners(controllers, (prototype) =>
      scanner.getAllMethodNames(prototype),
    );
  }
}

@Controller({ path: 'things', version: '1' })
class ThingsV1Controller {
  @Get()
  list() {
    return 'v1';
  }
}

@Controller({ path: 'things', version: '2' })
class ThingsV2Controller {
  @Get()
  list() {
    return 'v2';
  }
}

@Controller({ path: 'items', host: 'api.example.com' })
class HostController {
  @Get()
  list() {
    return 'items';
  }
  @Get(':id')
  one() {
    return 'item';
  }
}

class BaseController {
  @Get()
  shared() {
    return this.constructor.name;
  }
}
@Controller('one')
class OneController extends BaseController {}
@Controller('two')
class TwoController extends BaseController {}

@Controller(['a', 'b'])
class TwoPathsController {
  @Get()
  list() {
    return 'a or b';
  }
}

@Controller('users')
class UsersController {
  @Get()
  list() {
    return 'users';
  }
}
@Module({ controllers: [UsersController] })
class AdminModule {}

/** Owners of the routes Nest registered, as `path owner#method`, sorted. */
function ownersOf(calls: Call[]): string[] {
  return calls
    .map((call) => {
      const owner = routeOwnerOf(handlerOf(call));
      return `${String(call.args[0])} ${owner ? `${owner.controller.name}#${owner.methodName}` : '(none)'}`;
    })
    .sort();
}

/** An app of all the controllers above, with their owners marked as the module marks them. */
function marked(
  adapter: NestAdapter,
  appOptions: NestApplicationOptions = {},
): Promise<INestApplication> {
  return createTestApp({
    bootstrap: 'nest-factory',
    httpAdapter: adapter,
    appOptions,
    imports: [
      OwnersModule,
      AdminModule,
      RouterModule.register([{ path: 'admin', module: AdminModule }]),
    ],
    controllers: [
      ThingsV1Controller,
      ThingsV2Controller,
      HostController,
      OneController,
      TwoController,
      TwoPathsController,
    ],
    configure: (app) => {
      app.setGlobalPrefix('api');
      app.enableVersioning({
        type: VersioningType.HEADER,
        header: 'X-Version',
      });
    },
  });
}

const OWNERS = [
  '/api/a TwoPathsController#list',
  '/api/admin/users UsersController#list',
  '/api/b TwoPathsController#list',
  '/api/items HostController#list',
  '/api/items/:id HostController#one',
  '/api/one OneController#shared',
  '/api/things ThingsV1Controller#list',
  '/api/things ThingsV2Controller#list',
  '/api/two TwoController#shared',
];

describe.each(ADAPTERS)('markRouteOwners (%s)', (name) => {
  it("Nest hands the adapter each route's handler with the metadata its method had before routes were registered, whatever prefix, module path, version or host", async () => {
    const adapter = newAdapter(name);
    const calls = recordCalls(adapter, ['get']);
    const app = await marked(adapter);
    try {
      expect(ownersOf(calls)).toEqual(OWNERS);
    } finally {
      await app.close();
    }
  });

  it('Nest routes to the function the controller instance has for the method: each controller sharing an inherited method runs its own', async () => {
    const app = await marked(newAdapter(name));
    try {
      expect((await http(app).get('/api/one')).text).toBe('OneController');
      expect((await http(app).get('/api/two')).text).toBe('TwoController');
      const item = await http(app)
        .get('/api/items/7')
        .set('Host', 'api.example.com');
      expect(item.text).toBe('item');
      expect(
        (await http(app).get('/api/things').set('X-Version', '2')).text,
      ).toBe('v2');
    } finally {
      await app.close();
    }
  });
});

describe('markRouteOwners', () => {
  it("routes to the controller instance's own method, so each controller sharing an inherited method gets its own", async () => {
    class Base {
      @Get()
      list() {
        return 'base';
      }
    }
    @Controller('one')
    class One extends Base {}
    @Controller('two')
    class Two extends Base {}
    const adapter = newAdapter('express');
    const calls = recordCalls(adapter, [
      'get',
      'applyVersionFilter',
      'setNotFoundHandler',
    ]);
    const app = await createTestApp({
      bootstrap: 'nest-factory',
      httpAdapter: adapter,
      cors: CorsModule.forRoot({ default: { origin: ['https://a.test'] } }),
      controllers: [One, Two],
      configure: (app) =>
        app.enableVersioning({
          type: VersioningType.HEADER,
          header: 'X-Version',
        }),
    });
    const owners = calls
      .filter((call) => call.name === 'get')
      .map(
        (call) =>
          (
            Reflect.getMetadata(ROUTE_OWNER, handlerOf(call)) as
              { controller: unknown } | undefined
          )?.controller,
      );
    expect(owners).toEqual([One, Two]);
    await app.close();
  });
});

describe.each(ADAPTERS)('routeOwnerOf (%s)', (name) => {
  const registrations: Array<[string, NestApplicationOptions]> = [
    ['the default registration', {}],
    // Nest 12 only: Nest 11 has no such option.
    ...(NEST_12.routeOptions && name === 'express'
      ? ([
          [
            "Nest 12's routeResolutionStrategy: 'specificity', which defers registration",
            { routeResolutionStrategy: 'specificity' },
          ],
        ] satisfies typeof registrations)
      : []),
  ];

  it.each(registrations)(
    'Nest copies the metadata onto the handler it registers: %s',
    async (_how, appOptions) => {
      const adapter = newAdapter(name);
      const calls = recordCalls(adapter, ['get']);
      const app = await marked(adapter, appOptions);
      try {
        expect(ownersOf(calls)).toEqual(OWNERS);
      } finally {
        await app.close();
      }
    },
  );

  const major = Number(NEST_VERSION.split('.')[0]);
  it(
    major >= 12
      ? 'Nest copies the metadata onto the handler it wraps for an onRouteTriggered callback, which it registers instead'
      : 'Nest 11 registers, for an onRouteTriggered callback, a wrapper without the metadata: the module sees none of those routes',
    async () => {
      const adapter = newAdapter(name);
      const calls = recordCalls(adapter, ['get']);
      const triggered: string[] = [];
      adapter.setOnRouteTriggered((_method, path) => triggered.push(path));
      // No versioned routes: Nest 11's wrapper lacks the version too, which Fastify needs.
      const app = await createTestApp({
        bootstrap: 'nest-factory',
        httpAdapter: adapter,
        imports: [OwnersModule],
        controllers: [OneController, TwoController, TwoPathsController],
      });
      const owners = [
        '/a TwoPathsController#list',
        '/b TwoPathsController#list',
        '/one OneController#shared',
        '/two TwoController#shared',
      ];
      try {
        expect(ownersOf(calls)).toEqual(
          major >= 12
            ? owners
            : owners.map((owner) => `${owner.split(' ')[0]} (none)`),
        );
        expect((await http(app).get('/one')).text).toBe('OneController');
        expect(triggered).toEqual(['/one']);
      } finally {
        await app.close();
      }
    },
  );
});
