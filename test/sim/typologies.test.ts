import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { generateWorld, type WorldSummary } from '../../sim/world.ts';
import type { TrailOptions } from '../../sim/options.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { satsToUsd } from '../../sim/calibration/btc-usd.ts';
import { TYPOLOGIES } from '../../sim/typologies/index.ts';
import { SMALL_WORLD, WorldReader, linkedHops, tmpWorld, type TrailTx } from './typologies.fixture.ts';

const quick = { delayMinutes: [10, 90] };
const TRAILS: TrailOptions[] = [
  { id: 'peel', typology: 'peel_chain', actor: 'new:vendor', day: 1, params: { hops: 5, ...quick, end: 'exchange:bitvale' } },
  { id: 'fanin', typology: 'fan_in', actor: 'new:user', day: 1, params: { sources: 6, spreadHours: [2, 6], end: 'exchange', ...quick } },
  { id: 'fanout', typology: 'fan_out', actor: 'new:user', day: 1, params: { outputs: 8, end: 'exchange:coinsteppe', ...quick } },
  { id: 'sg', typology: 'scatter_gather', actor: 'new:user', day: 1, params: { branches: 4, layers: 1, ...quick } },
  { id: 'gs', typology: 'gather_scatter', actor: 'new:user', day: 1, params: { sources: 5, from: 'holders', spreadHours: [1, 4], outputs: 6, holdMinutes: [10, 60] } },
  { id: 'cycle', typology: 'cycle', actor: 'new:user', day: 1, params: { intermediaries: 3, ...quick } },
  { id: 'cons', typology: 'consolidation', actor: 'new:vendor', day: 1, params: { inputs: 15 } },
  { id: 'mix', typology: 'mixer_pass', actor: 'new:vendor', day: 1, params: { outputs: 2, ...quick } },
  { id: 'whirl', typology: 'coinjoin', actor: 'new:vendor', day: 1, params: { style: 'whirlpool', ...quick } },
  { id: 'wasabi', typology: 'coinjoin', actor: 'new:vendor', day: 1, params: { style: 'wasabi', ...quick } },
  { id: 'cash', typology: 'exchange_cashout', actor: 'new:vendor', day: 1, params: { amountUsd: 8000, belowUsd: 3000, deposits: 2, spreadHours: [2, 12] } },
  { id: 'swap', typology: 'instant_exchanger_swap', actor: 'new:user', day: 1, params: { payout: 'btc', ...quick } },
  { id: 'fiat', typology: 'instant_exchanger_swap', actor: 'new:user', day: 1, params: {} },
  { id: 'gamble', typology: 'gambling_layering', actor: 'new:user', day: 1, params: { playHours: [1, 3], ...quick } },
  { id: 'theft', typology: 'address_swap_theft', actor: 'new:phisher', day: 1, params: { victims: 8, spreadHours: [6, 12], holdMinutes: [10, 60], hops: 3, ...quick } },
];

describe('typologies placed in a world', () => {
  let file: string;
  let summary: WorldSummary;
  let r: WorldReader;
  const exchangeId = (id: string) => r.one<{ id: number }>("SELECT id FROM gt_entities WHERE kind = 'exchange' AND json_extract(attrs, '$.id') = ?", id).id;
  const kindOf = (entityId: number | null) => (entityId === null ? null : r.entity(entityId).kind);
  const byIntent = (txs: TrailTx[], intent: string) => txs.filter((t) => t.intent === intent);

  beforeAll(() => {
    file = tmpWorld();
    summary = generateWorld({ ...SMALL_WORLD, trails: TRAILS }, file);
    r = new WorldReader(file);
  });
  afterAll(() => r?.close());

  it('covers every typology the brief names', () => {
    expect([...TYPOLOGIES.keys()].sort()).toEqual(
      ['address_swap_theft', 'coinjoin', 'consolidation', 'cycle', 'exchange_cashout', 'fan_in', 'fan_out', 'gambling_layering', 'gather_scatter', 'instant_exchanger_swap', 'mixer_pass', 'peel_chain', 'scatter_gather'].sort(),
    );
    expect(new Set(TRAILS.map((t) => t.typology)).size).toBe(TYPOLOGIES.size);
  });

  it('is a valid chain, every trail tx confirmed and labelled', () => {
    expect(verifyLedger(r.ledger).problems).toEqual([]);
    expect(summary.trails).toMatchObject({ peel_chain: 1, coinjoin: 2, instant_exchanger_swap: 2 });
    expect(r.one<{ n: number }>('SELECT COUNT(*) AS n FROM gt_txs g JOIN txs t ON t.id = g.tx_id WHERE g.trail_id IS NOT NULL AND t.block_height IS NULL').n).toBe(0);
    expect(r.one<{ n: number }>(`SELECT COUNT(*) AS n FROM outputs o JOIN addresses a ON a.id = o.address_id LEFT JOIN gt_addresses g ON g.address_id = o.address_id WHERE g.address_id IS NULL AND a.type <> 'op_return'`).n).toBe(0);
  });

  it('writes a complete gt_trails row per trail whose start and end are its own transactions', () => {
    for (const t of TRAILS) {
      const row = r.trail(t.id);
      const txs = r.trailTxs(t.id);
      expect(row.summary.status, `${t.id}: ${row.summary.reason}`).toBe('complete');
      expect(row.typology).toBe(t.typology);
      expect(row.params.actor).toBe(t.actor);
      expect(txs.length, t.id).toBeGreaterThan(0);
      expect(row.summary.startTxid).toBe(txs[0].txid);
      expect(txs.map((x) => x.txid)).toContain(row.summary.endTxid);
      expect(row.summary.hops).toBe(new Set(txs.map((x) => x.hop)).size);
      expect(txs[0].hop).toBe(0);
      // Placed on day 1: nothing of it happens before then.
      expect(txs[0].height).toBeGreaterThan(summary.startHeight + 110);
    }
  });

  it('links every hop to an earlier one where no service breaks the chain', () => {
    for (const id of ['peel', 'fanin', 'fanout', 'sg', 'gs', 'cycle', 'cons', 'cash', 'theft']) expect(linkedHops(r.trailTxs(id)), id).toBe(true);
  });

  it('peel chain: hops of one small and one large output, the large spent by the next hop, the rest cashed out at a KYC exchange', () => {
    const row = r.trail('peel');
    const txs = r.trailTxs('peel');
    const peels = byIntent(txs, 'peel_hop');
    const cashOut = txs[txs.length - 1];
    expect(peels).toHaveLength(5);
    peels.forEach((t, i) => {
      expect(t.inputs).toHaveLength(1);
      expect(t.outputs).toHaveLength(2);
      const [small, large] = [...t.outputs].sort((a, b) => a.value - b.value);
      expect(large.value).toBeGreaterThanOrEqual(2 * small.value);
      expect(large.entityId).toBe(row.actorId);
      expect(small.entityId).not.toBe(row.actorId);
      expect(large.spentBy).toBe((peels[i + 1] ?? cashOut).id);
    });
    expect(cashOut.intent).toBe('exchange_deposit');
    expect(cashOut.outputs).toHaveLength(1);
    expect(row.endEntityId).toBe(exchangeId('bitvale'));
    expect(cashOut.outputs[0].entityId).toBe(exchangeId('bitvale'));
    expect(r.hasKycAccount(exchangeId('bitvale'), row.actorId)).toBe(true);
    expect(row.summary.endTxid).toBe(cashOut.txid);
  });

  it('fan-in: many distinct wallets pay one address of the actor, which sweeps them into its exchange account', () => {
    const row = r.trail('fanin');
    const txs = r.trailTxs('fanin');
    const ins = byIntent(txs, 'fan_in');
    expect(ins).toHaveLength(6);
    const collector = ins.map((t) => t.outputs.find((o) => o.entityId === row.actorId)!.addressId);
    expect(new Set(collector).size).toBe(1);
    const payers = ins.map((t) => t.inputs[0].walletId);
    expect(new Set(payers).size).toBe(6);
    for (const t of ins) {
      const mule = r.entity(t.inputs[0].entityId!);
      expect(mule.parentId).toBe(row.actorId);
      expect(mule.attrs.role).toBe('mule');
    }
    const sweep = txs[txs.length - 1];
    expect(sweep.inputs).toHaveLength(6);
    expect(sweep.inputs.every((i) => i.addressId === collector[0])).toBe(true);
    expect(sweep.outputs[0].entityId).toBe(row.endEntityId);
    expect(kindOf(row.endEntityId)).toBe('exchange');
  });

  it('fan-out: one transaction to many wallets of distinct mules, who each deposit at their own exchange account', () => {
    const row = r.trail('fanout');
    const txs = r.trailTxs('fanout');
    const [fan] = byIntent(txs, 'fan_out');
    expect(fan.outputs).toHaveLength(8);
    expect(new Set(fan.outputs.map((o) => o.entityId)).size).toBe(8);
    for (const o of fan.outputs) expect(r.entity(o.entityId!).parentId).toBe(row.actorId);
    const deposits = byIntent(txs, 'exchange_deposit');
    expect(deposits).toHaveLength(8);
    expect(new Set(deposits.map((d) => d.inputs[0].prevTx))).toEqual(new Set([fan.id]));
    for (const d of deposits) {
      expect(d.outputs[0].entityId).toBe(exchangeId('coinsteppe'));
      expect(r.hasKycAccount(exchangeId('coinsteppe'), d.entityId!)).toBe(true);
    }
  });

  it('scatter-gather: split across wallets of the actor, moved on, gathered at one address, deposited together', () => {
    const row = r.trail('sg');
    const txs = r.trailTxs('sg');
    const [scatter] = byIntent(txs, 'fan_out');
    expect(scatter.outputs).toHaveLength(4);
    expect(new Set(scatter.outputs.map((o) => o.walletId)).size).toBe(4);
    expect(scatter.outputs.every((o) => o.entityId === row.actorId)).toBe(true);
    const layers = byIntent(txs, 'layering');
    expect(layers).toHaveLength(4);
    for (const t of layers) expect([t.inputs.length, t.outputs.length]).toEqual([1, 1]);
    const gathers = byIntent(txs, 'fan_in');
    expect(gathers).toHaveLength(4);
    expect(new Set(gathers.map((t) => t.outputs[0].addressId)).size).toBe(1);
    const deposit = txs[txs.length - 1];
    expect(deposit.intent).toBe('exchange_deposit');
    expect(deposit.inputs.map((i) => i.prevTx).sort()).toEqual(gathers.map((t) => t.id).sort());
    expect(kindOf(deposit.outputs[0].entityId)).toBe('exchange');
  });

  it('gather-scatter: payers gather at one address, which is spent whole into many outputs', () => {
    const txs = r.trailTxs('gs');
    const gathers = byIntent(txs, 'fan_in');
    const [scatter] = byIntent(txs, 'fan_out');
    expect(gathers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(gathers.map((t) => t.inputs[0].entityId)).size).toBe(gathers.length);
    expect(scatter.inputs).toHaveLength(gathers.length);
    expect(new Set(scatter.inputs.map((i) => i.addressId)).size).toBe(1);
    expect(scatter.outputs).toHaveLength(6);
  });

  it('cycle: the coins pass whole through other wallets and return to the origin wallet', () => {
    const row = r.trail('cycle');
    const txs = r.trailTxs('cycle');
    expect(txs.map((t) => t.hop)).toEqual([0, 1, 2, 3]);
    const origin = txs[0].inputs[0].walletId;
    expect(r.wallets(row.actorId).find((w) => w.label === 'personal')!.id).toBe(origin);
    for (const t of txs) expect(t.outputs).toHaveLength(1);
    const back = txs[txs.length - 1].outputs[0];
    expect(back.walletId).toBe(origin);
    expect(back.address).toBe(row.summary.returnAddress);
    const middle = txs.slice(0, -1).map((t) => t.outputs[0].walletId);
    expect(middle).not.toContain(origin);
    expect(new Set(middle).size).toBe(3);
  });

  it('consolidation: many coins of the actor spent together into one output, at a thrifty fee rate', () => {
    const row = r.trail('cons');
    const [t] = r.trailTxs('cons');
    expect(t.inputs).toHaveLength(15);
    expect(t.inputs.every((i) => i.entityId === row.actorId)).toBe(true);
    expect(t.outputs).toHaveLength(1);
    expect(t.outputs[0].entityId).toBe(row.actorId);
  });

  it('mixer pass: a deposit to the mixer, then payouts from unrelated pool coins to the actor, then exchange deposits', () => {
    const row = r.trail('mix');
    const txs = r.trailTxs('mix');
    const [deposit] = byIntent(txs, 'mixer_in');
    const mixer = deposit.outputs.find((o) => kindOf(o.entityId) === 'mixer')!;
    expect(mixer).toBeDefined();
    const payouts = byIntent(txs, 'mixer_out');
    expect(payouts.length).toBeGreaterThanOrEqual(2);
    // The deposit is swept into the pool; no payout spends the deposit or what it was swept into.
    const sweep = mixer.spentBy;
    for (const p of payouts) {
      expect(p.entityId).toBe(mixer.entityId);
      expect(p.inputs.every((i) => i.entityId === mixer.entityId)).toBe(true);
      expect(p.inputs.some((i) => i.prevTx === deposit.id || i.prevTx === sweep)).toBe(false);
      expect(p.outputs.some((o) => o.entityId === row.actorId)).toBe(true);
    }
    const deposits = byIntent(txs, 'exchange_deposit');
    expect(deposits.length).toBeGreaterThanOrEqual(payouts.length);
    for (const d of deposits) expect(d.outputs[0].entityId).toBe(row.endEntityId);
  });

  it('coinjoin: the actor enters rounds of equal-valued outputs and cashes the mixed coins out one by one', () => {
    for (const id of ['whirl', 'wasabi']) {
      const row = r.trail(id);
      const txs = r.trailTxs(id);
      const rounds = byIntent(txs, 'coinjoin');
      expect(rounds.length, id).toBeGreaterThanOrEqual(1);
      for (const t of rounds) {
        const mine = t.outputs.filter((o) => o.entityId === row.actorId);
        expect(mine.length).toBeGreaterThanOrEqual(1);
        // Whirlpool: every output of the actor's is one of five of the same value. Wasabi: the mixed
        // output is one of many equal ones (the actor's change comes back too).
        const equal = (o: { value: number }) => t.outputs.filter((x) => x.value === o.value).length;
        if (id === 'whirl') for (const o of mine) expect(equal(o)).toBe(5);
        else expect(Math.max(...mine.map(equal))).toBeGreaterThanOrEqual(2);
        expect(new Set(t.inputs.map((i) => i.entityId)).size).toBeGreaterThanOrEqual(id === 'whirl' ? 2 : 5);
      }
      if (id === 'whirl') {
        const [tx0] = byIntent(txs, 'coinjoin_premix');
        expect(tx0.inputs.every((i) => i.entityId === row.actorId)).toBe(true);
        expect(rounds[0].inputs.some((i) => i.prevTx === tx0.id)).toBe(true);
        expect(rounds[0].inputs).toHaveLength(5);
        expect(rounds[0].outputs).toHaveLength(5);
      }
      const deposits = byIntent(txs, 'exchange_deposit');
      expect(deposits.length).toBeGreaterThanOrEqual(1);
      for (const d of deposits) expect([d.inputs.length, d.outputs[0].entityId]).toEqual([1, row.endEntityId]);
    }
  });

  it('exchange cash-out: structured deposits under the threshold, all to the actor\'s one deposit address', () => {
    const row = r.trail('cash');
    const txs = r.trailTxs('cash');
    expect(txs.length).toBeGreaterThanOrEqual(3);
    const to = txs.map((t) => t.outputs.find((o) => o.entityId === row.endEntityId)!);
    expect(new Set(to.map((o) => o.addressId)).size).toBe(1);
    for (const [i, t] of txs.entries()) {
      const time = r.one<{ time: number }>('SELECT time FROM blocks WHERE height = ?', t.height).time;
      expect(satsToUsd(to[i].value, time)).toBeLessThan(3000);
    }
    expect(r.hasKycAccount(row.endEntityId!, row.actorId)).toBe(true);
  });

  it('instant exchanger: a sale ends at the exchanger; a swap back to BTC comes from the exchanger\'s own coins', () => {
    const fiat = r.trail('fiat');
    expect(kindOf(fiat.endEntityId)).toBe('instant_exchanger');
    expect(r.trailTxs('fiat')[0].outputs.some((o) => o.entityId === fiat.endEntityId)).toBe(true);
    const row = r.trail('swap');
    const txs = r.trailTxs('swap');
    const [sell, buy] = byIntent(txs, 'instant_swap');
    const exchanger = sell.outputs.find((o) => kindOf(o.entityId) === 'instant_exchanger')!.entityId;
    expect(buy.inputs.every((i) => i.entityId === exchanger)).toBe(true);
    expect(buy.inputs.some((i) => i.prevTx === sell.id)).toBe(false);
    expect(buy.outputs.some((o) => o.entityId === row.actorId)).toBe(true);
    expect(kindOf(row.endEntityId)).toBe('exchange');
  });

  it('gambling layering: deposit at the site, payouts from its hot wallet, deposited at an exchange', () => {
    const row = r.trail('gamble');
    const txs = r.trailTxs('gamble');
    const [deposit] = byIntent(txs, 'gambling_deposit');
    const site = deposit.outputs.find((o) => kindOf(o.entityId) === 'gambling')!.entityId;
    const payouts = byIntent(txs, 'gambling_payout');
    expect(payouts.length).toBeGreaterThanOrEqual(1);
    for (const p of payouts) {
      expect(p.inputs.every((i) => i.entityId === site)).toBe(true);
      expect(p.inputs.some((i) => i.prevTx === deposit.id)).toBe(false);
    }
    const cash = txs[txs.length - 1];
    expect(cash.inputs.map((i) => i.prevTx).sort()).toEqual(payouts.map((p) => p.id).sort());
    expect(row.summary.amounts.lost).toBeGreaterThan(0);
  });

  it('address-swap theft: buyers pay the phisher\'s swapped addresses, which the phisher gathers and peels off', () => {
    const row = r.trail('theft');
    const phisher = r.entity(row.actorId);
    expect(phisher.kind).toBe('phisher');
    const txs = r.trailTxs('theft');
    const payments = byIntent(txs, 'order_payment');
    expect(payments).toHaveLength(8);
    const paid = payments.map((t) => t.outputs.find((o) => o.entityId === phisher.id)!);
    expect(new Set(paid.map((o) => o.addressId)).size).toBe(8);
    expect(new Set(payments.map((t) => t.entityId)).size).toBe(8);
    for (const t of payments) expect(kindOf(t.entityId)).toBe('buyer');
    expect(phisher.attrs.addresses).toEqual(row.summary.phishingAddresses);
    expect(phisher.attrs.onion).toMatch(/^[a-z2-7]{56}\.onion$/);
    for (const o of paid) expect(phisher.attrs.addresses).toContain(o.address);
    const clone = r.one<{ attrs: string }>("SELECT attrs FROM gt_events WHERE kind = 'phishing_clone' AND entity_id = ?", phisher.id);
    expect(JSON.parse(clone.attrs).addresses).toEqual(phisher.attrs.addresses);
    const [theft] = byIntent(txs, 'theft');
    expect(theft.inputs.map((i) => i.prevTx).sort()).toEqual(payments.map((t) => t.id).sort());
    expect(byIntent(txs, 'peel_hop')).toHaveLength(3);
    expect(kindOf(row.endEntityId)).toBe('exchange');
  });
});

describe('typologies are deterministic', () => {
  it('the same options give the same chain and the same trails', () => {
    const opts = { ...SMALL_WORLD, days: 3, trails: [TRAILS[0], TRAILS[1], TRAILS[7]] };
    const runs = [tmpWorld(), tmpWorld()].map((f) => {
      const s = generateWorld(opts, f);
      const r = new WorldReader(f);
      const trails = r.all<{ id: string; summary: string }>('SELECT id, summary FROM gt_trails ORDER BY id');
      r.close();
      return { tip: s.tipHash, trails };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0].trails).toHaveLength(3);
  });
});
