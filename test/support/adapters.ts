import type { INestApplication } from '@nestjs/common';
import {
  ExpressAdapter,
  type NestExpressApplication,
} from '@nestjs/platform-express';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';

/** Every e2e spec runs once per adapter, with the same assertions. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** Request bodies over this many bytes are refused with 413 on both adapters. */
export const BODY_LIMIT = 1024;

/** Creates the Nest application for `adapter`, initialises it and makes it ready for supertest. */
export async function initApp(
  moduleRef: TestingModule,
  adapter: AdapterName,
  options: {
    logger?: unknown;
    configure?: (app: INestApplication) => void;
  } = {},
): Promise<INestApplication> {
  const logger = (options.logger ?? false) as false;
  let app: INestApplication;
  if (adapter === 'fastify') {
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ bodyLimit: BODY_LIMIT }),
      { logger },
    );
  } else {
    const express = moduleRef.createNestApplication<NestExpressApplication>(
      new ExpressAdapter(),
      { logger },
    );
    express.useBodyParser('json', { limit: BODY_LIMIT });
    app = express;
  }
  options.configure?.(app);
  await app.init();
  if (adapter === 'fastify')
    await (app as NestFastifyApplication)
      .getHttpAdapter()
      .getInstance()
      .ready();
  return app;
}
