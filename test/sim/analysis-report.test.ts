// Precision and recall on a tiny world whose every answer was worked out by hand (the reasoning
// is in the comments of each expectation).
import { describe, it, expect, beforeAll } from 'vitest';
import { TestWorld } from './analysis-world.ts';
import { heuristicReport, formatReport, type HeuristicReport } from '../../sim/analysis/index.ts';
import { COIN } from '../../chain/types.ts';

/*
 * Wallets (one entity each): M pool p2wpkh (one reused coinbase address), A p2pkh, B p2pkh,
 * D p2wpkh, E p2wpkh, P p2tr, R p2wpkh, X p2wpkh, Y p2wpkh. Truth change_vout is Wallet.pay's.
 *
 *   block 1  T1   M → A 1 BTC                 [A1, change]
 *            FD   M → D 1 BTC                 [D1, change]
 *            FP   M → P 4 BTC                 [P1, change]
 *            FX   M → X 3 × 0.11 BTC          [X1, X2, X3, change]
 *   block 2  T2   A → B 0.3 BTC               [B1, change]       truth intent peel_hop (a lone one)
 *            T4   D → E 0.4 BTC − fee         [E1, change = 0.6 BTC exactly]
 *            P1   P → R 0.5 BTC               [R1, change]       peel_hop
 *            XB   X → Y 3 × 0.1 BTC (3 in)    [Y1, Y2, Y3, change]  exchange_withdrawal
 *   block 3  T3   B → A1 (reused) 0.1234567   [A1, change]
 *            P2   P → R 0.5 BTC               [R2, change]       peel_hop
 *   block 4  T5   A consolidates A1 + its T2 change into A2 (one output)
 *            P3   P → R 0.5 BTC               [R3, change]       background (not marked a peel)
 */
describe('heuristic report on a hand-computed tiny world', () => {
  let world: TestWorld;
  let report: HeuristicReport;

  beforeAll(() => {
    world = new TestWorld('tiny-report');
    const w = world;
    const e = (name: string) => w.entity('user', name);
    const A = w.wallet(e('A'), 'personal', 'p2pkh');
    const B = w.wallet(e('B'), 'personal', 'p2pkh');
    const D = w.wallet(e('D'), 'personal', 'p2wpkh');
    const E = w.wallet(e('E'), 'personal', 'p2wpkh');
    const P = w.wallet(e('P'), 'personal', 'p2tr');
    const R = w.wallet(e('R'), 'personal', 'p2wpkh');
    const X = w.wallet(e('X'), 'hot', 'p2wpkh');
    const Y = w.wallet(e('Y'), 'personal', 'p2wpkh');
    const A1 = w.fresh(A);
    w.pay('T1', w.miner, [{ wallet: A, value: COIN, key: A1 }], { intent: 'pool_payout' });
    w.pay('FD', w.miner, [{ wallet: D, value: COIN }], { intent: 'pool_payout' });
    w.pay('FP', w.miner, [{ wallet: P, value: 4 * COIN }], { intent: 'pool_payout' });
    w.pay('FX', w.miner, [0, 1, 2].map(() => ({ wallet: X, value: 11_000_000 })), { intent: 'pool_payout' });
    w.mine();
    w.pay('T2', A, [{ wallet: B, value: 30_000_000 }], { intent: 'peel_hop' });
    w.pay('T4', D, [{ wallet: E, value: 40_000_000 - w.walletFee(D, 1, [{ wallet: E }]) }], { intent: 'background' });
    w.pay('P1', P, [{ wallet: R, value: COIN / 2 }], { intent: 'peel_hop' });
    w.pay('XB', X, [0, 1, 2].map(() => ({ wallet: Y, value: 10_000_000 })), { intent: 'exchange_withdrawal' });
    w.mine();
    w.pay('T3', B, [{ wallet: A, value: 12_345_670, key: A1 }], { intent: 'background' });
    w.pay('P2', P, [{ wallet: R, value: COIN / 2 }], { intent: 'peel_hop' });
    w.mine();
    const total = A.balance();
    w.pay('T5', A, [{ wallet: A, value: total - w.walletFee(A, 2, [{ wallet: A }]) }], { intent: 'consolidation' });
    w.pay('P3', P, [{ wallet: R, value: COIN / 2 }], { intent: 'background' });
    w.mine();
    w.finish();
    report = heuristicReport(world.db);
  });

  it('built the shapes the hand computation assumes', () => {
    const outs = (label: string) =>
      world.db.prepare('SELECT value FROM outputs WHERE tx_id = ? ORDER BY vout').all(world.tx.get(label)!).map((r) => (r as { value: number }).value);
    expect(outs('T4')[1]).toBe(60_000_000); // round change, non-round payment
    expect(outs('T5')).toHaveLength(1);
    const ins = (label: string) => (world.db.prepare('SELECT COUNT(*) AS n FROM outputs WHERE spent_tx_id = ?').get(world.tx.get(label)!) as { n: number }).n;
    expect(ins('XB')).toBe(3);
    expect(ins('T5')).toBe(2);
    // Every scored payment's change is non-round (fees are not multiples of 1,000 sat).
    for (const label of ['T1', 'FD', 'FP', 'T2', 'P1', 'P2', 'P3', 'T3']) expect(outs(label)[1] % 1000, label).not.toBe(0);
  });

  it('scores each change rule exactly', () => {
    const by = Object.fromEntries(report.change.map((c) => [c.rule, c.score]));
    // 12 scored txs (all non-coinbase); 11 have change (T5 has none).
    for (const c of report.change) {
      expect(c.score.support).toBe(12);
      expect(c.score.actual).toBe(11);
    }
    // reuse, fresh: only T3 (A1 was seen in T1, so the other output is change).
    expect([by.reuse.tp, by.reuse.fp, by.reuse.fn]).toEqual([1, 0, 10]);
    expect([by.fresh.tp, by.fresh.fp, by.fresh.fn]).toEqual([1, 0, 10]);
    // one-time: T1 (A1 receives twice over its life) and T3.
    expect([by['one-time'].tp, by['one-time'].fp]).toEqual([2, 0]);
    expect(by['one-time'].recall).toBeCloseTo(2 / 11, 12);
    // type: T1 (p2wpkh → p2pkh), FP (p2wpkh → p2tr), P1–P3 (p2tr → p2wpkh); abstains elsewhere.
    expect([by.type.tp, by.type.fp, by.type.precision]).toEqual([5, 0, 1]);
    expect(by.type.recall).toBeCloseTo(5 / 11, 12);
    // round: right on T1 FD FP FX T2 P1 P2 P3, wrong on T4 (round change), abstains on T3, skips XB.
    expect([by.round.tp, by.round.fp, by.round.fn]).toEqual([8, 1, 3]);
    expect(by.round.precision).toBeCloseTo(8 / 9, 12);
    expect(by.round.recall).toBeCloseTo(8 / 11, 12);
    // optimal change: never decides (every payment with change has one input).
    expect([by.optimal.tp, by.optimal.fp, by.optimal.precision, by.optimal.recall]).toEqual([0, 0, null, 0]);
    // combined: every tx with a vote is right except T4; XB is taken for a CoinJoin and skipped.
    expect([by.combined.tp, by.combined.fp, by.combined.fn]).toEqual([9, 1, 2]);
    expect(by.combined.precision).toBeCloseTo(9 / 10, 12);
    expect(by.combined.recall).toBeCloseTo(9 / 11, 12);
  });

  it('scores CoinJoin detection: the equal-valued batch XB is a false positive', () => {
    expect(report.coinjoin).toMatchObject({ support: 12, tp: 0, fp: 1, fn: 0, precision: 0, recall: null });
  });

  it('scores peel-chain detection: P1→P2→P3 flagged, T2 is a lone hop', () => {
    // Flagged P1 P2 P3; truth peel_hop P1 P2 T2.
    expect(report.peel).toMatchObject({ support: 12, tp: 2, fp: 1, fn: 1 });
    expect(report.peel.precision).toBeCloseTo(2 / 3, 12);
    expect(report.peel.recall).toBeCloseTo(2 / 3, 12);
  });

  it('scores clustering pairwise', () => {
    // Owned addresses: M 5 (coinbase + 4 changes), A 3, B 2, D 2, E 1, P 4, R 3, X 4, Y 3 = 27;
    // same-owner pairs 10+3+1+1+0+6+3+6+3 = 33.
    const [plain, change] = report.clustering;
    expect(plain.addresses).toBe(27);
    expect(plain.actualPairs).toBe(33);
    // Common inputs: only T5 links (A1, A's change); XB's inputs are skipped as a CoinJoin.
    expect([plain.predictedPairs, plain.truePairs, plain.precision]).toEqual([1, 1, 1]);
    expect(plain.recall).toBeCloseTo(1 / 33, 12);
    // With change links: M's 5 (10 pairs), A1–A change, B's 2, P's 4 (6 pairs), and the wrong D1–E1.
    expect([change.predictedPairs, change.truePairs]).toEqual([19, 18]);
    expect(change.precision).toBeCloseTo(18 / 19, 12);
    expect(change.recall).toBeCloseTo(18 / 33, 12);
  });

  it('formats one screen of text', () => {
    const text = formatReport(report);
    const lines = text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(text).toContain('change: combined');
    expect(text).toMatch(/change: round\s+88\.9%\s+72\.7%/);
    expect(text).toMatch(/common-input\s+100\.0%\s+3\.0%/);
    expect(text).toMatch(/coinjoin: equal outputs\s+0\.0%\s+—/);
  });
});
