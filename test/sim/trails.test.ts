// The default world's planted trails, solved from public chain data by the analysis library.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../../sim/world.ts';
import { DEFAULT_TRAILS } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { solveTrails, type TrailSolution } from '../../sim/analysis/solver.ts';

/** Trails whose next hop is only knowable from a service's records or from timing/amount correlation. */
const NEEDS_RECORDS = new Set(['mixer_pass', 'coinjoin']);

describe('planted trails of the default world', () => {
  let solutions: TrailSolution[];
  let statuses: Map<string, string>;
  beforeAll(() => {
    const file = join(mkdtempSync(join(tmpdir(), 'onion-trails-')), 'world.sqlite');
    generateWorld({ days: 14, trails: DEFAULT_TRAILS }, file);
    const ledger = Ledger.open(file, { readonly: true });
    solutions = solveTrails(ledger.db);
    statuses = new Map(
      (ledger.db.prepare('SELECT id, summary FROM gt_trails').all() as { id: string; summary: string }[]).map((r) => [r.id, JSON.parse(r.summary).status]),
    );
    ledger.close();
  }, 120_000);

  it('plants every default trail and completes it', () => {
    expect(solutions.map((s) => s.trailId).sort()).toEqual(DEFAULT_TRAILS.map((t) => t.id).sort());
    for (const t of DEFAULT_TRAILS) expect(statuses.get(t.id), t.id).toBe('complete');
  });

  it('proves every heuristic-followable trail solvable from public data, and not trivial', () => {
    for (const s of solutions.filter((x) => !NEEDS_RECORDS.has(x.typology))) {
      expect(s.solvable, `${s.trailId}: ${s.reasons.join('; ')}`).toBe(true);
      expect(s.nonTrivial.ok, s.trailId).toBe(true);
      expect(s.end.identified, s.trailId).toBe(true);
    }
  });

  it('reports mixer and CoinJoin trails as broken at the service, with the reason', () => {
    for (const s of solutions.filter((x) => NEEDS_RECORDS.has(x.typology))) {
      expect(s.solvable, s.trailId).toBe(false);
      expect(s.reasons.length, s.trailId).toBeGreaterThan(0);
      // The path up to the service is still followable: the first hop is found.
      expect(s.hops[0].followable, s.trailId).toBe(true);
    }
  });
});
