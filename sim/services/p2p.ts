// Where some people get coins without an exchange account of their own: a bitcoin ATM operator
// (cash in, coins out from one hot wallet) and P2P traders (LocalBitcoins-style) who buy at KYC
// exchanges and resell for cash or bank transfer at a premium. Both premiums are in the fiat leg.
//
// API (registered as `p2p` (P2PMarket) and `atm:<slug of atmName>` (the same object)):
//   buyCoins(to: Receiver, valueSats: number, rng: Rng, truth?: Partial<TxTruth>,
//            onSent?: (s: Sent) => void): { via: 'atm' | 'p2p'; sellerId: number }
//     Pays exactly valueSats to `to` from the ATM operator (small cash amounts, some of the time)
//     or a P2P trader, now if the seller has the coins, else as soon as it has restocked at its
//     exchange. Intent 'atm_purchase' or 'p2p_purchase', entityId the seller, trailId/hop/attrs
//     from truth (attrs.buyer = truth.entityId when given).
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import { COIN } from '../../chain/types.ts';
import { usdToSats, satsToUsd } from '../calibration/btc-usd.ts';
import { buyFromExchange, openExchangeLink, type ExchangeLink } from './common.ts';

/** The ATM operator or a P2P trader: vendors may also sell coins to a trader's wallet. */
export interface Seller {
  via: 'atm' | 'p2p';
  entityId: number;
  wallet: SimWallet;
  link: ExchangeLink | null;
  /** Stock the seller restocks to. */
  stock: number;
  restockingUntil: number;
  queue: { to: Receiver; value: number; truth: TxTruth; onSent?: (s: Sent) => void }[];
}

/** ATMs dispense small amounts (cash limits); above this the buyer goes to a P2P trader. */
const ATM_MAX_USD = 3_000;

export class P2PMarket implements Actor {
  readonly name = 'p2p';
  readonly atm: Seller;
  readonly traders: Seller[] = [];
  private readonly busy: Seller[] = [];

  constructor(private readonly world: World) {
    const e = world.engine;
    const o = world.options.services;
    const rng = world.rng.fork('p2p/setup');
    const atmId = e.entity('atm_operator', o.atmName, null, { machines: rng.int(4, 12) });
    // One hot wallet at one reused address behind every machine, as many operators ran it.
    this.atm = this.seller('atm', atmId, e.wallet(atmId, 'hot', 'p2pkh', { reuseAddress: true, shuffleOutputs: false, feeFactor: 1.4 }), 3 * COIN, rng);
    for (let i = 0; i < o.p2pTraders; i++) {
      const x = world.exchangeList.length ? rng.pick(world.exchangeList) : null;
      const id = e.entity('p2p_trader', world.names.handle(rng, 'en'), null, { realName: world.names.person(rng, x?.options.country) });
      const kind = rng.pick(['p2pkh', 'p2sh-p2wpkh', 'p2wpkh'] as const);
      const wallet = e.wallet(id, 'trading', kind, { reuseAddress: rng.bool(0.4), feeFactor: rng.lognormal(1, 0.3) });
      this.traders.push(this.seller('p2p', id, wallet, Math.round(rng.lognormal(1, 0.5) * COIN), rng));
    }
  }

  private seller(via: 'atm' | 'p2p', entityId: number, wallet: SimWallet, stock: number, rng: Rng): Seller {
    const s: Seller = { via, entityId, wallet, link: openExchangeLink(this.world, entityId, rng), stock, restockingUntil: 0, queue: [] };
    if (s.link) buyFromExchange(s.link, wallet.address('receive'), stock, entityId);
    return s;
  }

  buyCoins(to: Receiver, valueSats: number, rng: Rng, truth: Partial<TxTruth> = {}, onSent?: (s: Sent) => void): { via: 'atm' | 'p2p'; sellerId: number } {
    if (!Number.isSafeInteger(valueSats) || valueSats <= 0) throw new RangeError(`purchase must be a positive whole number of sats, got ${valueSats}`);
    const e = this.world.engine;
    const small = satsToUsd(valueSats, e.now) <= ATM_MAX_USD;
    let seller: Seller;
    if (this.traders.length === 0 || (small && rng.bool(0.4))) seller = this.atm;
    else {
      const stocked = this.traders.filter((t) => t.queue.length === 0 && e.balance(t.wallet) >= valueSats * 1.05);
      seller = stocked.length ? rng.pick(stocked) : rng.pick(this.traders);
    }
    const full: TxTruth = {
      ...truth,
      intent: seller.via === 'atm' ? 'atm_purchase' : 'p2p_purchase',
      entityId: seller.entityId,
      attrs: { ...truth.attrs, ...(truth.entityId !== undefined ? { buyer: truth.entityId } : {}) },
    };
    const order = { to, value: valueSats, truth: full, onSent };
    if (seller.queue.length || !this.pay(e, seller, order, rng)) {
      seller.queue.push(order);
      if (!this.busy.includes(seller)) this.busy.push(seller);
    }
    return { via: seller.via, sellerId: seller.entityId };
  }

  private pay(engine: Engine, s: Seller, o: Seller['queue'][number], rng: Rng): boolean {
    const sent = engine.pay(s.wallet, [{ to: o.to, value: o.value }], o.truth, { rng });
    if (!sent) return false;
    o.onSent?.(sent);
    return true;
  }

  onBlock(engine: Engine): void {
    const rng = this.world.rng.fork(`p2p/${engine.height}`);
    for (let i = engine.perBlock(this.world.options.services.p2pPurchasesPerDay, rng); i > 0; i--) {
      if (this.world.holders.length === 0) break;
      const who = rng.pick(this.world.holders);
      const usd = Math.min(5_000, rng.lognormal(150, 0.9));
      this.buyCoins(who.address('receive'), usdToSats(Math.round(usd / 10) * 10 || 20, engine.now), rng, { entityId: who.entityId });
    }
    for (let i = this.busy.length - 1; i >= 0; i--) {
      const s = this.busy[i];
      while (s.queue.length && this.pay(engine, s, s.queue[0], rng)) s.queue.shift();
      if (s.queue.length === 0) this.busy.splice(i, 1);
      else this.restock(engine, s);
    }
    if (engine.height % 36 === 11) {
      for (const s of [this.atm, ...this.traders]) {
        const balance = engine.balance(s.wallet);
        if (balance < s.stock / 3) this.restock(engine, s);
        // Traders who bought coins from vendors sell the surplus at their exchange.
        else if (balance > s.stock * 3 && s.link && s.queue.length === 0) {
          engine.pay(s.wallet, [{ to: s.link.account.deposit, value: Math.floor(balance - s.stock * 1.5) }], { intent: 'exchange_deposit', entityId: s.entityId }, { rng });
        }
      }
    }
  }

  private restock(engine: Engine, s: Seller): void {
    if (!s.link || engine.now < s.restockingUntil) return;
    const owed = s.queue.reduce((a, q) => a + q.value, 0);
    buyFromExchange(s.link, s.wallet.address('receive'), Math.round((s.stock + owed) / 100_000) * 100_000, s.entityId);
    s.restockingUntil = engine.now + 8 * 3600;
  }
}
