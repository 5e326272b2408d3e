// One market order from placement to release or refund, and how it is stored.
import type { Rng } from '../../chain/rng.ts';
import { reverseHex } from '../../chain/bytes.ts';
import type { Receiver } from '../sim-wallet.ts';
import type { Sent } from '../engine.ts';
import type { Listing } from './listing.ts';
import type { OrderRow } from './truth.ts';
import type { Vendor } from './vendor.ts';
import type { Buyer } from './buyer.ts';

/**
 * awaiting_payment → paid → shipped → (disputed →) finalized → released, or refunded; an unpaid order
 * expires. Finalize-early orders go paid → released at once.
 */
export type OrderState = 'awaiting_payment' | 'paid' | 'shipped' | 'disputed' | 'finalized' | 'released' | 'refunded' | 'expired';
export type FinalizedBy = 'buyer' | 'auto' | 'early' | 'dispute';

export class Order {
  state: OrderState = 'awaiting_payment';
  paidAt: number | null = null;
  paymentTxid: string | null = null;
  paymentVout: number | null = null;
  paymentHeight: number | null = null;
  paidVia: string | null = null;
  shippedAt: number | null = null;
  finalizedAt: number | null = null;
  finalizedHeight: number | null = null;
  finalizedBy: FinalizedBy | null = null;
  disputedAt: number | null = null;
  releasedAt: number | null = null;
  payoutTxid: string | null = null;
  payoutVout: number | null = null;
  payoutHeight: number | null = null;
  refundTxid: string | null = null;
  refundHeight: number | null = null;
  feedback: 'positive' | 'negative' | null = null;
  attrs: Record<string, unknown> = {};
  /** Payment attempts made so far (buyers wait for their coins to arrive). */
  attempts = 0;

  constructor(
    readonly id: string,
    readonly marketEntityId: number,
    readonly buyer: Buyer,
    readonly vendor: Vendor,
    readonly listing: Listing,
    readonly quantity: number,
    readonly usd: number,
    readonly sats: number,
    readonly commission: number,
    readonly deposit: Receiver,
    readonly depositAddress: string,
    readonly createdAt: number,
    /** The stream the order's steps draw from (shared by the market's orders, in clock order). */
    readonly rng: Rng,
  ) {}

  /** What the vendor is owed once the order is released. */
  get vendorShare(): number {
    return this.sats - this.commission;
  }

  /** Notes the payment transaction: the output paying the deposit address is `vout`. */
  notePayment(sent: Sent, vout: number, height: number, now: number, via: string): void {
    this.state = 'paid';
    this.paidAt = now;
    this.paymentTxid = reverseHex(sent.enc.txid);
    this.paymentVout = vout;
    this.paymentHeight = height;
    this.paidVia = via;
  }

  row(): OrderRow {
    return {
      id: this.id,
      marketEntityId: this.marketEntityId,
      buyerEntityId: this.buyer.entityId,
      vendorEntityId: this.vendor.entityId,
      listingId: this.listing.id,
      quantity: this.quantity,
      amountUsd: this.usd,
      amountSats: this.sats,
      commissionSats: this.commission,
      depositAddress: this.depositAddress,
      state: this.state,
      createdAt: this.createdAt,
      paidAt: this.paidAt,
      paymentTxid: this.paymentTxid,
      paymentVout: this.paymentVout,
      paymentHeight: this.paymentHeight,
      paidVia: this.paidVia,
      shippedAt: this.shippedAt,
      finalizedAt: this.finalizedAt,
      finalizedHeight: this.finalizedHeight,
      finalizedBy: this.finalizedBy,
      disputedAt: this.disputedAt,
      releasedAt: this.releasedAt,
      payoutTxid: this.payoutTxid,
      payoutVout: this.payoutVout,
      payoutHeight: this.payoutHeight,
      refundTxid: this.refundTxid,
      refundHeight: this.refundHeight,
      feedback: this.feedback,
      attrs: this.attrs,
    };
  }
}

/** The vout at which the j-th requested output landed, given where the wallet put its change. */
export function voutOf(j: number, changeVout: number): number {
  return changeVout >= 0 && j >= changeVout ? j + 1 : j;
}
