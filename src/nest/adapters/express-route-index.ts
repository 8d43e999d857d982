import type { RouteLookup } from '../cors-engine.js';
import { type CorsRoute, shareRoutes } from '../cors-route.js';

/** The parts of an Express 5 router layer this index reads. */
export interface ExpressLayer {
  name?: string;
  route?: {
    path: string | RegExp | Array<string | RegExp>;
    methods: Record<string, boolean | undefined>;
    stack: Array<{ handle: Function }>;
  };
  match(path: string): unknown;
}

export interface ExpressRouter {
  stack: ExpressLayer[];
  caseSensitive?: boolean;
  strict?: boolean;
}

interface Entry {
  /** Position in the router stack: the lower wins, as in Express. */
  index: number;
  layer: ExpressLayer;
  all: boolean;
  methods: ReadonlySet<string>;
  /** Replaced by a shared route when other entries have the same method and path. */
  route: CorsRoute | undefined;
}

const DYNAMIC = /[:*?+()[\]{}!\\]/;

/**
 * Indexes the route layers of an Express router so that finding the route a request reaches
 * costs the same with 10 routes or 1,000: static paths by a map lookup, dynamic ones by their
 * static directory prefix, then Express's own `layer.match()` for those candidates only.
 */
export function expressRouteLookup(
  router: ExpressRouter,
  routeOf: (handle: Function) => CorsRoute | undefined,
): RouteLookup {
  const caseSensitive = router.caseSensitive === true;
  const strict = router.strict === true;
  const fold = (path: string) => (caseSensitive ? path : path.toLowerCase());
  const staticPaths = new Map<string, Entry[]>();
  const dynamicPaths = new Map<string, Entry[]>();
  const prefixLengths = new Set<number>();
  const samePath = new Map<string, Entry[]>();
  const add = (map: Map<string, Entry[]>, key: string, entry: Entry) => {
    const entries = map.get(key);
    if (entries) entries.push(entry);
    else map.set(key, [entry]);
  };

  router.stack.forEach((layer, index) => {
    const { route } = layer;
    if (!route) return;
    const methods = Object.keys(route.methods).filter(
      (method) => route.methods[method],
    );
    const entry: Entry = {
      index,
      layer,
      all: methods.includes('_all'),
      methods: new Set(methods.map((method) => method.toUpperCase())),
      route: route.stack.map((item) => routeOf(item.handle)).find(Boolean),
    };
    const { path } = route;
    if (typeof path === 'string') {
      for (const method of entry.all ? ['ALL'] : entry.methods) {
        add(samePath, `${method} ${fold(path)}`, entry);
      }
    }
    if (typeof path === 'string' && !DYNAMIC.test(path)) {
      add(
        staticPaths,
        fold(strict || path === '/' ? path : path.replace(/\/+$/, '') || '/'),
        entry,
      );
      return;
    }
    const text = typeof path === 'string' ? path : '/';
    const prefix =
      fold(text.slice(0, text.lastIndexOf('/', text.search(DYNAMIC)) + 1)) ||
      '/';
    prefixLengths.add(prefix.length);
    add(dynamicPaths, prefix, entry);
  });

  for (const entries of samePath.values()) {
    const routes = entries.flatMap((entry) => entry.route ?? []);
    if (routes.length > 1) entries[0].route = shareRoutes(routes);
  }

  const handles = (entry: Entry, method: string) =>
    entry.all ||
    entry.methods.has(method) ||
    (method === 'HEAD' && entry.methods.has('GET'));

  return (method, path) => {
    let best: Entry | undefined;
    const folded = fold(path);
    const key =
      !strict && folded.length > 1 && folded.endsWith('/')
        ? folded.slice(0, -1)
        : folded;
    for (const entry of staticPaths.get(key) ?? []) {
      if (handles(entry, method)) {
        best = entry;
        break;
      }
    }
    for (
      let slash = folded.indexOf('/');
      slash !== -1;
      slash = folded.indexOf('/', slash + 1)
    ) {
      if (!prefixLengths.has(slash + 1)) continue;
      for (const entry of dynamicPaths.get(folded.slice(0, slash + 1)) ?? []) {
        if (best && entry.index > best.index) break;
        if (handles(entry, method) && matches(entry.layer, path)) {
          best = entry;
          break;
        }
      }
    }
    return best?.route;
  };
}

/** Express's own match; a malformed percent-escape, which Express answers with 400, matches nothing. */
function matches(layer: ExpressLayer, path: string): boolean {
  try {
    return Boolean(layer.match(path));
  } catch {
    return false;
  }
}
