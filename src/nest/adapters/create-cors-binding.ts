import type { HttpServer } from '@nestjs/common';
import type { CorsRouting } from '../cors-routing.js';
import type { CorsHttpBinding } from './cors-http-binding.js';
import { ExpressCorsBinding } from './express-cors-binding.js';
import { FastifyCorsBinding } from './fastify-cors-binding.js';

/** The binding for the application's HTTP adapter, or `undefined` when it is not supported. */
export function createCorsBinding(
  adapter: HttpServer,
  routing: CorsRouting,
): CorsHttpBinding | undefined {
  switch (adapter.getType()) {
    case 'express':
      return new ExpressCorsBinding(adapter, routing);
    case 'fastify':
      return new FastifyCorsBinding(adapter, routing);
    default:
      return undefined;
  }
}
