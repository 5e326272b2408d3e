// `onion-range world generate|report`: build a world file from a scenario and seed, or report on one.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateWorld, type WorldSummary } from '../../sim/world.ts';
import { DEFAULT_TRAILS, WorldOptionsError, type WorldOptionsInput } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { heuristicReport, formatReport } from '../../sim/analysis/report.ts';
import { progressBar } from './progress.ts';
import { exportTagPack, exportElliptic } from '../../sim/truth/export.ts';
import { writeFileSync } from 'node:fs';

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Reads the world options a scenario names: 'default', or a JSON file of WorldOptions fields. */
export function loadScenarioOptions(scenario: string): WorldOptionsInput {
  if (scenario === 'default') return { trails: DEFAULT_TRAILS };
  const file = resolve(scenario);
  if (!existsSync(file)) throw new CommandError(`no scenario named '${scenario}' (built-in: default; or give a .json options file)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CommandError(`${scenario}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CommandError(`${scenario}: expected an object of world options`);
  return parsed as WorldOptionsInput;
}

/** Generates into `out` atomically: a temporary file renamed when complete. */
export function generateWorldFile(options: WorldOptionsInput, out: string, showProgress = false): WorldSummary {
  const tmp = `${out}.building`;
  const clean = (f: string) => {
    for (const x of [f, `${f}-wal`, `${f}-shm`]) rmSync(x, { force: true });
  };
  clean(tmp);
  const bar = showProgress ? progressBar('Generating world') : null;
  try {
    const summary = generateWorld(options, tmp, {
      onProgress: bar ? (f, e) => bar.update(f, `block ${e.height}, ${e.txCount.toLocaleString('en-US')} txs`) : undefined,
    });
    bar?.done();
    clean(out);
    renameSync(tmp, out);
    return summary;
  } catch (err) {
    bar?.done();
    clean(tmp);
    if (err instanceof WorldOptionsError) throw new CommandError(`bad world options: ${err.message}`);
    throw err;
  }
}

export function formatSummary(s: WorldSummary, file: string): string {
  const lines = [
    `World ${file}`,
    `  seed ${s.seed} · from ${s.startDate} for ${s.days} days · generated in ${s.seconds} s`,
    `  blocks ${s.blocks.toLocaleString('en-US')} (heights ${s.startHeight}–${s.tipHeight}), transactions ${s.transactions.toLocaleString('en-US')}`,
    `  tip ${s.tipHash}`,
    `  entities: ${Object.entries(s.entities).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  planted trails: ${Object.keys(s.trails).length ? Object.entries(s.trails).map(([k, n]) => `${k} ${n}`).join(', ') : 'none'}`,
  ];
  return lines.join('\n');
}

export function reportWorld(file: string): string {
  if (!existsSync(file)) throw new CommandError(`no such file: ${file}`);
  const ledger = Ledger.open(file, { readonly: true });
  try {
    return formatReport(heuristicReport(ledger.db));
  } finally {
    ledger.close();
  }
}

export function exportWorld(file: string, format: 'tagpack' | 'elliptic', out: string): string {
  if (!existsSync(file)) throw new CommandError(`no such file: ${file}`);
  const ledger = Ledger.open(file, { readonly: true });
  try {
    if (format === 'tagpack') {
      const yaml = exportTagPack(ledger.db);
      writeFileSync(out, yaml);
      return `TagPack written to ${out}`;
    }
    const r = exportElliptic(ledger.db, out);
    return `Elliptic-shaped CSVs written to ${out}: ${r.txs} transactions (${r.illicit} illicit, ${r.licit} licit), ${r.edges} edges`;
  } finally {
    ledger.close();
  }
}
