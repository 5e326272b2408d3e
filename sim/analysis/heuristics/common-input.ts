// Common-input-ownership: all inputs of a transaction belong to one owner, because spending needs
// every input's key. Stated by Nakamoto 2008, "Bitcoin: A Peer-to-Peer Electronic Cash System"
// (§10, Privacy: "multi-input transactions ... necessarily reveal that their inputs were owned by
// the same owner"), and used for clustering by Meiklejohn, Pomarole, Jordan, Levchenko, McCoy,
// Voelker & Savage 2013, "A Fistful of Bitcoins: Characterizing Payments Among Men with No Names"
// (IMC), Heuristic 1. CoinJoins break the premise on purpose, so detected CoinJoins are skipped.
import type { ChainGraph } from '../graph.ts';
import { inputCount, isCoinbase } from '../graph.ts';

/**
 * Whether the common-input heuristic applies to tx t: a non-coinbase tx with two or more inputs
 * that is not a CoinJoin (`coinJoin` flags from coinJoinFlags).
 */
export function linksInputs(g: ChainGraph, t: number, coinJoin: Uint8Array): boolean {
  return !isCoinbase(g, t) && inputCount(g, t) >= 2 && coinJoin[t] === 0;
}

/** The distinct input addresses of tx t, in input order. */
export function inputAddresses(g: ChainGraph, t: number): number[] {
  const seen: number[] = [];
  for (let i = g.inStart[t]; i < g.inStart[t + 1]; i++) {
    const a = g.outAddress[g.inOutput[i]];
    if (!seen.includes(a)) seen.push(a);
  }
  return seen;
}

/**
 * Calls `link(a, b)` for each pair the heuristic asserts shares an owner: every input address with
 * tx's first input address (a star, which makes the same clusters as all pairs).
 */
export function forEachCommonInputLink(g: ChainGraph, coinJoin: Uint8Array, link: (a: number, b: number, t: number) => void): void {
  for (let r = 0; r < g.txOrder.length; r++) {
    const t = g.txOrder[r];
    if (!linksInputs(g, t, coinJoin)) continue;
    const first = g.outAddress[g.inOutput[g.inStart[t]]];
    for (let i = g.inStart[t] + 1; i < g.inStart[t + 1]; i++) {
      const a = g.outAddress[g.inOutput[i]];
      if (a !== first) link(first, a, t);
    }
  }
}
