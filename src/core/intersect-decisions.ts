import type { CorsDecision, CorsHeaders } from './cors-decision.js';

/**
 * The decision for a request that may reach any of several handlers, each with its own
 * decision: nothing more than every one of them allows.
 * - Denied if any of them denies (the first denial is given, with every `Vary`).
 * - `Access-Control-Allow-Origin` echoes the origin where they differ (`*` and an echo).
 * - Credentials and private network access only if all of them grant them.
 * - Methods, allowed headers and exposed headers: those all of them list.
 * - `Access-Control-Max-Age`: the shortest, and none where one of them has none.
 */
export function intersectDecisions(
  decisions: readonly CorsDecision[],
): CorsDecision {
  const [first, ...rest] = decisions;
  if (!first) throw new Error('intersectDecisions() needs a decision');
  if (rest.length === 0) return first;
  const vary = unionOfLists(decisions.map((decision) => decision.vary));
  const denied = decisions.find((decision) => !decision.allowed);
  if (denied) return { ...denied, vary };
  const all = decisions.map((decision) => decision.headers);
  const headers: CorsHeaders = {};
  const origins = new Set(all.map((h) => h['access-control-allow-origin']));
  origins.delete('*');
  headers['access-control-allow-origin'] =
    origins.size === 0 ? '*' : [...origins][0]!;
  for (const name of [
    'access-control-allow-credentials',
    'access-control-allow-private-network',
  ]) {
    if (all.every((h) => h[name] === 'true')) headers[name] = 'true';
  }
  const lists: Array<[string, boolean]> = [
    ['access-control-allow-methods', true],
    ['access-control-allow-headers', false],
    ['access-control-expose-headers', false],
  ];
  for (const [name, caseSensitive] of lists) {
    const common = intersectLists(
      all.map((h) => h[name]),
      caseSensitive,
    );
    if (common) headers[name] = common;
  }
  const ages = all.map((h) => h['access-control-max-age']);
  if (ages.every((age) => age !== undefined)) {
    headers['access-control-max-age'] = String(Math.min(...ages.map(Number)));
  }
  return {
    allowed: true,
    code: 'allowed',
    status: first.status,
    headers,
    vary,
  };
}

const split = (list: string) =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The items every list has; `*` stands for any; `undefined` where one list is absent. */
function intersectLists(
  lists: ReadonlyArray<string | undefined>,
  caseSensitive: boolean,
): string | undefined {
  if (lists.some((list) => list === undefined)) return undefined;
  const fold = (item: string) => (caseSensitive ? item : item.toLowerCase());
  let common: string[] | undefined;
  for (const list of lists as string[]) {
    if (list === '*') continue;
    const items = split(list);
    if (!common) {
      common = items;
      continue;
    }
    const keep = new Set(items.map(fold));
    common = common.filter((item) => keep.has(fold(item)));
  }
  if (!common) return '*';
  return common.length > 0 ? common.join(',') : undefined;
}

function unionOfLists(
  lists: ReadonlyArray<string | undefined>,
): string | undefined {
  const seen = new Map<string, string>();
  for (const list of lists) {
    for (const item of split(list ?? ''))
      if (!seen.has(item.toLowerCase())) seen.set(item.toLowerCase(), item);
  }
  return seen.size > 0 ? [...seen.values()].join(', ') : undefined;
}
