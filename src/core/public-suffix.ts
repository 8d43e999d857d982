import { createRequire } from 'node:module';
import type * as Tldts from 'tldts';

let tldts: typeof Tldts | undefined;

/**
 * `host` read against the Public Suffix List, private domains included (`github.io`). tldts,
 * which holds the list, is loaded the first time it is asked: a configuration without
 * wildcard or RegExp origins never loads it.
 */
export function parseDomain(host: string): ReturnType<typeof Tldts.parse> {
  tldts ??= createRequire(import.meta.url)('tldts') as typeof Tldts;
  return tldts.parse(host, { allowPrivateDomains: true });
}
