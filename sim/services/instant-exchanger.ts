// An instant exchanger ("obmennik"): a no-KYC service that swaps fiat, cards or other coins for
// BTC and back. Shop-market buyers pay a dead-drop shop through it; vendors swap proceeds out.
//
// API (registered as `exchanger:<id>`; other parts call these):
//   swapToBtc(payTo: Receiver, valueSats: number, truth: TxTruth, onSent?: (s: Sent) => void): string
//     A customer paid in fiat/card/other coin; the exchanger pays EXACTLY valueSats from its own
//     hot wallet to payTo (e.g. a shop's order address) after a short processing delay (calibrated,
//     median 20 min). The fee is charged in the fiat leg, so it is not on the chain. The transaction
//     carries the caller's intent, trailId, hop and attrs, plus attrs {exchanger, swap, fee,
//     requestedAt, customer (= truth.entityId when given)}; its entityId is the exchanger's, who
//     spends and gets the change. If the hot wallet cannot pay,
//     the swap waits until the exchanger has bought more at a KYC exchange. Returns the swap id.
//   depositAddress(rng: Rng): Receiver
//     Where a customer sends BTC to swap it out (fresh per customer, role 'deposit'; now and then
//     the exchanger hands out one of its reused hot addresses instead, as small obmenniks do).
//     The sender builds the payment (engine.pay) with its own truth. Deposits are consolidated into
//     the hot wallet and the surplus is sold at a KYC exchange.
//   entityId, hot, deposits (wallets), options.
import type { Engine, Actor, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { InstantExchangerOptions } from '../options.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Rng } from '../../chain/rng.ts';
import { COIN } from '../../chain/types.ts';
import { CALIBRATION } from '../calibration/defaults.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { openExchangeLink, buyFromExchange, type ExchangeLink } from './common.ts';

interface Swap {
  id: string;
  requestedAt: number;
  payTo: Receiver;
  value: number;
  truth: TxTruth;
  onSent?: (s: Sent) => void;
}

/** Hot addresses an obmennik keeps reusing (its change and top-ups land on them). */
const HOT_ADDRESSES = 3;

export class InstantExchanger implements Actor {
  readonly name: string;
  readonly entityId: number;
  readonly hot: SimWallet;
  readonly deposits: SimWallet;
  private readonly hotAddresses: Receiver[] = [];
  private readonly link: ExchangeLink | null;
  private waiting: Swap[] = [];
  private nextSwap = 1;
  private buyingUntil = 0;
  /** Liquidity floor and ceiling (sats), scaled to the exchanger's expected turnover. */
  private readonly low: number;
  private readonly high: number;

  constructor(
    private readonly world: World,
    readonly options: InstantExchangerOptions,
  ) {
    const e = world.engine;
    const rng = world.rng.fork(`exchanger/${options.id}/setup`);
    this.name = `exchanger:${options.id}`;
    this.entityId = e.entity('instant_exchanger', options.name, null, { id: options.id, fee: options.fee, language: options.language, kyc: false });
    const kind = rng.pick(['p2pkh', 'p2sh-p2wpkh'] as const);
    this.hot = e.wallet(this.entityId, 'hot', kind, { shuffleOutputs: false, feeFactor: 1.2 });
    this.deposits = e.wallet(this.entityId, 'deposit', kind, { feeFactor: 0.7 });
    for (let i = 0; i < HOT_ADDRESSES; i++) this.hotAddresses.push(this.hot.freshAddress('hot'));
    this.link = openExchangeLink(world, this.entityId, rng);
    const serving = world.options.markets.filter((m) => m.exchanger === options.id).reduce((s, m) => s + m.ordersPerDay, 0);
    this.low = Math.max(COIN / 2, Math.round(serving * 0.006 * COIN));
    this.high = this.low * 4;
    // Opening float, bought before the world's first day.
    if (this.link) for (let i = 0; i < 2; i++) buyFromExchange(this.link, this.hotAddress(rng), this.low, this.entityId);
    this.buyingUntil = world.dayTime(0);
  }

  swapToBtc(payTo: Receiver, valueSats: number, truth: TxTruth, onSent?: (s: Sent) => void): string {
    if (!Number.isSafeInteger(valueSats) || valueSats <= 0) throw new RangeError(`swap value must be a positive whole number of sats, got ${valueSats}`);
    const id = `${this.options.id}-${this.nextSwap++}`;
    const e = this.world.engine;
    const swap: Swap = { id, requestedAt: e.now, payTo, value: valueSats, truth, onSent };
    const rng = this.world.rng.fork(`${this.name}/swap/${id}`);
    const p = CALIBRATION.instantExchanger.processingMinutes;
    e.after(Math.round(rng.lognormal(p.median, p.sigma) * 60), (engine) => {
      if (!this.pay(engine, swap)) this.waiting.push(swap);
    });
    return id;
  }

  depositAddress(rng: Rng): Receiver {
    if (rng.bool(0.08)) return this.hotAddress(rng);
    return this.deposits.freshAddress('deposit');
  }

  private hotAddress(rng: Rng): Receiver {
    return rng.pick(this.hotAddresses);
  }

  private pay(engine: Engine, s: Swap): boolean {
    const rng = this.world.rng.fork(`${this.name}/pay/${s.id}`);
    // The exchanger spends (and gets the change): the customer, if named, goes in attrs.customer.
    const truth: TxTruth = {
      ...s.truth,
      entityId: this.entityId,
      attrs: {
        ...s.truth.attrs,
        ...(s.truth.entityId !== undefined && s.truth.entityId !== this.entityId ? { customer: s.truth.entityId } : {}),
        exchanger: this.options.id,
        swap: s.id,
        fee: this.options.fee,
        requestedAt: s.requestedAt,
      },
    };
    const sent = engine.pay(this.hot, [{ to: s.payTo, value: s.value }], truth, { rng, changeKey: this.hotAddress(rng).key });
    if (!sent) return false;
    s.onSent?.(sent);
    return true;
  }

  onBlock(engine: Engine): void {
    const rng = this.world.rng.fork(`${this.name}/${engine.height}`);
    if (this.waiting.length) {
      const still: Swap[] = [];
      for (const s of this.waiting) if (still.length || !this.pay(engine, s)) still.push(s);
      this.waiting = still;
    }
    this.background(engine, rng);
    if (engine.height % 12 === 0) this.consolidate(engine, rng);
    if (engine.height % 6 === 3) this.manageLiquidity(engine, rng);
  }

  /** Ordinary people buying BTC for cash/cards, or selling BTC they hold. */
  private background(engine: Engine, rng: Rng): void {
    const perDay = this.options.swapsPerDay ?? 12;
    for (let i = engine.perBlock(perDay, rng); i > 0; i--) {
      const holders = this.world.holders;
      if (holders.length === 0) return;
      const who = rng.pick(holders);
      if (rng.bool(0.55)) {
        const usd = Math.min(3_000, rng.lognormal(120, 0.9));
        this.swapToBtc(who.address('receive'), usdToSats(usd, engine.now), { intent: 'instant_swap', entityId: who.entityId });
      } else {
        const balance = engine.balance(who);
        const value = Math.floor(balance * (0.3 + 0.6 * rng.float()));
        if (value < 50_000) continue;
        engine.pay(who, [{ to: this.depositAddress(rng), value }], { intent: 'instant_swap', entityId: who.entityId, attrs: { exchanger: this.options.id, direction: 'sell' } }, { rng });
      }
    }
  }

  /** Sweeps customers' deposits into the hot wallet. */
  private consolidate(engine: Engine, rng: Rng): void {
    const coins = engine.spendable(this.deposits);
    if (coins.length < 3) return;
    const chunk = coins.slice(0, 150);
    engine.pay(this.deposits, [{ to: this.hotAddress(rng), value: 0 }], { intent: 'consolidation', entityId: this.entityId }, { rng, coins: chunk, sweep: true });
  }

  /** Buys at the KYC exchange when short; sells the surplus there when long. */
  private manageLiquidity(engine: Engine, rng: Rng): void {
    if (!this.link) return;
    const balance = engine.balance(this.hot);
    const owed = this.waiting.reduce((s, w) => s + w.value, 0);
    if (balance - owed < this.low && engine.now >= this.buyingUntil) {
      const amount = Math.round((this.low * 2 + owed) / 100_000) * 100_000;
      buyFromExchange(this.link, this.hotAddress(rng), amount, this.entityId);
      // One purchase in flight at a time: the exchange pays it within a few blocks.
      this.buyingUntil = engine.now + 6 * 3600;
    } else if (balance > this.high && owed === 0) {
      const value = Math.round((balance - this.low * 2) / 1_000_000) * 1_000_000;
      if (value > 0) engine.pay(this.hot, [{ to: this.link.account.deposit, value }], { intent: 'exchange_deposit', entityId: this.entityId }, { rng, changeKey: this.hotAddress(rng).key });
    }
  }
}
