import {
  Controller,
  type INestApplication,
  RequestMapping,
  Res,
  RequestMethod,
  type Type,
  Version,
  VersioningType,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import fc from 'fast-check';
import { CorsModule, CorsPolicy } from '../../src/index.js';
import { createTestApp } from '../support/test-app.js';

/** The policies of a random app: `p0`… each allows one origin of its own; the default is `p0`. */
export interface PolicySpec {
  origin: string;
  credentials: boolean;
}

export interface HandlerSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'SEARCH' | 'QUERY' | 'ALL';
  path: string;
  /** Index into `policies`, `false` for none, `undefined` for the controller's. */
  policy: number | false | undefined;
  version: string | undefined;
}

export interface ControllerSpec {
  path: string;
  policy: number | false | undefined;
  version: string | undefined;
  handlers: HandlerSpec[];
  /** Index of a controller whose handlers this one inherits instead of declaring its own. */
  inherits: number | undefined;
}

export type AdapterVariant =
  | 'express'
  | 'express-specificity'
  | 'express-conflict-warn'
  | 'fastify'
  | 'fastify-instance'
  | 'fastify-conflict-warn';

export interface AppSpec {
  variant: AdapterVariant;
  policies: PolicySpec[];
  controllers: ControllerSpec[];
  versioning: boolean;
  prefix: { path: string; exclude: string | undefined } | undefined;
  /** Paths of raw routes registered on the adapter's own instance, before Nest's. */
  rawRoutes: string[];
  fastifyOptions: {
    ignoreTrailingSlash: boolean;
    caseSensitive: boolean;
    useSemicolonDelimiter: boolean;
    ignoreDuplicateSlashes: boolean;
  };
}

/** Few names, so that routes of different controllers and versions often overlap. */
const SEGMENTS = ['items', 'export', 'a'];
const PARAMS = [':id', ':itemId'];

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 2, arbitrary: fc.constantFrom(...PARAMS) },
);
const routePath = fc
  .array(segment, { minLength: 0, maxLength: 2 })
  .map((parts) => parts.join('/'));
const policyRef = fc.option(
  fc.oneof(fc.nat({ max: 3 }), fc.constant(false as const)),
  { nil: undefined },
);
const version = fc.option(fc.constantFrom('1', '2'), { nil: undefined });

const handler: fc.Arbitrary<HandlerSpec> = fc.record({
  method: fc.constantFrom(
    'GET',
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'SEARCH',
    'QUERY',
    'ALL',
  ),
  path: routePath,
  policy: policyRef,
  version,
});

const controller: fc.Arbitrary<ControllerSpec> = fc.record({
  path: fc.constantFrom('', '', 'items', 'items', 'a'),
  policy: policyRef,
  version,
  handlers: fc.array(handler, { minLength: 1, maxLength: 4 }),
  inherits: fc.option(fc.nat({ max: 3 }), { nil: undefined, freq: 5 }),
});

/** Random apps for the adapters `variants`. */
export function appSpec(
  variants: readonly AdapterVariant[],
): fc.Arbitrary<AppSpec> {
  return fc.record({
    variant: fc.constantFrom(...variants),
    policies: fc.tuple(
      ...[0, 1, 2, 3].map((i) =>
        fc.record({
          origin: fc.constant(`https://p${i}.test`),
          credentials: fc.boolean(),
        }),
      ),
    ),
    controllers: fc.array(controller, { minLength: 1, maxLength: 4 }),
    versioning: fc.constantFrom(true, true, false),
    prefix: fc.option(
      fc.record({
        path: fc.constant('api'),
        exclude: fc.option(fc.constantFrom('a', 'items', 'b/:id'), {
          nil: undefined,
        }),
      }),
      { nil: undefined, freq: 3 },
    ),
    rawRoutes: fc.array(fc.constantFrom('/metrics', '/a', '/items/raw'), {
      maxLength: 1,
    }),
    fastifyOptions: fc.record({
      ignoreTrailingSlash: fc.boolean(),
      caseSensitive: fc.boolean(),
      useSemicolonDelimiter: fc.boolean(),
      ignoreDuplicateSlashes: fc.boolean(),
    }),
  });
}

/** The response header in which a handler names itself: `Controller#method`. */
export const HANDLER_HEADER = 'x-handler';

/** What raw routes answer in `HANDLER_HEADER`. */
export const RAW_HANDLER = 'raw';

/** The identity a handler answers with: `Controller#method`. */
export function handlerId(controller: number, handler: number): string {
  return `C${controller}#h${handler}`;
}

/**
 * The policy a handler runs under: its own, else its controller's, else the default (`p0`);
 * `false` for none. An inherited handler keeps the base method's own policy.
 */
export function policyOf(
  spec: AppSpec,
  controller: number,
  handler: number,
): number | false {
  const owner = spec.controllers[controller]!;
  const declaring = spec.controllers[declaringIndex(spec, controller)]!;
  const own = declaring.handlers[handler]!.policy;
  if (own !== undefined) return own;
  // Class metadata is inherited: a subclass without its own policy has its base's.
  return owner.policy ?? declaring.policy ?? 0;
}

function declaringIndex(spec: AppSpec, controller: number): number {
  const inherits = spec.controllers[controller]!.inherits;
  return inherits !== undefined &&
    inherits < controller &&
    spec.controllers[inherits]!.inherits === undefined
    ? inherits
    : controller;
}

const ref = (spec: AppSpec, policy: number | false | undefined) =>
  policy === undefined ? undefined : policy === false ? false : `p${policy}`;

function buildControllers(spec: AppSpec): Type[] {
  const classes: Type[] = [];
  spec.controllers.forEach((controllerSpec, c) => {
    const declaring = declaringIndex(spec, c);
    let cls: Type;
    if (declaring !== c) {
      const base = classes[declaring]!;
      cls = { [`C${c}`]: class extends (base as new () => object) {} }[
        `C${c}`
      ] as Type;
    } else {
      cls = { [`C${c}`]: class {} }[`C${c}`] as Type;
      const prototype = cls.prototype as object;
      controllerSpec.handlers.forEach((h, i) => {
        const name = `h${i}`;
        Object.defineProperty(prototype, name, {
          value: function (
            this: object,
            response: { header(name: string, value: string): unknown },
          ) {
            const id = `${this.constructor.name}#${name}`;
            response.header(HANDLER_HEADER, id);
            return id;
          },
          configurable: true,
          writable: true,
        });
        const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
        Res({ passthrough: true })(prototype, name, 0);
        RequestMapping({
          path: h.path,
          method: RequestMethod[h.method],
        })(prototype, name, descriptor);
        if (h.version && spec.versioning)
          Version(h.version)(prototype, name, descriptor);
        const policy = ref(spec, h.policy);
        if (policy !== undefined)
          CorsPolicy(policy)(prototype, name, descriptor);
      });
    }
    Controller({
      path: controllerSpec.path,
      version: spec.versioning ? controllerSpec.version : undefined,
    })(cls);
    const policy = ref(spec, controllerSpec.policy);
    if (policy !== undefined) CorsPolicy(policy)(cls);
    classes.push(cls);
  });
  return classes;
}

/** Boots the app of `spec` on a free port; `withCors: false` leaves the module out. */
export async function bootApp(
  spec: AppSpec,
  withCors = true,
): Promise<INestApplication> {
  const policies = Object.fromEntries(
    spec.policies.map((policy, i) => [
      `p${i}`,
      { origin: [policy.origin], credentials: policy.credentials },
    ]),
  );
  const appOptions = {
    ...(spec.variant === 'express-specificity' && {
      routeResolutionStrategy: 'specificity' as const,
    }),
    ...(spec.variant.endsWith('conflict-warn') && {
      routeConflictPolicy: { duplicate: 'warn', shadow: 'warn' } as const,
    }),
  };
  const adapter = spec.variant.startsWith('express')
    ? new ExpressAdapter()
    : spec.variant === 'fastify-instance'
      ? new FastifyAdapter(Fastify(spec.fastifyOptions))
      : new FastifyAdapter({ routerOptions: spec.fastifyOptions });
  return createTestApp({
    bootstrap: 'nest-factory',
    httpAdapter: adapter,
    cors: withCors
      ? CorsModule.forRoot({ default: 'p0', policies })
      : undefined,
    controllers: buildControllers(spec),
    appOptions,
    configure: (app) => configure(app, spec),
    listen: true,
  });
}

/** Versioning, the global prefix and raw routes on the instance, as `spec` asks. */
function configure(app: INestApplication, spec: AppSpec): void {
  if (spec.versioning)
    app.enableVersioning({
      type: VersioningType.HEADER,
      header: 'X-Api-Version',
    });
  if (spec.prefix)
    app.setGlobalPrefix(spec.prefix.path, {
      exclude: spec.prefix.exclude ? [spec.prefix.exclude] : [],
    });
  const instance = app.getHttpAdapter().getInstance() as {
    get(path: string, handler: (...args: never[]) => unknown): unknown;
  };
  type RawResponse = {
    header(name: string, value: string): RawResponse;
    send(body: string): unknown;
  };
  for (const path of spec.rawRoutes) {
    instance.get(path, (_: unknown, res: RawResponse) =>
      res.header(HANDLER_HEADER, RAW_HANDLER).send(path),
    );
  }
}
