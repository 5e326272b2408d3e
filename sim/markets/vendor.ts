// A market vendor: a pseudonymous seller (kind 'vendor', parent = the market) with a catalogue, a
// payout wallet the market pays, and cash-out habits set by OPSEC. Careless vendors reuse their
// payout address and send everything to an exchange account in their own name; careful ones move
// proceeds through a mixer or an instant exchanger, or peel them off to exchanges hop by hop.
//
// Used by trails and events (registered as 'market:<id>/vendor:<n>'):
//   vendor.entityId, vendor.handle, vendor.name     who it is (name = handle)
//   vendor.wallet                                   the payout wallet (SimWallet) the market pays
//   vendor.personal                                 the vendor's own savings wallet ('hold' route)
//   vendor.accounts                                 exchange accounts (own name; careful vendors use straw men's)
//   vendor.cashOut(engine, opts?)                   withdraws the payout wallet now; see CashOutOptions
//   vendor.pauseWithdrawals() / resumeWithdrawals() stop or restart the habitual cash-outs
//   vendor.retire()                                 leaves the market: no new orders, no more cash-outs
import type { Engine, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { Account, Exchange } from '../actors/exchange.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { Rng } from '../../chain/rng.ts';
import type { TxTruth } from '../truth/writer.ts';
import { equalBytes, reverseHex } from '../../chain/bytes.ts';
import type { OpsecLevel, WithdrawalRoute } from '../calibration/defaults.ts';
import { CALIBRATION } from '../calibration/defaults.ts';
import { withdrawalCadenceDays } from '../calibration/distributions.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import type { Listing } from './listing.ts';
import type { MarketTruth } from './truth.ts';
import type { ServiceLinks } from './services.ts';

/** Where a cash-out goes (the calibration's withdrawal routes). */
export type CashOutRoute = WithdrawalRoute;

export interface CashOutOptions {
  /** Overrides the vendor's habitual route. */
  route?: CashOutRoute;
  /** Peel the cash-out off in hops (exchange routes only); default: the vendor's habit. */
  peel?: boolean;
  /** Planted trail the transactions belong to (their gt_txs rows carry it and a hop number). */
  trailId?: string;
  /** Sats to withdraw; default everything spendable. */
  value?: number;
  /** Called with every transaction of the cash-out once it is built, hop by hop. */
  onTx?: (sent: Sent, hop: number) => void;
  /** Called when the last hop is built. */
  onDone?: (c: CashOut) => void;
}

export interface CashOut {
  id: string;
  route: CashOutRoute;
  destination: string;
  /** Txids (display hex) in hop order. */
  txids: string[];
  /** Sats that reached the destination(s). */
  delivered: number;
}

export interface VendorInit {
  entityId: number;
  index: number;
  ref: string;
  handle: string;
  marketId: string;
  language: 'en' | 'ru';
  country: string;
  joined: string;
  opsec: OpsecLevel;
  commission: number;
  finalizeEarly: boolean;
  rating: number;
  popularity: number;
  route: CashOutRoute;
  peels: boolean;
  listings: Listing[];
  wallet: SimWallet;
  personal: SimWallet;
  peelWallet: SimWallet;
  accounts: Account[];
  exchanges: Exchange[];
}

interface VendorDeps {
  truth: MarketTruth;
  services: ServiceLinks;
  rng: Rng;
}

export class Vendor {
  readonly entityId: number;
  readonly index: number;
  readonly ref: string;
  readonly handle: string;
  readonly name: string;
  readonly marketId: string;
  readonly language: 'en' | 'ru';
  readonly country: string;
  readonly joined: string;
  readonly opsec: OpsecLevel;
  /** Fraction of each order the market keeps (markets tier commission by vendor level). */
  readonly commission: number;
  /** Paid as soon as a buyer's deposit confirms, before delivery. */
  readonly finalizeEarly: boolean;
  /** Share of positive feedback. */
  readonly rating: number;
  /** Relative share of the market's orders. */
  readonly popularity: number;
  readonly route: CashOutRoute;
  readonly peels: boolean;
  readonly listings: Listing[];
  /** The payout wallet the market pays. */
  readonly wallet: SimWallet;
  readonly personal: SimWallet;
  private readonly peelWallet: SimWallet;
  readonly accounts: Account[];
  private readonly exchanges: Exchange[];
  active = true;
  private withdrawing = true;
  private cashOuts = 0;
  private payoutReceiver: Receiver | null = null;

  constructor(
    init: VendorInit,
    private readonly deps: VendorDeps,
  ) {
    this.entityId = init.entityId;
    this.index = init.index;
    this.ref = init.ref;
    this.handle = init.handle;
    this.name = init.handle;
    this.marketId = init.marketId;
    this.language = init.language;
    this.country = init.country;
    this.joined = init.joined;
    this.opsec = init.opsec;
    this.commission = init.commission;
    this.finalizeEarly = init.finalizeEarly;
    this.rating = init.rating;
    this.popularity = init.popularity;
    this.route = init.route;
    this.peels = init.peels;
    this.listings = init.listings;
    this.wallet = init.wallet;
    this.personal = init.personal;
    this.peelWallet = init.peelWallet;
    this.accounts = init.accounts;
    this.exchanges = init.exchanges;
  }

  /** The address the vendor gives the market for payouts: fixed for a careless vendor, often fresh for a careful one. */
  payoutAddress(rng: Rng): Receiver {
    const reuse = rng.bool(CALIBRATION.vendors.withdrawal[this.opsec].addressReuse);
    if (reuse && this.payoutReceiver) return this.payoutReceiver;
    this.payoutReceiver = this.wallet.freshAddress('payout');
    return this.payoutReceiver;
  }

  /** Starts the habitual cash-outs on the simulated clock. */
  schedule(engine: Engine, firstAt: number): void {
    engine.at(firstAt, (e) => this.tick(e));
  }

  pauseWithdrawals(): void {
    this.withdrawing = false;
  }

  resumeWithdrawals(): void {
    this.withdrawing = true;
  }

  retire(): void {
    this.active = false;
    this.withdrawing = false;
  }

  private tick(engine: Engine): void {
    const rng = this.deps.rng;
    if (this.withdrawing) {
      const minUsd = CALIBRATION.vendors.withdrawal[this.opsec].minUsd;
      if (engine.balance(this.wallet) >= usdToSats(minUsd, engine.now)) this.cashOut(engine, {}, rng);
    }
    if (this.active || this.withdrawing) engine.after(Math.round(withdrawalCadenceDays(rng, this.opsec) * 86400), (e) => this.tick(e));
  }

  /**
   * Withdraws the payout wallet now (all of it unless `opts.value`). Returns the cash-out, whose
   * `txids` fill in as hops are built, or null when there is nothing to withdraw.
   */
  cashOut(engine: Engine, opts: CashOutOptions = {}, rng: Rng = this.deps.rng): CashOut | null {
    const balance = engine.balance(this.wallet);
    const value = Math.min(opts.value ?? balance, balance);
    if (value <= 20_000) return null;
    const all = value === balance;
    const id = `${this.marketId}-v${this.index}-c${this.cashOuts++}`;
    const services = this.deps.services;
    const c: CashOut = { id, route: opts.route ?? this.habitualRoute(rng), destination: '', txids: [], delivered: 0 };
    const trail = (hop: number) => (opts.trailId ? { trailId: opts.trailId, hop } : {});
    const truth = (hop: number, intent: 'vendor_withdrawal' | 'peel_hop', dest: string): TxTruth => ({
      intent,
      entityId: this.entityId,
      ...(opts.trailId ? { trailId: opts.trailId, hop } : intent === 'peel_hop' ? { hop } : {}),
      attrs: { cashout: id, route: c.route, to: dest },
    });
    const record = (sent: Sent, hop: number, delivered: number, dest: string) => {
      const txid = reverseHex(sent.enc.txid);
      c.txids.push(txid);
      c.delivered += delivered;
      this.deps.truth.cashout({ txid, vendorEntityId: this.entityId, cashoutId: id, route: c.route, hop, value: delivered, destination: dest, height: engine.height, time: engine.now, trailId: opts.trailId ?? null });
      opts.onTx?.(sent, hop);
    };
    const done = () => {
      opts.onDone?.(c);
      return c;
    };
    // One payment from the payout wallet (everything, or `value` with change back).
    const direct = (to: Receiver, dest: string): CashOut | null => {
      c.destination = dest;
      const sent = engine.pay(this.wallet, [{ to, value }], truth(0, 'vendor_withdrawal', dest), { rng, sweep: all });
      if (!sent) return null;
      record(sent, 0, sent.tx.outputs[voutTo(sent, to.script)].value, dest);
      return done();
    };
    // Leaves a margin for the fee when a service is paid an exact amount out of everything.
    const exact = all ? value - 60_000 : value;

    // A service may be missing from the world or refuse; each route falls back to one that always works.
    if (c.route === 'coinjoin') {
      const j = exact > 100_000 ? services.coinjoin(this.wallet, exact, { entityId: this.entityId, ...trail(0), attrs: { cashout: id } }, rng) : null;
      if (j) {
        c.destination = j.ref;
        if (j.sent) record(j.sent, 0, 0, j.ref);
        return done();
      }
      c.route = 'mixer';
    }
    if (c.route === 'mixer') {
      // The mixer pays out, after its delay, to fresh addresses of the vendor's own wallet.
      const dests = Array.from({ length: rng.int(1, 3) }, () => this.personal.freshAddress('receive'));
      const t: TxTruth = { intent: 'mixer_in', entityId: this.entityId, ...trail(0), attrs: { cashout: id, route: c.route } };
      const m = exact > 100_000 ? services.mix(this.wallet, exact, dests, t, rng) : null;
      if (m) {
        c.destination = m.ref;
        record(m.sent, 0, exact, m.ref);
        return done();
      }
      c.route = 'hold';
    }
    if (c.route === 'instant_exchanger') {
      const r = services.exchangerDeposit(this.language, rng);
      if (r) return direct(r.to, r.ref);
      c.route = 'kyc_exchange';
    }
    if (c.route === 'p2p') {
      const t = services.p2pTrader(rng);
      if (t) return direct(t.to, t.ref);
      c.route = 'kyc_exchange';
    }
    if (c.route === 'hold') return direct(this.personal.address('receive'), 'personal');
    // KYC exchange: straight to one of the vendor's accounts, or peeled off hop by hop.
    if (this.accounts.length === 0) return direct(this.personal.address('receive'), 'personal');
    if (!(opts.peel ?? this.peels)) {
      const account = rng.pick(this.accounts);
      return direct(account.deposit, `exchange:${this.exchangeOf(account).options.id}`);
    }
    c.destination = 'peel';
    const start = this.peelWallet.freshAddress('receive');
    const sent = engine.pay(this.wallet, [{ to: start, value }], truth(0, 'vendor_withdrawal', 'peel'), { rng, sweep: all });
    if (!sent) return null;
    record(sent, 0, 0, 'peel');
    const coinRef = { txid: sent.enc.txid, vout: voutTo(sent, start.script) };
    const hops = rng.int(3, 8);
    engine.after(rng.int(1, 8) * 600, (e) => this.peelHop(e, c, coinRef, 1, hops, rng, truth, record, opts));
    return c;
  }

  private peelHop(
    engine: Engine,
    c: CashOut,
    ref: { txid: Uint8Array; vout: number },
    hop: number,
    hops: number,
    rng: Rng,
    truth: (hop: number, intent: 'vendor_withdrawal' | 'peel_hop', dest: string) => TxTruth,
    record: (sent: Sent, hop: number, delivered: number, dest: string) => void,
    opts: CashOutOptions,
  ): void {
    const coin = findCoin(this.peelWallet, ref.txid, ref.vout);
    if (!coin) return; // spent by someone else's plan (a trail took the wallet over)
    if (coin.height === null || coin.height > engine.height) {
      engine.after(600, (e) => this.peelHop(e, c, ref, hop, hops, rng, truth, record, opts));
      return;
    }
    const account = this.accounts[hop % this.accounts.length];
    const dest = `exchange:${this.exchangeOf(account).options.id}`;
    const last = hop >= hops || coin.value < usdToSats(400, engine.now);
    // A peel: a small payment to an exchange, the large change onward to a fresh address of the chain.
    const small = last ? coin.value : Math.min(Math.round(coin.value * (0.05 + 0.2 * rng.float())), usdToSats(200 + 1800 * rng.float(), engine.now));
    const t = truth(hop, 'peel_hop', dest);
    const sent = last
      ? engine.pay(this.peelWallet, [{ to: account.deposit, value: 0 }], t, { rng, coins: [coin], sweep: true })
      : engine.pay(this.peelWallet, [{ to: account.deposit, value: small }], t, { rng, coins: [coin] });
    if (!sent) return;
    const delivered = sent.tx.outputs[voutTo(sent, account.deposit.script)].value;
    record(sent, hop, delivered, dest);
    if (last || sent.changeVout < 0) {
      opts.onDone?.(c);
      return;
    }
    const nextRef = { txid: sent.enc.txid, vout: sent.changeVout };
    engine.after(rng.int(1, 12) * 600, (e) => this.peelHop(e, c, nextRef, hop + 1, hops, rng, truth, record, opts));
  }

  private habitualRoute(rng: Rng): CashOutRoute {
    // Mostly the habit; now and then another route the vendor's OPSEC level allows.
    if (rng.bool(0.85)) return this.route;
    const routes = CALIBRATION.vendors.withdrawal[this.opsec].routes;
    const keys = (Object.keys(routes) as WithdrawalRoute[]).filter((k) => routes[k] > 0);
    return rng.weighted(keys, keys.map((k) => routes[k]));
  }

  private exchangeOf(account: Account): Exchange {
    return this.exchanges[this.accounts.indexOf(account)];
  }
}

function findCoin(wallet: SimWallet, txid: Uint8Array, vout: number): WalletUtxo | undefined {
  return wallet.utxos.find((u) => u.vout === vout && equalBytes(u.txid, txid));
}

/** The vout of the (first) output paying `script`. */
export function voutTo(sent: Sent, script: Uint8Array): number {
  const i = sent.tx.outputs.findIndex((o) => equalBytes(o.script, script));
  if (i < 0) throw new Error('payment has no output to its receiver');
  return i;
}
