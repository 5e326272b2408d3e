// The markets' orders as live orders: when the lab runs a live world (darkweb.live), an order placed
// on a market site is created there, so its deposit address is the live world's, its state follows
// the chain block by block (awaiting_payment → paid_unconfirmed → paid → shipped | klad_ready →
// finalized), and the market moves the money afterwards. The site keeps its own row (LabStore) for
// the account, disputes and the order list; the live order is the truth about payment and delivery.
import type { Darkweb } from '../../darkweb.ts';
import { LiveError, type LiveOrder } from '../../../sim/live/index.ts';
import { formatBtc } from './format.ts';
import type { LabOrder } from './store.ts';

export interface PlacedOrder {
  depositAddress: string;
  keyIndex: number;
  amountSats: number;
}

/** Site states that are the site's own business (a dispute, a cancellation) and outrank the live state. */
const SITE_OWNED = new Set(['disputed', 'cancelled']);

/** The buyer as the live world records them: the site account that placed the order. */
export function buyerRefOf(site: string, accountId: number): string {
  return `site:${site}/account:${accountId}`;
}

/**
 * Creates the order in the live world (null when the lab has none; the site then allocates its own
 * deposit address). A refusal (market closed, order too small) is thrown as a LiveError, whose
 * message the site shows.
 */
export function placeLiveOrder(
  darkweb: Darkweb,
  o: { marketId: string; listingId: string; accountId: number; quantity: number; orderId: string },
): PlacedOrder | null {
  if (!darkweb.live) return null;
  const created = darkweb.live.createOrder({ marketId: o.marketId, listingId: o.listingId, buyerRef: buyerRefOf(o.marketId, o.accountId), quantity: o.quantity, orderId: o.orderId });
  return { depositAddress: created.depositAddress, keyIndex: created.order.depositKeyIndex, amountSats: created.amountSats };
}

/** The live order behind a site order, if the lab is live and the order was placed live. */
export function liveOrderOf(darkweb: Darkweb, order: LabOrder): LiveOrder | null {
  if (!darkweb.live) return null;
  const live = darkweb.live.order(order.id);
  return live && live.depositAddress === order.depositAddress ? live : null;
}

/** What the order page shows as the status: the live state unless the site's own (dispute) outranks it. */
export function liveStatus(order: LabOrder, live: LiveOrder | null): string | null {
  if (!live || SITE_OWNED.has(order.state)) return null;
  return live.state;
}

/** The lab wallet's send form, filled in for this order (lab/wallet reads to, amount, order). */
export function walletPayHref(address: string, sats: number, orderId: string): string {
  const q = new URLSearchParams({ to: address, amount: formatBtc(sats), order: orderId });
  return `/wallet/?${q.toString()}`;
}

export { LiveError };
