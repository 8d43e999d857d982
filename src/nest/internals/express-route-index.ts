import type { CorsRoute, RouteCandidates, RouteLookup } from '../cors-route.js';
import type { RouteHandle } from '../route-handle.js';

/** The parts of an Express 5 router layer this index reads. */
export interface ExpressLayer {
  route?: {
    path: string | RegExp | Array<string | RegExp>;
    methods: Record<string, boolean | undefined>;
    stack: Array<{ handle: RouteHandle }>;
  };
  match(path: string): unknown;
}

export interface ExpressRouter {
  stack: ExpressLayer[];
  caseSensitive?: boolean;
  strict?: boolean;
}

/** What a route layer's handler is, as far as CORS is concerned. */
export interface ExpressHandle {
  /** The controller route, or `null` for a route no controller owns. */
  route: CorsRoute | null;
  /** Whether it may pass the request on to later routes (a version or host filter). */
  passesOn: boolean;
}

interface Entry extends ExpressHandle {
  /** Position in the router stack: Express tries routes in this order. */
  index: number;
  layer: ExpressLayer;
  all: boolean;
  methods: ReadonlySet<string>;
}

const DYNAMIC = /[:*?+()[\]{}!\\]/;
const SLASH = 0x2f;
/** A route no controller owns: an Express handler may call `next()`, so it may pass on. */
const RAW_ROUTE: ExpressHandle = { route: null, passesOn: true };

/** The static routes of one path: what each method reaches when no dynamic route matches too. */
interface StaticPath {
  entries: Entry[];
  byMethod: Map<string, RouteCandidates>;
  /** For methods no entry names: the routes that take every method. */
  otherMethods: RouteCandidates;
}

/**
 * Express tries the route layers of its router in order, each matched by `layer.match(path)`
 * and its `route.methods`, until one does not pass the request on: every route a method and
 * path reach, in that order. Each is matched by Express's own `layer.match()`; finding the layers to match costs the same with 10 routes or
 * 1,000: static paths by a map lookup, dynamic ones by their static directory prefix. What a
 * static path alone gives each method is worked out here, once.
 */
export function expressRouteLookup(
  router: ExpressRouter,
  handleOf: (handle: RouteHandle) => ExpressHandle | undefined,
): RouteLookup {
  const caseSensitive = router.caseSensitive === true;
  const strict = router.strict === true;
  const fold = (path: string) => (caseSensitive ? path : path.toLowerCase());
  const staticEntries = new Map<string, Entry[]>();
  const dynamicPaths = new Map<string, Entry[]>();
  const prefixLengths = new Set<number>();
  /** Static paths compared by Express's own match only: see `isPlain`. */
  const otherPaths: Entry[] = [];
  /** One set per distinct method list: most routes share theirs with many others. */
  const methodSets = new Map<string, ReadonlySet<string>>();
  const methodSet = (methods: string[]) => {
    const key = methods.join(',');
    const known = methodSets.get(key);
    if (known) return known;
    const set = new Set(methods);
    methodSets.set(key, set);
    return set;
  };
  const add = (map: Map<string, Entry[]>, key: string, entry: Entry) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };

  router.stack.forEach((layer, index) => {
    const { route } = layer;
    if (!route) return;
    const methods = Object.keys(route.methods)
      .filter((method) => route.methods[method])
      .map((method) => method.toUpperCase());
    const handle = route.stack
      .map((item) => handleOf(item.handle))
      .find(Boolean);
    const entry: Entry = {
      ...(handle ?? RAW_ROUTE),
      index,
      layer,
      all: methods.includes('_ALL'),
      methods: methodSet(methods),
    };
    const { path } = route;
    if (typeof path === 'string' && !DYNAMIC.test(path)) {
      if (isPlain(path)) add(staticEntries, fold(path), entry);
      else otherPaths.push(entry);
      return;
    }
    const text = typeof path === 'string' ? path : '/';
    const prefix =
      fold(text.slice(0, text.lastIndexOf('/', text.search(DYNAMIC)) + 1)) ||
      '/';
    prefixLengths.add(prefix.length);
    add(dynamicPaths, prefix, entry);
  });
  const staticPaths = new Map<string, StaticPath>();
  for (const [key, entries] of staticEntries) {
    const named = new Set(entries.flatMap((entry) => [...entry.methods]));
    if (named.has('GET')) named.add('HEAD');
    const byMethod = new Map<string, RouteCandidates>();
    for (const method of named) {
      byMethod.set(method, reachable(handling(entries, method)));
    }
    const otherMethods = reachable(entries.filter((entry) => entry.all));
    staticPaths.set(key, { entries, byMethod, otherMethods });
  }

  const lengths = [...prefixLengths].sort((a, b) => a - b);

  return (method, path) => {
    const folded = fold(path);
    const found: Entry[] = [];
    for (const length of lengths) {
      if (length > folded.length) break;
      if (folded.charCodeAt(length - 1) !== SLASH) continue;
      for (const entry of dynamicPaths.get(folded.slice(0, length)) ?? []) {
        if (handles(entry, method) && matches(entry.layer, path))
          found.push(entry);
      }
    }
    for (const entry of otherPaths) {
      if (handles(entry, method) && matches(entry.layer, path))
        found.push(entry);
    }
    const trailing = !strict && path.charCodeAt(path.length - 1) === SLASH;
    const known = staticPaths.get(trailing ? folded.slice(0, -1) : folded);
    if (!known || !isPlain(trailing ? path.slice(0, -1) : path))
      return reachable(found);
    if (found.length === 0)
      return known.byMethod.get(method) ?? known.otherMethods;
    return reachable([...handling(known.entries, method), ...found]);
  };
}

function handles(entry: Entry, method: string): boolean {
  return (
    entry.all ||
    entry.methods.has(method) ||
    (method === 'HEAD' && entry.methods.has('GET'))
  );
}

const handling = (entries: Entry[], method: string) =>
  entries.filter((entry) => handles(entry, method));

/**
 * A path that Express's match and a string comparison (case-folded unless routing is case
 * sensitive) agree on: printable ASCII, not ending with a slash. Express also takes one
 * trailing slash after such a route path unless routing is strict.
 */
function isPlain(path: string): boolean {
  const last = path.length - 1;
  if (last < 1 || path.charCodeAt(last) === SLASH) return false;
  for (let i = 0; i <= last; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/** The routes Express would try, in its order, up to the first that answers for sure. */
function reachable(found: Entry[]): RouteCandidates {
  if (found.length === 1 && !found[0]!.passesOn) return [found[0]!.route];
  found.sort((a, b) => a.index - b.index);
  const candidates: Array<CorsRoute | null> = [];
  for (const entry of found) {
    candidates.push(entry.route);
    if (!entry.passesOn) break;
  }
  return candidates;
}

/** Express's own match; a malformed percent-escape, which Express answers with 400, matches nothing. */
function matches(layer: ExpressLayer, path: string): boolean {
  try {
    return Boolean(layer.match(path));
  } catch {
    return false;
  }
}
