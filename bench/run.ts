// `npm run bench [-- ledger|world|api ...]`: runs the benchmarks, prints medians, writes
// bench/results/latest.json and bench/results/latest.md. Targets are reported, never asserted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { apiBench, type LoadResult } from './api.ts';

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

if (want('world')) {
  const runs = [1, 2, 3].map(() => runJson('bench/world-run.ts'));
  const r = { runs, medianSeconds: median(runs.map((x) => x.seconds)), txs: runs[0].txs, vendors: runs[0].vendors, medianPeakRssMb: median(runs.map((x) => x.peakRssMb)) };
  results.world = r;
  lines.push(`| default world (30 days, ${r.txs.toLocaleString('en-US')} txs, ${r.vendors} vendors) | ${r.medianSeconds} s median of 3 | target ≤ 5 s | peak ${r.medianPeakRssMb} MB |`);
}

if (want('ledger')) {
  const r = runJson('bench/ledger.ts', ['--txs', '1000000']);
  results.ledger = r;
  lines.push(`| ledger bulk build, 1,000,000 txs | ${r.seconds} s, ${r.txPerSecond.toLocaleString('en-US')} tx/s (1 run) | target ≤ 60 s, ≥ 20,000 tx/s | peak ${r.peakRssMb} MB (target ≤ 1,024) |`);
}

if (want('api')) {
  const r: LoadResult[] = await apiBench(10);
  results.api = r;
  for (const x of r) lines.push(`| ${x.route}, 50 connections | ${x.requestsPerSecond.toLocaleString('en-US')} req/s, p50 ${x.p50} ms, p99 ${x.p99} ms | target p99 ≤ 25 ms, ≥ 3,000 req/s | errors ${x.errors}, non-2xx ${x.non2xx} |`);
}

const table = ['| benchmark | measured | target | notes |', '| --- | --- | --- | --- |', ...lines].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
writeFileSync('bench/results/latest.md', `# Benchmark results\n\n${(results.machine as { cpus: number }).cpus} cores, Node ${process.version}. Figures are medians where several runs are made; the machine is shared and noisy.\n\n${table}\n`);
console.log(table);
