import { describe, it, expect, beforeAll } from 'vitest';
import { buildMainWorld, type MainWorld } from './analysis-main-world.ts';
import { solveTrails, solveTrail, candidateNextHops, loadChainGraph, txidHexOf, type TrailSolution } from '../../sim/analysis/index.ts';

describe('trail solver', () => {
  let world: MainWorld;
  let solutions: TrailSolution[];
  const byId = (id: string) => solutions.find((s) => s.trailId === id)!;

  beforeAll(() => {
    world = buildMainWorld();
    solutions = solveTrails(world.w.db);
  });

  it('solves every trail in gt_trails', () => {
    expect(solutions.map((s) => s.trailId)).toEqual(['fan-1', 'mix-1', 'peel-1']);
  });

  it('proves the planted peel chain followable hop by hop with the peel heuristic', () => {
    const s = byId('peel-1');
    expect(s.reasons).toEqual([]);
    expect(s.solvable).toBe(true);
    expect(s.hops.map((h) => h.tx)).toEqual(world.peel);
    expect(s.hops[0]).toMatchObject({ method: 'start', ambiguity: 1, from: null });
    s.hops.slice(1).forEach((h, i) => {
      expect(h).toMatchObject({ hop: i + 1, method: 'peel', ambiguity: 1, from: world.peel[i], vout: 1, followable: true });
      expect(h.txid).toBe(txidHexOf(world.w.db, world.peel[i + 1]));
    });
    expect(s.peelFollow).toMatchObject({ hopsMatched: 6, stop: 'unspent' });
  });

  it('identifies the exchange at the end through its service cluster, and the truth confirms it', () => {
    const { end } = byId('peel-1');
    expect(end).toMatchObject({ entityId: world.entities.exchange, identified: true, method: 'service-cluster', confirmed: true, ambiguity: 1 });
    expect(end.address).toBe(world.w.addressOf(world.wallets.deposit, world.keys.Dp));
    // U1..U6, the peeler and actor2 each deposited: eight unrelated paying clusters.
    expect(end.senders).toBe(8);
  });

  it('finds the trail non-trivial: several clusters, unrelated txs in every block', () => {
    const { nonTrivial } = byId('peel-1');
    expect(nonTrivial.ok).toBe(true);
    expect(nonTrivial.clusters).toBeGreaterThanOrEqual(7);
    expect(nonTrivial.isolatedHops).toBe(0);
    expect(nonTrivial.unrelatedTxs).toBeGreaterThan(5);
  });

  it('reports the trail through the CoinJoin as not followable after the mix', () => {
    const s = byId('mix-1');
    expect(s.solvable).toBe(false);
    expect(s.hops.map((h) => [h.method, h.ambiguity, h.followable])).toEqual([
      ['start', 1, true],
      ['peel', 1, true],
      ['peel', 1, true], // the change walks straight into the CoinJoin
      ['coinjoin', 5, false], // then it is one of five equal outputs
    ]);
    expect(s.reasons).toHaveLength(1);
    expect(s.reasons[0]).toMatch(/hop 3 .*coinjoin through CoinJoin [0-9a-f]{64} among 5 candidates/);
    expect(s.peelFollow).toMatchObject({ hopsMatched: 3, stop: 'coinjoin', stoppedAt: txidHexOf(world.w.db, world.mix[2]) });
    // The cash-out itself would be recognisable: the end is not what breaks the trail.
    expect(s.end).toMatchObject({ identified: true, confirmed: true });
  });

  it('links the payers of a fan-in through the collector they share, then follows the sweep', () => {
    const s = byId('fan-1');
    const fans = [0, 1, 2].map((i) => world.w.tx.get(`fan ${i}`)!);
    expect(s.hops.map((h) => [h.tx, h.method, h.ambiguity])).toEqual([
      [fans[0], 'start', 1],
      [fans[1], 'co-payee', 1],
      [fans[2], 'co-payee', 1],
      [world.w.tx.get('fan sweep')!, 'peel-payment', 1],
    ]);
    expect(s.hops[1]).toMatchObject({ from: fans[0], vout: null });
    expect(s.end).toMatchObject({ entityId: null, identified: true });
    expect(s.solvable).toBe(true);
  });

  it('counts unrelated payers of the same cluster as false candidates of a fan-in', () => {
    // Take the middle payer out of the trail: it becomes a look-alike paying the same collector.
    const db = world.w.db;
    const middle = world.w.tx.get('fan 1')!;
    db.prepare('UPDATE gt_txs SET trail_id = NULL WHERE tx_id = ?').run(middle);
    try {
      const s = solveTrail(db, 'fan-1');
      expect(s.hops.map((h) => [h.method, h.ambiguity])).toEqual([
        ['start', 1],
        ['co-payee', 2], // the true payer and the look-alike
        ['peel-payment', 1],
      ]);
      expect(solveTrail(db, 'fan-1', { maxAmbiguity: 1 }).solvable).toBe(false);
    } finally {
      db.prepare("UPDATE gt_txs SET trail_id = 'fan-1' WHERE tx_id = ?").run(middle);
    }
  });

  it('follows money that stays in a cluster: a later spend of another coin at the same address', () => {
    // U1 pays U6's static address S6; U6 later spends the *other* coin S6 received (from U4).
    const db = world.w.db;
    const [paid, spent] = [world.w.tx.get('U1→S6')!, world.w.tx.get('U6 two inputs')!];
    db.prepare("INSERT INTO gt_trails (id, typology) VALUES ('reuse-1', 'cycle')").run();
    const mark = db.prepare('UPDATE gt_txs SET trail_id = ?, hop = ? WHERE tx_id = ?');
    mark.run('reuse-1', 0, paid);
    mark.run('reuse-1', 1, spent);
    try {
      const s = solveTrail(db, 'reuse-1');
      expect(s.hops[1]).toMatchObject({ method: 'cluster', ambiguity: 1, from: paid, followable: true });
      expect(s.solvable).toBe(true);
    } finally {
      mark.run(null, null, paid);
      mark.run(null, null, spent);
      db.prepare("DELETE FROM gt_trails WHERE id = 'reuse-1'").run();
    }
  });

  it('calls a trail with nothing on chain unsolvable for that one reason', () => {
    const db = world.w.db;
    db.prepare("INSERT INTO gt_trails (id, typology, end_entity_id) VALUES ('empty-1', 'peel_chain', ?)").run(world.entities.exchange);
    try {
      const s = solveTrail(db, 'empty-1');
      expect(s.solvable).toBe(false);
      expect(s.reasons).toEqual(['the trail has no transactions']);
    } finally {
      db.prepare("DELETE FROM gt_trails WHERE id = 'empty-1'").run();
    }
  });

  it('accepts a looser ambiguity bound when told to', () => {
    const s = solveTrail(world.w.db, 'mix-1', { maxAmbiguity: 5 });
    expect(s.solvable).toBe(true);
    expect(() => solveTrail(world.w.db, 'nope')).toThrow(RangeError);
  });

  it('uses a public tag list when the world has one, and the truth checks the tag', () => {
    const db = world.w.db;
    db.exec('CREATE TABLE tags (address_id INTEGER, label TEXT, kind TEXT)');
    try {
      const hot = db.prepare("SELECT a.address_id AS id FROM gt_addresses a JOIN gt_wallets w ON w.id = a.wallet_id WHERE w.label = 'deposit' LIMIT 1").get() as { id: number };
      db.prepare("INSERT INTO tags VALUES (?, 'Meridian Exchange', 'exchange')").run(hot.id);
      const s = solveTrail(db, 'peel-1');
      expect(s.end).toMatchObject({ method: 'tag', tag: 'Meridian Exchange', identified: true, confirmed: true });
      expect(s.solvable).toBe(true);
      db.exec('DELETE FROM tags');
      const untagged = solveTrail(db, 'peel-1');
      expect(untagged.end.identified).toBe(false);
      expect(untagged.solvable).toBe(false);
      expect(untagged.reasons.join('\n')).toMatch(/no output of the last hop lies in a tagged cluster/);
    } finally {
      db.exec('DROP TABLE tags');
    }
  });

  it('does not call a lone service deposit identifiable when too few clusters pay it', () => {
    const s = solveTrail(world.w.db, 'peel-1', { minServiceSenders: 9 });
    expect(s.end.identified).toBe(false);
    expect(s.solvable).toBe(false);
  });

  it('groups next-hop candidates by the heuristic that forms them', () => {
    const g = loadChainGraph(world.w.db);
    expect(candidateNextHops(g, world.peel[0]).map((c) => [c.method, c.vouts, c.candidates])).toEqual([
      ['peel', [1], 1],
      ['peel-payment', [0], 1],
    ]);
    expect(candidateNextHops(g, world.w.tx.get('sweep')!).map((c) => c.method)).toEqual(['single-output']);
    const withdrawals = candidateNextHops(g, world.w.tx.get('withdrawals')!);
    expect(withdrawals[0].method).toBe('change');
    expect(withdrawals[1]).toMatchObject({ method: 'payment', vouts: [0, 1] });
  });
});
