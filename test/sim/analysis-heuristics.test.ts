// The textbook behaviour of each heuristic on the main world: right where the literature says it
// works, abstaining or wrong where the literature says it fails.
import { describe, it, expect, beforeAll } from 'vitest';
import { buildMainWorld, DENOMINATION, type MainWorld } from './analysis-main-world.ts';
import {
  loadChainGraph,
  detectCoinJoin,
  coinJoinFlags,
  changeByRule,
  detectChange,
  isRoundAmount,
  linksInputs,
  inputAddresses,
  clusterAddresses,
  peelShape,
  followPeelChain,
  peelChainFlags,
  type ChainGraph,
  type Clustering,
} from '../../sim/analysis/index.ts';

describe('heuristics on the main world', () => {
  let world: MainWorld;
  let g: ChainGraph;
  let coinJoin: Uint8Array;
  const tx = (label: string) => world.w.tx.get(label)!;
  const truthChange = (t: number) => (world.w.db.prepare('SELECT change_vout AS c FROM gt_txs WHERE tx_id = ?').get(t) as { c: number }).c;

  beforeAll(() => {
    world = buildMainWorld();
    g = loadChainGraph(world.w.db);
    coinJoin = coinJoinFlags(g);
  });

  describe('CoinJoin detection', () => {
    it('recognises the 5×5 mix as Whirlpool with five indistinguishable outputs', () => {
      const v = detectCoinJoin(g, tx('coinjoin'));
      expect(v).not.toBeNull();
      expect(v!.kind).toBe('whirlpool');
      expect(v!.denomination).toBe(DENOMINATION);
      expect(v!.equalVouts).toEqual([0, 1, 2, 3, 4]);
      expect(v!.inputs).toBe(5);
    });

    it('flags nothing else: equal batch payouts with one input and the sweep are not CoinJoins', () => {
      const flagged = [...g.txOrder].filter((t) => coinJoin[t]);
      expect(flagged).toEqual([tx('coinjoin')]);
      expect(detectCoinJoin(g, tx('fund users'))).toBeNull(); // six equal 2 BTC outputs, one input
      expect(detectCoinJoin(g, tx('sweep'))).toBeNull();
    });

    it('stops being Whirlpool when the denomination is not a pool size, but stays an equal-output join', () => {
      const v = detectCoinJoin(g, tx('coinjoin'), { whirlpoolDenominations: [1_000_000] });
      expect(v?.kind).toBe('equal-output');
      expect(detectCoinJoin(g, tx('coinjoin'), { whirlpoolDenominations: [], minEqual: 6 })).toBeNull();
    });
  });

  describe('change detection', () => {
    it('address type finds the change when the payee uses another script type', () => {
      const hop0 = world.peel[0]; // p2wpkh peeler pays p2pkh U1
      expect(changeByRule(g, hop0, 'type', { coinJoin })).toBe(truthChange(hop0));
      expect(truthChange(hop0)).toBe(1);
    });

    it('address type abstains when every output shares the inputs’ type', () => {
      const hop1 = world.peel[1]; // p2wpkh pays p2wpkh U2
      expect(changeByRule(g, hop1, 'type', { coinJoin })).toBe(-1);
    });

    it('round amounts: the non-round output is change', () => {
      for (const t of world.peel) expect(changeByRule(g, t, 'round', { coinJoin })).toBe(truthChange(t));
      expect(isRoundAmount(50_000_000)).toBe(true);
      expect(isRoundAmount(12_340_000)).toBe(true);
      expect(isRoundAmount(12_345_000)).toBe(false); // five significant digits
      expect(isRoundAmount(1_234_567)).toBe(false);
      expect(isRoundAmount(0)).toBe(false);
    });

    it('reuse and fresh: a payment to an address seen before exposes the change', () => {
      const t = tx('U4→S6'); // S6 was first paid in U1→S6
      expect(changeByRule(g, t, 'reuse', { coinJoin })).toBe(truthChange(t));
      expect(changeByRule(g, t, 'fresh', { coinJoin })).toBe(truthChange(t));
      // At S6's first use both outputs are new: both rules abstain ...
      const first = tx('U1→S6');
      expect(changeByRule(g, first, 'reuse', { coinJoin })).toBe(-1);
      expect(changeByRule(g, first, 'fresh', { coinJoin })).toBe(-1);
      // ... but one-time change sees S6 reused later, so the other output is the change.
      expect(changeByRule(g, first, 'one-time', { coinJoin })).toBe(truthChange(first));
    });

    it('self-change: reuse trusts it, Meiklejohn’s fresh rule abstains', () => {
      const t = tx('U5 self-change');
      const change = truthChange(t);
      expect(change).toBeGreaterThanOrEqual(0);
      expect(g.outAddress[g.outStart[t] + change]).toBe(inputAddresses(g, t)[0]);
      expect(changeByRule(g, t, 'reuse', { coinJoin })).toBe(change);
      expect(changeByRule(g, t, 'fresh', { coinJoin })).toBe(-1);
    });

    it('optimal change: with two inputs the change is the output below the smallest input', () => {
      const t = tx('U6 two inputs');
      expect(g.inStart[t + 1] - g.inStart[t]).toBe(2);
      expect(changeByRule(g, t, 'optimal', { coinJoin })).toBe(truthChange(t));
      // With one input both outputs are below it: no decision.
      expect(changeByRule(g, world.peel[0], 'optimal', { coinJoin })).toBe(-1);
    });

    it('combined vote names the true change on every hop of the peel chain', () => {
      for (const t of world.peel) {
        const vote = detectChange(g, t, { coinJoin });
        expect(vote.change).toBe(truthChange(t));
        expect(vote.votes).toBeGreaterThanOrEqual(1);
      }
    });

    it('does not apply to CoinJoins, coinbases, or single-output txs', () => {
      expect(detectChange(g, tx('coinjoin'), { coinJoin }).change).toBe(-1);
      expect(detectChange(g, tx('sweep'), { coinJoin }).change).toBe(-1);
      expect(detectChange(g, g.txOrder[0], { coinJoin }).change).toBe(-1);
      expect(() => changeByRule(g, tx('U1→U2'), 'bogus' as never)).toThrow(TypeError);
    });
  });

  describe('common-input clustering', () => {
    let clusters: Clustering;
    beforeAll(() => {
      clusters = clusterAddresses(g, { coinJoin });
    });

    it('merges the swept deposit addresses (the consolidation) into one cluster', () => {
      const sweep = tx('sweep');
      expect(linksInputs(g, sweep, coinJoin)).toBe(true);
      const deposits = inputAddresses(g, sweep);
      expect(deposits).toHaveLength(8);
      const ids = new Set(deposits.map((a) => clusters.clusterOf[a]));
      expect(ids.size).toBe(1);
    });

    it('keeps the five CoinJoin participants apart', () => {
      const cj = tx('coinjoin');
      expect(linksInputs(g, cj, coinJoin)).toBe(false);
      const ids = new Set(inputAddresses(g, cj).map((a) => clusters.clusterOf[a]));
      expect(ids.size).toBe(5);
      // Without CoinJoin detection the heuristic would (wrongly) merge them.
      const naive = clusterAddresses(g, { coinJoin: new Uint8Array(g.txCapacity) });
      expect(new Set(inputAddresses(g, cj).map((a) => naive.clusterOf[a])).size).toBe(1);
    });

    it('change links join the peel chain’s addresses into the peeler’s cluster', () => {
      const withChange = clusterAddresses(g, { coinJoin, changeLinks: true });
      const peelerIns = world.peel.map((t) => withChange.clusterOf[inputAddresses(g, t)[0]]);
      expect(new Set(peelerIns).size).toBe(1);
      const plainIns = world.peel.map((t) => clusters.clusterOf[inputAddresses(g, t)[0]]);
      expect(new Set(plainIns).size).toBe(6);
    });
  });

  describe('peel chains', () => {
    it('follows the planted chain hop by hop to the exchange deposit', () => {
      const chain = followPeelChain(g, world.peel[0], { coinJoin });
      expect(chain.steps.map((s) => s.tx)).toEqual(world.peel);
      expect(chain.end).toEqual({ tx: world.peel[5], reason: 'unspent' });
      const last = chain.steps[5];
      expect(last.peelAddress).toBe(world.w.addressOf(world.wallets.deposit, world.keys.Dp));
      expect(last.peelValue).toBe(200_000_000);
      for (const s of chain.steps) expect(s.changeValue).toBeGreaterThanOrEqual(2 * s.peelValue);
    });

    it('stops where the change enters a CoinJoin', () => {
      const chain = followPeelChain(g, world.mix[0], { coinJoin });
      expect(chain.steps.map((s) => s.tx)).toEqual(world.mix.slice(0, 2));
      expect(chain.end).toEqual({ tx: world.mix[2], reason: 'coinjoin' });
    });

    it('rejects shapes that are not a peel', () => {
      expect(peelShape(g, tx('sweep'))).toBeNull(); // one output
      expect(peelShape(g, tx('withdrawals'))).toBeNull(); // three outputs
      expect(peelShape(g, world.peel[0], { minRatio: 100 })).toBeNull();
      expect(peelShape(g, world.peel[0])).toEqual({ changeVout: 1, peelVout: 0 });
    });

    it('flags the whole planted chain as peel hops', () => {
      const flags = peelChainFlags(g, { coinJoin });
      for (const t of world.peel) expect(flags[t]).toBe(1);
      expect(flags[tx('coinjoin')]).toBe(0);
      // The two-hop head of the mix trail is shorter than the default minimum of three.
      expect(flags[world.mix[0]]).toBe(0);
      expect(peelChainFlags(g, { coinJoin, minLength: 2 })[world.mix[0]]).toBe(1);
    });
  });
});
