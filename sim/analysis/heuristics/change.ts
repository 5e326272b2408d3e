// Change detection: which output of a payment returns to the payer. Each published sub-rule is
// separate, abstains (-1) unless it singles out exactly one output, and votes in `detectChange`.
//
//   reuse     An output to an address seen before the tx is a payment (wallets give change a new
//             address); an output back to an input address is change ("self-change").
//             Androulaki, Karame, Roeschlin, Scherer & Capkun 2013, "Evaluating User Privacy in
//             Bitcoin" (FC), shadow/change addresses; Meiklejohn et al. 2013.
//   fresh     Meiklejohn, Pomarole, Jordan, Levchenko, McCoy, Voelker & Savage 2013, "A Fistful of
//             Bitcoins" (IMC), Heuristic 2, one-time change: the only output address appearing for
//             the first time is change, provided no output pays an input address. It is reuse's
//             positive half and abstains where reuse trusts self-change.
//   one-time  The whole-history form used for peel chains (Kappos, Yousaf, Stütz, Rollet, Haslhofer
//             & Meiklejohn 2022, "How to Peel a Million: Validating and Expanding Bitcoin
//             Clusters", USENIX Security): the only output whose address ever receives exactly once
//             is change; later reuse of the others (deposit addresses, services) exposes them.
//   type      Ermilov, Panov & Yanovich 2017, "Automatic Bitcoin Address Clustering" (ICMLA): change
//             has the script type of the inputs. Fails when all outputs share that type.
//   round     Payments are round numbers, change is what is left (Androulaki et al. 2013; Ermilov
//             et al. 2017): the only non-round output among round ones is change.
//   optimal   Nick 2015, "Data-Driven De-Anonymization in Bitcoin" (ETH Zürich MSc thesis), optimal
//             change; Möser & Narayanan 2022, "Resurrecting Address Clustering in Bitcoin"
//             (FC 2022), unnecessary-input heuristic: a wallet adds no input it does not need, so
//             change is smaller than every input. Abstains when several outputs are (e.g. one input).
import type { ChainGraph } from '../graph.ts';
import { isCoinbase, isSpendableOutput, addressReceiveCount } from '../graph.ts';
import { detectCoinJoin } from './coinjoin.ts';

export type ChangeRule = 'reuse' | 'fresh' | 'one-time' | 'type' | 'round' | 'optimal';

export const CHANGE_RULES: readonly ChangeRule[] = ['reuse', 'fresh', 'one-time', 'type', 'round', 'optimal'];

export interface ChangeOptions {
  /** Per-tx CoinJoin flags (coinJoinFlags); computed per tx when absent. */
  coinJoin?: Uint8Array;
  /** Rules that vote in detectChange (default all). */
  rules?: readonly ChangeRule[];
}

/**
 * Round in the sense payments are: a multiple of 1,000 sat (0.00001 BTC) with at most four
 * significant digits (0.05 BTC, 0.0123 BTC, 1,250,000 sat). A uniformly random amount of a
 * million satoshis is round by this test one time in a thousand.
 */
export function isRoundAmount(sats: number): boolean {
  if (!Number.isSafeInteger(sats) || sats <= 0 || sats % 1000 !== 0) return false;
  let v = sats;
  while (v % 10 === 0) v /= 10;
  return v < 10_000;
}

/** Whether change detection applies to tx t at all: not a coinbase, not a CoinJoin, two or more spendable outputs. */
export function changeApplies(g: ChainGraph, t: number, coinJoin?: Uint8Array): boolean {
  if (isCoinbase(g, t) || g.inStart[t + 1] === g.inStart[t]) return false;
  let spendable = 0;
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) if (isSpendableOutput(g, o)) spendable++;
  if (spendable < 2) return false;
  return coinJoin ? coinJoin[t] === 0 : detectCoinJoin(g, t) === null;
}

/** The vout one rule names as change of tx t, or -1 when it abstains. */
export function changeByRule(g: ChainGraph, t: number, rule: ChangeRule, opts: ChangeOptions = {}): number {
  if (!changeApplies(g, t, opts.coinJoin)) return -1;
  return applyRule(g, t, rule);
}

function applyRule(g: ChainGraph, t: number, rule: ChangeRule): number {
  switch (rule) {
    case 'reuse':
      return reuseRule(g, t);
    case 'fresh':
      return freshRule(g, t);
    case 'one-time':
      return oneTimeRule(g, t);
    case 'type':
      return typeRule(g, t);
    case 'round':
      return roundRule(g, t);
    case 'optimal':
      return optimalRule(g, t);
    default:
      throw new TypeError(`unknown change rule ${JSON.stringify(rule)}`);
  }
}

/** The vout of the only spendable output satisfying `pick`, or -1 when none or several do. */
function only(g: ChainGraph, t: number, pick: (o: number) => boolean): number {
  let found = -1;
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) {
    if (!isSpendableOutput(g, o) || !pick(o)) continue;
    if (found >= 0) return -1;
    found = o;
  }
  return found < 0 ? -1 : found - g.outStart[t];
}

function inputAddressSet(g: ChainGraph, t: number): Set<number> {
  const s = new Set<number>();
  for (let i = g.inStart[t]; i < g.inStart[t + 1]; i++) s.add(g.outAddress[g.inOutput[i]]);
  return s;
}

function paysAnInput(g: ChainGraph, t: number, inputs: Set<number>): boolean {
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) if (inputs.has(g.outAddress[o])) return true;
  return false;
}

/** First appearance: no tx before t paid the address (t itself may). */
function newAt(g: ChainGraph, t: number, o: number): boolean {
  return g.addrFirstRank[g.outAddress[o]] >= g.txRank[t];
}

function reuseRule(g: ChainGraph, t: number): number {
  const inputs = inputAddressSet(g, t);
  if (paysAnInput(g, t, inputs)) return only(g, t, (o) => inputs.has(g.outAddress[o]));
  return only(g, t, (o) => newAt(g, t, o));
}

function freshRule(g: ChainGraph, t: number): number {
  if (paysAnInput(g, t, inputAddressSet(g, t))) return -1;
  return only(g, t, (o) => newAt(g, t, o));
}

function oneTimeRule(g: ChainGraph, t: number): number {
  return only(g, t, (o) => addressReceiveCount(g, g.outAddress[o]) === 1);
}

function typeRule(g: ChainGraph, t: number): number {
  const type = g.addrType[g.outAddress[g.inOutput[g.inStart[t]]]];
  for (let i = g.inStart[t] + 1; i < g.inStart[t + 1]; i++) if (g.addrType[g.outAddress[g.inOutput[i]]] !== type) return -1;
  return only(g, t, (o) => g.addrType[g.outAddress[o]] === type);
}

function roundRule(g: ChainGraph, t: number): number {
  return only(g, t, (o) => !isRoundAmount(g.outValue[o]));
}

function optimalRule(g: ChainGraph, t: number): number {
  let min = Infinity;
  for (let i = g.inStart[t]; i < g.inStart[t + 1]; i++) min = Math.min(min, g.outValue[g.inOutput[i]]);
  return only(g, t, (o) => g.outValue[o] < min);
}

export interface ChangeVote {
  /** Each rule's pick (-1 = abstained). */
  byRule: Record<ChangeRule, number>;
  /** The vout with strictly the most votes, or -1 (no votes, or a tie). */
  change: number;
  /** Votes for `change`. */
  votes: number;
}

/**
 * Combined change detection: every rule votes for the output it names; the output with strictly
 * more votes than any other wins. The address rules (reuse, fresh, one-time) often agree because
 * they read the same evidence; that agreement is counted, as analysts weigh it.
 */
export function detectChange(g: ChainGraph, t: number, opts: ChangeOptions = {}): ChangeVote {
  const rules = opts.rules ?? CHANGE_RULES;
  const byRule = { reuse: -1, fresh: -1, 'one-time': -1, type: -1, round: -1, optimal: -1 } as Record<ChangeRule, number>;
  if (!changeApplies(g, t, opts.coinJoin)) return { byRule, change: -1, votes: 0 };
  const tally = new Map<number, number>();
  for (const rule of rules) {
    const v = applyRule(g, t, rule);
    byRule[rule] = v;
    if (v >= 0) tally.set(v, (tally.get(v) ?? 0) + 1);
  }
  let change = -1;
  let votes = 0;
  let tied = false;
  for (const [vout, n] of tally) {
    if (n > votes) {
      change = vout;
      votes = n;
      tied = false;
    } else if (n === votes) tied = true;
  }
  return tied ? { byRule, change: -1, votes: 0 } : { byRule, change, votes };
}
