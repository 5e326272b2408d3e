// `npm run bench [-- ledger|world|api|market ...]`: runs the benchmarks, prints medians, writes
// bench/results/latest.json and bench/results/latest.md. Targets are reported, never asserted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { apiBench, load, startServer, type LoadResult } from './api.ts';

const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const NODE_FLAGS = ['--max-semi-space-size=64'];

function runJson(script: string, args: string[] = []): Record<string, number> {
  const out = execFileSync(process.execPath, [...NODE_FLAGS, 'bin/run-ts.js', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
};
const lines: string[] = [];
/** Which benchmark each table line belongs to. */
const sectionOf = new Map<string, string>();
const add = (section: string, line: string) => {
  lines.push(line);
  sectionOf.set(line, section);
};

if (want('world')) {
  const runs = [1, 2, 3].map(() => runJson('bench/world-run.ts'));
  const r = { runs, medianSeconds: median(runs.map((x) => x.seconds)), txs: runs[0].txs, vendors: runs[0].vendors, medianPeakRssMb: median(runs.map((x) => x.peakRssMb)) };
  results.world = r;
  add('world', `| default world (30 days, ${r.txs.toLocaleString('en-US')} txs, ${r.vendors} vendors) | ${r.medianSeconds} s median of 3 | target ≤ 5 s | peak ${r.medianPeakRssMb} MB |`);
}

if (want('ledger')) {
  const r = runJson('bench/ledger.ts', ['--txs', '1000000']);
  results.ledger = r;
  add('ledger', `| ledger bulk build, 1,000,000 txs | ${r.seconds} s, ${r.txPerSecond.toLocaleString('en-US')} tx/s (1 run) | target ≤ 60 s, ≥ 20,000 tx/s | peak ${r.peakRssMb} MB (target ≤ 1,024) |`);
}

if (want('api')) {
  const r: LoadResult[] = await apiBench(10);
  results.api = r;
  for (const x of r) add('api', `| ${x.route}, 50 connections | ${x.requestsPerSecond.toLocaleString('en-US')} req/s, p50 ${x.p50} ms, p99 ${x.p99} ms | target p99 ≤ 25 ms, ≥ 3,000 req/s | errors ${x.errors}, non-2xx ${x.non2xx} |`);
}

if (want('market')) {
  // Market pages as trainees load them: through the onion browser's /onion/<address>/ path.
  const server = await startServer('bench/market-server.ts');
  try {
    const { port, onion, listing, vendor } = server.info as { port: number; onion: string; listing: string; vendor: string };
    const base = `http://127.0.0.1:${port}/onion/${onion}`;
    const pages: [string, string][] = [['home', '/'], ['category', '/category/cannabis'], ['listing', listing], ['vendor profile', vendor], ['mirrors.txt', '/mirrors.txt']];
    const r: LoadResult[] = [];
    for (const [name, path] of pages) r.push(await load(`${base}${path}`, `market ${name} via /onion/`, 10));
    results.market = r;
    for (const x of r) add('market', `| ${x.route}, 50 connections | ${x.requestsPerSecond.toLocaleString('en-US')} req/s, p50 ${x.p50} ms, p99 ${x.p99} ms | target p99 ≤ 30 ms | errors ${x.errors}, non-2xx ${x.non2xx} |`);
  } finally {
    server.stop();
  }
}

// Each benchmark keeps its own results file, so running one does not erase the others' figures.
mkdirSync('bench/results', { recursive: true });
const SECTIONS = ['world', 'ledger', 'api', 'market'];
for (const name of SECTIONS) {
  if (!(name in results)) continue;
  const own = lines.filter((l) => sectionOf.get(l) === name);
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify({ machine: results.machine, results: results[name], lines: own }, null, 2)}\n`);
}
const allLines: string[] = [];
for (const name of SECTIONS) {
  try {
    allLines.push(...(JSON.parse(readFileSync(`bench/results/${name}.json`, 'utf8')) as { lines: string[] }).lines);
  } catch {
    // not run yet
  }
}
const table = ['| benchmark | measured | target | notes |', '| --- | --- | --- | --- |', ...allLines].join('\n');
writeFileSync('bench/results/latest.md', `# Benchmark results\n\n${(results.machine as { cpus: number }).cpus} cores, Node ${process.version}. Figures are medians where several runs are made; the machine is shared and noisy. Written by \`npm run bench\`; each row is from the last run of its benchmark.\n\n${table}\n`);
console.log(table);
