/**
 * `node bench/dist/profile.js <file.cpuprofile>…`: where the servers written under
 * `BENCH_CPU_PROF=1` spent their main thread's time once they served their first request,
 * in µs per request served, one column per profile, side by side:
 * - self time by package (`dist` is the library itself, `node` Node's own modules);
 * - the library's cost by function: each sample goes to the nearest frame on its stack
 *   that some package owns. Node's modules, native code, `vary` and `parseurl` belong to
 *   whoever called them; a sample under Node's own `writeHead`, which the library's hook
 *   calls, is the response's own cost, not the library's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Served } from './load.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = 25;
const ROOT = `file://${process.cwd()}/`;
const LIBRARY = `${ROOT}dist/`;
/** Helpers that cost whoever calls them. */
const BORROWED = new Set(['vary', 'parseurl']);
/** The request starts being served here. */
const SERVING = 'parserOnIncoming';

function packageOf(url: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  if (url.startsWith(LIBRARY)) return 'dist';
  if (url.startsWith('node:')) return 'node';
  return url ? url.replace(ROOT, '') : '(native)';
}

/** Who a frame's time goes to: a library function, someone else (`null`), or its caller. */
function ownerOf({
  functionName,
  url,
  lineNumber,
}: Node['callFrame']): string | null | undefined {
  const name = functionName || '(anonymous)';
  if (url.startsWith(LIBRARY))
    return `${name} ${url.slice(LIBRARY.length)}:${lineNumber + 1}`;
  if (url === 'node:_http_server' && functionName === 'writeHead') return null;
  const owner = packageOf(url);
  if (owner === 'node' || owner === '(native)' || BORROWED.has(owner))
    return undefined;
  return null;
}

interface Analysis {
  name: string;
  requests: number;
  /** Server CPU µs per request over the loads, all threads. */
  cpu: number;
  /** Main-thread µs per request, by package and by library function. */
  busy: number;
  packages: Map<string, number>;
  library: Map<string, number>;
}

const add = (map: Map<string, number>, key: string, time: number) =>
  map.set(key, (map.get(key) ?? 0) + time);

function analyze(file: string): Analysis {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const servedFile = file.replace(/\.cpuprofile$/, '.json');
  if (!existsSync(servedFile))
    throw new Error(`${servedFile} is missing: was the server stopped?`);
  const served = JSON.parse(readFileSync(servedFile, 'utf8')) as Served;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, Node>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node);
  const packages = new Map<string, number>();
  const library = new Map<string, number>();
  let busy = 0;
  let serving = false;
  profile.samples.forEach((id, i) => {
    const leaf = nodes.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') return;
    const stack: Node[] = [];
    for (let node: Node | undefined = leaf; node; node = parents.get(node.id))
      stack.push(node);
    serving ||= stack.some((n) => n.callFrame.functionName === SERVING);
    if (!serving) return;
    const time = profile.timeDeltas[i] ?? 0;
    busy += time;
    add(packages, packageOf(leaf.callFrame.url), time);
    for (const node of stack) {
      const owner = ownerOf(node.callFrame);
      if (owner === undefined) continue;
      if (owner !== null) add(library, owner, time);
      break;
    }
  });
  const perRequest = (map: Map<string, number>) =>
    new Map([...map].map(([key, time]) => [key, time / served.requests]));
  return {
    name: basename(file, '.cpuprofile'),
    requests: served.requests,
    cpu: served.cpu / served.requests,
    busy: busy / served.requests,
    packages: perRequest(packages),
    library: perRequest(library),
  };
}

/** One row a key, the `TOP` largest in any profile, one column a profile. */
function sideBySide(
  title: string,
  analyses: Analysis[],
  pick: (a: Analysis) => Map<string, number>,
): void {
  const largest = new Map<string, number>();
  for (const a of analyses)
    for (const [key, us] of pick(a))
      largest.set(key, Math.max(largest.get(key) ?? 0, us));
  const keys = [...largest]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([key]) => key);
  const width = Math.max(...analyses.map((a) => a.name.length), 8);
  const cell = (text: string) => text.padStart(width);
  console.log(`${title} (µs per request)`);
  console.log(`${analyses.map((a) => cell(a.name)).join('  ')}  `);
  const total = analyses.map((a) =>
    [...pick(a).values()].reduce((sum, us) => sum + us, 0),
  );
  console.log(`${total.map((us) => cell(us.toFixed(2))).join('  ')}  total`);
  for (const key of keys) {
    const cells = analyses.map((a) => cell((pick(a).get(key) ?? 0).toFixed(2)));
    console.log(`${cells.join('  ')}  ${key}`);
  }
  console.log('');
}

const analyses = process.argv.slice(2).map(analyze);
for (const a of analyses) {
  console.log(
    `${a.name}: ${a.requests.toLocaleString('en-US')} requests, ${a.cpu.toFixed(1)} µs of CPU each, ${a.busy.toFixed(1)} µs of it on the main thread`,
  );
}
console.log('');
sideBySide('Self time by package', analyses, (a) => a.packages);
sideBySide('The library, by function', analyses, (a) => a.library);
