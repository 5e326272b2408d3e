// Peel chains: a large coin is spent again and again, each time "peeling off" a small payment and
// sending the large remainder (the change) to a fresh address, which the next hop spends.
// Described by Meiklejohn et al. 2013, "A Fistful of Bitcoins" (§6, following peeling chains from
// thefts and Silk Road); change identification in them by Ermilov, Panov & Yanovich 2017,
// "Automatic Bitcoin Address Clustering" (ICMLA); validated at scale by Kappos, Yousaf, Stütz,
// Rollet, Haslhofer & Meiklejohn 2022, "How to Peel a Million: Validating and Expanding Bitcoin
// Clusters" (USENIX Security), whose peel hop is a tx with few inputs and two outputs, one of
// which (the change) is much larger and is spent by the next hop.
import type { ChainGraph } from '../graph.ts';
import { inputCount, isCoinbase, isSpendableOutput } from '../graph.ts';
import { detectCoinJoin } from './coinjoin.ts';

export interface PeelOptions {
  /** Most inputs a hop may have: the previous change plus this many minus one others (default 2). */
  maxInputs?: number;
  /** The change must be at least this many times the peeled payment (default 2). */
  minRatio?: number;
  /** Stop following after this many hops (default 1000). */
  maxHops?: number;
  /** Per-tx CoinJoin flags (coinJoinFlags); computed per tx when absent. */
  coinJoin?: Uint8Array;
}

export interface PeelShape {
  changeVout: number;
  peelVout: number;
}

/** The change and peel outputs when tx t looks like a peel hop, else null. */
export function peelShape(g: ChainGraph, t: number, opts: PeelOptions = {}): PeelShape | null {
  const maxInputs = opts.maxInputs ?? 2;
  const minRatio = opts.minRatio ?? 2;
  if (isCoinbase(g, t)) return null;
  const inputs = inputCount(g, t);
  if (inputs < 1 || inputs > maxInputs) return null;
  let a = -1;
  let b = -1;
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) {
    if (!isSpendableOutput(g, o)) continue;
    if (a < 0) a = o;
    else if (b < 0) b = o;
    else return null;
  }
  if (b < 0) return null;
  const [big, small] = g.outValue[a] >= g.outValue[b] ? [a, b] : [b, a];
  if (g.outValue[big] < minRatio * g.outValue[small]) return null;
  if (isCoinJoin(g, t, opts)) return null;
  return { changeVout: big - g.outStart[t], peelVout: small - g.outStart[t] };
}

function isCoinJoin(g: ChainGraph, t: number, opts: PeelOptions): boolean {
  return opts.coinJoin ? opts.coinJoin[t] === 1 : detectCoinJoin(g, t) !== null;
}

export interface PeelStep {
  tx: number;
  changeVout: number;
  peelVout: number;
  changeValue: number;
  peelValue: number;
  /** Address id the peel paid. */
  peelAddress: number;
}

/**
 * Why following stopped at `end.tx`:
 *  - unspent: the change has not been spent yet;
 *  - single-output: the change was spent whole into a tx with one output (the chain's cash-out);
 *  - coinjoin: the change entered a CoinJoin;
 *  - not-peel: the tx spending the change does not look like a peel hop;
 *  - max-hops: the hop limit was reached.
 */
export type PeelStop = 'unspent' | 'single-output' | 'coinjoin' | 'not-peel' | 'max-hops';

export interface PeelChain {
  start: number;
  steps: PeelStep[];
  end: { tx: number; reason: PeelStop };
}

/** Follows the change from tx `start` hop by hop while the peel pattern holds. */
export function followPeelChain(g: ChainGraph, start: number, opts: PeelOptions = {}): PeelChain {
  const maxHops = opts.maxHops ?? 1000;
  const steps: PeelStep[] = [];
  let t = start;
  for (;;) {
    if (isCoinJoin(g, t, opts)) return { start, steps, end: { tx: t, reason: 'coinjoin' } };
    const shape = peelShape(g, t, opts);
    if (!shape) {
      const reason = steps.length > 0 && spendableOutputs(g, t) === 1 ? 'single-output' : 'not-peel';
      return { start, steps, end: { tx: t, reason } };
    }
    const change = g.outStart[t] + shape.changeVout;
    const peel = g.outStart[t] + shape.peelVout;
    steps.push({ tx: t, ...shape, changeValue: g.outValue[change], peelValue: g.outValue[peel], peelAddress: g.outAddress[peel] });
    const next = g.outSpender[change];
    if (next < 0) return { start, steps, end: { tx: t, reason: 'unspent' } };
    if (steps.length >= maxHops) return { start, steps, end: { tx: next, reason: 'max-hops' } };
    t = next;
  }
}

function spendableOutputs(g: ChainGraph, t: number): number {
  let n = 0;
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) if (isSpendableOutput(g, o)) n++;
  return n;
}

/**
 * Per tx id: 1 when the tx is a hop of a peel chain of at least `minLength` hops (default 3):
 * peel-shaped txs linked change → spender. Detection for scoring against ground truth.
 */
export function peelChainFlags(g: ChainGraph, opts: PeelOptions & { minLength?: number } = {}): Uint8Array {
  const minLength = opts.minLength ?? 3;
  const next = new Int32Array(g.txCapacity).fill(-1);
  const shaped = new Uint8Array(g.txCapacity);
  const hasPrev = new Uint8Array(g.txCapacity);
  for (let r = 0; r < g.txOrder.length; r++) {
    const t = g.txOrder[r];
    if (g.outStart[t + 1] - g.outStart[t] < 2) continue; // cheap pre-filter before the shape test
    const shape = peelShape(g, t, opts);
    if (!shape) continue;
    shaped[t] = 1;
    next[t] = g.outSpender[g.outStart[t] + shape.changeVout];
  }
  // Keep only links into peel-shaped spenders.
  for (let t = 0; t < g.txCapacity; t++) {
    if (next[t] >= 0 && !shaped[next[t]]) next[t] = -1;
    if (next[t] >= 0) hasPrev[next[t]] = 1;
  }
  // Run length from each tx forward, in reverse chain order (a spender comes after its funder).
  const length = new Int32Array(g.txCapacity);
  for (let r = g.txOrder.length - 1; r >= 0; r--) {
    const t = g.txOrder[r];
    if (shaped[t]) length[t] = 1 + (next[t] >= 0 ? length[next[t]] : 0);
  }
  const flags = new Uint8Array(g.txCapacity);
  for (let t = 0; t < g.txCapacity; t++) {
    if (!shaped[t] || hasPrev[t] || length[t] < minLength) continue;
    // A run's start sees the whole run ahead of it; a second start joining mid-way stops at marks.
    for (let u = t; u >= 0 && !flags[u]; u = next[u]) flags[u] = 1;
  }
  return flags;
}
