/**
 * `node bench/dist/profile.js <file.cpuprofile>…`: the functions with the most self time
 * in V8 CPU profiles written by the servers under `BENCH_CPU_PROF=1`, as a share of the
 * time not idle, and the share of the library's own code (`dist/`).
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

for (const file of process.argv.slice(2)) {
  const profile: Profile = JSON.parse(readFileSync(file, 'utf8'));
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let busy = 0;
  let library = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = frames.get(id)!;
    if (functionName === '(idle)') return;
    const where = url.replace(/^.*\/node_modules\//, '').replace(ROOT, '');
    const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    const time = profile.timeDeltas[i] ?? 0;
    self.set(name, (self.get(name) ?? 0) + time);
    busy += time;
    if (where.startsWith('dist/')) library += time;
  });
  const share = (time: number) => ((100 * time) / busy).toFixed(1);
  console.log(
    `${file}: ${(busy / 1e6).toFixed(1)} s busy, ${share(library)}% in dist/`,
  );
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP);
  for (const [name, time] of top)
    console.log(`${share(time).padStart(5)}%  ${name}`);
  console.log('');
}
