// What both kinds of market share: the operator's wallets (one fresh deposit address per order, a
// hot wallet the deposits are swept into), the vendors and buyers, the order book, sweeps and
// batched vendor payouts. The escrow market (market.ts) and the dead-drop shop market
// (shop-market.ts) differ in how an order is paid and when the vendor's share is released.
//
// Per-block work is limited to the orders that arrive in the block, the deposits that confirmed in
// the previous block and, on sweep/payout heights, the coins and orders waiting for them; every
// later step of an order is scheduled on the simulated clock.
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { MarketOptions } from '../options.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { AddressRole } from '../truth/types.ts';
import type { Exchange } from '../actors/exchange.ts';
import type { Rng } from '../../chain/rng.ts';
import { reverseHex } from '../../chain/bytes.ts';
import type { MarketKind } from '../calibration/defaults.ts';
import { listingsPerVendor, pickFundingSource, pickOpsecLevel, pickWithdrawalRoute } from '../calibration/distributions.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { makeListings, orderQuantity, type CatalogueContext } from './listing.ts';
import { Order, voutOf, type FinalizedBy } from './order.ts';
import { Vendor, type CashOutRoute } from './vendor.ts';
import { Buyer, buyerAddressKind, buyerHabits, canPay, FEE_RESERVE } from './buyer.ts';
import type { MarketTruth } from './truth.ts';
import type { ServiceLinks } from './services.ts';

export interface MarketDeps {
  truth: MarketTruth;
  services: ServiceLinks;
}

/** Countries whose people use a market of each language (names come from the matching locale). */
const COUNTRIES: Record<'en' | 'ru', { codes: string[]; weights: number[] }> = {
  en: { codes: ['US', 'GB', 'DE', 'NL', 'EE'], weights: [0.4, 0.2, 0.2, 0.15, 0.05] },
  ru: { codes: ['RU', 'KZ', 'KG', 'UZ'], weights: [0.55, 0.3, 0.08, 0.07] },
};
const RU_COUNTRIES = new Set(['RU', 'KZ', 'KG', 'UZ', 'TJ']);

/** The operators take their commission out every two days or so. */
const PROFIT_EVERY_BLOCKS = 288;

/** Seconds a buyer may take to pay before an order lapses. */
const PAYMENT_WINDOW = 3 * 86400;

export abstract class MarketBase implements Actor {
  /** 'market:<id>' */
  readonly name: string;
  readonly ref: string;
  readonly id: string;
  readonly entityId: number;
  readonly kind: MarketKind;
  /** One fresh deposit address per order. */
  readonly depositWallet: SimWallet;
  /** Where deposits are swept and payouts come from (the escrow, on an escrow market). */
  readonly hotWallet: SimWallet;
  /** The operators' own wallet: the commission they take out of the hot wallet, on its way to a mixer or exchanger. */
  readonly operatorWallet: SimWallet;
  readonly vendors: Vendor[] = [];
  readonly buyers: Buyer[] = [];
  readonly orders: Order[] = [];
  protected readonly hotRole: AddressRole;
  protected acceptingOrders = true;
  protected withdrawalsFrozen = false;
  /** Shut down for good (seizure, exit scam): nothing more happens to orders. */
  protected shut = false;
  /** Released orders waiting for the next payout batch. */
  protected payoutQueue: Order[] = [];
  /** Paid orders whose payment transaction is waiting to be sealed. */
  private sealing: { order: Order; sent: Sent }[] = [];
  private vendorCum: number[] = [];
  private buyerCum: number[] = [];
  private readonly lastVendor = new Map<Buyer, Vendor>();
  /** Sweeps and payouts run at heights offset per market so that markets do not act in lockstep. */
  private readonly phase: number;
  /**
   * Random streams: one for the market's per-block work, one that every order's steps draw from in
   * turn (the simulated clock orders them, so the world stays reproducible without a stream per order).
   */
  private readonly blockRng: Rng;
  private readonly orderRng: Rng;
  /** From the world's last hours on, every change of an order is written (earlier, only settled orders). */
  private finalHours = false;

  constructor(
    protected readonly world: World,
    readonly options: MarketOptions,
    protected readonly deps: MarketDeps,
  ) {
    const e = world.engine;
    this.id = options.id;
    this.ref = `market:${options.id}`;
    this.name = this.ref;
    this.kind = options.model === 'shop' ? 'klad' : 'escrow';
    this.entityId = e.entity('market', options.name, null, { id: options.id, model: options.model, language: options.language });
    this.depositWallet = e.wallet(this.entityId, 'deposit', 'p2pkh', { feeFactor: 0.8 });
    this.hotWallet = e.wallet(this.entityId, 'hot', 'p2sh-p2wpkh', { shuffleOutputs: true, feeFactor: 1 });
    this.operatorWallet = e.wallet(this.entityId, 'operator', 'p2wpkh', { feeFactor: 1.2 });
    this.hotRole = options.model === 'escrow' ? 'escrow' : 'hot';
    this.phase = world.rng.fork(`markets/${options.id}/phase`).int(0, 1000);
    this.blockRng = world.rng.fork(`markets/${options.id}/blocks`);
    this.orderRng = world.rng.fork(`markets/${options.id}/orders`);
    deps.truth.market({
      entityId: this.entityId, ref: this.ref, name: options.name, model: options.model, language: options.language,
      depositWallet: this.depositWallet.id, hotWallet: this.hotWallet.id, attrs: { ...options },
    });
  }

  /** The wallet a planted trail on the market spends from. */
  get trailWallet(): SimWallet {
    return this.hotWallet;
  }

  // ---- population ------------------------------------------------------------------------------

  /** Makes the market's vendors (with catalogues) and buyers, and starts the vendors' cash-outs. */
  populate(): void {
    const rng = this.world.rng.fork(`markets/${this.id}/population`);
    const o = this.options;
    const names = this.world.names;
    const e = this.world.engine;
    const start = this.world.dayTime(0);
    let listingSeq = 0;
    const handles = new Set<string>();
    const uniqueHandle = (r: Rng) => {
      let h = names.handle(r, o.language);
      for (let i = 2; handles.has(h); i++) h = `${names.handle(r, o.language)}${i}`;
      handles.add(h);
      return h;
    };
    const cities = Array.from({ length: 8 }, () => names.city(rng, 'RU'));
    const exchanges = this.world.exchangeList;
    for (let n = 0; n < o.vendors; n++) {
      const r = rng.fork(`vendor/${n}`);
      const handle = uniqueHandle(r);
      const country = r.weighted(COUNTRIES[o.language].codes, COUNTRIES[o.language].weights);
      const opsec = pickOpsecLevel(r);
      const realName = names.person(r, country);
      const joinedDaysAgo = Math.min(1500, Math.max(14, r.lognormal(240, 0.8)));
      const joined = new Date((start - joinedDaysAgo * 86400) * 1000).toISOString().slice(0, 10);
      const peels = r.bool(opsec === 'high' ? 0.5 : opsec === 'medium' ? 0.25 : 0);
      const drawn = pickWithdrawalRoute(r, opsec);
      const route: CashOutRoute = peels ? 'kyc_exchange' : drawn;
      const commission = o.commission[0] + (o.commission[1] - o.commission[0]) * r.float();
      const ref = `${this.ref}/vendor:${n}`;
      const entityId = e.entity('vendor', handle, this.entityId, { market: o.id, index: n, opsec, country, ref });
      // Exchange accounts: careless vendors one in their own name; careful ones several, in straw men's names.
      const accountCount = opsec === 'low' ? 1 : opsec === 'medium' ? r.int(1, 2) : r.int(2, 3);
      const own = this.preferredExchanges(r, exchanges, o.language).slice(0, Math.min(accountCount, exchanges.length));
      const accounts = own.map((x) => x.openAccount(entityId, r, opsec === 'high' ? names.person(r, x.options.country) : realName));
      const kind = buyerAddressKind(r, start);
      const wallet = e.wallet(entityId, 'payout', kind, { feeFactor: r.lognormal(1, 0.3), shuffleOutputs: r.bool(0.6) });
      const personal = e.wallet(entityId, 'personal', opsec === 'high' ? 'p2wpkh' : kind, { feeFactor: r.lognormal(0.9, 0.3) });
      const peelWallet = e.wallet(entityId, 'peel', kind, { feeFactor: r.lognormal(1, 0.3), shuffleOutputs: r.bool(0.5) });
      const ctx: CatalogueContext = { marketId: o.id, kind: this.kind, language: o.language, shipsFrom: country, cities: r.shuffle(cities.slice()).slice(0, r.int(1, 3)) };
      const listings = makeListings(r, ctx, listingsPerVendor(r), () => ++listingSeq);
      const vendor = new Vendor(
        {
          entityId, index: n, ref, handle, marketId: o.id, language: o.language, country, joined, opsec, commission,
          finalizeEarly: r.bool(o.finalizeEarlyShare), rating: 0.95 + 0.03 * r.float(), popularity: r.lognormal(1, 1),
          route, peels, listings, wallet, personal, peelWallet, accounts, exchanges: own,
        },
        { truth: this.deps.truth, services: this.deps.services, rng: this.world.rng.fork(`markets/${o.id}/vendor/${n}`) },
      );
      this.deps.truth.vendor(
        {
          entityId, marketEntityId: this.entityId, ref, handle, joined, opsec, country, commission, finalizeEarly: vendor.finalizeEarly,
          route, peels, rating: vendor.rating, payoutWallet: wallet.id,
          attrs: { realName, accounts: accounts.map((a, i) => ({ exchange: own[i].options.id, account: a.id })), language: o.language },
        },
        listings.map((l) => ({ id: l.id, marketEntityId: this.entityId, vendorEntityId: entityId, category: l.category, title: l.title, unit: l.unit, priceUsd: l.priceUsd, attrs: l.attrs })),
      );
      this.vendors.push(vendor);
      this.world.register(ref, vendor);
      vendor.schedule(e, start + Math.round(r.float() * 4 * 86400));
    }
    this.vendorCum = cumulative(this.vendors.map((v) => v.popularity));

    const buyerRows = [];
    for (let n = 0; n < o.buyers; n++) {
      const r = rng.fork(`buyer/${n}`);
      const country = r.weighted(COUNTRIES[o.language].codes, COUNTRIES[o.language].weights);
      const handle = names.handle(r, o.language);
      const funding = pickFundingSource(r, this.kind);
      const entityId = e.entity('buyer', handle, this.entityId, { market: o.id, country, funding });
      const exchange = this.preferredExchanges(r, exchanges, o.language)[0];
      exchange.openAccount(entityId, r, names.person(r, country));
      const kind = buyerAddressKind(r, start);
      const wallet = e.wallet(entityId, 'personal', kind, buyerHabits(r, kind));
      // Buyers who buy at a KYC exchange often keep a second wallet between it and the market.
      const careful = r.bool(funding === 'kyc_exchange' || funding === 'own_wallet' ? 0.5 : 0.15);
      const spendingKind = careful ? buyerAddressKind(r, start) : kind;
      const spending = careful ? e.wallet(entityId, 'spending', spendingKind, buyerHabits(r, spendingKind)) : null;
      const buyer = new Buyer(entityId, handle, wallet, funding, exchange, o.language, r.lognormal(1, 1.1), spending);
      this.buyers.push(buyer);
      buyerRows.push({ entityId, marketEntityId: this.entityId, handle, funding, wallet: wallet.id, attrs: { country, exchange: exchange.options.id, ...(spending ? { spendingWallet: spending.id } : {}) } });
    }
    this.deps.truth.buyers(buyerRows);
    this.buyerCum = cumulative(this.buyers.map((b) => b.activity));
  }

  /** Exchanges in the order a person of this market would use them: ones of their language region first. */
  private preferredExchanges(rng: Rng, exchanges: Exchange[], language: 'en' | 'ru'): Exchange[] {
    const weight = (x: Exchange) => (RU_COUNTRIES.has(x.options.country) === (language === 'ru') ? 4 : 1) * rng.float();
    return exchanges
      .map((x) => ({ x, w: weight(x) }))
      .sort((a, b) => b.w - a.w)
      .map((p) => p.x);
  }

  // ---- the block -------------------------------------------------------------------------------

  onBlock(engine: Engine): void {
    const rng = this.blockRng;
    if (this.sealing.length) {
      const waiting = this.sealing;
      this.sealing = [];
      for (const w of waiting) {
        if (w.sent.height === undefined || w.sent.height >= engine.height) this.sealing.push(w);
        else if (w.order.state === 'paid' && !this.shut) this.onDepositConfirmed(engine, w.order);
      }
    }
    if (!this.shut && (engine.height + this.phase) % this.options.sweepEveryBlocks === 0) this.sweepDeposits(engine, rng);
    if (!this.withdrawalsFrozen && (engine.height + this.phase) % this.options.payoutEveryBlocks === 0 && this.payoutQueue.length) this.payBatch(engine, rng);
    if (!this.withdrawalsFrozen && (engine.height + this.phase) % PROFIT_EVERY_BLOCKS === 0) this.takeProfit(engine, rng);
    if (this.acceptingOrders && engine.now >= this.world.dayTime(0)) {
      const hour = (engine.now % 86400) / 3600;
      // Orders peak in the evening (UTC), as darkweb markets' traffic does.
      const rate = this.options.ordersPerDay * (1 + 0.35 * Math.sin(((hour - 13) / 24) * 2 * Math.PI));
      for (let i = engine.perBlock(rate, rng); i > 0; i--) this.placeOrder(engine, rng);
    }
    // Orders change state many times: a settled order is written once; in the world's last hours every
    // open order is written too, and from then on every change, so that the final state is on record.
    if (!this.finalHours && engine.now >= this.world.dayTime(this.world.options.days) - 4 * 3600) {
      this.finalHours = true;
      for (const o of this.orders) this.deps.truth.touch(o);
    }
    if (this.finalHours || engine.height % 12 === 0) this.deps.truth.flush();
  }

  // ---- orders ----------------------------------------------------------------------------------

  private placeOrder(engine: Engine, rng: Rng): void {
    const buyer = this.buyers[pickCumulative(this.buyerCum, rng)];
    if (!buyer) return;
    // Repeat buyers often go back to the vendor they bought from last.
    let vendor = this.lastVendor.get(buyer);
    if (!vendor || !vendor.active || rng.bool(0.45)) {
      vendor = undefined;
      for (let t = 0; t < 8 && !vendor; t++) {
        const v = this.vendors[pickCumulative(this.vendorCum, rng)];
        if (v && v.active) vendor = v;
      }
    }
    if (!vendor) return;
    this.lastVendor.set(buyer, vendor);
    const seq = this.orders.length;
    const listing = rng.pick(vendor.listings);
    const quantity = orderQuantity(rng);
    const usd = Math.round(listing.priceUsd * quantity * 100) / 100;
    const sats = usdToSats(usd, engine.now);
    const commission = Math.round(sats * vendor.commission);
    const deposit = this.depositWallet.freshAddress('deposit');
    const order = new Order(
      `${this.id}-${String(seq + 1).padStart(6, '0')}`, this.entityId, buyer, vendor, listing, quantity, usd, sats, commission,
      deposit, this.depositWallet.addressOf(deposit.script), engine.now, this.orderRng,
    );
    buyer.orders++;
    this.orders.push(order);
    this.record(order);
    this.startPayment(engine, order);
  }

  /** How the buyer's money reaches the deposit address (directly, or through an exchanger). */
  protected startPayment(engine: Engine, order: Order): void {
    order.buyer.fund(engine, order.sats + FEE_RESERVE, order.rng, this.deps.services);
    // Buyers check out within the hour when they hold coins; otherwise once their purchase arrives.
    engine.after(order.rng.int(5, 60) * 60, (e) => this.attemptPayment(e, order));
  }

  /** The buyer pays the deposit address from their own wallet, once their coins are there. */
  protected attemptPayment(engine: Engine, order: Order): void {
    if (order.state !== 'awaiting_payment') return;
    if (!this.acceptingOrders || engine.now - order.createdAt > PAYMENT_WINDOW) {
      this.expire(order);
      return;
    }
    order.attempts++;
    const buyer = order.buyer;
    const sent = canPay(engine, buyer, order.sats)
      ? engine.pay(
          buyer.payer,
          [{ to: order.deposit, value: order.sats }],
          { intent: 'order_payment', entityId: order.buyer.entityId, attrs: { market: this.id, order: order.id } },
          { rng: order.rng },
        )
      : null;
    if (sent) {
      this.notePaidBy(order, sent, voutOf(0, sent.changeVout), engine.height, engine.now, 'buyer');
      return;
    }
    // Careful buyers first move their purchase on to the wallet they pay from.
    if (buyer.moveToSpending(engine, order.rng)) {
      engine.after(order.rng.int(15, 60) * 60, (e) => this.attemptPayment(e, order));
      return;
    }
    // Not there yet: top up if nothing is on its way (a purchase can be lost to a busy exchange), and look again.
    if (order.attempts % 6 === 0) order.buyer.fund(engine, order.sats + FEE_RESERVE, order.rng, this.deps.services);
    engine.after(order.rng.int(30, 90) * 60, (e) => this.attemptPayment(e, order));
  }

  /**
   * Records the order's payment (`vout` pays the deposit address), made by the buyer or on their
   * behalf; the market acts on it in the first block after the one that seals it.
   */
  protected notePaidBy(order: Order, sent: Sent, vout: number, height: number, now: number, via: string): void {
    order.notePayment(sent, vout, height, now, via);
    this.record(order);
    this.sealing.push({ order, sent });
  }

  /** Notes a change of `order` for the records (see onBlock for when it is written). */
  protected record(order: Order): void {
    if (this.finalHours || order.state === 'released' || order.state === 'refunded' || order.state === 'expired') this.deps.truth.touch(order);
  }

  private expire(order: Order): void {
    order.state = 'expired';
    this.record(order);
  }

  /** The buyer's deposit confirmed (seen one block later): what happens next depends on the market. */
  protected abstract onDepositConfirmed(engine: Engine, order: Order): void;

  /** Releases the vendor's share: queued for the next payout batch. */
  protected finalize(engine: Engine, order: Order, by: FinalizedBy): void {
    order.state = 'finalized';
    order.finalizedAt = engine.now;
    order.finalizedHeight = engine.height;
    order.finalizedBy = by;
    this.leaveFeedback(order);
    this.payoutQueue.push(order);
    this.record(order);
  }

  protected leaveFeedback(order: Order): void {
    if (order.feedback === null && order.rng.bool(0.7)) order.feedback = order.rng.bool(order.vendor.rating) ? 'positive' : 'negative';
  }

  // ---- money -----------------------------------------------------------------------------------

  /** Consolidates confirmed deposits into the hot wallet (big sweeps are split to stay standard-sized). */
  protected sweepDeposits(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.depositWallet);
    for (let i = 0; i < coins.length; i += 200) {
      engine.pay(this.depositWallet, [{ to: this.hotWallet.address(this.hotRole), value: 0 }], { intent: 'market_sweep', entityId: this.entityId, attrs: { market: this.id } }, { rng, coins: coins.slice(i, i + 200), sweep: true });
    }
  }

  /** One transaction paying every vendor with released orders (one output each), as far as the hot wallet allows. */
  private payBatch(engine: Engine, rng: Rng): void {
    const byVendor = new Map<Vendor, Order[]>();
    for (const o of this.payoutQueue) {
      const list = byVendor.get(o.vendor);
      if (list) list.push(o);
      else if (byVendor.size < 250) byVendor.set(o.vendor, [o]);
    }
    let groups = [...byVendor.entries()];
    const available = engine.balance(this.hotWallet);
    const total = (g: typeof groups) => g.reduce((s, [, os]) => s + os.reduce((t, o) => t + o.vendorShare, 0), 0);
    while (groups.length && total(groups) > available * 0.98) groups = groups.slice(0, Math.floor(groups.length / 2));
    if (groups.length === 0) return;
    const outputs = groups.map(([v, os]) => ({ to: v.payoutAddress(rng), value: os.reduce((t, o) => t + o.vendorShare, 0) }));
    const sent = engine.pay(this.hotWallet, outputs, { intent: 'vendor_payout', entityId: this.entityId, attrs: { market: this.id, vendors: outputs.length } }, { rng });
    if (!sent) return;
    const txid = reverseHex(sent.enc.txid);
    const paid = new Set<Order>();
    groups.forEach(([v, os], j) => {
      const vout = voutOf(j, sent.changeVout);
      for (const o of os) {
        o.state = 'released';
        o.releasedAt = engine.now;
        o.payoutTxid = txid;
        o.payoutVout = vout;
        o.payoutHeight = engine.height;
        this.record(o);
        paid.add(o);
      }
      this.deps.truth.payout({ txid, vout, marketEntityId: this.entityId, vendorEntityId: v.entityId, kind: 'vendor_payout', value: outputs[j].value, orders: os.length, height: engine.height, time: engine.now });
    });
    this.payoutQueue = this.payoutQueue.filter((o) => !paid.has(o));
  }

  /**
   * The operators move most of what the hot wallet holds beyond what it owes vendors (the commission
   * earned) to their own wallet, and a few hours later on through the mixer (escrow market) or the
   * instant exchanger (shop market).
   */
  private takeProfit(engine: Engine, rng: Rng): void {
    // Finalize-early commissions leave many small coins in the hot wallet: merge the smallest first.
    const coins = engine.spendable(this.hotWallet);
    if (coins.length > 120) {
      const small = coins.sort((a, b) => a.value - b.value).slice(0, 150);
      engine.pay(this.hotWallet, [{ to: this.hotWallet.address(this.hotRole), value: 0 }], { intent: 'consolidation', entityId: this.entityId, attrs: { market: this.id } }, { rng, coins: small, sweep: true });
    }
    const owed = this.escrowHeld();
    const surplus = engine.balance(this.hotWallet) - Math.round(owed * 1.1) - usdToSats(5_000, engine.now);
    if (surplus < usdToSats(1_000, engine.now)) return;
    const sent = engine.pay(this.hotWallet, [{ to: this.operatorWallet.freshAddress('receive'), value: Math.round(surplus * 0.8) }], { intent: 'market_profit', entityId: this.entityId, attrs: { market: this.id } }, { rng });
    if (!sent) return;
    engine.after(rng.int(12, 72) * 600, (e) => this.launderProfit(e, rng));
  }

  private launderProfit(engine: Engine, rng: Rng): void {
    const balance = engine.balance(this.operatorWallet);
    if (balance < 200_000) return;
    const services = this.deps.services;
    const truth: TxTruth = { intent: 'mixer_in', entityId: this.entityId, attrs: { market: this.id, profit: true } };
    if (this.options.language === 'en' && services.mix(this.operatorWallet, balance - 60_000, [this.operatorWallet.freshAddress('receive')], truth, rng)) return;
    const x = services.exchangerDeposit(this.options.language, rng);
    if (x) engine.pay(this.operatorWallet, [{ to: x.to, value: 0 }], { intent: 'market_profit', entityId: this.entityId, attrs: { market: this.id, to: x.ref } }, { rng, sweep: true });
  }

  // ---- for events and trails -------------------------------------------------------------------

  /** Stops the market for good: no orders, no order steps, no payouts or refunds (seizure, exit scam). */
  shutDown(): void {
    this.shut = true;
    this.stopOrders();
    this.freezeWithdrawals();
  }

  /** Stops taking orders (seizure, exit): unpaid orders lapse, placed ones run their course. */
  stopOrders(): void {
    this.acceptingOrders = false;
  }

  resumeOrders(): void {
    this.acceptingOrders = true;
  }

  /** Stops vendor payouts and refunds (the start of an exit scam); released orders keep queueing. */
  freezeWithdrawals(): void {
    this.withdrawalsFrozen = true;
  }

  resumeWithdrawals(): void {
    this.withdrawalsFrozen = false;
  }

  get frozen(): boolean {
    return this.withdrawalsFrozen;
  }

  /**
   * Moves every confirmed coin of the deposit and hot wallets to `to` now, in as many transactions as
   * needed (exit scam, seizure, hack). Returns the transactions; coins that confirm later stay behind.
   */
  sweepAll(engine: Engine, to: Receiver, truth: TxTruth, rng: Rng = this.world.rng.fork(`markets/${this.id}/sweep-all/${engine.height}`)): Sent[] {
    const out: Sent[] = [];
    for (const w of [this.depositWallet, this.hotWallet]) {
      const coins = engine.spendable(w);
      for (let i = 0; i < coins.length; i += 200) {
        const sent = engine.pay(w, [{ to, value: 0 }], truth, { rng, coins: coins.slice(i, i + 200), sweep: true });
        if (sent) out.push(sent);
      }
    }
    return out;
  }

  /** Sats the market holds for vendors (paid orders not yet released or refunded). */
  escrowHeld(): number {
    let s = 0;
    for (const o of this.orders) if (o.state === 'paid' || o.state === 'shipped' || o.state === 'disputed' || o.state === 'finalized') s += o.vendorShare;
    return s;
  }

  /** The vendor at index n ('market:<id>/vendor:<n>'). */
  vendor(n: number): Vendor {
    const v = this.vendors[n];
    if (!v) throw new RangeError(`${this.ref} has no vendor ${n} (it has ${this.vendors.length})`);
    return v;
  }
}

function cumulative(weights: number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}

/** Index drawn in proportion to the weights whose running sums are `cum` (binary search). */
function pickCumulative(cum: number[], rng: Rng): number {
  if (cum.length === 0) return -1;
  const r = rng.float() * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
