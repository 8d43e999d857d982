import type { INestApplication } from '@nestjs/common';
import type { CorsSurface } from '../nest/cors-surface.js';
import { CorsService } from '../nest/cors.service.js';

/**
 * Describes the CORS surface of an application whose `init()` has resolved: every controller
 * route with its policy, the `paths` rules, the default, and what each of those policies
 * allows (`CorsService.surface()`). Two applications configured alike get equal surfaces, on
 * Express and on Fastify.
 *
 * @example
 * expect(corsSurface(app)).toMatchSnapshot();
 * @publicApi
 */
export function corsSurface(app: INestApplication): CorsSurface {
  return app.get(CorsService).surface();
}
