import type { Type } from '@nestjs/common';

/**
 * Nest's metadata key of `@Controller({ host })`. Nest wraps every handler of such a
 * controller in a host filter, which passes requests for other hosts on to later routes.
 */
const HOST_METADATA = 'host';

/** Whether Nest wraps the handlers of `controller` in a host filter. */
export function hasHostFilter(controller: Type): boolean {
  return Reflect.getMetadata(HOST_METADATA, controller) !== undefined;
}
