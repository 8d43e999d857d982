import { ApplicationConfig, NestApplication } from '@nestjs/core';
import { createRequire } from 'node:module';

/** The version of `@nestjs/core` the specs run on. */
export const NEST_VERSION = (
  createRequire(import.meta.url)('@nestjs/core/package.json') as {
    version: string;
  }
).version;

/**
 * What Nest 12 has and Nest 11 lacks. The e2e suite also runs on Nest 11 (`npm run
 * test:nest11`): specs register their tests of these only where the installed Nest has them,
 * and name the Nest 12 feature in the test title.
 */
export const NEST_12 = {
  /** `app.enableCsrfProtection()`. */
  csrfProtection:
    typeof NestApplication.prototype.enableCsrfProtection === 'function',
  /** The `routeResolutionStrategy` and `routeConflictPolicy` application options. */
  routeOptions:
    typeof ApplicationConfig.prototype.setRouteResolutionStrategy ===
      'function' &&
    typeof ApplicationConfig.prototype.setRouteConflictPolicy === 'function',
};
