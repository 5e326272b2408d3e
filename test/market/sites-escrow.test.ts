// The escrow market's site against a small generated world: every page and state through inject —
// catalogue, search and filters, listings, vendors with their keys, accounts behind the captcha,
// messages (plain and PGP), orders with deposit addresses, disputes, and the signed documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptWith, groupFingerprint, verifyClearSigned } from '../../market/pgp/index.ts';
import { isValidAddress } from '../../chain/address.ts';
import { usdToSats } from '../../sim/calibration/btc-usd.ts';
import { onionUrl } from '../../market/browser/index.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { formatBtc } from '../../market/sites/kit/format.ts';
import type { MarketInfo } from '../../market/sites/kit/data.ts';
import { TRAINING_MARK } from '../../market/sites/kit/mark.ts';
import { SiteClient, buildSitesLab, textOf, unescapeHtml, type SitesLab } from './sites-world.ts';

const BASE = '/sites/silkway';
const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

let lab: SitesLab;
let market: MarketInfo;
let captcha: Captcha;
const get = (url: string) => lab.app.inject({ url });
const client = () => new SiteClient(lab.app, captcha);

beforeAll(async () => {
  lab = await buildSitesLab();
  market = lab.darkweb.market('silkway')!;
  captcha = new Captcha(lab.darkweb.siteSecret('silkway'));
});
afterAll(async () => lab?.close());

describe('catalogue', () => {
  it('home shows the market, categories with their counts and the best sellers', async () => {
    const res = await get(`${BASE}/`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain(TRAINING_MARK);
    expect(textOf(res.body, 'site-name')).toBe('Silkway Bazaar');
    const counts = lab.darkweb.data!.categoryCounts(market);
    expect(counts.length).toBeGreaterThan(2);
    const rows = lab.ledger.db.prepare('SELECT category, COUNT(*) AS n FROM gt_market_listings WHERE market_entity_id = ? GROUP BY category').all(market.entityId) as { category: string; n: number }[];
    for (const r of rows) {
      expect(res.body).toContain(`href="${BASE}/category/${r.category}"`);
      expect(res.body).toMatch(new RegExp(`cat-${r.category}"[^]*?<span class="count">${r.n}</span>`));
    }
    const top = lab.darkweb.data!.listings(market, { sort: 'popular', limit: 1 }).items[0];
    expect(res.body).toContain(`data-listing="${top.id}"`);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('a category page lists only that category, with pagination and the slang', async () => {
    const [{ category, count }] = lab.darkweb.data!.categoryCounts(market);
    const res = await get(`${BASE}/category/${category}`);
    expect(res.statusCode).toBe(200);
    const ids = [...res.body.matchAll(/data-listing="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(Math.min(24, count));
    for (const id of ids) expect(lab.darkweb.data!.listing(id)!.category).toBe(category);
    // Each card links to its own listing, vendor and image.
    for (const m of res.body.matchAll(/<article class="listing-card" data-listing="([^"]+)">([\s\S]*?)<\/article>/g)) {
      const l = lab.darkweb.data!.listing(m[1])!;
      expect(m[2]).toContain(`<a class="listing-link" href="${BASE}/listing/${l.id}">`);
      expect(m[2]).toContain(`src="${BASE}/art/${l.id}.svg"`);
      expect(m[2]).toContain(`href="${BASE}/vendor/${l.vendorHandle}"`);
    }
    if (count > 24) {
      // Numbered page links and next/previous all lead to their page.
      const links = [...unescapeHtml(res.body).matchAll(/<nav class="pager"[\s\S]*?<\/nav>/g)][0][0];
      expect(links).toContain(`<a href="${BASE}/category/${category}?page=2">2</a>`);
      expect(links).toContain(`rel="next" href="${BASE}/category/${category}?page=2"`);
      const p2 = await get(`${BASE}/category/${category}?page=2`);
      const ids2 = [...p2.body.matchAll(/data-listing="([^"]+)"/g)].map((m) => m[1]);
      expect(ids2.some((id) => ids.includes(id))).toBe(false);
    }
    expect((await get(`${BASE}/category/weapons`)).statusCode).toBe(404);
  });

  it('search filters by text, origin, destination, price, payment and sorts', async () => {
    const data = lab.darkweb.data!;
    const any = data.listings(market, { limit: 1000 }).items.find((l) => !l.digital)!;
    const word = any.title.split(' ')[0];
    const q = await get(`${BASE}/search?q=${encodeURIComponent(word)}`);
    expect(q.statusCode).toBe(200);
    const found = [...q.body.matchAll(/data-listing="([^"]+)"/g)].map((m) => data.listing(m[1])!);
    expect(found.length).toBeGreaterThan(0);
    for (const l of found) expect(`${l.title} ${l.vendorHandle}`.toLowerCase()).toContain(word.toLowerCase());

    const from = await get(`${BASE}/search?from=${any.shipsFrom}&to=${encodeURIComponent(any.shipsTo!)}`);
    for (const m of from.body.matchAll(/data-listing="([^"]+)"/g)) {
      expect(data.listing(m[1])!.shipsFrom).toBe(any.shipsFrom);
      expect(data.listing(m[1])!.shipsTo).toBe(any.shipsTo);
    }
    const all = await get(`${BASE}/search?sort=price-asc`);
    const total = data.listings(market, { limit: 0 }).total;
    expect(total).toBeGreaterThan(48);
    const pager = /<nav class="pager"[\s\S]*?<\/nav>/.exec(unescapeHtml(all.body))![0];
    expect(pager).toContain(`<a href="${BASE}/search?sort=price-asc&page=2">2</a>`);
    expect(pager).toContain(`<a href="${BASE}/search?sort=price-asc&page=${Math.ceil(total / 24)}">${Math.ceil(total / 24)}</a>`);
    const cheap = await get(`${BASE}/search?min=10&max=50&sort=price-asc`);
    const prices = [...cheap.body.matchAll(/data-listing="([^"]+)"/g)].map((m) => data.listing(m[1])!.priceUsd);
    for (const p of prices) expect(p >= 10 && p <= 50).toBe(true);
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    const fe = await get(`${BASE}/search?payment=fe`);
    for (const m of fe.body.matchAll(/data-listing="([^"]+)"/g)) expect(data.listing(m[1])!.finalizeEarly).toBe(true);
    const escrow = await get(`${BASE}/search?payment=escrow`);
    for (const m of escrow.body.matchAll(/data-listing="([^"]+)"/g)) expect(data.listing(m[1])!.finalizeEarly).toBe(false);
  });

  it('bad search input is a 400 with a clear message', async () => {
    const bad = async (qs: string, message: RegExp) => {
      const res = await get(`${BASE}/search?${qs}`);
      expect(res.statusCode).toBe(400);
      expect(textOf(res.body, 'form-error')).toMatch(message);
    };
    await bad('min=cheap', /Minimum price \(USD\): enter an amount such as 25 or 19\.99\./);
    await bad('min=90&max=10', /minimum price is higher than the maximum/);
    await bad('category=weapons', /Category: choose one of the listed options\./);
    await bad('sort=random', /Sort by: choose one/);
    await bad('page=0', /Page: enter a value from 1 to 10000\./);
    await bad(`q=${'x'.repeat(101)}`, /Search: too long \(at most 100 characters\)\./);
  });

  it('escapes hostile search text wherever it is echoed', async () => {
    const res = await get(`${BASE}/search?q=${encodeURIComponent(HOSTILE)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(textOf(res.body, 'search-echo')).toBe(HOSTILE);
  });

  it('a listing shows price in USD and BTC at the world date, vendor, shipping, stock and its feedback', async () => {
    const data = lab.darkweb.data!;
    const listing = data.listings(market, { sort: 'popular', limit: 1 }).items[0];
    const res = await get(`${BASE}/listing/${listing.id}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body, 'listing-title')).toBe(listing.title);
    expect(textOf(res.body, 'price-usd')).toBe(`$${listing.priceUsd.toFixed(2)}`);
    const now = lab.darkweb.chain.now();
    expect(textOf(res.body, 'price-btc')).toBe(formatBtc(usdToSats(listing.priceUsd, Math.floor(now / 3600) * 3600)));
    expect(res.body).toContain(`href="${BASE}/vendor/${listing.vendorHandle}"`);
    expect(Number(textOf(res.body, 'stock')!.replace(/\D/g, ''))).toBeGreaterThan(0);
    const feedback = lab.ledger.db
      .prepare("SELECT COUNT(*) AS n FROM gt_market_orders WHERE listing_id = ? AND feedback IS NOT NULL")
      .get(listing.id) as { n: number };
    expect(res.body).toContain(`Feedback (${feedback.n})`);
    expect((res.body.match(/class="review review-/g) ?? []).length).toBe(Math.min(10, feedback.n));
    expect(res.body).toContain(listing.finalizeEarly ? 'badge-fe' : 'badge-escrow');
    expect(res.body).toContain('id="login-to-order"');
    const art = await get(`${BASE}/art/${listing.id}.svg`);
    expect(art.statusCode).toBe(200);
    expect(art.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(art.body).toContain(TRAINING_MARK);
    expect(art.body).not.toMatch(/href=|<script|<image/);
  });

  it('unknown listings, vendors and paths are 404 pages with the mark', async () => {
    for (const url of [`${BASE}/listing/nope`, `${BASE}/vendor/nobody-here`, `${BASE}/nothing`, `${BASE}/art/nope.svg`]) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain(TRAINING_MARK);
      expect(res.body).toContain('Page not found');
    }
    const shop = lab.darkweb.data!.listings(lab.darkweb.market('polarnaya')!, { limit: 1 }).items[0];
    expect((await get(`${BASE}/listing/${shop.id}`)).statusCode).toBe(404);
  });
});

describe('vendors', () => {
  it('a profile shows handle, join date, sales, rating, terms and the full PGP key', async () => {
    const data = lab.darkweb.data!;
    const vendor = [...data.vendors(market)].sort((a, b) => b.sales - a.sales)[0];
    const res = await get(`${BASE}/vendor/${vendor.handle}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body, 'vendor-handle')).toBe(vendor.handle);
    expect(textOf(res.body, 'vendor-joined')).toBe(vendor.joined);
    const sales = lab.ledger.db
      .prepare("SELECT COUNT(*) AS n FROM gt_market_orders WHERE vendor_entity_id = ? AND state NOT IN ('awaiting_payment', 'expired')")
      .get(vendor.entityId) as { n: number };
    expect(textOf(res.body, 'vendor-sales')).toBe(sales.n.toLocaleString('en-US'));
    expect(textOf(res.body, 'vendor-rating')).toBe(`${(vendor.rating * 100).toFixed(1)}%`);
    const key = await lab.darkweb.vendorKey(vendor);
    expect(res.body).toContain(groupFingerprint(key.fingerprint));
    expect(res.body).toContain(key.keyId);
    expect(key.created.toISOString().slice(0, 10)).toBe(vendor.joined);
    expect(unescapeHtml(/<pre class="pgp-block">([^<]*)<\/pre>/.exec(res.body)![1])).toBe(key.publicArmored);
    const asc = await get(`${BASE}/vendor/${vendor.handle}/pgp.asc`);
    expect(asc.body).toBe(key.publicArmored);
    // Vendors' keys are the same for every lab that serves this world.
    expect((await lab.darkweb.vendorKey(vendor)).fingerprint).toBe(key.fingerprint);
  });

  it('feedback pages list the vendor\'s feedback, newest first, 20 a page', async () => {
    const vendor = [...lab.darkweb.data!.vendors(market)].sort((a, b) => b.positive + b.negative - (a.positive + a.negative))[0];
    const res = await get(`${BASE}/vendor/${vendor.handle}/feedback`);
    expect(res.statusCode).toBe(200);
    const rows = (res.body.match(/class="review review-/g) ?? []).length;
    expect(rows).toBe(Math.min(20, vendor.positive + vendor.negative));
    const dates = [...res.body.matchAll(/<td>(\d{4}-\d{2}-\d{2})<\/td>/g)].map((m) => m[1]);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect((await get(`${BASE}/vendor/${vendor.handle}/feedback?page=abc`)).statusCode).toBe(400);
    expect((await get(`${BASE}/vendors`)).body).toContain(`href="${BASE}/vendor/${vendor.handle}"`);
  });
});

describe('accounts', () => {
  it('registration checks the form token, the fields and the captcha, each with a clear 400', async () => {
    const c = client();
    const form = await c.get(`${BASE}/register`);
    expect(form.statusCode).toBe(200);
    expect(unescapeHtml(form.body)).toContain(`src="${BASE}/captcha.svg?r=0"`);
    const img = await c.get(`${BASE}/captcha.svg?r=0`);
    expect(img.headers['content-type']).toMatch(/image\/svg\+xml/);
    const ok = { handle: 'trainee_01', password: 'a long password', password2: 'a long password' };

    let res = await c.post(`${BASE}/register`, { ...ok, ...c.captchaFields() });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toMatch(/session has expired or the form is out of date/);

    res = await c.post(`${BASE}/register`, { ...ok, _csrf: c.csrf(), captcha_round: /name="captcha_round" value="(\d+)"/.exec(res.body)![1], captcha: 'WRONG' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('The captcha answer was wrong. A new image has been generated — try again.');

    res = await c.post(`${BASE}/register`, { ...ok, handle: HOSTILE, _csrf: c.csrf(), ...c.captchaFields() });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toMatch(/Username: 3 to 24 characters/);
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('value="&lt;script&gt;');

    res = await c.post(`${BASE}/register`, { ...ok, password2: 'something else', _csrf: c.csrf(), ...c.captchaFields() });
    expect(textOf(res.body, 'form-error')).toMatch(/passwords do not match/);
    res = await c.post(`${BASE}/register`, { ...ok, password: 'short', password2: 'short', _csrf: c.csrf(), ...c.captchaFields() });
    expect(textOf(res.body, 'form-error')).toBe('Password: too short (at least 8 characters).');

    // A captcha answer is good for one attempt only.
    const stale = c.captchaFields();
    res = await c.post(`${BASE}/register`, { ...ok, _csrf: c.csrf(), ...stale });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/`);
    const home = await c.get(`${BASE}/`);
    expect(home.body).toContain('Logged in as trainee_01');

    const again = client();
    await again.get(`${BASE}/register`);
    res = await again.post(`${BASE}/register`, { ...ok, handle: 'TRAINEE_01', _csrf: again.csrf(), ...again.captchaFields() });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('This username is already taken. Choose another one.');
  });

  it('login needs the right password and captcha; logout ends the session', async () => {
    const a = client();
    expect((await a.register(BASE, 'login_tester')).statusCode).toBe(303);
    const b = client();
    await b.get(`${BASE}/login`);
    let res = await b.post(`${BASE}/login`, { _csrf: b.csrf(), handle: 'login_tester', password: 'wrong password', ...b.captchaFields() });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('Wrong username or password.');
    res = await b.post(`${BASE}/login`, { _csrf: b.csrf(), handle: 'login_tester', password: 'correct horse battery', captcha_round: '0', captcha: captcha.answer(b.cookie('sid')!, 0) });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toMatch(/captcha answer was wrong/);
    res = await b.post(`${BASE}/login`, { _csrf: b.csrf(), handle: 'login_tester', password: 'correct horse battery', next: '/orders', ...b.captchaFields() });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/orders`);
    expect((await b.get(`${BASE}/orders`)).statusCode).toBe(200);
    res = await b.post(`${BASE}/logout`, { _csrf: b.csrf() });
    expect(res.statusCode).toBe(303);
    const after = await b.get(`${BASE}/orders`);
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe(`${BASE}/login?next=%2Forders`);
    // An open redirect is refused: ?next= must be a path of this site.
    const c = client();
    await c.get(`${BASE}/login?next=//evil.example/`);
    expect(c.last!.body).toContain('name="next" value="/"');
  });

  it('accounts are stored in the lab tables, with a password hash', () => {
    const row = lab.ledger.db.prepare("SELECT handle, pass_hash FROM lab_site_accounts WHERE site = 'silkway' AND handle = 'login_tester'").get() as { handle: string; pass_hash: string };
    expect(row.handle).toBe('login_tester');
    expect(row.pass_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.pass_hash).not.toContain('correct horse');
  });
});

describe('messages', () => {
  it('needs an account', async () => {
    const res = await get(`${BASE}/messages`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/login?next=%2Fmessages`);
  });

  it('sends a plain message (escaped when shown) and a PGP-encrypted one the vendor key can read', async () => {
    const c = client();
    await c.register(BASE, 'buyer_msgs');
    const vendor = lab.darkweb.data!.vendors(market)[0];
    const compose = await c.get(`${BASE}/messages/new?to=${encodeURIComponent(vendor.handle)}`);
    expect(compose.statusCode).toBe(200);
    expect(compose.body).toContain(`value="${vendor.handle}"`);

    let res = await c.post(`${BASE}/messages`, { _csrf: c.csrf(), to: vendor.handle, subject: HOSTILE, body: `hello\n${HOSTILE}` });
    expect(res.statusCode).toBe(303);
    const shown = await c.get(res.headers.location as string);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain('<script>alert');
    expect(textOf(shown.body, 'message-subject')).toBe(HOSTILE);
    expect(textOf(shown.body, 'message-body')).toBe(`hello\n${HOSTILE}`);

    await c.get(`${BASE}/messages/new`);
    res = await c.post(`${BASE}/messages`, { _csrf: c.csrf(), to: vendor.handle, subject: 'address', body: 'Flat 1, Example street', encrypt: '1' });
    expect(res.statusCode).toBe(303);
    const secret = await c.get(res.headers.location as string);
    const armored = textOf(secret.body, 'message-body')!;
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(armored).not.toContain('Example street');
    const key = await lab.darkweb.vendorKey(vendor);
    expect(await decryptWith(key.privateArmored, armored)).toBe('Flat 1, Example street');

    const list = await c.get(`${BASE}/messages`);
    expect((list.body.match(/href="\/sites\/silkway\/messages\/\d+"/g) ?? []).length).toBe(2);
  });

  it('refuses unknown vendors and empty messages with a 400', async () => {
    const c = client();
    await c.register(BASE, 'buyer_bad_msgs');
    await c.get(`${BASE}/messages/new`);
    let res = await c.post(`${BASE}/messages`, { _csrf: c.csrf(), to: 'no_such_vendor', subject: 's', body: 'b' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('To (vendor): there is no vendor with this name on this market.');
    const vendor = lab.darkweb.data!.vendors(market)[0];
    res = await c.post(`${BASE}/messages`, { _csrf: c.csrf(), to: vendor.handle, subject: 's', body: '   ' });
    expect(textOf(res.body, 'form-error')).toBe('Message: this field is required.');
    expect((await c.get(`${BASE}/messages/new?to=nobody`)).statusCode).toBe(404);
    expect((await c.get(`${BASE}/messages/99999`)).statusCode).toBe(404);
  });
});

describe('orders', () => {
  it('placing an order gives a fresh address of the market deposit wallet, after the world\'s orders', async () => {
    const c = client();
    await c.register(BASE, 'buyer_orders');
    const data = lab.darkweb.data!;
    const listing = data.listings(market, { sort: 'price-asc', limit: 1 }).items[0];
    const page = await c.get(`${BASE}/listing/${listing.id}`);
    expect(page.body).toContain('id="order-form"');

    let res = await c.post(`${BASE}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '0' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toMatch(/^Quantity: enter a value from 1 to \d+\.$/);
    res = await c.post(`${BASE}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: 'two' });
    expect(textOf(res.body, 'form-error')).toBe('Quantity: enter a whole number.');

    res = await c.post(`${BASE}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '2' });
    expect(res.statusCode).toBe(303);
    const world = data.orderNumbering(market).count;
    const id = `silkway-${String(world + 1).padStart(6, '0')}`;
    expect(res.headers.location).toBe(`${BASE}/orders/${id}`);
    const order = lab.darkweb.store.order(id)!;
    expect(order.quantity).toBe(2);
    expect(order.amountUsd).toBeCloseTo(listing.priceUsd * 2, 2);
    expect(order.keyIndex).toBeGreaterThanOrEqual(world);
    expect(lab.darkweb.deposits!.addressAt(market, order.keyIndex).address).toBe(order.depositAddress);
    expect(isValidAddress(order.depositAddress, 'mainnet')).toBe(true);
    expect(lab.darkweb.chain.addressUsed(order.depositAddress)).toBe(false);

    const shown = await c.get(res.headers.location as string);
    expect(shown.statusCode).toBe(200);
    expect(textOf(shown.body, 'deposit-address')).toBe(order.depositAddress);
    expect(textOf(shown.body, 'order-btc')).toBe(formatBtc(order.amountSats));
    expect(textOf(shown.body, 'order-status')).toBe('Awaiting payment');

    res = await c.post(`${BASE}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '1' });
    const second = lab.darkweb.store.order(`silkway-${String(world + 2).padStart(6, '0')}`)!;
    expect(second.depositAddress).not.toBe(order.depositAddress);
    expect(second.keyIndex).toBe(order.keyIndex + 1);
    const list = await c.get(`${BASE}/orders`);
    expect(list.body).toContain(id);
    expect(list.body).toContain(second.id);
  });

  it('the world\'s own orders used the deposit keys just before the lab\'s', () => {
    const world = lab.darkweb.data!.orderNumbering(market);
    const last = lab.ledger.db.prepare('SELECT deposit_address AS a FROM gt_market_orders WHERE id = ?').get(world.last) as { a: string };
    expect(lab.darkweb.deposits!.addressAt(market, world.count - 1).address).toBe(last.a);
  });

  it('disputes: refused before payment, validated, then recorded', async () => {
    const c = client();
    await c.register(BASE, 'buyer_dispute');
    const listing = lab.darkweb.data!.listings(market, { limit: 1 }).items[0];
    await c.get(`${BASE}/listing/${listing.id}`);
    const placed = await c.post(`${BASE}/listing/${listing.id}/order`, { _csrf: c.csrf(), quantity: '1' });
    const url = placed.headers.location as string;
    const id = decodeURIComponent(url.split('/').pop()!);
    let page = await c.get(url);
    expect(page.body).not.toContain('id="dispute-form"');
    let res = await c.post(`${url}/dispute`, { _csrf: c.csrf(), reason: 'not_received', body: 'It never came, waited two weeks already.' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('A dispute can only be opened for a paid order that is not already in dispute.');

    lab.darkweb.store.notePayment(id, { txid: 'ab'.repeat(32), sats: 1, height: 1 });
    page = await c.get(url);
    expect(textOf(page.body, 'order-status')).toBe('Paid (in escrow)');
    expect(page.body).toContain('id="dispute-form"');
    res = await c.post(`${url}/dispute`, { _csrf: c.csrf(), reason: 'lost', body: 'It never came, waited two weeks already.' });
    expect(textOf(res.body, 'form-error')).toBe('Reason: choose one of the listed options.');
    res = await c.post(`${url}/dispute`, { _csrf: c.csrf(), reason: 'not_received', body: 'short' });
    expect(textOf(res.body, 'form-error')).toBe('What happened: too short (at least 20 characters).');
    res = await c.post(`${url}/dispute`, { _csrf: c.csrf(), reason: 'not_received', body: `Never arrived. ${HOSTILE}` });
    expect(res.statusCode).toBe(303);
    page = await c.get(url);
    expect(textOf(page.body, 'order-status')).toBe('In dispute');
    expect(page.body).not.toContain('<script>alert');
    expect(lab.darkweb.store.disputes(id)).toHaveLength(1);
    // Another buyer cannot see the order.
    const other = client();
    await other.register(BASE, 'nosy_buyer');
    expect((await other.get(url)).statusCode).toBe(404);
  });
});

describe('signed documents and rules', () => {
  it('/mirrors.txt verifies with the key the market key page shows, and lists every mirror', async () => {
    const page = await get(`${BASE}/pgp`);
    expect(page.statusCode).toBe(200);
    const key = unescapeHtml(/<pre class="pgp-block">([^<]*)<\/pre>/.exec(page.body)![1]);
    const mirrors = await get(`${BASE}/mirrors.txt`);
    expect(mirrors.headers['content-type']).toMatch(/text\/plain/);
    const v = await verifyClearSigned(mirrors.body, key);
    expect(v.valid).toBe(true);
    expect(v.reason).toBe('ok');
    const site = lab.darkweb.site('silkway')!;
    expect(site.addresses).toHaveLength(3);
    for (const a of site.addresses) expect(v.text).toContain(onionUrl(a));
    expect(v.text).toContain(TRAINING_MARK);
    expect(page.body).toContain(groupFingerprint(v.fingerprint!));
    const tampered = mirrors.body.replace(onionUrl(site.mirrors[0]), onionUrl(site.mirrors[1]));
    expect((await verifyClearSigned(tampered, key)).reason).toBe('altered');
    expect((await get(`${BASE}/pgp.asc`)).body).toBe(key);
    // The same bytes for the same world and day.
    expect((await get(`${BASE}/mirrors.txt`)).body).toBe(mirrors.body);
  });

  it('the canary is dated at the world date, names the latest block and verifies', async () => {
    const res = await get(`${BASE}/canary.txt`);
    const key = (await get(`${BASE}/pgp.asc`)).body;
    const v = await verifyClearSigned(res.body, key);
    expect(v.valid).toBe(true);
    const now = lab.darkweb.chain.now();
    expect(v.text).toContain(`Date: ${new Date(now * 1000).toISOString().slice(0, 10)}`);
    const block = lab.darkweb.chain.blockAtOrBefore(Math.floor(now / 86400) * 86400)!;
    expect(v.text).toContain(`Latest block: ${block.height} ${block.hash}`);
    const page = await get(`${BASE}/canary`);
    expect(page.statusCode).toBe(200);
    expect(unescapeHtml(page.body)).toContain('-----BEGIN PGP SIGNED MESSAGE-----');
  });

  it('rules list the banned categories as rules text only', async () => {
    const res = await get(`${BASE}/rules`);
    expect(res.statusCode).toBe(200);
    const banned = /<section class="banned" id="banned">([\s\S]*?)<\/section>/.exec(res.body)![1];
    for (const word of ['Weapons', 'Poisons', 'children']) expect(banned).toContain(word);
  });
});

describe('onion addresses, mirrors and language', () => {
  it('serves the site at each of its addresses, with links and cookies under the address used', async () => {
    const site = lab.darkweb.site('silkway')!;
    for (const address of site.addresses) {
      const res = await get(`/onion/${address}/`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`href="/onion/${address}/search"`);
      expect(res.body).not.toContain(`href="${BASE}/`);
    }
    const c = client();
    const reg = await c.get(`/onion/${site.mirrors[0]}/register`);
    expect(String(reg.headers['set-cookie'])).toContain(`Path=/onion/${site.mirrors[0]}`);
    // A forged address header cannot send links elsewhere.
    const forged = await lab.app.inject({ url: `${BASE}/`, headers: { 'x-onion-address': lab.darkweb.site('polarnaya')!.onion } });
    expect(forged.body).toContain(`href="${BASE}/search"`);
  });

  it('pages kept for anonymous visitors never reach a logged-in visitor, nor the other way round', async () => {
    const first = await get(`${BASE}/vendors`);
    expect((await get(`${BASE}/vendors`)).body).toBe(first.body);
    const c = client();
    await c.register(BASE, 'cache_check');
    const mine = await c.get(`${BASE}/vendors`);
    expect(mine.body).toContain('Logged in as cache_check');
    const anonymous = await get(`${BASE}/vendors`);
    expect(anonymous.body).not.toContain('cache_check');
    expect(anonymous.body).toContain('id="nav-login"');
    const ru = await get(`${BASE}/vendors?lang=ru`);
    expect(ru.body).toContain('<html lang="ru">');
  });

  it('?lang=ru renders Russian and keeps it in a cookie; ?lang=en switches back', async () => {
    const c = client();
    let res = await c.get(`${BASE}/?lang=ru`);
    expect(res.headers['set-cookie']).toMatch(/lang=ru; Max-Age=\d+; Path=\/sites\/silkway/);
    expect(res.body).toContain('<html lang="ru">');
    expect(res.body).toContain('Добро пожаловать на Silkway Bazaar');
    res = await c.get(`${BASE}/rules`);
    expect(res.body).toContain('Запрещено на площадке');
    res = await c.get(`${BASE}/rules?lang=en`);
    expect(res.body).toContain('Banned on this market');
    expect((await get(`${BASE}/`)).body).toContain('<html lang="en">');
  });
});
