import type {
  DynamicModule,
  INestApplication,
  Provider,
  Type,
} from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';

export interface AppParts {
  cors: DynamicModule;
  controllers?: Type[];
  providers?: Provider[];
  logger?: ConstructorParameters<typeof Object>[0];
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
  const app = moduleRef.createNestApplication({
    logger: parts.logger ?? false,
  });
  configure?.(app);
  return app.init();
}
