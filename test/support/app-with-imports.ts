import type {
  DynamicModule,
  INestApplication,
  LoggerService,
  Provider,
  Type,
} from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import type { AdapterName } from './adapters.js';

export interface AppWithImportsParts {
  adapter: AdapterName;
  cors: DynamicModule;
  /** Modules that mount routes of their own: GraphQLModule, ServeStaticModule… */
  imports?: Array<DynamicModule | Type>;
  controllers?: Type[];
  providers?: Provider[];
  logger?: LoggerService;
}

/**
 * An app as users start it, with `NestFactory.create()` rather than a testing module, and
 * other modules beside CorsModule. `ServeStaticModule` needs that: it picks its loader from
 * the HTTP adapter when its providers are created, and a testing module creates them before
 * there is an adapter (it then serves nothing). `configure` runs before `app.init()`:
 * `SwaggerModule.setup()`, `app.use()`, raw routes. Initialised (and Fastify ready), not
 * listening.
 */
export async function createAppWithImports(
  parts: AppWithImportsParts,
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  @Module({
    imports: [parts.cors, ...(parts.imports ?? [])],
    controllers: parts.controllers,
    providers: parts.providers,
  })
  class AppModule {}
  const options = {
    logger: parts.logger ?? (false as const),
    abortOnError: false,
  };
  const app =
    parts.adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(
          AppModule,
          new FastifyAdapter(),
          options,
        )
      : await NestFactory.create(AppModule, new ExpressAdapter(), options);
  configure?.(app);
  await app.init();
  if (parts.adapter === 'fastify')
    await (app as NestFastifyApplication)
      .getHttpAdapter()
      .getInstance()
      .ready();
  return app;
}
