// Address clustering: union-find over the links the heuristics assert (common inputs, and
// optionally each tx's detected change with its inputs), as in Meiklejohn et al. 2013,
// "A Fistful of Bitcoins" (Heuristics 1 and 2 combined).
import type { ChainGraph } from './graph.ts';
import { UnionFind } from './union-find.ts';
import { coinJoinFlags, type CoinJoinOptions } from './heuristics/coinjoin.ts';
import { forEachCommonInputLink } from './heuristics/common-input.ts';
import { detectChange, type ChangeRule } from './heuristics/change.ts';

export interface ClusterOptions {
  /** Also link each tx's detected change output to its inputs (default false). */
  changeLinks?: boolean;
  /** Change rules voting for those links (default all); only with changeLinks. */
  changeRules?: readonly ChangeRule[];
  /** Precomputed coinJoinFlags; computed when absent. */
  coinJoin?: Uint8Array;
  coinJoinOptions?: CoinJoinOptions;
}

export interface Clustering {
  /** Per address id: dense cluster id 0..count-1 (address-id slots that hold no address get a singleton too). */
  clusterOf: Int32Array;
  count: number;
  /** Per cluster id: number of address ids in it. */
  sizes: Int32Array;
  /** The CoinJoin flags the clustering skipped. */
  coinJoin: Uint8Array;
}

export function clusterAddresses(g: ChainGraph, opts: ClusterOptions = {}): Clustering {
  const coinJoin = opts.coinJoin ?? coinJoinFlags(g, opts.coinJoinOptions);
  const uf = new UnionFind(g.addrCapacity);
  forEachCommonInputLink(g, coinJoin, (a, b) => uf.union(a, b));
  if (opts.changeLinks) {
    for (let r = 0; r < g.txOrder.length; r++) {
      const t = g.txOrder[r];
      if (g.inStart[t + 1] === g.inStart[t]) continue;
      const { change } = detectChange(g, t, { coinJoin, rules: opts.changeRules });
      if (change >= 0) uf.union(g.outAddress[g.inOutput[g.inStart[t]]], g.outAddress[g.outStart[t] + change]);
    }
  }
  const clusterOf = uf.labels();
  const count = uf.count;
  const sizes = new Int32Array(count);
  for (let a = 0; a < clusterOf.length; a++) sizes[clusterOf[a]]++;
  return { clusterOf, count, sizes, coinJoin };
}

/** Address ids of each cluster (CSR): members of c are members[start[c] .. start[c+1]). */
export function clusterMembers(c: Clustering): { start: Uint32Array; members: Uint32Array } {
  const start = new Uint32Array(c.count + 1);
  for (let k = 0; k < c.count; k++) start[k + 1] = start[k] + c.sizes[k];
  const fill = start.slice(0, c.count);
  const members = new Uint32Array(c.clusterOf.length);
  for (let a = 0; a < c.clusterOf.length; a++) members[fill[c.clusterOf[a]]++] = a;
  return { start, members };
}
