// Proves that each planted trail can be followed from public data with the standard heuristics.
//
// For every hop the solver asks what a trainee sees at the previous hop: the candidate next hops
// the heuristics leave (the change's spender, the only output's spender, the equal outputs of a
// CoinJoin, ...). The ground-truth next tx must be among them and the group it is in must be
// small. Ground truth (gt_*) is read only to name the trail's txs and to CHECK each step; the
// candidates themselves come from the ChainGraph and the public tag list alone.
//
// End entity: with a public `tags(address_id, label, kind)` table, the trail's end output must lie
// in a cluster holding a tagged address. Without one, it must lie in a "service cluster": a
// common-input cluster paid by at least `minServiceSenders` distinct other clusters. That is how
// an investigator recognises an exchange without a tag (many unrelated customers pay into one
// wallet, whose sweeps merge the deposit addresses with the hot wallet) before sending it a
// records request. The check then confirms the cluster holds an address of the end entity's
// deposit or hot wallet.
import type Database from 'better-sqlite3';
import type { ChainGraph } from './graph.ts';
import { loadChainGraph, hasTx, isSpendableOutput, isCoinbase, txidHexOf, addressText } from './graph.ts';
import { clusterAddresses, clusterMembers, type Clustering } from './cluster.ts';
import { detectCoinJoin } from './heuristics/coinjoin.ts';
import { detectChange } from './heuristics/change.ts';
import { peelShape, followPeelChain, type PeelOptions, type PeelStop } from './heuristics/peel.ts';

export type HopMethod =
  | 'start'
  | 'peel' // the large output of a peel hop (its change)
  | 'peel-payment' // the small output of a peel hop
  | 'change' // the output the combined change vote names
  | 'payment' // an output other than the detected change
  | 'single-output' // the tx has one spendable output
  | 'coinjoin' // one of a CoinJoin's equal outputs
  | 'coinjoin-change' // one of a CoinJoin's other outputs
  | 'undetermined' // no heuristic singles out an output
  | 'cluster' // spent later from the same common-input cluster as an output
  | 'co-payee' // pays into the same cluster as a tx of the same hop already found (fan-in)
  | 'co-spender' // spends from the same cluster as a tx of the same hop already found (fan-out)
  | 'not-found';

export interface HopClass {
  method: Exclude<HopMethod, 'start' | 'cluster' | 'co-payee' | 'co-spender' | 'not-found'>;
  vouts: number[];
  /** Distinct candidate next hops: spending txs, plus each unspent output. */
  candidates: number;
}

export interface CandidateOptions {
  coinJoin?: Uint8Array;
  peel?: PeelOptions;
}

/**
 * The groups of outputs of tx t a tracer would consider, by the heuristic that forms them.
 * A group's `candidates` is the ambiguity of choosing the next hop within it.
 */
export function candidateNextHops(g: ChainGraph, t: number, opts: CandidateOptions = {}): HopClass[] {
  const spendable: number[] = [];
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) if (isSpendableOutput(g, o)) spendable.push(o - g.outStart[t]);
  const group = (method: HopClass['method'], vouts: number[]): HopClass => ({ method, vouts, candidates: distinctNextHops(g, t, vouts) });
  const isJoin = opts.coinJoin ? opts.coinJoin[t] === 1 : detectCoinJoin(g, t) !== null;
  if (isJoin) {
    const verdict = detectCoinJoin(g, t);
    const equal = verdict ? verdict.equalVouts : spendable;
    const rest = spendable.filter((v) => !equal.includes(v));
    return [group('coinjoin', equal), ...(rest.length ? [group('coinjoin-change', rest)] : [])];
  }
  if (spendable.length === 1) return [group('single-output', spendable)];
  const shape = peelShape(g, t, { ...opts.peel, coinJoin: opts.coinJoin });
  if (shape) return [group('peel', [shape.changeVout]), group('peel-payment', [shape.peelVout])];
  const { change } = detectChange(g, t, { coinJoin: opts.coinJoin });
  if (change >= 0) return [group('change', [change]), group('payment', spendable.filter((v) => v !== change))];
  return [group('undetermined', spendable)];
}

function distinctNextHops(g: ChainGraph, t: number, vouts: number[]): number {
  const spenders = new Set<number>();
  let unspent = 0;
  for (const v of vouts) {
    const s = g.outSpender[g.outStart[t] + v];
    if (s < 0) unspent++;
    else spenders.add(s);
  }
  return spenders.size + unspent;
}

export interface HopProof {
  hop: number;
  tx: number;
  txid: string;
  /** The trail tx it was reached from (null for a start). */
  from: number | null;
  /** The output of `from` that leads here (null for a start or a sibling link). */
  vout: number | null;
  method: HopMethod;
  /** Candidate next hops the method leaves at this step (1 = unique). */
  ambiguity: number;
  followable: boolean;
}

export interface EndProof {
  entityId: number | null;
  identified: boolean;
  method: 'tag' | 'service-cluster' | null;
  /** The end output's address id and text (the first identified one). */
  address: number | null;
  addressText: string | null;
  /** Distinct other clusters paying into its cluster. */
  senders: number;
  tag: string | null;
  /** Outputs of the last hop that identify an entity (>1: the trainee must choose). */
  ambiguity: number;
  /** Ground-truth check: the identified cluster holds an address of the end entity. */
  confirmed: boolean;
}

export interface TrailSolution {
  trailId: string;
  typology: string;
  solvable: boolean;
  hops: HopProof[];
  end: EndProof;
  nonTrivial: {
    /** Distinct common-input clusters among the trail's addresses. */
    clusters: number;
    /** Txs near the trail (its blocks ± aroundBlocks) that neither are trail txs nor spend or fund one. */
    unrelatedTxs: number;
    /** Trail txs with no unrelated tx around them. */
    isolatedHops: number;
    ok: boolean;
  };
  /** Following the change from the first tx with the peel heuristic alone. */
  peelFollow: { hopsMatched: number; stop: PeelStop; stoppedAt: string };
  reasons: string[];
}

export interface SolveOptions {
  graph?: ChainGraph;
  /** Common-input clustering of the graph; computed when absent. */
  clustering?: Clustering;
  /** Largest candidate group a followable hop may sit in (default 3). */
  maxAmbiguity?: number;
  /** Distinct paying clusters that make a cluster a service (default 5). */
  minServiceSenders?: number;
  /** Blocks either side of a trail tx searched for unrelated txs (default 1). */
  aroundBlocks?: number;
  peel?: PeelOptions;
}

interface Context {
  db: Database.Database;
  g: ChainGraph;
  clusters: Clustering;
  members: { start: Uint32Array; members: Uint32Array };
  tags: Map<number, string> | null;
  senders: Map<number, number>;
  maxAmbiguity: number;
  minServiceSenders: number;
  aroundBlocks: number;
  peel: PeelOptions;
}

interface TrailRow {
  id: string;
  typology: string;
  end_entity_id: number | null;
}

/** Solves every planted trail of the world (rows of gt_trails), in id order. */
export function solveTrails(db: Database.Database, opts: SolveOptions = {}): TrailSolution[] {
  if (!tableExists(db, 'gt_trails')) throw new RangeError('this world has no ground truth (gt_trails is missing)');
  const ctx = context(db, opts);
  const trails = db.prepare('SELECT id, typology, end_entity_id FROM gt_trails ORDER BY id').all() as TrailRow[];
  return trails.map((t) => solveOne(ctx, t));
}

/** Solves one trail by id. */
export function solveTrail(db: Database.Database, trailId: string, opts: SolveOptions = {}): TrailSolution {
  const row = db.prepare('SELECT id, typology, end_entity_id FROM gt_trails WHERE id = ?').get(trailId) as TrailRow | undefined;
  if (!row) throw new RangeError(`no trail ${JSON.stringify(trailId)}`);
  return solveOne(context(db, opts), row);
}

function context(db: Database.Database, opts: SolveOptions): Context {
  const g = opts.graph ?? loadChainGraph(db);
  const clusters = opts.clustering ?? clusterAddresses(g);
  let tags: Map<number, string> | null = null;
  if (tableExists(db, 'tags')) {
    tags = new Map();
    for (const r of db.prepare('SELECT address_id, label FROM tags').all() as { address_id: number; label: string }[]) {
      if (!tags.has(r.address_id)) tags.set(r.address_id, r.label);
    }
  }
  return {
    db,
    g,
    clusters,
    members: clusterMembers(clusters),
    tags,
    senders: new Map(),
    maxAmbiguity: opts.maxAmbiguity ?? 3,
    minServiceSenders: opts.minServiceSenders ?? 5,
    aroundBlocks: opts.aroundBlocks ?? 1,
    peel: opts.peel ?? {},
  };
}

function tableExists(db: Database.Database, name: string): boolean {
  // Any schema, so truth kept in an ATTACHed database is found too.
  return db.prepare("SELECT 1 FROM pragma_table_list WHERE name = ? AND type = 'table'").get(name) !== undefined;
}

function solveOne(ctx: Context, trail: TrailRow): TrailSolution {
  const { g, db } = ctx;
  const reasons: string[] = [];
  const rows = db.prepare('SELECT tx_id, hop FROM gt_txs WHERE trail_id = ? ORDER BY hop, tx_id').all(trail.id) as { tx_id: number; hop: number | null }[];
  const missing = rows.filter((r) => !hasTx(g, r.tx_id));
  for (const r of missing) reasons.push(`hop ${r.hop}: tx ${r.tx_id} is not in the public chain`);
  const present = rows.filter((r) => hasTx(g, r.tx_id));
  const groups = new Map<number, number[]>();
  for (const r of present) {
    const hop = r.hop ?? 0;
    if (!groups.has(hop)) groups.set(hop, []);
    groups.get(hop)!.push(r.tx_id);
  }
  const hopNumbers = [...groups.keys()].sort((a, b) => a - b);
  const hops: HopProof[] = [];
  const opts: CandidateOptions = { coinJoin: ctx.clusters.coinJoin, peel: ctx.peel };
  const classCache = new Map<number, HopClass[]>();
  const classesOf = (t: number) => {
    let c = classCache.get(t);
    if (!c) classCache.set(t, (c = candidateNextHops(g, t, opts)));
    return c;
  };
  const earlier: number[] = [];
  const trailSet = new Set(present.map((r) => r.tx_id));
  const window = rankWindow(g, present.map((r) => r.tx_id));
  hopNumbers.forEach((hop, k) => {
    // Within a hop, earlier txs first: a sibling can only be found from one already found.
    const txs = groups.get(hop)!.sort((a, b) => g.txRank[a] - g.txRank[b]);
    const previous = k > 0 ? groups.get(hopNumbers[k - 1])! : [];
    const found: number[] = [];
    for (const x of txs) {
      const txid = txidHexOf(db, x);
      if (k === 0 && found.length === 0) {
        hops.push({ hop, tx: x, txid, from: null, vout: null, method: 'start', ambiguity: 1, followable: true });
        found.push(x);
        continue;
      }
      // The previous hop first; any earlier trail tx as a fallback (branching typologies);
      // then a sibling of this hop that pays into or spends from the same cluster (fan-in, fan-out).
      let best = k > 0 ? bestLink(ctx, previous, x, classesOf) : null;
      if (!best || best.ambiguity > ctx.maxAmbiguity) {
        const other = bestLink(ctx, earlier.filter((p) => !previous.includes(p)), x, classesOf);
        if (other && (!best || other.ambiguity < best.ambiguity)) best = other;
      }
      if (!best || best.ambiguity > ctx.maxAmbiguity) {
        const sibling = siblingLink(ctx, found, x, trailSet, window);
        if (sibling && (!best || sibling.ambiguity < best.ambiguity)) best = sibling;
      }
      if (!best) {
        hops.push({ hop, tx: x, txid, from: null, vout: null, method: 'not-found', ambiguity: 0, followable: false });
        reasons.push(`hop ${hop} (${txid}): no heuristic leads to it from the earlier hops`);
        continue;
      }
      const followable = best.ambiguity <= ctx.maxAmbiguity;
      hops.push({ hop, tx: x, txid, from: best.from, vout: best.vout, method: best.method, ambiguity: best.ambiguity, followable });
      if (followable) found.push(x);
      else {
        const via = best.method === 'coinjoin' ? `CoinJoin ${txidHexOf(db, best.from)}` : `tx ${txidHexOf(db, best.from)}`;
        reasons.push(`hop ${hop} (${txid}): only reachable by ${best.method} through ${via} among ${best.ambiguity} candidates (more than ${ctx.maxAmbiguity})`);
      }
    }
    earlier.push(...txs);
  });

  const lastGroup = hopNumbers.length ? groups.get(hopNumbers[hopNumbers.length - 1])! : [];
  const end = identifyEnd(ctx, lastGroup, trail.end_entity_id);
  // A trail with nothing on chain (yet) has that as its only reason.
  if (present.length > 0 && trail.end_entity_id !== null) {
    if (!end.identified) reasons.push(`end entity ${trail.end_entity_id}: no output of the last hop lies in a ${ctx.tags ? 'tagged' : 'service'} cluster`);
    else if (!end.confirmed) reasons.push(`end entity ${trail.end_entity_id}: the identified cluster does not belong to it`);
  }

  const nonTrivial = checkNonTrivial(ctx, present.map((r) => r.tx_id));
  if (present.length > 0 && nonTrivial.clusters < 2) reasons.push(`trivial: all of the trail's addresses are one common-input cluster`);
  if (nonTrivial.isolatedHops > 0) reasons.push(`trivial: ${nonTrivial.isolatedHops} trail tx(s) have no unrelated tx within ${ctx.aroundBlocks} block(s)`);

  const ordered = hopNumbers.flatMap((h) => groups.get(h)!);
  const peelFollow = followFromStart(ctx, ordered);
  const solvable =
    missing.length === 0 &&
    present.length > 0 &&
    hops.every((h) => h.followable) &&
    (trail.end_entity_id === null || (end.identified && end.confirmed)) &&
    nonTrivial.ok;
  if (present.length === 0 && missing.length === 0) reasons.push('the trail has no transactions');
  return { trailId: trail.id, typology: trail.typology, solvable, hops, end, nonTrivial, peelFollow, reasons };
}

interface Link {
  from: number;
  /** null for a sibling link, which goes through a cluster rather than an output of `from`. */
  vout: number | null;
  method: HopMethod;
  ambiguity: number;
}

/** The least ambiguous way a tracer standing at one of `froms` reaches x. */
function bestLink(ctx: Context, froms: number[], x: number, classesOf: (t: number) => HopClass[]): Link | null {
  const { g } = ctx;
  let best: Link | null = null;
  const consider = (l: Link) => {
    if (!best || l.ambiguity < best.ambiguity) best = l;
  };
  for (const p of froms) {
    for (const c of classesOf(p)) {
      for (const v of c.vouts) if (g.outSpender[g.outStart[p] + v] === x) consider({ from: p, vout: v, method: c.method, ambiguity: c.candidates });
    }
  }
  if (best) return best;
  // Not spent directly: spent later from the cluster an output of p landed in.
  const inputClusters = new Set<number>();
  for (let i = g.inStart[x]; i < g.inStart[x + 1]; i++) inputClusters.add(ctx.clusters.clusterOf[g.outAddress[g.inOutput[i]]]);
  for (const p of froms) {
    if (g.txRank[p] >= g.txRank[x]) continue;
    for (const c of classesOf(p)) {
      for (const v of c.vouts) {
        const cluster = ctx.clusters.clusterOf[g.outAddress[g.outStart[p] + v]];
        if (!inputClusters.has(cluster)) continue;
        const spends = clusterSpendsBetween(ctx, cluster, g.txRank[p], g.txRank[x]);
        consider({ from: p, vout: v, method: 'cluster', ambiguity: c.candidates * spends });
      }
    }
  }
  return best;
}

/** Distinct txs ranked in (after, upTo] spending from the cluster. */
function clusterSpendsBetween(ctx: Context, cluster: number, after: number, upTo: number): number {
  const { g } = ctx;
  const { start, members } = ctx.members;
  const txs = new Set<number>();
  for (let m = start[cluster]; m < start[cluster + 1]; m++) {
    const a = members[m];
    for (let k = g.addrOutStart[a]; k < g.addrOutStart[a + 1]; k++) {
      const s = g.outSpender[g.addrOuts[k]];
      if (s >= 0 && g.txRank[s] > after && g.txRank[s] <= upTo) txs.add(s);
    }
  }
  return txs.size;
}

function rankWindow(g: ChainGraph, txs: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of txs) {
    lo = Math.min(lo, g.txRank[t]);
    hi = Math.max(hi, g.txRank[t]);
  }
  return [lo, hi];
}

function outputClusters(ctx: Context, t: number): Set<number> {
  const { g } = ctx;
  const out = new Set<number>();
  for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) if (isSpendableOutput(g, o)) out.add(ctx.clusters.clusterOf[g.outAddress[o]]);
  return out;
}

function inputClusters(ctx: Context, t: number): Set<number> {
  const { g } = ctx;
  const out = new Set<number>();
  for (let i = g.inStart[t]; i < g.inStart[t + 1]; i++) out.add(ctx.clusters.clusterOf[g.outAddress[g.inOutput[i]]]);
  return out;
}

/**
 * x and an already found tx of the same hop pay into (or spend from) one cluster: the fan-in's
 * collector, the fan-out's source. Ambiguity is 1 plus the unrelated txs doing the same within the
 * trail's time span: the false candidates a trainee must sift out.
 */
function siblingLink(ctx: Context, found: number[], x: number, trail: Set<number>, window: [number, number]): Link | null {
  const { g } = ctx;
  const { start, members } = ctx.members;
  let best: Link | null = null;
  const xOut = outputClusters(ctx, x);
  const xIn = inputClusters(ctx, x);
  for (const sib of found) {
    for (const [method, shared] of [
      ['co-payee', [...outputClusters(ctx, sib)].filter((c) => xOut.has(c))],
      ['co-spender', [...inputClusters(ctx, sib)].filter((c) => xIn.has(c))],
    ] as const) {
      for (const cluster of shared) {
        const others = new Set<number>();
        for (let m = start[cluster]; m < start[cluster + 1]; m++) {
          const a = members[m];
          for (let k = g.addrOutStart[a]; k < g.addrOutStart[a + 1]; k++) {
            const o = g.addrOuts[k];
            const t = method === 'co-payee' ? g.outTx[o] : g.outSpender[o];
            if (t < 0 || trail.has(t) || isCoinbase(g, t)) continue;
            if (g.txRank[t] >= window[0] && g.txRank[t] <= window[1]) others.add(t);
          }
        }
        const ambiguity = 1 + others.size;
        if (!best || ambiguity < best.ambiguity) best = { from: sib, vout: null, method, ambiguity };
      }
    }
  }
  return best;
}

/** Distinct other clusters whose txs pay into `cluster` (by each paying tx's first input). */
function sendersOf(ctx: Context, cluster: number): number {
  const cached = ctx.senders.get(cluster);
  if (cached !== undefined) return cached;
  const { g } = ctx;
  const { start, members } = ctx.members;
  const from = new Set<number>();
  for (let m = start[cluster]; m < start[cluster + 1]; m++) {
    const a = members[m];
    for (let k = g.addrOutStart[a]; k < g.addrOutStart[a + 1]; k++) {
      const t = g.outTx[g.addrOuts[k]];
      if (isCoinbase(g, t) || g.inStart[t + 1] === g.inStart[t]) continue;
      const c = ctx.clusters.clusterOf[g.outAddress[g.inOutput[g.inStart[t]]]];
      if (c !== cluster) from.add(c);
    }
  }
  ctx.senders.set(cluster, from.size);
  return from.size;
}

function identifyEnd(ctx: Context, last: number[], entityId: number | null): EndProof {
  const { g } = ctx;
  const none: EndProof = { entityId, identified: false, method: null, address: null, addressText: null, senders: 0, tag: null, ambiguity: 0, confirmed: false };
  if (entityId === null) return { ...none, identified: true, confirmed: true };
  const found: { address: number; cluster: number; senders: number; tag: string | null }[] = [];
  const seenClusters = new Set<number>();
  for (const t of last) {
    for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) {
      if (!isSpendableOutput(g, o)) continue;
      const address = g.outAddress[o];
      const cluster = ctx.clusters.clusterOf[address];
      if (seenClusters.has(cluster)) continue;
      seenClusters.add(cluster);
      const senders = sendersOf(ctx, cluster);
      if (ctx.tags) {
        const tag = clusterTag(ctx, address, cluster);
        if (tag !== null) found.push({ address, cluster, senders, tag });
      } else if (senders >= ctx.minServiceSenders) {
        found.push({ address, cluster, senders, tag: null });
      }
    }
  }
  if (found.length === 0) return none;
  const first = found[0];
  const confirmed = found.some((f) => clusterBelongsTo(ctx, f.cluster, entityId, ctx.tags ? null : ['deposit', 'hot']));
  return {
    entityId,
    identified: true,
    method: ctx.tags ? 'tag' : 'service-cluster',
    address: first.address,
    addressText: addressText(ctx.db, first.address),
    senders: first.senders,
    tag: first.tag,
    ambiguity: found.length,
    confirmed,
  };
}

function clusterTag(ctx: Context, address: number, cluster: number): string | null {
  const tags = ctx.tags!;
  const own = tags.get(address);
  if (own !== undefined) return own;
  const { start, members } = ctx.members;
  for (let m = start[cluster]; m < start[cluster + 1]; m++) {
    const t = tags.get(members[m]);
    if (t !== undefined) return t;
  }
  return null;
}

/** Ground-truth check: some address of the cluster is owned by the entity (or a child of it) through a wallet with one of `labels`. */
function clusterBelongsTo(ctx: Context, cluster: number, entityId: number, labels: string[] | null): boolean {
  const { start, members } = ctx.members;
  const ids = Array.from(members.subarray(start[cluster], start[cluster + 1]));
  const st = ctx.db.prepare(
    `SELECT w.label, e.id AS entity, e.parent_id AS parent FROM gt_addresses a
     JOIN gt_wallets w ON w.id = a.wallet_id JOIN gt_entities e ON e.id = w.entity_id WHERE a.address_id = ?`,
  );
  for (const id of ids) {
    const r = st.get(id) as { label: string; entity: number; parent: number | null } | undefined;
    if (!r) continue;
    if (r.entity !== entityId && r.parent !== entityId) continue;
    if (labels === null || labels.includes(r.label)) return true;
  }
  return false;
}

function checkNonTrivial(ctx: Context, trailTxs: number[]): TrailSolution['nonTrivial'] {
  const { g } = ctx;
  const inTrail = new Set(trailTxs);
  const clusters = new Set<number>();
  const linked = new Set<number>(trailTxs);
  for (const t of trailTxs) {
    for (let i = g.inStart[t]; i < g.inStart[t + 1]; i++) {
      clusters.add(ctx.clusters.clusterOf[g.outAddress[g.inOutput[i]]]);
      linked.add(g.outTx[g.inOutput[i]]);
    }
    for (let o = g.outStart[t]; o < g.outStart[t + 1]; o++) {
      if (isSpendableOutput(g, o)) clusters.add(ctx.clusters.clusterOf[g.outAddress[o]]);
      if (g.outSpender[o] >= 0) linked.add(g.outSpender[o]);
    }
  }
  // Txs by height once, for the windows around each trail tx.
  const byHeight = new Map<number, number[]>();
  const heights = trailTxs.map((t) => g.txHeight[t]);
  const wanted = new Set<number>();
  for (const h of heights) if (h >= 0) for (let d = -ctx.aroundBlocks; d <= ctx.aroundBlocks; d++) wanted.add(h + d);
  const st = ctx.db.prepare('SELECT id FROM txs WHERE block_height = ? AND block_pos > 0');
  for (const h of wanted) byHeight.set(h, (st.all(h) as { id: number }[]).map((r) => r.id));
  const unrelated = new Set<number>();
  let isolatedHops = 0;
  for (const t of trailTxs) {
    const h = g.txHeight[t];
    let near = 0;
    for (let d = -ctx.aroundBlocks; d <= ctx.aroundBlocks; d++) {
      for (const u of byHeight.get(h + d) ?? []) {
        if (inTrail.has(u) || linked.has(u)) continue;
        near++;
        unrelated.add(u);
      }
    }
    if (near === 0) isolatedHops++;
  }
  const ok = clusters.size >= 2 && isolatedHops === 0 && trailTxs.length > 0;
  return { clusters: clusters.size, unrelatedTxs: unrelated.size, isolatedHops, ok };
}

function followFromStart(ctx: Context, ordered: number[]): TrailSolution['peelFollow'] {
  if (ordered.length === 0) return { hopsMatched: 0, stop: 'not-peel', stoppedAt: '' };
  const chain = followPeelChain(ctx.g, ordered[0], { ...ctx.peel, coinJoin: ctx.clusters.coinJoin });
  const walked = chain.steps.map((s) => s.tx);
  if (walked[walked.length - 1] !== chain.end.tx) walked.push(chain.end.tx);
  let hopsMatched = 0;
  while (hopsMatched < walked.length && hopsMatched < ordered.length && walked[hopsMatched] === ordered[hopsMatched]) hopsMatched++;
  return { hopsMatched, stop: chain.end.reason, stoppedAt: txidHexOf(ctx.db, chain.end.tx) };
}
