// CoinJoin detection by equal outputs.
//
// A CoinJoin (Maxwell 2013, "CoinJoin: Bitcoin privacy for the real world") merges inputs of
// several owners and pays each an output of one common denomination, so the equal outputs are
// indistinguishable and the inputs do not share an owner. Detection follows the equal-output rule
// used in the literature: Möser & Böhme 2017, "Anonymous Alone? Measuring Bitcoin's Second-
// Generation Anonymization Techniques" (IEEE EuroS&PW), and Goldfeder, Kalodner, Reisman &
// Narayanan 2018, "When the cookie meets the blockchain: Privacy risks of web payments via
// cryptocurrencies" (PETS), whose BlockSci rule is: ≥ 2 inputs, ≥ 3 outputs, the most common
// output value appears k ≥ 2 times, inputs ≥ k, and outputs ≤ 2k + 1 (each participant has at
// most one change output). Two coordinator patterns are named:
//   - Whirlpool (Samourai): exactly 5 inputs and 5 outputs, all of one pool denomination
//     (0.001, 0.01, 0.05 or 0.5 BTC).
//   - Wasabi 1.x (zkSNACKs): many inputs and one dominant equal denomination with a large
//     anonymity set, plus participants' change and the coordinator fee.
import type { ChainGraph } from '../graph.ts';
import { inputCount, isCoinbase, isSpendableOutput } from '../graph.ts';

export type CoinJoinKind = 'whirlpool' | 'wasabi' | 'equal-output';

export interface CoinJoinVerdict {
  kind: CoinJoinKind;
  /** The shared output value (satoshis). */
  denomination: number;
  /** Vouts paying that value: the anonymity set a tracer faces. */
  equalVouts: number[];
  inputs: number;
}

export interface CoinJoinOptions {
  /** Minimum equal outputs and inputs for the generic rule (default 3). */
  minEqual?: number;
  /** Minimum equal outputs for the Wasabi pattern (default 10). */
  wasabiMinEqual?: number;
  /** Pool denominations in satoshis (default Whirlpool's). */
  whirlpoolDenominations?: readonly number[];
}

export const WHIRLPOOL_DENOMINATIONS: readonly number[] = [100_000, 1_000_000, 5_000_000, 50_000_000];

/** Whether tx t is a CoinJoin by the equal-output rule, and of which kind; null when it is not. */
export function detectCoinJoin(g: ChainGraph, t: number, opts: CoinJoinOptions = {}): CoinJoinVerdict | null {
  const minEqual = opts.minEqual ?? 3;
  const wasabiMinEqual = opts.wasabiMinEqual ?? 10;
  const pools = opts.whirlpoolDenominations ?? WHIRLPOOL_DENOMINATIONS;
  if (isCoinbase(g, t)) return null;
  const inputs = inputCount(g, t);
  if (inputs < Math.min(2, minEqual)) return null;
  const first = g.outStart[t];
  const end = g.outStart[t + 1];
  let spendable = 0;
  // Most common value among spendable outputs (ties: the larger value, as a denomination is).
  const counts = new Map<number, number>();
  for (let o = first; o < end; o++) {
    if (!isSpendableOutput(g, o)) continue;
    spendable++;
    const v = g.outValue[o];
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let denomination = -1;
  let k = 0;
  for (const [v, c] of counts) {
    if (c > k || (c === k && v > denomination)) {
      denomination = v;
      k = c;
    }
  }
  if (k < 2) return null;
  const equalVouts: number[] = [];
  for (let o = first; o < end; o++) if (g.outValue[o] === denomination && isSpendableOutput(g, o)) equalVouts.push(o - first);

  if (inputs === 5 && spendable === 5 && k === 5 && pools.includes(denomination)) {
    return { kind: 'whirlpool', denomination, equalVouts, inputs };
  }
  if (k < minEqual || inputs < k) return null;
  if (k >= wasabiMinEqual) return { kind: 'wasabi', denomination, equalVouts, inputs };
  // Room for one change output per participant and a coordinator fee output, no more.
  if (spendable > 2 * k + 1) return null;
  return { kind: 'equal-output', denomination, equalVouts, inputs };
}

/** Per tx id: 1 where detectCoinJoin finds a CoinJoin. */
export function coinJoinFlags(g: ChainGraph, opts: CoinJoinOptions = {}): Uint8Array {
  const flags = new Uint8Array(g.txCapacity);
  for (let i = 0; i < g.txOrder.length; i++) {
    const t = g.txOrder[i];
    // Cheap pre-filter: every pattern needs two inputs and two equal outputs.
    if (g.inStart[t + 1] - g.inStart[t] < 2 || g.outStart[t + 1] - g.outStart[t] < 2) continue;
    if (detectCoinJoin(g, t, opts)) flags[t] = 1;
  }
  return flags;
}
