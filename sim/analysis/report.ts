// How well each heuristic works on a generated world, scored against its ground truth: the
// numbers an instructor needs to say which heuristics a trainee can trust in this world.
import type Database from 'better-sqlite3';
import type { ChainGraph } from './graph.ts';
import { loadChainGraph, isCoinbase } from './graph.ts';
import { clusterAddresses, type Clustering } from './cluster.ts';
import { coinJoinFlags } from './heuristics/coinjoin.ts';
import { CHANGE_RULES, changeApplies, detectChange, type ChangeRule } from './heuristics/change.ts';
import { peelChainFlags, type PeelOptions } from './heuristics/peel.ts';

export interface Score {
  /** Items scored. */
  support: number;
  /** Items the heuristic flagged (or named an answer for). */
  predicted: number;
  /** Items that are positive in the ground truth. */
  actual: number;
  tp: number;
  fp: number;
  fn: number;
  /** tp / predicted; null when nothing was predicted. */
  precision: number | null;
  /** tp / actual; null when there is nothing to find. */
  recall: number | null;
}

export interface PairScore {
  name: 'common-input' | 'common-input+change';
  /** Addresses with a ground-truth owner, over which pairs are counted. */
  addresses: number;
  clusters: number;
  /** Address pairs put in one cluster. */
  predictedPairs: number;
  /** Address pairs with one owning entity. */
  actualPairs: number;
  truePairs: number;
  precision: number | null;
  recall: number | null;
}

export interface HeuristicReport {
  world: { txs: number; addresses: number; blocks: number; truthTxs: number; truthAddresses: number };
  /** Per change rule, then 'combined'; scored on txs whose gt_txs.change_vout is known. */
  change: { rule: ChangeRule | 'combined'; score: Score }[];
  clustering: PairScore[];
  /** Flagged CoinJoins vs gt_txs.intent = 'coinjoin', over all non-coinbase txs. */
  coinjoin: Score;
  /** Txs on detected peel chains vs gt_txs.intent = 'peel_hop', over all non-coinbase txs. */
  peel: Score;
}

export interface ReportOptions {
  graph?: ChainGraph;
  peel?: PeelOptions & { minLength?: number };
}

export function score(tp: number, fp: number, fn: number, support: number): Score {
  const predicted = tp + fp;
  const actual = tp + fn;
  return { support, predicted, actual, tp, fp, fn, precision: predicted ? tp / predicted : null, recall: actual ? tp / actual : null };
}

export function heuristicReport(db: Database.Database, opts: ReportOptions = {}): HeuristicReport {
  const g = opts.graph ?? loadChainGraph(db);
  const truthTxs = db.prepare('SELECT tx_id, intent, change_vout FROM gt_txs').all() as { tx_id: number; intent: string; change_vout: number | null }[];
  const intent = new Map<number, string>();
  for (const r of truthTxs) intent.set(r.tx_id, r.intent);
  const coinJoin = coinJoinFlags(g);

  // Change: a rule's answer is right when it names the true change output.
  const rules = [...CHANGE_RULES, 'combined' as const];
  const counts = new Map(rules.map((r) => [r, { tp: 0, fp: 0, fn: 0, n: 0 }]));
  for (const r of truthTxs) {
    if (r.change_vout === null || g.txRank[r.tx_id] < 0 || isCoinbase(g, r.tx_id)) continue;
    const truth = r.change_vout;
    const vote = changeApplies(g, r.tx_id, coinJoin) ? detectChange(g, r.tx_id, { coinJoin }) : null;
    for (const rule of rules) {
      const pick = vote === null ? -1 : rule === 'combined' ? vote.change : vote.byRule[rule];
      const c = counts.get(rule)!;
      c.n++;
      if (pick >= 0 && pick === truth) c.tp++;
      else {
        if (pick >= 0) c.fp++;
        if (truth >= 0) c.fn++;
      }
    }
  }
  const change = rules.map((rule) => {
    const c = counts.get(rule)!;
    return { rule, score: score(c.tp, c.fp, c.fn, c.n) };
  });

  // Clustering: pairs of owned addresses, counted exactly through cluster × entity cell sizes.
  const owner = new Map<number, number>();
  for (const r of db
    .prepare('SELECT a.address_id AS address, w.entity_id AS entity FROM gt_addresses a JOIN gt_wallets w ON w.id = a.wallet_id')
    .all() as { address: number; entity: number }[]) {
    if (r.address < g.addrCapacity) owner.set(r.address, r.entity);
  }
  const plain = clusterAddresses(g, { coinJoin });
  const withChange = clusterAddresses(g, { coinJoin, changeLinks: true });
  const clustering = [pairScore('common-input', plain, owner), pairScore('common-input+change', withChange, owner)];

  // Detection scores over every non-coinbase tx.
  const peelFlags = peelChainFlags(g, { ...opts.peel, coinJoin });
  const det = { cj: { tp: 0, fp: 0, fn: 0 }, peel: { tp: 0, fp: 0, fn: 0 } };
  let support = 0;
  for (let r = 0; r < g.txOrder.length; r++) {
    const t = g.txOrder[r];
    if (isCoinbase(g, t)) continue;
    support++;
    tally(det.cj, coinJoin[t] === 1, intent.get(t) === 'coinjoin');
    tally(det.peel, peelFlags[t] === 1, intent.get(t) === 'peel_hop');
  }
  const blocks = (db.prepare('SELECT COUNT(*) AS n FROM blocks').get() as { n: number }).n;
  let addresses = 0;
  for (let a = 0; a < g.addrCapacity; a++) if (g.addrOutStart[a + 1] > g.addrOutStart[a]) addresses++;
  return {
    world: { txs: g.txCount, addresses, blocks, truthTxs: truthTxs.length, truthAddresses: owner.size },
    change,
    clustering,
    coinjoin: score(det.cj.tp, det.cj.fp, det.cj.fn, support),
    peel: score(det.peel.tp, det.peel.fp, det.peel.fn, support),
  };
}

function tally(c: { tp: number; fp: number; fn: number }, predicted: boolean, actual: boolean): void {
  if (predicted && actual) c.tp++;
  else if (predicted) c.fp++;
  else if (actual) c.fn++;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Pairwise precision and recall of a clustering against owners, exact (no sampling): pairs in one
 * cluster = Σ C(size, 2) over clusters, pairs with one owner = Σ over entities, and pairs that are
 * both = Σ over (cluster, entity) cells. Only addresses with a known owner are counted.
 */
export function pairScore(name: PairScore['name'], c: Clustering, owner: Map<number, number>): PairScore {
  const byCluster = new Map<number, number>();
  const byEntity = new Map<number, number>();
  const byCell = new Map<number | string, number>();
  for (const [address, entity] of owner) {
    const cluster = c.clusterOf[address];
    byCluster.set(cluster, (byCluster.get(cluster) ?? 0) + 1);
    byEntity.set(entity, (byEntity.get(entity) ?? 0) + 1);
    // A number key while it stays exact (the usual case), a string beyond.
    const cell = entity < 2 ** 26 && cluster < 2 ** 26 ? cluster * 2 ** 26 + entity : `${cluster}:${entity}`;
    byCell.set(cell, (byCell.get(cell) ?? 0) + 1);
  }
  let predictedPairs = 0;
  let actualPairs = 0;
  let truePairs = 0;
  for (const n of byCluster.values()) predictedPairs += pairs(n);
  for (const n of byEntity.values()) actualPairs += pairs(n);
  for (const n of byCell.values()) truePairs += pairs(n);
  return {
    name,
    addresses: owner.size,
    clusters: byCluster.size,
    predictedPairs,
    actualPairs,
    truePairs,
    precision: predictedPairs ? truePairs / predictedPairs : null,
    recall: actualPairs ? truePairs / actualPairs : null,
  };
}

const pct = (x: number | null) => (x === null ? '     —' : `${(100 * x).toFixed(1).padStart(5)}%`);
const num = (x: number, width: number) => String(x).padStart(width);

/** One screen of text: the table `onion-range world report <file>` prints. */
export function formatReport(r: HeuristicReport): string {
  const w = r.world;
  const lines: string[] = [];
  lines.push(`World: ${w.txs} txs, ${w.addresses} addresses, ${w.blocks} blocks; truth for ${w.truthTxs} txs and ${w.truthAddresses} addresses`);
  lines.push('');
  lines.push('Heuristic                      precision   recall   flagged    truth      TP      FP      FN');
  const row = (name: string, s: Score) =>
    `${name.padEnd(30)} ${pct(s.precision)}   ${pct(s.recall)} ${num(s.predicted, 9)} ${num(s.actual, 8)} ${num(s.tp, 7)} ${num(s.fp, 7)} ${num(s.fn, 7)}`;
  for (const c of r.change) lines.push(row(`change: ${c.rule}`, c.score));
  lines.push(row('coinjoin: equal outputs', r.coinjoin));
  lines.push(row('peel chain: hops (≥3)', r.peel));
  lines.push('');
  lines.push('Clustering (address pairs)     precision   recall  clusters  pairs:predicted      actual        true');
  for (const c of r.clustering) {
    lines.push(`${c.name.padEnd(30)} ${pct(c.precision)}   ${pct(c.recall)} ${num(c.clusters, 9)} ${num(c.predictedPairs, 16)} ${num(c.actualPairs, 11)} ${num(c.truePairs, 11)}`);
  }
  return lines.join('\n');
}
