// The undercover purchase in a real (headless) browser, on a small generated world served as the lab
// serves it (buildServer, live world included): open the onion browser, type the escrow market's
// onion, register (the captcha is read as the test's own knowledge of the world seed, not through
// any back door), open a listing, order, follow "Pay from your lab wallet" to /wallet/, request the
// allowance, mine, pay, mine, see the order paid on the market and the payment on the explorer.
// Any request to a host other than 127.0.0.1 fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildServer } from '../../lab/server.ts';
import { Ledger } from '../../chain/ledger.ts';
import { loadPools } from '../../chain/pools.ts';
import { BlockProducer } from '../../chain/producer.ts';
import { Darkweb } from '../../market/darkweb.ts';
import { OnionRegistry } from '../../market/browser/index.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { formatBtc } from '../../market/sites/kit/format.ts';
import { smallWorldFile, listingOf } from '../live/live.fixture.ts';
import { haveChromium, launchChromium, localOnlyContext, warnIfMissing } from './chromium.ts';

warnIfMissing('undercover purchase browser test');

describe.skipIf(!haveChromium)('the undercover purchase in a browser', () => {
  let ledger: Ledger;
  let app: FastifyInstance;
  let producer: BlockProducer;
  /** The same world's sites seen from the test: the market's onion and its captcha secret. */
  let darkweb: Darkweb;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const offHost: string[] = [];
  const pageErrors: string[] = [];

  const mine = () => producer.mineNow().height;

  async function addressShows(url: string): Promise<void> {
    await page.waitForFunction((u) => (globalThis as any).document.getElementById('address')?.getAttribute('data-url') === u, url);
  }

  beforeAll(async () => {
    ledger = Ledger.open(smallWorldFile());
    app = await buildServer({ ledger });
    producer = new BlockProducer(ledger, { intervalMs: 0, pools: loadPools(ledger), onBlock: (b) => app.live.onBlock(b) });
    darkweb = new Darkweb({ db: ledger.db, seed: ledger.settings.seed, registry: new OnionRegistry(), warmKeys: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await localOnlyContext(browser, offHost);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    darkweb?.close();
    ledger?.close();
  });

  it('registers, orders, pays from the lab wallet, and sees the order paid and the payment on the explorer', async () => {
    const onion = darkweb.site('silkway')!.onion;
    const frame = page.frameLocator('#view');

    // The market, typed into the onion browser's address bar.
    await page.goto(`${origin}/browser/`);
    await page.fill('#address', `${onion}.onion`);
    await page.press('#address', 'Enter');
    await addressShows(`http://${onion}.onion/`);
    expect(await frame.locator('#site-name').textContent()).toBe('Silkway Bazaar');

    // Register, answering the captcha for this browser's session.
    await frame.locator('#nav-register').click();
    await addressShows(`http://${onion}.onion/register`);
    const sid = (await context.cookies()).find((c) => c.name === 'sid' && c.path.startsWith(`/onion/${onion}`));
    expect(sid).toBeDefined();
    const round = Number(await frame.locator('input[name="captcha_round"]').getAttribute('value'));
    await frame.locator('#handle').fill('undercover_officer');
    await frame.locator('#password').fill('correct horse battery');
    await frame.locator('#password2').fill('correct horse battery');
    await frame.locator('#captcha').fill(new Captcha(darkweb.siteSecret('silkway')).answer(sid!.value, round));
    await frame.locator('#register-form button[type="submit"]').click();
    await page.waitForFunction(() => !(globalThis as any).document.getElementById('address')?.getAttribute('data-url')?.endsWith('/register'));
    expect(await frame.locator('#register-form').count()).toBe(0);

    // A listing, and an order of one.
    const listing = listingOf(ledger, 'silkway', false);
    await page.fill('#address', `${onion}.onion/listing/${listing.id}`);
    await page.press('#address', 'Enter');
    await addressShows(`http://${onion}.onion/listing/${listing.id}`);
    await frame.locator('#order-form button[type="submit"]').click();
    await frame.locator('#order-status').waitFor();
    expect(await frame.locator('#order-status').textContent()).toBe('Awaiting payment');
    const orderId = (await frame.locator('article[data-order]').getAttribute('data-order'))!;
    const order = app.live.order(orderId)!;
    expect(order.state).toBe('awaiting_payment');
    expect(await frame.locator('#deposit-address').textContent()).toBe(order.depositAddress);

    // "Pay from your lab wallet" opens the wallet with the send form filled in.
    const [wallet] = await Promise.all([context.waitForEvent('page'), frame.locator('#pay-from-wallet').click()]);
    await wallet.waitForLoadState();
    expect(new URL(wallet.url()).pathname).toBe('/wallet/');
    const payUrl = wallet.url();
    expect(await wallet.inputValue('#send-address')).toBe(order.depositAddress);
    expect(await wallet.inputValue('#send-amount')).toBe(formatBtc(order.amountSats));

    // The allowance from the treasury, confirmed by a block.
    await wallet.click('#allowance-form button[type="submit"]');
    await wallet.locator('#notice').waitFor();
    mine();
    await wallet.goto(payUrl);
    expect(await wallet.inputValue('#send-address')).toBe(order.depositAddress);
    expect(Number.parseFloat((await wallet.textContent('#confirmed'))!)).toBeGreaterThan(order.amountSats / 1e8);

    // Pay, and mine the payment.
    await wallet.click('#send-form button[type="submit"]');
    await wallet.locator('#notice a').waitFor();
    const txid = (await wallet.textContent('#notice a'))!.trim();
    expect(txid).toMatch(/^[0-9a-f]{64}$/);
    expect(app.live.order(orderId)!.state).toBe('paid_unconfirmed');
    mine();

    // The market's order page, reloaded in the onion browser: paid.
    await page.click('#reload');
    await frame.locator('article[data-status="paid"]').waitFor();
    expect(await frame.locator('#order-status').textContent()).toBe('Paid (in escrow)');
    expect(app.live.order(orderId)!.paymentTxid).toBe(txid);

    // The payment on the explorer, from the wallet's own link.
    await wallet.click('#notice a');
    await wallet.waitForURL(`${origin}/explorer/tx/${txid}`);
    const explorer = await wallet.textContent('body');
    expect(explorer).toContain(txid);
    expect(explorer).toContain(order.depositAddress);

    expect(offHost).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
