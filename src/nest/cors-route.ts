import type { Type } from '@nestjs/common';
import type { PolicySource } from './policy-source.js';

/** A controller method and the policy its requests get. */
export interface CorsRoute {
  /** `Controller#method`. */
  readonly id: string;
  readonly controller: Type;
  readonly handler: Function;
  /** `undefined`: no CORS. */
  readonly source: PolicySource | undefined;
}
