// Shops that take bitcoin through a payment processor (BitPay style): every checkout gets a fresh
// invoice address of the processor; the processor sweeps paid invoices into its hot wallet every
// hour or so and settles to each merchant once a day in one batched transaction, keeping its fee.
// Merchants sell their settled coins at a KYC exchange now and then.
//
// API (registered as `processor:<slug of processorName>` and set as world.merchants):
//   checkout(rng: Rng): Receiver — a fresh invoice address (role 'deposit') of a random shop
//     (popular shops more often). The payer builds the payment with its own truth.
//   merchants: readonly Merchant[]; entityId; hot.
// Settlement txs: intent 'processor_settlement', attrs {processor, settlements: [{merchant
// (entity id), invoices, gross, fee, net}]}, net = gross − round(gross × processorFee), where
// gross is the sum of the merchant's invoice payments swept since the last settlement.
import type { Engine, Actor } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World, Checkout } from '../world.ts';
import type { Rng } from '../../chain/rng.ts';
import { COIN } from '../../chain/types.ts';
import { DUST_LIMIT } from '../../chain/wallet.ts';
import { buyFromExchange, estimateVsize, openExchangeLink, outputBytes, submitHandTx, type ExchangeLink, type OwnedCoin } from './common.ts';

export interface Merchant {
  entityId: number;
  name: string;
  /** The processor's invoice addresses for this shop (the processor holds the keys). */
  invoices: SimWallet;
  /** The shop's own wallet, paid at one reused settlement address. */
  settlement: SimWallet;
  settleTo: Receiver;
  weight: number;
  link: ExchangeLink | null;
  /** Invoice payments swept and not yet settled. */
  gross: number;
  count: number;
}

const SHOP_FIRST = ['Northgate', 'Copperleaf', 'Bluefin', 'Old Mill', 'Harbor', 'Quill', 'Juniper', 'Lattice', 'Ember', 'Foxglove', 'Granite', 'Meadow', 'Pixel', 'Saltbox', 'Tinker', 'Vantage', 'Willow', 'Yellowbird'];
const SHOP_SECOND = ['Books', 'Electronics', 'VPN', 'Hosting', 'Coffee', 'Games', 'Gift Cards', 'Outdoor', 'Tea House', 'Print Shop', 'Audio', 'Apparel', 'Domains', 'Flowers', 'Bike Parts', 'Vinyl'];
const INVOICES_PER_SWEEP_TX = 200;

export class PaymentProcessor implements Actor, Checkout {
  readonly name: string;
  readonly entityId: number;
  readonly hot: SimWallet;
  readonly merchants: Merchant[] = [];
  private readonly cumulative: number[] = [];
  private readonly fee: number;
  private settlements = 0;

  constructor(private readonly world: World) {
    const e = world.engine;
    const o = world.options.services;
    const rng = world.rng.fork('merchants/setup');
    this.fee = o.processorFee;
    this.name = `processor:${slug(o.processorName)}`;
    this.entityId = e.entity('payment_processor', o.processorName, null, { fee: o.processorFee, settles: 'daily' });
    this.hot = e.wallet(this.entityId, 'hot', 'p2sh-p2wpkh', { feeFactor: 0.8, shuffleOutputs: true });
    const names = new Set<string>();
    let total = 0;
    for (let i = 0; i < o.merchants; i++) {
      let name = `${rng.pick(SHOP_FIRST)} ${rng.pick(SHOP_SECOND)}`;
      while (names.has(name)) name = `${name} ${rng.int(2, 99)}`;
      names.add(name);
      const entityId = e.entity('merchant', name, this.entityId, { processor: o.processorName });
      const settlement = e.wallet(entityId, 'settlement', rng.pick(['p2pkh', 'p2sh-p2wpkh', 'p2wpkh'] as const), { reuseAddress: true });
      const merchant: Merchant = {
        entityId,
        name,
        invoices: e.wallet(this.entityId, `invoices:${name}`, 'p2pkh', { feeFactor: 0.7 }),
        settlement,
        settleTo: settlement.address('payout'),
        weight: rng.lognormal(1, 1),
        link: openExchangeLink(world, entityId, rng),
        gross: 0,
        count: 0,
      };
      this.merchants.push(merchant);
      total += merchant.weight;
      this.cumulative.push(total);
    }
    // A float so that a settlement never waits for a sweep to confirm.
    const link = openExchangeLink(world, this.entityId, rng);
    if (link && o.merchants > 0) buyFromExchange(link, this.hot.freshAddress('hot'), COIN / 2, this.entityId);
    const first = Math.ceil((e.now - 3 * 3600) / 86400) * 86400 + 3 * 3600;
    e.at(first, (engine) => this.settle(engine));
  }

  checkout(rng: Rng): Receiver {
    if (this.merchants.length === 0) throw new RangeError('the world has no merchants (services.merchants is 0)');
    const x = rng.float() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.merchants[lo].invoices.freshAddress('deposit');
  }

  onBlock(engine: Engine): void {
    if (engine.height % 6 === 2) this.sweepInvoices(engine, this.world.rng.fork(`${this.name}/${engine.height}`));
  }

  /** Moves paid invoices into the hot wallet, many shops' invoices per transaction. */
  private sweepInvoices(engine: Engine, rng: Rng): void {
    const coins: { owned: OwnedCoin; merchant: Merchant }[] = [];
    for (const m of this.merchants) for (const coin of engine.spendable(m.invoices)) coins.push({ owned: { wallet: m.invoices, coin }, merchant: m });
    const rate = engine.feeRate(this.hot, rng);
    for (let i = 0; i < coins.length; i += INVOICES_PER_SWEEP_TX) {
      const chunk = coins.slice(i, i + INVOICES_PER_SWEEP_TX);
      const value = chunk.reduce((s, c) => s + c.owned.coin.value, 0);
      const fee = Math.ceil(estimateVsize(chunk.map((c) => c.owned.coin.kind), [outputBytes(this.hot.kind)]) * rate);
      if (value - fee < DUST_LIMIT * 10) continue;
      submitHandTx(engine, chunk.map((c) => c.owned), [{ to: this.hot.freshAddress('hot'), value: value - fee }], { intent: 'consolidation', entityId: this.entityId, attrs: { processor: this.name, invoices: chunk.length } }, rng, {
        version: 1,
      });
      for (const c of chunk) {
        c.merchant.gross += c.owned.coin.value;
        c.merchant.count++;
      }
    }
  }

  /** The daily batched settlement; retried hourly while the hot wallet is short. */
  private settle(engine: Engine): void {
    const rng = this.world.rng.fork(`${this.name}/settle/${engine.height}`);
    const due = this.merchants.filter((m) => m.gross > 0);
    let next = engine.now - (engine.now % 86400) + 86400 + 3 * 3600;
    if (due.length) {
      const rows = due.map((m) => {
        const fee = Math.round(m.gross * this.fee);
        return { m, row: { merchant: m.entityId, invoices: m.count, gross: m.gross, fee, net: m.gross - fee } };
      });
      const sent = engine.pay(
        this.hot,
        rows.map((r) => ({ to: r.m.settleTo, value: r.row.net })),
        { intent: 'processor_settlement', entityId: this.entityId, attrs: { processor: this.name, settlement: ++this.settlements, settlements: rows.map((r) => r.row) } },
        { rng },
      );
      if (sent) {
        for (const m of due) {
          m.gross = 0;
          m.count = 0;
          if (m.link && rng.bool(0.2)) this.scheduleCashOut(m, rng);
        }
      } else {
        this.settlements--;
        next = engine.now + 3600;
      }
    }
    engine.at(next, (e) => this.settle(e));
  }

  /** A shop sells what it has been paid at its exchange, a few hours after a settlement. */
  private scheduleCashOut(m: Merchant, rng: Rng): void {
    const seed = rng.u32();
    this.world.engine.after(rng.int(2, 30) * 3600, (engine) => {
      const coins = engine.spendable(m.settlement);
      if (coins.length === 0 || !m.link) return;
      engine.pay(m.settlement, [{ to: m.link.account.deposit, value: 0 }], { intent: 'exchange_deposit', entityId: m.entityId }, { rng: this.world.rng.fork(`${this.name}/cashout/${seed}`), coins, sweep: true });
    });
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'processor';
}
