import type {
  DynamicModule,
  INestApplication,
  LoggerService,
  Provider,
  Type,
} from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type AdapterName, initApp } from './adapters.js';

export interface AppParts {
  cors: DynamicModule;
  controllers?: Type[];
  providers?: Provider[];
  logger?: LoggerService;
  adapter?: AdapterName;
}

/** A small app around one CorsModule configuration, initialised but not listening. */
export async function createApp(
  parts: AppParts,
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  @Module({
    imports: [parts.cors],
    controllers: parts.controllers,
    providers: parts.providers,
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  return initApp(moduleRef, parts.adapter ?? 'express', {
    logger: parts.logger,
    configure,
  });
}
