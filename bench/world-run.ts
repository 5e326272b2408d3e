// One default-world generation in its own process (so peak memory is this run's own).
// Usage: node bin/run-ts.js bench/world-run.ts [--days N]   → one JSON line
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../sim/world.ts';
import { DEFAULT_TRAILS } from '../sim/options.ts';
import { peakRssMb } from './memory.ts';

const i = process.argv.indexOf('--days');
const days = i > 0 ? Number(process.argv[i + 1]) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'onion-world-bench-'));
const started = performance.now();
const s = generateWorld({ ...(days ? { days } : {}), trails: DEFAULT_TRAILS }, join(dir, 'world.sqlite'));
const seconds = (performance.now() - started) / 1000;
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ bench: 'world', days: s.days, txs: s.transactions, blocks: s.blocks, vendors: s.entities.vendor ?? 0, seconds: Number(seconds.toFixed(2)), peakRssMb: peakRssMb() }));
