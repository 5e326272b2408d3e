// Taint analysis: how much of a source's money reaches each downstream output.
//
//   poison   Any output of a tx with a tainted input is wholly tainted.
//   haircut  A tx's tainted share is spread over its outputs in proportion to value.
//            Both from Möser, Böhme & Breuker 2014, "Towards Risk Scoring of Bitcoin
//            Transactions" (FC 2014 Workshops, BITCOIN).
//   fifo     First in, first out, as in Clayton's Case (1816): the inputs' satoshis, in input
//            order, fill the outputs in output order, the fee last; a tainted satoshi stays
//            tainted wherever it lands. Anderson, Shumailov, Ahmed & Rietmann 2019, "Bitcoin
//            Redux" (WEIS 2018). Exact: tainted satoshi ranges are carried, not shares.
//
// Txs are processed in chain order (a spender always comes after what it spends), so each tx is
// handled once with all of its tainted inputs known.
import type { ChainGraph } from './graph.ts';
import { outputIndex, hasTx } from './graph.ts';

export type TaintMethod = 'poison' | 'haircut' | 'fifo';

export interface TaintSource {
  tx: number;
  /** One output of tx; all of its outputs when omitted. */
  vout?: number;
}

export interface TaintOptions {
  method: TaintMethod;
  /** Follow at most this many spends from the source (default 10). The source's outputs are hop 0. */
  maxHops?: number;
  /** Stop after processing this many txs (default 1,000,000), marking the result truncated. */
  maxTxs?: number;
}

export interface TaintedOutput {
  tx: number;
  vout: number;
  /** Global output index. */
  output: number;
  value: number;
  /** Tainted satoshis in it (fractional under haircut). */
  tainted: number;
  /** tainted / value. */
  share: number;
  hop: number;
  /** The tx spending it, or -1. */
  spender: number;
}

export interface TaintResult {
  method: TaintMethod;
  source: TaintSource;
  /** Tainted outputs in chain order; the source's outputs first. */
  outputs: TaintedOutput[];
  txsProcessed: number;
  truncated: boolean;
}

/** Half-open satoshi ranges [start, end) within one output, sorted and disjoint. */
type Ranges = number[];

interface Taint {
  tainted: number;
  hop: number;
  ranges: Ranges | null;
}

export function traceTaint(g: ChainGraph, source: TaintSource, opts: TaintOptions): TaintResult {
  const { method } = opts;
  if (method !== 'poison' && method !== 'haircut' && method !== 'fifo') throw new TypeError(`unknown taint method ${JSON.stringify(method)}`);
  const maxHops = opts.maxHops ?? 10;
  const maxTxs = opts.maxTxs ?? 1_000_000;
  if (!Number.isInteger(maxHops) || maxHops < 0) throw new RangeError('maxHops must be a non-negative integer');
  if (!hasTx(g, source.tx)) throw new RangeError(`no tx with id ${source.tx}`);

  const taint = new Map<number, Taint>();
  const outputs: TaintedOutput[] = [];
  const queue = new RankHeap(g.txRank);
  const record = (o: number, t: Taint) => {
    const value = g.outValue[o];
    if (value === 0) return; // carries no money (an OP_RETURN, a witness commitment)
    taint.set(o, t);
    const tx = g.outTx[o];
    const spender = g.outSpender[o];
    outputs.push({ tx, vout: o - g.outStart[tx], output: o, value, tainted: t.tainted, share: value > 0 ? t.tainted / value : 0, hop: t.hop, spender });
    if (spender >= 0 && t.hop < maxHops) queue.push(spender);
  };

  const first = source.vout === undefined ? g.outStart[source.tx] : outputIndex(g, source.tx, source.vout);
  const end = source.vout === undefined ? g.outStart[source.tx + 1] : first + 1;
  for (let o = first; o < end; o++) {
    const v = g.outValue[o];
    record(o, { tainted: v, hop: 0, ranges: method === 'fifo' ? [0, v] : null });
  }

  let processed = 0;
  let truncated = false;
  while (queue.size > 0) {
    if (processed >= maxTxs) {
      truncated = true;
      break;
    }
    const t = queue.pop();
    processed++;
    let hop = Infinity;
    let taintedIn = 0;
    let valueIn = 0;
    // FIFO: tainted ranges laid on the line of all input satoshis, in input order.
    const line: Ranges = [];
    for (let i = g.inStart[t]; i < g.inStart[t + 1]; i++) {
      const o = g.inOutput[i];
      const tin = taint.get(o);
      if (tin) {
        hop = Math.min(hop, tin.hop + 1);
        taintedIn += tin.tainted;
        if (tin.ranges) for (let k = 0; k < tin.ranges.length; k += 2) line.push(valueIn + tin.ranges[k], valueIn + tin.ranges[k + 1]);
      }
      valueIn += g.outValue[o];
    }
    if (hop === Infinity || taintedIn <= 0) continue;
    let at = 0;
    for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) {
      const v = g.outValue[o];
      if (method === 'poison') record(o, { tainted: v, hop, ranges: null });
      else if (method === 'haircut') {
        const share = valueIn > 0 ? (v * taintedIn) / valueIn : 0;
        if (share > 0) record(o, { tainted: share, hop, ranges: null });
      } else {
        const ranges = clip(line, at, at + v);
        const sum = total(ranges);
        if (sum > 0) record(o, { tainted: sum, hop, ranges });
      }
      at += v;
    }
  }
  return { method, source, outputs, txsProcessed: processed, truncated };
}

/** The parts of `line` inside [lo, hi), shifted to start at 0. */
function clip(line: Ranges, lo: number, hi: number): Ranges {
  const out: Ranges = [];
  for (let k = 0; k < line.length; k += 2) {
    const a = Math.max(line[k], lo);
    const b = Math.min(line[k + 1], hi);
    if (a < b) out.push(a - lo, b - lo);
  }
  return out;
}

function total(ranges: Ranges): number {
  let s = 0;
  for (let k = 0; k < ranges.length; k += 2) s += ranges[k + 1] - ranges[k];
  return s;
}

/** Min-heap of tx ids by chain rank; pushing a queued tx again is a no-op. */
class RankHeap {
  private readonly items: number[] = [];
  private readonly queued = new Set<number>();

  constructor(private readonly rank: Int32Array) {}

  get size(): number {
    return this.items.length;
  }

  push(t: number): void {
    if (this.queued.has(t)) return;
    this.queued.add(t);
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.rank[a[p]] <= this.rank[a[i]]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.rank[a[l]] < this.rank[a[m]]) m = l;
        if (r < a.length && this.rank[a[r]] < this.rank[a[m]]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
