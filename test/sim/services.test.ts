import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { verifyLedger } from '../../chain/verify.ts';
import { bytesToHex } from '../../chain/bytes.ts';
import type { Sent } from '../../sim/engine.ts';
import type { MixOrder } from '../../sim/services/mixer.ts';
import type { JoinTicket } from '../../sim/services/coinjoin.ts';
import { CALIBRATION } from '../../sim/calibration/defaults.ts';
import { runServiceWorld, SERVICE_WORLD, tmpFile, txsWithIntent, spentOutputs, paymentsTo, type ServiceWorld } from './services.fixture.ts';

const COIN = 100_000_000;

interface Expected {
  to: Uint8Array;
  value: number;
}

let sw: ServiceWorld;
const swaps: Expected[] = [];
let swapsSent = 0;
const mixes: MixOrder[] = [];
const paidOut: Sent[][] = [];
const withdrawals: Expected[] = [];
const purchases: Expected[] = [];
const tickets: JoinTicket[] = [];
const mixedTickets: JoinTicket[] = [];

beforeAll(() => {
  sw = runServiceWorld(tmpFile(), SERVICE_WORLD, (w) => {
    const { world, services } = w;
    const e = world.engine;
    const alice = w.funded('alice', 4);
    const bob = w.funded('bob', 2);
    const carol = w.funded('carol', 1);
    const dave = w.funded('dave', 1);
    const sink = e.wallet(e.entity('user', 'sink'), 'personal', 'p2pkh');
    const day1 = world.dayTime(1);
    const exchanger = world.resolve<(typeof services.exchangers)[number]>('exchanger:bystrokoin');
    e.at(day1, () => {
      for (let i = 0; i < 10; i++) {
        const to = sink.freshAddress('receive');
        const value = 150_000 + i * 37_123;
        swaps.push({ to: to.script, value });
        exchanger.swapToBtc(to, value, { intent: 'order_payment' }, () => swapsSent++);
      }
    });
    const mixer = world.resolve<(typeof services.mixers)[number]>('mixer:fogbank');
    for (let k = 0; k < 3; k++) {
      e.at(day1 + k * 3600, (engine) => {
        const rng = world.rng.fork(`test/mix/${k}`);
        const order = mixer.mix(alice, 30_000_000 + k * 1_111_111, [sink.freshAddress('receive'), sink.freshAddress('receive')], { intent: 'mixer_in', trailId: `t-mix-${k}`, hop: 0 }, rng, {
          onPaidOut: (s) => paidOut.push(s),
        });
        expect(order, `alice can pay mix ${k} at height ${engine.height}`).not.toBeNull();
        mixes.push(order!);
      });
    }
    e.at(day1 + 600, () => {
      const rng = world.rng.fork('test/join');
      const onMixed = (t: JoinTicket) => mixedTickets.push(t);
      const a = services.coinjoin.join(carol, 20_000_000, rng, { style: 'whirlpool', onMixed, truth: { trailId: 't-wp', hop: 0 } });
      const b = services.coinjoin.join(bob, 35_000_000, rng, { style: 'wasabi', onMixed });
      tickets.push(a!, b!);
    });
    const site = world.resolve<(typeof services.gambling)[number]>('gambling:lucky-anchor');
    e.at(day1 + 1800, () => {
      expect(site.deposit(dave, 5_000_000, { trailId: 't-gamble', hop: 0 })).not.toBeNull();
    });
    e.at(day1 + 4 * 3600, () => {
      const to = sink.freshAddress('receive');
      withdrawals.push({ to: to.script, value: 4_812_345 });
      site.withdraw(to, 4_812_345, { trailId: 't-gamble', hop: 1 });
    });
    e.at(day1 + 7200, () => {
      const rng = world.rng.fork('test/p2p');
      for (let i = 0; i < 6; i++) {
        const to = sink.freshAddress('receive');
        const value = 80_000 + i * 900_001;
        purchases.push({ to: to.script, value });
        world.resolve<typeof services.p2p>('p2p').buyCoins(to, value, rng, { entityId: sink.entityId });
      }
    });
  });
});

afterAll(() => sw?.ledger.close());

const hexOf = (b: Uint8Array) => bytesToHex(b);

describe('services in a generated world', () => {
  it('make a valid chain', () => {
    const result = verifyLedger(sw.ledger);
    expect(result.problems).toEqual([]);
    expect(result.txs).toBeGreaterThan(3000);
  });

  it('register under the names other parts resolve', () => {
    for (const ref of ['exchanger:bystrokoin', 'exchanger:swapnest', 'mixer:fogbank', 'coinjoin', 'coinjoin:whirlpool', 'coinjoin:wasabi', 'gambling:lucky-anchor', 'processor:paylattice', 'p2p', 'atm:coinkiosk-atm']) {
      expect(sw.world.registry.has(ref), ref).toBe(true);
    }
    expect(sw.world.merchants).toBe(sw.services.processor);
  });

  it('give every service transaction an intent and every service entity its kind', () => {
    const kinds = (sw.ledger.db.prepare('SELECT kind, COUNT(*) AS n FROM gt_entities GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => r.kind);
    for (const k of ['instant_exchanger', 'mixer', 'coinjoin', 'gambling', 'merchant', 'payment_processor', 'atm_operator', 'p2p_trader']) expect(kinds).toContain(k);
    const untagged = sw.ledger.db.prepare('SELECT COUNT(*) AS n FROM txs t LEFT JOIN gt_txs g ON g.tx_id = t.id WHERE g.tx_id IS NULL').get() as { n: number };
    expect(untagged.n).toBe(0);
    const intents = new Set((sw.ledger.db.prepare('SELECT DISTINCT intent FROM gt_txs').all() as { intent: string }[]).map((r) => r.intent));
    for (const i of ['instant_swap', 'mixer_in', 'mixer_out', 'coinjoin', 'coinjoin_premix', 'gambling_deposit', 'gambling_payout', 'processor_settlement', 'atm_purchase', 'p2p_purchase']) expect(intents, i).toContain(i);
    const roles = new Set((sw.ledger.db.prepare('SELECT DISTINCT role FROM gt_addresses').all() as { role: string }[]).map((r) => r.role));
    for (const r of ['deposit', 'mixer_pool', 'coinjoin_output', 'hot', 'payout']) expect(roles, r).toContain(r);
  });

  it("name as each transaction's entity the spender, whose wallet gets the change", () => {
    const rows = sw.ledger.db
      .prepare(
        `SELECT g.intent, g.entity_id AS spender, w.entity_id AS owner FROM gt_txs g
         JOIN outputs o ON o.tx_id = g.tx_id AND o.vout = g.change_vout
         JOIN gt_addresses ga ON ga.address_id = o.address_id JOIN gt_wallets w ON w.id = ga.wallet_id
         WHERE g.change_vout >= 0`,
      )
      .all() as { intent: string; spender: number; owner: number }[];
    expect(rows.length).toBeGreaterThan(500);
    expect(rows.filter((r) => r.spender !== r.owner)).toEqual([]);
  });
});

describe('instant exchanger', () => {
  it('pays exactly the requested value from its own wallet', () => {
    expect(swapsSent).toBe(swaps.length);
    const exchanger = sw.services.exchangers.find((x) => x.options.id === 'bystrokoin')!;
    for (const s of swaps) {
      const paid = paymentsTo(sw.ledger, s.to);
      expect(paid.map((p) => p.value)).toEqual([s.value]);
      const truth = sw.ledger.db.prepare('SELECT intent, entity_id AS entity, attrs FROM gt_txs WHERE tx_id = ?').get(paid[0].txId) as { intent: string; entity: number; attrs: string };
      expect(truth.intent).toBe('order_payment');
      expect(truth.entity).toBe(exchanger.entityId);
      expect(JSON.parse(truth.attrs).exchanger).toBe('bystrokoin');
      for (const input of spentOutputs(sw.ledger, paid[0].txId)) expect(input.entity).toBe(exchanger.entityId);
    }
  });

  it('consolidates customer deposits and buys liquidity at a KYC exchange', () => {
    const ids = new Set(sw.services.exchangers.map((x) => x.entityId));
    const consolidations = txsWithIntent(sw.ledger, 'consolidation').filter((t) => ids.has(t.entity!));
    expect(consolidations.length).toBeGreaterThan(0);
    const accounts = sw.ledger.db.prepare('SELECT entity_id AS e FROM gt_exchange_accounts').all() as { e: number }[];
    for (const id of ids) expect(accounts.some((a) => a.e === id)).toBe(true);
  });
});

describe('custodial mixer', () => {
  const mixerEntity = () => sw.services.mixers[0].entityId;

  it('pays each customer from other coins, in different amounts, keeping a 1-3 % fee', () => {
    const ins = txsWithIntent(sw.ledger, 'mixer_in');
    const outs = txsWithIntent(sw.ledger, 'mixer_out');
    expect(ins.length).toBeGreaterThanOrEqual(10);
    let complete = 0;
    for (const mi of ins) {
      const id = mi.attrs.mix as string;
      const deposit = mi.tx.outputs.filter((_, v) => v !== mi.change);
      expect(deposit).toHaveLength(1);
      const mine = outs.filter((o) => o.attrs.mix === id);
      for (const o of mine) {
        expect(o.entity).toBe(mixerEntity());
        for (const input of o.tx.inputs) expect(bytesToHex(input.prevTxid.slice().reverse())).not.toBe(mi.txid);
      }
      const parts = mine[0]?.attrs.parts as number | undefined;
      if (!parts || mine.length < parts) continue;
      complete++;
      expect(parts).toBeGreaterThanOrEqual(1);
      expect(parts).toBeLessThanOrEqual(5);
      const payouts = mine.map((o) => o.tx.outputs.filter((_, v) => v !== o.change));
      for (const p of payouts) expect(p).toHaveLength(1);
      const values = payouts.map((p) => p[0].value);
      for (const v of values) expect(v).not.toBe(deposit[0].value);
      const fee = 1 - values.reduce((a, b) => a + b, 0) / deposit[0].value;
      expect(fee).toBeGreaterThanOrEqual(0.01);
      expect(fee).toBeLessThanOrEqual(0.03 + 1e-6);
    }
    expect(complete).toBeGreaterThanOrEqual(8);
  });

  it("never lets a customer's own deposit flow into their payouts inside the mixer", () => {
    const mixerTxs = txsWithIntent(sw.ledger, 'mixer_in', 'mixer_out', 'consolidation').filter((t) => t.intent === 'mixer_in' || t.entity === mixerEntity());
    const outpoint = (txid: string, vout: number) => `${txid}:${vout}`;
    for (const mi of mixerTxs.filter((t) => t.intent === 'mixer_in')) {
      const tainted = new Set([outpoint(mi.txid, mi.tx.outputs.findIndex((_, v) => v !== mi.change))]);
      for (const t of mixerTxs) {
        if (t.intent === 'mixer_in') continue;
        const hit = t.tx.inputs.some((i) => tainted.has(outpoint(bytesToHex(i.prevTxid.slice().reverse()), i.prevVout)));
        if (t.intent === 'mixer_out' && t.attrs.mix === mi.attrs.mix) expect(hit, `payout of ${mi.attrs.mix as string}`).toBe(false);
        if (!hit) continue;
        // The deposit's coins stay in the mixer through consolidations and payout change.
        t.tx.outputs.forEach((_, v) => {
          if (t.intent === 'consolidation' || v === t.change) tainted.add(outpoint(t.txid, v));
        });
      }
    }
  });

  it('returns the order and reports the payouts of a mix called through its API', () => {
    expect(mixes).toHaveLength(3);
    expect(paidOut).toHaveLength(3);
    for (const [k, order] of mixes.entries()) {
      const total = order.payouts.reduce((s, p) => s + p.value, 0);
      expect(total + order.fee).toBe(30_000_000 + k * 1_111_111);
      const outs = txsWithIntent(sw.ledger, 'mixer_out').filter((o) => o.attrs.mix === order.id);
      expect(outs.map((o) => o.attrs.parts)).toEqual(outs.map(() => order.payouts.length));
      const trail = sw.ledger.db.prepare('SELECT trail_id AS t, hop FROM gt_txs WHERE tx_id = ?').get(outs[0].id) as { t: string; hop: number };
      expect(trail).toEqual({ t: `t-mix-${k}`, hop: 1 });
    }
  });
});

describe('Whirlpool-style CoinJoin', () => {
  const denomOf = (label: string) => Math.round(Number(label.replace('whirlpool-', '')) * COIN);

  it('mixes 5 inputs into 5 equal outputs at a pool denomination', () => {
    const rounds = txsWithIntent(sw.ledger, 'coinjoin').filter((t) => t.attrs.style === 'whirlpool');
    expect(rounds.length).toBeGreaterThanOrEqual(20);
    const pools = new Set(CALIBRATION.whirlpool.pools.map((p) => Math.round(p.denominationBtc * COIN)));
    for (const r of rounds) {
      const d = denomOf(r.attrs.pool as string);
      expect(pools.has(d)).toBe(true);
      expect(r.tx.inputs).toHaveLength(5);
      expect(r.tx.outputs.map((o) => o.value)).toEqual([d, d, d, d, d]);
      const inputs = spentOutputs(sw.ledger, r.id);
      // No two inputs from the same transaction (one TX0's premixes, one mix's outputs).
      expect(new Set(r.tx.inputs.map((i) => bytesToHex(i.prevTxid))).size).toBe(5);
      for (const i of inputs) expect(i.value).toBeGreaterThanOrEqual(d);
      expect(r.change).toBe(-1);
    }
    expect(rounds.some((r) => (r.attrs.remixers as number) >= 3)).toBe(true);
  });

  it('makes TX0s with premixes, the pool fee, an OP_RETURN and toxic change, in BIP 69 order', () => {
    const tx0s = txsWithIntent(sw.ledger, 'coinjoin_premix');
    expect(tx0s.length).toBeGreaterThanOrEqual(10);
    for (const t of tx0s) {
      const d = denomOf(t.attrs.pool as string);
      const values = t.tx.outputs.map((o) => o.value);
      expect(values).toEqual(values.slice().sort((a, b) => a - b));
      const opReturns = t.tx.outputs.filter((o) => o.script[0] === 0x6a);
      expect(opReturns).toHaveLength(1);
      expect(opReturns[0].value).toBe(0);
      // Premixes: the denomination plus a miner-fee share, all equal (toxic change may land nearby).
      const near = values.filter((v) => v > d && v < d + 100_000);
      const premixValue = near.sort((a, b) => near.filter((v) => v === b).length - near.filter((v) => v === a).length)[0];
      expect(values.filter((v) => v === premixValue).length).toBe(t.attrs.premixes);
      expect(values).toContain(Math.round(d * 0.05));
    }
  });
});

describe('Wasabi-style CoinJoin', () => {
  it('has many inputs and a dominant equal output near 0.1 BTC, plus change', () => {
    const rounds = txsWithIntent(sw.ledger, 'coinjoin').filter((t) => t.attrs.style === 'wasabi');
    expect(rounds.length).toBeGreaterThanOrEqual(4);
    for (const r of rounds) {
      expect(r.tx.inputs.length).toBeGreaterThanOrEqual(20);
      const counts = new Map<number, number>();
      for (const o of r.tx.outputs) counts.set(o.value, (counts.get(o.value) ?? 0) + 1);
      const [value, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
      expect(n).toBeGreaterThanOrEqual(20);
      expect(value).toBe(r.attrs.denomination);
      expect(Math.abs(value - 0.1 * COIN)).toBeLessThanOrEqual(0.1 * COIN * 0.003);
      expect([...counts.values()].filter((c) => c === 1).length).toBeGreaterThan(5);
    }
  });
});

describe('CoinJoin join() for vendors', () => {
  it('mixes the coins into the ticket postmix wallet and reports it', () => {
    expect(tickets).toHaveLength(2);
    const [wp, ws] = tickets;
    expect(wp.style).toBe('whirlpool');
    expect(wp.tx0).toBeDefined();
    expect(ws.style).toBe('wasabi');
    expect(mixedTickets).toContain(wp);
    expect(mixedTickets).toContain(ws);
    const wpCoins = wp.postmix.utxos.filter((u) => u.value === wp.denomination);
    expect(wpCoins.length).toBeGreaterThanOrEqual(wp.premixes);
    const trail = sw.ledger.db.prepare("SELECT intent, hop FROM gt_txs WHERE trail_id = 't-wp' ORDER BY tx_id").all() as { intent: string; hop: number }[];
    expect(trail[0]).toEqual({ intent: 'coinjoin_premix', hop: 0 });
    expect(trail.slice(1).every((t) => t.intent === 'coinjoin' && t.hop === 1)).toBe(true);
    expect(ws.rounds.length).toBeGreaterThanOrEqual(1);
    expect(ws.mixed).toBeGreaterThanOrEqual(1);
  });
});

describe('gambling site', () => {
  it('pays a withdrawal exactly, from its hot wallet', () => {
    const site = sw.services.gambling[0];
    for (const w of withdrawals) {
      const paid = paymentsTo(sw.ledger, w.to);
      expect(paid.map((p) => p.value)).toEqual([w.value]);
      for (const input of spentOutputs(sw.ledger, paid[0].txId)) expect(input.label).toBe('hot');
      const t = sw.ledger.db.prepare('SELECT intent, entity_id AS e, trail_id AS trail, hop FROM gt_txs WHERE tx_id = ?').get(paid[0].txId);
      expect(t).toEqual({ intent: 'gambling_payout', e: site.entityId, trail: 't-gamble', hop: 1 });
    }
  });
});

describe('ATM and P2P sellers', () => {
  it('deliver exactly the bought amount', () => {
    for (const p of purchases) {
      const paid = paymentsTo(sw.ledger, p.to);
      expect(paid.map((x) => x.value)).toEqual([p.value]);
      const t = sw.ledger.db.prepare('SELECT intent FROM gt_txs WHERE tx_id = ?').get(paid[0].txId) as { intent: string };
      expect(['atm_purchase', 'p2p_purchase']).toContain(t.intent);
    }
  });
});

describe('payment processor', () => {
  it('settles to each merchant the invoices swept since the last settlement, minus its fee', () => {
    const processor = sw.services.processor!;
    const fee = sw.world.options.services.processorFee;
    const merchantOf = new Map(processor.merchants.map((m) => [`invoices:${m.name}`, m]));
    const byEntity = new Map(processor.merchants.map((m) => [m.entityId, m]));
    const pending = new Map<number, { gross: number; count: number }>();
    const events = txsWithIntent(sw.ledger, 'consolidation', 'processor_settlement').filter((t) => t.entity === processor.entityId);
    let settlements = 0;
    for (const t of events) {
      if (t.intent === 'consolidation') {
        for (const input of spentOutputs(sw.ledger, t.id)) {
          const m = merchantOf.get(input.label!)!;
          expect(m, input.label!).toBeDefined();
          const p = pending.get(m.entityId) ?? { gross: 0, count: 0 };
          p.gross += input.value;
          p.count++;
          pending.set(m.entityId, p);
        }
        continue;
      }
      settlements++;
      const rows = t.attrs.settlements as { merchant: number; invoices: number; gross: number; fee: number; net: number }[];
      for (const row of rows) {
        const p = pending.get(row.merchant)!;
        expect(row.gross).toBe(p.gross);
        expect(row.invoices).toBe(p.count);
        expect(row.fee).toBe(Math.round(row.gross * fee));
        expect(row.net).toBe(row.gross - row.fee);
        const to = byEntity.get(row.merchant)!.settleTo.script;
        expect(t.tx.outputs.filter((o) => hexOf(o.script) === hexOf(to)).map((o) => o.value)).toEqual([row.net]);
        pending.delete(row.merchant);
      }
      for (const [, p] of pending) expect(p.gross).toBe(0);
      const nonChange = t.tx.outputs.filter((_, v) => v !== t.change).reduce((s, o) => s + o.value, 0);
      expect(nonChange).toBe(rows.reduce((s, r) => s + r.net, 0));
    }
    expect(settlements).toBeGreaterThanOrEqual(3);
  });
});
