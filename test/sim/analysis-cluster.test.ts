// Property tests: union-find labels are a partition equal to the connected components, and
// common-input clusters of random worlds never merge owners across a detected CoinJoin.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TestWorld } from './analysis-world.ts';
import { InsufficientFunds, type Wallet } from '../../chain/wallet.ts';
import type { AddressKind } from '../../chain/types.ts';
import { COIN } from '../../chain/types.ts';
import {
  UnionFind,
  loadChainGraph,
  clusterAddresses,
  clusterMembers,
  detectCoinJoin,
  inputAddresses,
  isCoinbase,
} from '../../sim/analysis/index.ts';

/** Components by repeated relaxation: the slow, obviously right reference. */
function naiveComponents(n: number, edges: [number, number][]): number[] {
  const label = Array.from({ length: n }, (_, i) => i);
  let changed = true;
  while (changed) {
    changed = false;
    for (const [a, b] of edges) {
      const m = Math.min(label[a], label[b]);
      if (label[a] !== m || label[b] !== m) {
        label[a] = label[b] = m;
        changed = true;
      }
    }
  }
  return label;
}

describe('UnionFind', () => {
  it('labels a partition equal to the connected components, whatever the union order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 80 })),
        ),
        ([n, edges]) => {
          const uf = new UnionFind(n);
          for (const [a, b] of edges) uf.union(a, b);
          const labels = uf.labels();
          const reference = naiveComponents(n, edges);
          // Same partition: two elements share a label iff they share a component.
          for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) expect(labels[a] === labels[b]).toBe(reference[a] === reference[b]);
          // Dense labels 0..count-1 and sizes that add up to n.
          expect(new Set(labels).size).toBe(uf.count);
          expect(Math.max(...labels)).toBe(uf.count - 1);
          let total = 0;
          for (const r of new Set(Array.from({ length: n }, (_, i) => uf.find(i)))) total += uf.sizeOf(r);
          expect(total).toBe(n);
          // Reversed unions give identical labels (numbered by smallest member).
          const again = new UnionFind(n);
          for (const [a, b] of [...edges].reverse()) again.union(b, a);
          expect(Array.from(again.labels())).toEqual(Array.from(labels));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects elements outside its range', () => {
    const uf = new UnionFind(3);
    expect(() => uf.find(3)).toThrow(RangeError);
    expect(() => uf.union(-1, 0)).toThrow(RangeError);
    expect(() => new UnionFind(-2)).toThrow(RangeError);
  });
});

type Op =
  | { kind: 'pay'; from: number; to: number; share: number }
  | { kind: 'join'; members: number[]; denomination: number }
  | { kind: 'merge'; who: number };

const KINDS: AddressKind[] = ['p2wpkh', 'p2pkh', 'p2sh-p2wpkh', 'p2tr'];
const WALLETS = 6;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('pay' as const), from: fc.nat(WALLETS - 1), to: fc.nat(WALLETS - 1), share: fc.double({ min: 0.05, max: 0.7, noNaN: true }) }),
  fc.record({
    kind: fc.constant('join' as const),
    members: fc.uniqueArray(fc.nat(WALLETS - 1), { minLength: 3, maxLength: WALLETS }),
    denomination: fc.integer({ min: 1, max: 30 }).map((k) => k * 1_000_000),
  }),
  fc.record({ kind: fc.constant('merge' as const), who: fc.nat(WALLETS - 1) }),
);

function randomWorld(seed: number, kinds: AddressKind[], ops: Op[]) {
  const w = new TestWorld(`cluster-${seed}`, { matureCoinbases: 2 });
  const wallets: Wallet[] = kinds.map((k, i) => w.wallet(w.entity('user', `W${i}`), 'personal', k));
  // Two coins each, so wallets have inputs to merge.
  w.pay('fund', w.miner, wallets.flatMap((wallet, i) => [{ wallet, value: COIN + i * 1000 }, { wallet, value: COIN / 2 + i * 1000 }]), { intent: 'pool_payout' });
  w.mine();
  const spendable = (x: Wallet) => x.utxos.filter((u) => u.height !== null);
  ops.forEach((op, i) => {
    const label = `op${i}`;
    if (op.kind === 'pay') {
      const from = wallets[op.from];
      const value = Math.floor(from.balance(w.height()) * op.share);
      if (value < 10_000) return;
      try {
        w.pay(label, from, [{ wallet: wallets[op.to], value }], { intent: 'background' });
      } catch (err) {
        if (!(err instanceof InsufficientFunds)) throw err;
      }
    } else if (op.kind === 'join') {
      const d = op.denomination;
      const coins = op.members
        .map((m) => ({ wallet: wallets[m], utxo: spendable(wallets[m]).filter((u) => u.value >= d + 2_000).sort((a, b) => a.value - b.value)[0] }))
        .filter((c) => c.utxo !== undefined);
      if (coins.length < 3) return;
      const outputs = coins.map((c) => ({ wallet: c.wallet, value: d, role: 'coinjoin_output' as const }));
      for (const c of coins) {
        const change = c.utxo.value - d - 1_000;
        // A change equal to the denomination would join the anonymity set; it goes to the fee instead.
        if (change >= 546 && change !== d) outputs.push({ wallet: c.wallet, value: change, role: 'coinjoin_output' });
      }
      w.spend(label, coins, outputs, { intent: 'coinjoin' });
    } else {
      const who = wallets[op.who];
      const coins = spendable(who);
      if (coins.length < 2) return;
      const total = coins.reduce((s, u) => s + u.value, 0);
      w.spend(label, coins.map((utxo) => ({ wallet: who, utxo })), [{ wallet: who, value: total - 1_000 * coins.length }], { intent: 'consolidation' });
    }
    w.mine();
  });
  w.finish();
  return w;
}

describe('common-input clusters of random worlds', () => {
  const coverage = { worlds: 0, joins: 0, merges: 0, multiOwnerJoins: 0 };

  it('are a partition, equal the non-CoinJoin common-input components, and never merge owners across a CoinJoin', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.array(fc.constantFrom(...KINDS), { minLength: WALLETS, maxLength: WALLETS }), fc.array(opArb, { minLength: 4, maxLength: 14 }), (seed, kinds, ops) => {
        const w = randomWorld(seed, kinds, ops);
        const g = loadChainGraph(w.db);
        const c = clusterAddresses(g);

        // Partition: every address id in exactly one dense cluster.
        expect(c.clusterOf.length).toBe(g.addrCapacity);
        expect(c.sizes.reduce((s, n) => s + n, 0)).toBe(g.addrCapacity);
        const { start, members } = clusterMembers(c);
        const seen = new Uint8Array(g.addrCapacity);
        for (let k = 0; k < c.count; k++) {
          expect(start[k + 1] - start[k]).toBe(c.sizes[k]);
          for (let m = start[k]; m < start[k + 1]; m++) {
            expect(c.clusterOf[members[m]]).toBe(k);
            seen[members[m]]++;
          }
        }
        expect(seen.every((x) => x === 1)).toBe(true);

        // Reference: components of the input sets of every multi-input tx that is not a CoinJoin.
        const edges: [number, number][] = [];
        const joins: number[] = [];
        for (const t of g.txOrder) {
          if (isCoinbase(g, t)) continue;
          const ins = inputAddresses(g, t);
          if (detectCoinJoin(g, t)) joins.push(t);
          else for (const a of ins.slice(1)) edges.push([ins[0], a]);
        }
        const reference = naiveComponents(g.addrCapacity, edges);
        const canon = (labels: ArrayLike<number>) => {
          const first = new Map<number, number>();
          return Array.from(labels, (l, i) => (first.has(l) ? first.get(l)! : (first.set(l, i), i)));
        };
        expect(canon(c.clusterOf)).toEqual(canon(reference));

        // Every CoinJoin the world made was detected, and no cluster holds two owners.
        const planted = (w.db.prepare("SELECT tx_id AS t FROM gt_txs WHERE intent = 'coinjoin' ORDER BY tx_id").all() as { t: number }[]).map((r) => r.t);
        expect(joins).toEqual(planted);
        const owner = new Map(
          (w.db.prepare('SELECT address_id AS a, wallet_id AS w FROM gt_addresses').all() as { a: number; w: number }[]).map((r) => [r.a, r.w]),
        );
        const ownerOfCluster = new Map<number, number>();
        for (const [a, wallet] of owner) {
          const k = c.clusterOf[a];
          if (!ownerOfCluster.has(k)) ownerOfCluster.set(k, wallet);
          expect(ownerOfCluster.get(k)).toBe(wallet);
        }
        for (const t of joins) {
          const ins = inputAddresses(g, t);
          const owners = new Set(ins.map((a) => owner.get(a)));
          expect(new Set(ins.map((a) => c.clusterOf[a])).size).toBeGreaterThanOrEqual(owners.size);
          if (owners.size > 1) coverage.multiOwnerJoins++;
        }
        coverage.worlds++;
        coverage.joins += joins.length;
        coverage.merges += edges.length;
        w.ledger.close();
      }),
      { numRuns: 12 },
    );
  });

  it('exercised CoinJoins and common-input merges (the property above is not vacuous)', () => {
    expect(coverage.worlds).toBeGreaterThanOrEqual(12);
    expect(coverage.multiOwnerJoins).toBeGreaterThan(3);
    expect(coverage.merges).toBeGreaterThan(12);
  });
});
