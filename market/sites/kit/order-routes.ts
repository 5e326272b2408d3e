// The buyer's orders on a market site, shared by the escrow market and the dead-drop shop: an
// order's payment state read from the chain (and the live world when the lab is live), the order
// list, the order page and the dispute (complaint) form. Paths, reasons and texts are the site's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Darkweb } from '../../darkweb.ts';
import type { LiveOrder } from '../../../sim/live/index.ts';
import type { AddressPayment } from './chain.ts';
import { FormError, formValue, readChoice, readText } from './forms.ts';
import type { ListingInfo, MarketInfo } from './data.ts';
import { liveOrderOf, liveStatus, placeLiveOrder } from './live-orders.ts';
import { round2 } from './market-helpers.ts';
import type { Site } from './site.ts';
import type { LabOrder } from './store.ts';

export interface OrderPayment {
  /** The order, re-read when a confirmed payment was just noted. */
  order: LabOrder;
  payments: AddressPayment[];
  confirmedSats: number;
  seenSats: number;
  live: LiveOrder | null;
  /** The live state, else 'expired' for an unpaid order past its window, else the site's state. */
  status: string;
}

/** Payments to the order's deposit address; a fully confirmed payment moves the order to paid. */
export function orderPayment(darkweb: Darkweb, order: LabOrder, now: number, paymentWindow: number): OrderPayment {
  const { chain, store } = darkweb;
  const payments = chain.paymentsTo(order.depositAddress);
  const confirmed = payments.filter((p) => p.confirmations > 0).reduce((s, p) => s + p.value, 0);
  const seen = payments.reduce((s, p) => s + p.value, 0);
  if (order.state === 'awaiting_payment' && confirmed >= order.amountSats && payments.length) {
    const last = payments.filter((p) => p.confirmations > 0).at(-1)!;
    store.notePayment(order.id, { txid: last.txid, sats: confirmed, height: last.height });
    order = store.order(order.id)!;
  }
  const expired = order.state === 'awaiting_payment' && seen === 0 && now > order.createdAt + paymentWindow;
  const live = liveOrderOf(darkweb, order);
  const status = liveStatus(order, live) ?? (expired ? 'expired' : order.state);
  return { order, payments, confirmedSats: confirmed, seenSats: seen, live, status };
}

/**
 * Places the buyer's order for `quantity` of the listing and returns its id: in a live lab the live
 * world places it (its deposit address and amount; a refusal is a LiveError), else the site
 * allocates the next address of the market's deposit wallet.
 */
export function placeMarketOrder(
  darkweb: Darkweb,
  market: MarketInfo,
  listing: ListingInfo,
  o: { accountId: number; quantity: number; payMethod: LabOrder['payMethod']; district: string | null; attrs: Record<string, unknown> },
): string {
  const { chain, store, data } = darkweb;
  if (!data) throw new RangeError('orders need a world with markets');
  const now = chain.now();
  const id = store.nextOrderId(market.id, market.id, data.orderNumbering(market).count);
  const amountUsd = round2(listing.priceUsd * o.quantity);
  const placed = placeLiveOrder(darkweb, { marketId: market.id, listingId: listing.id, accountId: o.accountId, quantity: o.quantity, orderId: id });
  const deposit = placed ?? ownDeposit(darkweb, market, id, amountUsd, now);
  store.createOrder({
    id, site: market.id, marketEntityId: market.entityId, accountId: o.accountId, listingId: listing.id, vendorEntityId: listing.vendorEntityId,
    quantity: o.quantity, amountUsd, amountSats: deposit.amountSats, depositAddress: deposit.depositAddress, keyIndex: deposit.keyIndex,
    payMethod: o.payMethod, district: o.district, createdAt: now, attrs: o.attrs,
  });
  return id;
}

/** An order's deposit when the lab is not live: the site's own next address of the market's deposit wallet. */
function ownDeposit(darkweb: Darkweb, market: MarketInfo, orderId: string, amountUsd: number, now: number) {
  const d = darkweb.orderDepositAddress(market.id, orderId);
  return { depositAddress: d.address, keyIndex: d.keyIndex, amountSats: darkweb.chain.usdToSats(amountUsd, now) };
}

export interface OrderRoutesOptions<V> {
  marketId: string;
  /** The order page's path before /:id: '/orders' or '/order'. */
  orderPath: string;
  view: (req: FastifyRequest, order: LabOrder) => V;
  reasons: readonly string[];
  complaint: {
    /** The form's path after /:id, e.g. 'dispute'. */
    path: string;
    allowed: (view: V) => boolean;
    /** The message key when the order cannot be disputed. */
    notAllowed: string;
    /** The text field's label key and its shortest length. */
    textLabel: string;
    minText: number;
  };
}

export interface OrderRoutes {
  /** The order named by :id when it is this account's on this site. */
  ownOrder: (req: FastifyRequest, accountId: number) => LabOrder | undefined;
}

/** Adds GET /orders, GET <orderPath>/:id and POST <orderPath>/:id/<complaint.path>. */
export function orderRoutes<V>(app: FastifyInstance, site: Site, darkweb: Darkweb, o: OrderRoutesOptions<V>): OrderRoutes {
  const { chain, store } = darkweb;

  function ownOrder(req: FastifyRequest, accountId: number): LabOrder | undefined {
    const order = store.order((req.params as { id: string }).id);
    return order && order.site === o.marketId && order.accountId === accountId ? order : undefined;
  }

  app.get('/orders', async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const orders = store.orders(o.marketId, account.id, 0, 100).items.map((order) => o.view(req, order));
    return site.render(req, reply, 'orders', { title: site.t(req, 'orders.title'), nav: 'orders', orders });
  });

  function orderPage(req: FastifyRequest, reply: FastifyReply, order: LabOrder, extra: Record<string, unknown> = {}, status = 200) {
    site.session(req, reply);
    return site.render(req, reply, 'order', { title: site.t(req, 'order.title', { id: order.id }), nav: 'orders', order: o.view(req, order), reasons: o.reasons, form: {}, ...extra }, status);
  }

  app.get(`${o.orderPath}/:id`, async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const order = ownOrder(req, account.id);
    if (!order) return site.errorPage(req, reply, 404);
    return orderPage(req, reply, order);
  });

  app.post(`${o.orderPath}/:id/${o.complaint.path}`, async (req, reply) => {
    const account = site.requireAccount(req, reply);
    if (!account) return reply;
    const order = ownOrder(req, account.id);
    if (!order) return site.errorPage(req, reply, 404);
    const body = req.body;
    const form = { reason: formValue(body, 'reason'), body: formValue(body, 'body').slice(0, 3000) };
    try {
      site.checkForm(req, reply);
      if (!o.complaint.allowed(o.view(req, order))) throw new FormError('field.form', o.complaint.notAllowed);
      const reason = readChoice(body, 'reason', 'field.reason', o.reasons);
      const text = readText(body, 'body', { label: o.complaint.textLabel, min: o.complaint.minText, max: 2000, multiline: true });
      store.addDispute(o.marketId, order.id, account.id, reason, text, chain.now());
      store.setOrderState(order.id, 'disputed');
      return site.redirect(req, reply, `${o.orderPath}/${encodeURIComponent(order.id)}`);
    } catch (err) {
      if (err instanceof FormError) return orderPage(req, reply, store.order(order.id)!, { form, formError: site.formMessage(req, err) }, 400);
      throw err;
    }
  });

  return { ownOrder };
}
