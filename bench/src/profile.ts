/**
 * `node bench/dist/profile.js <file.cpuprofile>…`: where the servers written under
 * `BENCH_CPU_PROF=1` spent their time not idle, by function (self time) and by package
 * (`dist` is the library itself).
 */
import { readFileSync } from 'node:fs';

interface Profile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

const TOP = 20;
const ROOT = `file://${process.cwd()}/`;

function packageOf(url: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1];
  if (url.startsWith(`${ROOT}dist/`)) return 'dist';
  if (url.startsWith('node:')) return 'node';
  return url ? url.replace(ROOT, '') : '(native)';
}

function printTop(title: string, times: Map<string, number>, busy: number) {
  console.log(`  ${title}`);
  const top = [...times].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [name, time] of top)
    console.log(`  ${((100 * time) / busy).toFixed(1).padStart(5)}%  ${name}`);
}

const add = (map: Map<string, number>, key: string, time: number) =>
  map.set(key, (map.get(key) ?? 0) + time);

for (const file of process.argv.slice(2)) {
  const profile: Profile = JSON.parse(readFileSync(file, 'utf8'));
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = frames.get(id)!;
    if (functionName === '(idle)') return;
    const where = url.replace(/^.*\/node_modules\//, '').replace(ROOT, '');
    const time = profile.timeDeltas[i] ?? 0;
    add(
      functions,
      `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`,
      time,
    );
    add(packages, packageOf(url), time);
    busy += time;
  });
  console.log(`${file}: ${(busy / 1e6).toFixed(1)} s not idle`);
  printTop('self time by function', functions, busy);
  printTop('self time by package', packages, busy);
  console.log('');
}
