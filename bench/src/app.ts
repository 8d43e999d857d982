import 'reflect-metadata';
import {
  Controller,
  Get,
  type INestApplication,
  Injectable,
  Module,
  type Provider,
  Put,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
  type CorsPolicyOptions,
  type CorsDecisionEvent,
  type CorsPolicyProvider,
} from 'nestjs-cors-policy';
import {
  BIG_ALLOWLIST,
  ENABLE_CORS_OPTIONS,
  MID_ORIGIN,
  MIXED_POLICY,
  POLICY,
  REPORT_ONLY_CANDIDATE,
  routePolicy,
} from './policy.js';
import type { Adapter, Variant } from './scenarios.js';

const BODY = { items: [1, 2, 3] };

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return BODY;
  }

  @Put()
  replace() {
    return BODY;
  }
}

/** `GET` and `PUT /s3/r{i}` for `i` below `count`, each path with its own `@CorsPolicy`. */
function manyRoutesController(count: number): Type {
  class ManyRoutesController {}
  const prototype = ManyRoutesController.prototype as Record<string, unknown>;
  for (let i = 0; i < count; i++) {
    const policy = CorsPolicy(routePolicy(i));
    for (const [verb, mapping] of [
      ['get', Get],
      ['put', Put],
    ] as const) {
      const name = `${verb}${i}`;
      prototype[name] = () => BODY;
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
      mapping(`r${i}`)(prototype, name, descriptor);
      policy(prototype, name, descriptor);
    }
  }
  Controller('s3')(ManyRoutesController);
  return ManyRoutesController;
}

/** How many times the provider below was asked, for the server's start-up check. */
export const providerCalls = { count: 0 };

/** A policy computed by an injectable class: a cached object, returned asynchronously. */
@Injectable()
class BenchPolicyProvider implements CorsPolicyProvider {
  private readonly policy: CorsPolicyOptions = { ...POLICY };

  async getPolicy(): Promise<CorsPolicyOptions> {
    providerCalls.count++;
    return this.policy;
  }
}

/** Decisions by route, policy and code, as a metrics counter would keep them. */
const decisions = new Map<string, number>();
function countDecision({ route, policy, code }: CorsDecisionEvent): void {
  const key = `${route} ${policy} ${code}`;
  decisions.set(key, (decisions.get(key) ?? 0) + 1);
}

interface CorsSetup {
  module?: CorsModuleOptions;
  enableCors?: typeof ENABLE_CORS_OPTIONS;
  providers?: Provider[];
}

const SETUPS: Record<Variant, CorsSetup> = {
  bare: {},
  enableCors: { enableCors: ENABLE_CORS_OPTIONS },
  module: { module: { default: POLICY } },
  'module-one-origin': {
    module: { default: { ...POLICY, origin: [MID_ORIGIN] } },
  },
  'module-big-allowlist': {
    module: { default: { ...POLICY, origin: BIG_ALLOWLIST } },
  },
  'module-provider': {
    module: { default: BenchPolicyProvider },
    providers: [BenchPolicyProvider],
  },
  'module-mixed': { module: { default: MIXED_POLICY } },
  'module-listener': {
    module: { default: POLICY, onDecision: countDecision },
  },
  'module-report-only': {
    module: { default: { ...POLICY, reportOnly: REPORT_ONLY_CANDIDATE } },
  },
};

/**
 * The same Nest app for every variant, on Express or Fastify, differing only in how CORS is
 * set up; `routes` adds that many routes with a policy each.
 */
export async function createBenchApp(
  variant: Variant,
  routes: number,
  adapter: Adapter = 'express',
): Promise<INestApplication> {
  const setup = SETUPS[variant];
  const controllers: Type[] = [ItemsController];
  if (routes > 0) controllers.push(manyRoutesController(routes));
  class BenchModule {}
  Module({
    imports: setup.module ? [CorsModule.forRoot(setup.module)] : [],
    controllers,
    providers: setup.providers ?? [],
  })(BenchModule);
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(BenchModule, new FastifyAdapter(), {
          logger: false,
        })
      : await NestFactory.create(BenchModule, { logger: false });
  if (setup.enableCors) app.enableCors(setup.enableCors);
  return app;
}
