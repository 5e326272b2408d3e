// The English-language escrow market (Silk Road / Empire style). Each order gets a fresh deposit
// address; the buyer pays it; the market sweeps deposits into its hot wallet (the escrow) every
// sweepEveryBlocks. The vendor ships, and the escrow is released when the buyer finalises or, failing
// that, autoFinalizeDays after shipping; released shares (order less the vendor's commission) are paid
// in batched payouts every payoutEveryBlocks, one output per vendor. Finalize-early vendors are paid
// straight from the order's deposit as soon as it confirms (one input, the vendor's share and the
// commission to the hot wallet: intent escrow_release). A few orders are disputed; most disputes end
// in a refund from the hot wallet to the buyer.
//
// Used by trails and events (registered as 'market:<id>'; see also market-core.ts):
//   market.entityId, market.options, market.ref ('market:<id>')
//   market.hotWallet, market.depositWallet         the operator's wallets (SimWallet); trailWallet = hotWallet
//   market.operatorWallet                          where the operators' commission goes (then to a mixer/exchanger)
//   market.vendors, market.vendor(n), market.buyers, market.orders
//   market.freezeWithdrawals() / resumeWithdrawals()   stop payouts and refunds (exit-scam prelude)
//   market.stopOrders() / resumeOrders()               stop taking orders (seizure, exit)
//   market.sweepAll(engine, to, truth, rng?)           every confirmed coin of deposit + hot wallets to `to`; returns the txs
//   market.escrowHeld()                                sats owed to vendors for paid, unreleased orders
//   market.shutDown()                                  stop everything: orders, escrow steps, payouts, refunds
import type { Engine } from '../engine.ts';
import type { World } from '../world.ts';
import type { MarketOptions } from '../options.ts';
import type { Rng } from '../../chain/rng.ts';
import { reverseHex } from '../../chain/bytes.ts';
import { MarketBase, type MarketDeps } from './market-core.ts';
import type { Order } from './order.ts';

/** Share of (not finalize-early) orders the buyer disputes. */
const DISPUTE_SHARE = 0.035;
/** Share of disputes the market settles with a full refund (the rest go to the vendor). */
const REFUND_SHARE = 0.6;
/** Share of buyers who finalise themselves once the parcel arrives (the rest wait for auto-finalise). */
const BUYER_FINALIZES = 0.72;

export class EscrowMarket extends MarketBase {
  constructor(world: World, options: MarketOptions, deps: MarketDeps) {
    super(world, options, deps);
  }

  protected onDepositConfirmed(engine: Engine, order: Order): void {
    if (this.shut) return;
    if (order.vendor.finalizeEarly) this.releaseEarly(engine, order);
    // Vendors ship within a day or two of payment.
    const ship = Math.round(Math.min(3 * 86400, Math.max(3600, order.rng.lognormal(0.6 * 86400, 0.6))));
    engine.after(ship, (e) => this.ship(e, order));
  }

  private ship(engine: Engine, order: Order): void {
    if (this.shut) return;
    order.shippedAt = engine.now;
    this.record(order);
    if (order.state !== 'paid') return; // finalized early: nothing more is held
    order.state = 'shipped';
    const rng = order.rng;
    const auto = this.options.autoFinalizeDays * 86400;
    if (rng.bool(DISPUTE_SHARE)) {
      engine.after(Math.round(auto * (0.4 + 0.5 * rng.float())), (e) => this.dispute(e, order));
    } else if (rng.bool(BUYER_FINALIZES)) {
      // Delivery takes days; the buyer finalises on arrival, always before auto-finalise would.
      const arrive = Math.min(auto - 3600, Math.round(rng.lognormal(4 * 86400, 0.4)));
      engine.after(Math.max(3600, arrive), (e) => this.finalizeIfHeld(e, order, 'buyer'));
    } else {
      engine.after(auto, (e) => this.finalizeIfHeld(e, order, 'auto'));
    }
  }

  private finalizeIfHeld(engine: Engine, order: Order, by: 'buyer' | 'auto' | 'dispute'): void {
    if (this.shut || (order.state !== 'shipped' && order.state !== 'disputed')) return;
    this.finalize(engine, order, by);
  }

  private dispute(engine: Engine, order: Order): void {
    if (this.shut || order.state !== 'shipped') return;
    order.state = 'disputed';
    order.disputedAt = engine.now;
    this.record(order);
    const rng = order.rng;
    const settle = Math.round((1 + 3 * rng.float()) * 86400);
    if (rng.bool(REFUND_SHARE)) engine.after(settle, (e) => this.refund(e, order));
    else engine.after(settle, (e) => this.finalizeIfHeld(e, order, 'dispute'));
  }

  /** Pays the buyer back in full from the hot wallet (retried while the hot wallet is short or frozen). */
  private refund(engine: Engine, order: Order): void {
    if (this.shut || order.state !== 'disputed') return;
    const sent = this.frozen
      ? null
      : engine.pay(
          this.hotWallet,
          [{ to: order.buyer.wallet.address('receive'), value: order.sats }],
          { intent: 'refund', entityId: this.entityId, attrs: { market: this.id, order: order.id } },
          { rng: order.rng },
        );
    if (!sent) {
      engine.after(6 * 600, (e) => this.refund(e, order));
      return;
    }
    order.state = 'refunded';
    order.refundTxid = reverseHex(sent.enc.txid);
    order.refundHeight = engine.height;
    order.feedback = order.rng.bool(0.5) ? 'negative' : null;
    this.record(order);
  }

  /**
   * Finalize early: the deposit itself is spent to the vendor (their share) and the hot wallet (the
   * commission, less the fee). A deposit too small to split goes through the payout batch instead.
   */
  private releaseEarly(engine: Engine, order: Order): void {
    const rng: Rng = order.rng;
    const coin = this.depositWallet.utxos.find((u) => u.key === order.deposit.key && u.height !== null && u.height <= engine.height);
    const to = order.vendor.payoutAddress(rng);
    const sent =
      coin && !this.frozen
        ? engine.pay(
            this.depositWallet,
            [{ to, value: order.vendorShare }, { to: this.hotWallet.address(this.hotRole), value: 0 }],
            { intent: 'escrow_release', entityId: this.entityId, attrs: { market: this.id, order: order.id } },
            { rng, coins: [coin], sweep: true },
          )
        : null;
    if (!sent) {
      this.finalize(engine, order, 'early');
      return;
    }
    order.state = 'released';
    order.finalizedAt = engine.now;
    order.finalizedHeight = engine.height;
    order.finalizedBy = 'early';
    order.releasedAt = engine.now;
    order.payoutTxid = reverseHex(sent.enc.txid);
    order.payoutVout = 0;
    order.payoutHeight = engine.height;
    this.leaveFeedback(order);
    this.record(order);
    this.deps.truth.payout({
      txid: order.payoutTxid, vout: 0, marketEntityId: this.entityId, vendorEntityId: order.vendor.entityId, kind: 'escrow_release',
      value: order.vendorShare, orders: 1, height: engine.height, time: engine.now,
    });
  }
}
