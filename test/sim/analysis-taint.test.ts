// Taint through the exchange: the peel chain's 2 BTC deposit Dp is swept (first of eight inputs,
// fee 5,000 sat) into the hot wallet, which then pays U1 0.5 BTC, U3 0.7 BTC and its change.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { buildMainWorld, type MainWorld } from './analysis-main-world.ts';
import { loadChainGraph, traceTaint, type ChainGraph, type TaintResult } from '../../sim/analysis/index.ts';
import { COIN } from '../../chain/types.ts';

describe('taint', () => {
  let world: MainWorld;
  let g: ChainGraph;
  let sweepIn: number; // value entering the sweep
  const source = () => ({ tx: world.peel[5], vout: 0 });
  const at = (r: TaintResult, label: string, vout: number) => r.outputs.find((o) => o.tx === world.w.tx.get(label) && o.vout === vout);

  beforeAll(() => {
    world = buildMainWorld();
    g = loadChainGraph(world.w.db);
    const sweep = world.w.tx.get('sweep')!;
    sweepIn = 0;
    for (let i = g.inStart[sweep]; i < g.inStart[sweep + 1]; i++) sweepIn += g.outValue[g.inOutput[i]];
  });

  it('poison: everything downstream is wholly tainted', () => {
    const r = traceTaint(g, source(), { method: 'poison' });
    expect(r.outputs[0]).toMatchObject({ tx: world.peel[5], vout: 0, value: 2 * COIN, share: 1, hop: 0 });
    expect(at(r, 'sweep', 0)).toMatchObject({ share: 1, hop: 1 });
    for (const v of [0, 1, 2]) expect(at(r, 'withdrawals', v)).toMatchObject({ share: 1, hop: 2 });
  });

  it('haircut: the deposit’s share of the sweep follows the money pro rata', () => {
    const r = traceTaint(g, source(), { method: 'haircut' });
    const share = (2 * COIN) / sweepIn;
    expect(at(r, 'sweep', 0)!.share).toBeCloseTo(share, 12);
    for (const v of [0, 1, 2]) expect(at(r, 'withdrawals', v)!.share).toBeCloseTo(share, 12);
    const total = [0, 1, 2].reduce((s, v) => s + at(r, 'withdrawals', v)!.tainted, 0);
    // The sweep's and the withdrawal's fees took their shares too.
    expect(total).toBeLessThan(2 * COIN);
  });

  it('fifo: the first 2 BTC in are the first 2 BTC out', () => {
    const r = traceTaint(g, source(), { method: 'fifo' });
    expect(at(r, 'sweep', 0)!.tainted).toBe(2 * COIN);
    expect(at(r, 'withdrawals', 0)).toMatchObject({ tainted: 50_000_000, share: 1 }); // U1
    expect(at(r, 'withdrawals', 1)).toMatchObject({ tainted: 70_000_000, share: 1 }); // U3
    expect(at(r, 'withdrawals', 2)!.tainted).toBe(80_000_000); // the rest of the 2 BTC sits in change
  });

  it('honours the hop limit', () => {
    const r = traceTaint(g, source(), { method: 'poison', maxHops: 1 });
    expect(at(r, 'sweep', 0)).toBeDefined();
    expect(at(r, 'withdrawals', 0)).toBeUndefined();
    expect(traceTaint(g, source(), { method: 'poison', maxHops: 0 }).outputs).toHaveLength(1);
    expect(() => traceTaint(g, source(), { method: 'lifo' as never })).toThrow(TypeError);
  });

  it('from a whole tx, never taints more than entered, under haircut and fifo (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: g.txOrder.length - 1 }), fc.constantFrom('haircut', 'fifo') as fc.Arbitrary<'haircut' | 'fifo'>, (i, method) => {
        const t = g.txOrder[i];
        const r = traceTaint(g, { tx: t }, { method, maxHops: 4 });
        let sourceValue = 0;
        for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) sourceValue += g.outValue[o];
        // Taint resting where tracing stopped (unspent, or spent beyond the hop limit) never exceeds the source.
        const reached = new Set(r.outputs.map((o) => o.tx));
        let resting = 0;
        for (const o of r.outputs) {
          expect(o.share).toBeGreaterThan(0);
          expect(o.share).toBeLessThanOrEqual(1 + 1e-12);
          if (o.spender < 0 || !reached.has(o.spender)) resting += o.tainted;
        }
        expect(resting).toBeLessThanOrEqual(sourceValue * (1 + 1e-9));
      }),
      { numRuns: 60 },
    );
  });
});
