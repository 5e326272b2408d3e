// What a phishing clone is made of: the real market's own site code fed a swapped data source.
// Everything reads through to the real Darkweb (catalogue, vendors, vendor keys, accounts — a
// pass-through clone relays logins, so the real market's accounts work on it) except
//   - order deposit addresses: the phisher's (PhishingDeposits);
//   - the market key that signs /mirrors.txt and the canary, and shows on /pgp: the phisher's own;
//   - the captcha secret;
//   - orders, messages and disputes placed on the clone, kept apart from the real market's under a
//     site tag of their own (the real market never hears of them), numbered in the market's format;
//   - payments to an order's address count only from when the clone handed it out.
import type { Darkweb } from '../../darkweb.ts';
import type { GeneratedKey } from '../../pgp/index.ts';
import type { ChainView, AddressPayment } from '../kit/chain.ts';
import type { LabOrder, LabStore, Message } from '../kit/store.ts';
import type { MarketInfo } from '../kit/data.ts';
import type { PhishingDeposits } from './deposits.ts';
import type { PhishingClonePlan } from './clones.ts';

/**
 * The clone numbers its orders in the market's format but far ahead of the market's own numbers,
 * so the two never hand out the same order id (the lab keeps both in one table).
 */
export const CLONE_ORDER_OFFSET = 400_000;

/** The lab store as the clone sees it: shared accounts, its own orders, messages and disputes. */
export function cloneStore(store: LabStore, marketId: string, tag: string): LabStore {
  const mapOrder = (o: LabOrder | undefined): LabOrder | undefined => {
    if (!o) return undefined;
    // The real market's orders do not exist on the clone; the clone's show under the market's id.
    if (o.site !== tag) return { ...o, site: `${o.site}#elsewhere` };
    return { ...o, site: marketId };
  };
  const mapMessage = (m: Message): Message => ({ ...m, site: marketId });
  const siteOf = (site: string) => (site === marketId ? tag : site);
  const s = Object.create(store) as LabStore;
  Object.assign(s, {
    nextOrderId(site: string, market: string, worldOrders: number): string {
      return store.nextOrderId(siteOf(site), market, worldOrders + CLONE_ORDER_OFFSET);
    },
    createOrder(o: Parameters<LabStore['createOrder']>[0]): LabOrder {
      return mapOrder(store.createOrder({ ...o, site: siteOf(o.site) }))!;
    },
    order(id: string): LabOrder | undefined {
      return mapOrder(store.order(id));
    },
    orders(site: string, accountId: number, offset?: number, limit?: number) {
      const page = store.orders(siteOf(site), accountId, offset, limit);
      return { total: page.total, items: page.items.map((o) => mapOrder(o)!) };
    },
    addMessage(m: Omit<Message, 'id'>): Message {
      return mapMessage(store.addMessage({ ...m, site: siteOf(m.site) }));
    },
    messages(site: string, accountId: number, offset?: number, limit?: number) {
      const page = store.messages(siteOf(site), accountId, offset, limit);
      return { total: page.total, items: page.items.map(mapMessage) };
    },
    message(site: string, accountId: number, id: number): Message | undefined {
      const m = store.message(siteOf(site), accountId, id);
      return m ? mapMessage(m) : undefined;
    },
    addDispute(site: string, orderId: string, accountId: number, reason: string, body: string, at: number) {
      return store.addDispute(siteOf(site), orderId, accountId, reason, body, at);
    },
  } satisfies Partial<LabStore>);
  return s;
}

/** The chain as the clone's order pages read it: payments count from the moment the address was handed out. */
export function cloneChain(chain: ChainView, deposits: PhishingDeposits): ChainView {
  const c = Object.create(chain) as ChainView;
  Object.assign(c, {
    paymentsTo(address: string): AddressPayment[] {
      return deposits.paymentsSinceIssued(address, chain.paymentsTo(address));
    },
  } satisfies Partial<ChainView>);
  return c;
}

export interface SwappedSourceParts {
  plan: PhishingClonePlan;
  deposits: PhishingDeposits;
  /** The phisher's key, posing as the market's. */
  phisherKey: () => Promise<GeneratedKey>;
}

/** The real Darkweb with the clone's parts swapped in (see the top of this file). */
export function swappedDarkweb(darkweb: Darkweb, parts: SwappedSourceParts): Darkweb {
  const { plan, deposits, phisherKey } = parts;
  const tag = `clone:${plan.siteId}`;
  const d = Object.create(darkweb) as Darkweb;
  const own = (name: string, value: unknown) => Object.defineProperty(d, name, { value, enumerable: true });
  own('store', cloneStore(darkweb.store, plan.market.id, tag));
  own('chain', cloneChain(darkweb.chain, deposits));
  own('orderDepositAddress', (marketId: string, orderId: string | null = null) => {
    if (marketId !== plan.market.id) throw new RangeError(`this clone copies ${plan.market.id}, not ${JSON.stringify(marketId)}`);
    return deposits.next(orderId);
  });
  own('marketKey', (market: MarketInfo) => {
    if (market.id !== plan.market.id) return darkweb.marketKey(market);
    return phisherKey();
  });
  own('siteSecret', (id: string) => darkweb.siteSecret(`${tag}/${id}`));
  return d;
}
