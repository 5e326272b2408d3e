// Orders placed on the market sites of a live lab are live orders: the live world gives the deposit
// address and the amount, the order page follows the live order's states block by block, links to
// the lab wallet's filled-in send form, and no deposit key is handed out twice.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../lab/server.ts';
import { Ledger } from '../../chain/ledger.ts';
import { loadPools } from '../../chain/pools.ts';
import { BlockProducer } from '../../chain/producer.ts';
import { Darkweb } from '../../market/darkweb.ts';
import { OnionRegistry } from '../../market/browser/index.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { formatBtc } from '../../market/sites/kit/format.ts';
import { productDistricts } from '../../market/sites/shop-market/content.ts';
import { SiteClient, textOf, unescapeHtml } from '../market/sites-world.ts';
import { smallWorldFile, listingOf } from './live.fixture.ts';

let ledger: Ledger;
let app: FastifyInstance;
let producer: BlockProducer;
/** A second view of the same world's sites, for captcha secrets and the deposit allocator. */
let darkweb: Darkweb;

beforeAll(async () => {
  ledger = Ledger.open(smallWorldFile());
  app = await buildServer({ ledger });
  producer = new BlockProducer(ledger, { intervalMs: 0, pools: loadPools(ledger), onBlock: (b) => app.live.onBlock(b) });
  darkweb = new Darkweb({ db: ledger.db, seed: ledger.settings.seed, registry: new OnionRegistry(), warmKeys: false, live: app.live });
}, 120_000);

afterAll(async () => {
  await app.close();
  darkweb.close();
  ledger.close();
});

const mine = () => producer.mineNow().height;

/** Funds a lab wallet and pays `sats` to `address` from it (the lab wallet page does the same). */
function payFromLabWallet(owner: string, address: string, sats: number): string {
  app.live.fund(owner, sats + 500_000);
  mine();
  return app.live.send(owner, address, sats, 5).txid;
}

describe('orders on a live lab\'s market sites', () => {
  it('escrow: the live world places the order; the page follows awaiting → unconfirmed → paid → shipped', async () => {
    const base = '/sites/silkway';
    const c = new SiteClient(app, new Captcha(darkweb.siteSecret('silkway')));
    expect((await c.register(base, 'undercover_1')).statusCode).toBe(303);
    const listing = listingOf(ledger, 'silkway', false);
    await c.get(`${base}/listing/${listing.id}`);
    const res = await c.post(`${base}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '1' });
    expect(res.statusCode).toBe(303);
    const orderId = decodeURIComponent(String(res.headers.location).split('/orders/')[1]);
    const live = app.live.order(orderId)!;
    expect(live).not.toBeNull();
    expect(live.buyerRef).toBe('site:silkway/account:' + darkweb.store.order(orderId)!.accountId);
    expect(darkweb.store.order(orderId)!.depositAddress).toBe(live.depositAddress);
    expect(darkweb.store.order(orderId)!.amountSats).toBe(live.amountSats);

    let page = await c.get(`${base}/orders/${orderId}`);
    expect(textOf(page.body, 'deposit-address')).toBe(live.depositAddress);
    expect(textOf(page.body, 'order-status')).toBe('Awaiting payment');
    expect(textOf(page.body, 'pay-from-wallet')).toBe('Pay from your lab wallet');
    const href = unescapeHtml(/id="pay-from-wallet" href="([^"]+)"/.exec(page.body)![1]);
    const url = new URL(href, 'http://lab/');
    expect(url.pathname).toBe('/wallet/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ to: live.depositAddress, amount: formatBtc(live.amountSats), order: orderId });

    payFromLabWallet('trainee-escrow', live.depositAddress, live.amountSats);
    page = await c.get(`${base}/orders/${orderId}`);
    expect(textOf(page.body, 'order-status')).toBe('Payment seen (unconfirmed)');
    expect(page.body).not.toContain('id="pay-from-wallet"');
    mine();
    page = await c.get(`${base}/orders/${orderId}`);
    expect(textOf(page.body, 'order-status')).toBe('Paid (in escrow)');
    for (let i = 0; i < 3 && app.live.order(orderId)!.state === 'paid'; i++) mine();
    page = await c.get(`${base}/orders/${orderId}`);
    expect(textOf(page.body, 'order-status')).toBe('Shipped');
  });

  it('shop: the order reaches klad_ready and shows the drop only then', async () => {
    const base = '/sites/polarnaya';
    const c = new SiteClient(app, new Captcha(darkweb.siteSecret('polarnaya')));
    expect((await c.register(base, 'undercover_2')).statusCode).toBe(303);
    const listing = darkweb.data!.listing(listingOf(ledger, 'polarnaya', true).id)!;
    await c.get(`${base}/product/${listing.id}`);
    const res = await c.post(`${base}/product/${listing.id}/order`, { _csrf: c.csrf(), district: productDistricts(darkweb.seed, listing)[0].slug, pay: 'btc' });
    expect(res.statusCode).toBe(303);
    const orderId = decodeURIComponent(String(res.headers.location).split('/order/')[1]);
    const live = app.live.order(orderId)!;
    let page = await c.get(`${base}/order/${orderId}`);
    expect(textOf(page.body, 'deposit-address')).toBe(live.depositAddress);
    expect(page.body).toContain('id="pay-from-wallet"');
    expect(page.body).not.toContain('id="klad"');

    payFromLabWallet('trainee-shop', live.depositAddress, live.amountSats);
    mine();
    page = await c.get(`${base}/order/${orderId}`);
    expect(page.body).toContain('data-status="paid"');
    expect(page.body).not.toContain('id="klad"');
    for (let i = 0; i < 3 && app.live.order(orderId)!.state === 'paid'; i++) mine();
    page = await c.get(`${base}/order/${orderId}`);
    expect(page.body).toMatch(/data-status="(klad_ready|finalized)"/);
    expect(page.body).toContain('id="klad"');
  });

  it('the sites and the live world hand out each deposit key once', () => {
    const listing = listingOf(ledger, 'silkway', false);
    const a = app.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'script' });
    const b = darkweb.orderDepositAddress('silkway');
    const c = app.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'script' });
    expect(new Set([a.depositAddress, b.address, c.depositAddress]).size).toBe(3);
    expect(b.keyIndex).toBe(a.order.depositKeyIndex + 1);
    expect(c.order.depositKeyIndex).toBe(b.keyIndex + 1);
  });
});
