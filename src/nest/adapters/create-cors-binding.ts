import type { HttpServer } from '@nestjs/common';
import type { CorsEngine } from '../cors-engine.js';
import type { CorsHttpBinding } from './cors-http-binding.js';
import { ExpressCorsBinding } from './express-cors-binding.js';
import { FastifyCorsBinding } from './fastify-cors-binding.js';

/** The binding for the application's HTTP adapter, or `undefined` when it is not supported. */
export function createCorsBinding(
  adapter: HttpServer,
  engine: CorsEngine,
): CorsHttpBinding | undefined {
  switch (adapter.getType()) {
    case 'express':
      return new ExpressCorsBinding(adapter, engine);
    case 'fastify':
      return new FastifyCorsBinding(adapter, engine);
    default:
      return undefined;
  }
}
