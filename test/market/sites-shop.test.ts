// The dead-drop shop market's site against a small generated world: cities and their fictional
// districts, shops and reviews, product cards, the order paid through the market's exchanger or in
// BTC, the drop shown as a placeholder with a generated map (with planted GPS metadata for careless
// shops), complaints, the signed documents, and Russian as the default language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyClearSigned } from '../../market/pgp/index.ts';
import { onionUrl } from '../../market/browser/index.ts';
import { isValidAddress } from '../../chain/address.ts';
import { Captcha } from '../../market/sites/kit/captcha.ts';
import { formatBtc } from '../../market/sites/kit/format.ts';
import type { ListingInfo, MarketInfo } from '../../market/sites/kit/data.ts';
import { TRAINING_MARK } from '../../market/sites/kit/mark.ts';
import { cityDistricts, productDistricts } from '../../market/sites/shop-market/content.ts';
import { SiteClient, buildSitesLab, textOf, unescapeHtml, type SitesLab } from './sites-world.ts';

const BASE = '/sites/polarnaya';
const HOSTILE = '<script>alert("x")</script>';

let lab: SitesLab;
let market: MarketInfo;
let captcha: Captcha;
const get = (url: string) => lab.app.inject({ url });
const client = () => new SiteClient(lab.app, captcha);

beforeAll(async () => {
  lab = await buildSitesLab();
  market = lab.darkweb.market('polarnaya')!;
  captcha = new Captcha(lab.darkweb.siteSecret('polarnaya'));
});
afterAll(async () => lab?.close());

/** Places an order for `listing` as `c` and returns the order page URL. */
async function order(c: SiteClient, listing: ListingInfo, pay: 'exchanger' | 'btc'): Promise<string> {
  await c.get(`${BASE}/product/${listing.id}`);
  const district = productDistricts(lab.darkweb.seed, listing)[0].slug;
  const res = await c.post(`${BASE}/product/${listing.id}/order`, { _csrf: c.csrf(), district, pay });
  expect(res.statusCode).toBe(303);
  return res.headers.location as string;
}

describe('catalogue', () => {
  it('home is in Russian and lists the cities, shops, categories and the exchanger', async () => {
    const res = await get(`${BASE}/`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="ru">');
    expect(res.body).toContain(TRAINING_MARK);
    expect(textOf(res.body, 'site-name')).toBe('Полярная звезда');
    const cities = lab.darkweb.data!.cities(market);
    expect(cities.length).toBeGreaterThan(0);
    for (const city of cities) expect(res.body).toContain(`href="${BASE}/city/${encodeURIComponent(city)}"`);
    const x = lab.darkweb.exchanger('bystrokoin')!;
    expect(x.name).toBe('БыстроКоин');
    expect(res.body).toContain(onionUrl(x.onion));
    expect(res.body).toContain('Стимуляторы');
  });

  it('a city lists its fictional districts and its products, filtered by category and district', async () => {
    const city = lab.darkweb.data!.cities(market)[0];
    const url = `${BASE}/city/${encodeURIComponent(city)}`;
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body, 'city-name')).toBe(city);
    const districts = cityDistricts(lab.darkweb.seed, city);
    for (const d of districts) expect(res.body).toContain(d.ru);
    const inCity = lab.darkweb.data!.listings(market, { city, limit: 10_000 }).items;
    expect(textOf(res.body, 'city-name')).toBeTruthy();
    const ids = [...res.body.matchAll(/data-listing="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(Math.min(24, inCity.length));
    for (const id of ids) expect(lab.darkweb.data!.listing(id)!.city).toBe(city);
    for (const id of ids) expect(res.body).toContain(`<a class="product-link" href="${BASE}/product/${id}">`);

    const d = districts[0];
    const filtered = await get(`${url}?district=${d.slug}`);
    for (const m of filtered.body.matchAll(/data-listing="([^"]+)"/g)) {
      expect(productDistricts(lab.darkweb.seed, lab.darkweb.data!.listing(m[1])!).map((x) => x.slug)).toContain(d.slug);
    }
    const bad = await get(`${url}?district=atlantis`);
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body, 'error-text')).toBe('Район: выберите один из предложенных вариантов.');
    expect((await get(`${BASE}/city/${encodeURIComponent('Нигдеград')}`)).statusCode).toBe(404);
  });

  it('a product card shows the weight label, price, districts, drop type and reviews', async () => {
    const listing = lab.darkweb.data!.listings(market, { sort: 'popular', limit: 1 }).items[0];
    const res = await get(`${BASE}/product/${listing.id}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body, 'product-title')).toBe(listing.title);
    expect(textOf(res.body, 'product-weight')).toBe(listing.unit);
    expect(textOf(res.body, 'price-btc')).toBe(formatBtc(lab.darkweb.chain.usdToSats(listing.priceUsd)));
    const districts = /<dd id="product-districts">([\s\S]*?)<\/dd>/.exec(res.body)![1];
    for (const d of productDistricts(lab.darkweb.seed, listing)) expect(districts).toContain(`<span class="district">${d.ru}</span>`);
    const reviews = lab.ledger.db.prepare('SELECT COUNT(*) AS n FROM gt_market_orders WHERE listing_id = ? AND feedback IS NOT NULL').get(listing.id) as { n: number };
    expect(res.body).toContain(`Отзывы (${reviews.n})`);
    expect((res.body.match(/class="review review-/g) ?? []).length).toBe(Math.min(10, reviews.n));
    expect(res.body).toContain('id="login-to-order"');
    // No dosing or instructions: the only amounts are the weight label and prices.
    expect(res.body).not.toMatch(/доз|dose|dosage/i);
  });

  it('a shop page shows its rating, products, reviews and PGP key', async () => {
    const vendor = [...lab.darkweb.data!.vendors(market)].sort((a, b) => b.sales - a.sales)[0];
    const res = await get(`${BASE}/shop/${vendor.handle}`);
    expect(res.statusCode).toBe(200);
    expect(textOf(res.body, 'shop-handle')).toBe(vendor.handle);
    const key = await lab.darkweb.vendorKey(vendor);
    expect(unescapeHtml(/<pre class="pgp-block">([^<]*)<\/pre>/.exec(res.body)![1])).toBe(key.publicArmored);
    expect((res.body.match(/class="review review-/g) ?? []).length).toBe(Math.min(20, vendor.positive + vendor.negative));
    expect((await get(`${BASE}/shop/${vendor.handle}/pgp.asc`)).body).toBe(key.publicArmored);
    expect((await get(`${BASE}/shops`)).body).toContain(`href="${BASE}/shop/${vendor.handle}"`);
    expect((await get(`${BASE}/shop/nobody`)).statusCode).toBe(404);
  });

  it('?lang=en renders the same pages in English', async () => {
    const res = await get(`${BASE}/?lang=en`);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Welcome to Полярная звезда');
    expect(res.body).toContain('Stimulants');
  });
});

describe('orders', () => {
  it('checks the order form: district and payment method, with 400 and a clear message', async () => {
    const c = client();
    expect((await c.register(BASE, 'shop_buyer_1')).statusCode).toBe(303);
    const listing = lab.darkweb.data!.listings(market, { limit: 1 }).items[0];
    await c.get(`${BASE}/product/${listing.id}`);
    let res = await c.post(`${BASE}/product/${listing.id}/order`, { _csrf: c.csrf(), district: '', pay: 'btc' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('Район: заполните это поле.');
    res = await c.post(`${BASE}/product/${listing.id}/order`, { _csrf: c.csrf(), district: productDistricts(lab.darkweb.seed, listing)[0].slug, pay: 'cash' });
    expect(textOf(res.body, 'form-error')).toBe('Способ оплаты: выберите один из предложенных вариантов.');
    const anonymous = await get(`${BASE}/orders`);
    expect(anonymous.statusCode).toBe(303);
  });

  it('paying through the exchanger shows its onion and the amount with its fee; BTC shows the address', async () => {
    const c = client();
    await c.register(BASE, 'shop_buyer_2');
    const listing = lab.darkweb.data!.listings(market, { limit: 1 }).items[0];
    const url = await order(c, listing, 'exchanger');
    const page = await c.get(url);
    expect(page.statusCode).toBe(200);
    const id = decodeURIComponent(url.split('/').pop()!);
    const o = lab.darkweb.store.order(id)!;
    expect(o.payMethod).toBe('exchanger');
    const x = lab.darkweb.exchanger('bystrokoin')!;
    expect(page.body).toContain(`href="/onion/${x.onion}/"`);
    expect(page.body).toContain(onionUrl(x.onion));
    expect(page.body).toContain('БыстроКоин');
    expect(unescapeHtml(page.body)).toContain(`${(Math.round(o.amountUsd * (1 + x.fee) * 100) / 100).toFixed(2).replace('.', ',')}`);
    expect(textOf(page.body, 'deposit-address')).toBe(o.depositAddress);
    expect(isValidAddress(o.depositAddress, 'mainnet')).toBe(true);
    expect(textOf(page.body, 'order-status')).toBe('Ожидает оплаты');
    expect(page.body).not.toContain('id="klad"');
    expect((await c.get(`${url}/map.svg`)).statusCode).toBe(404);

    const btc = await c.get(await order(c, listing, 'btc'));
    expect(btc.body).not.toContain('БыстроКоин</');
    expect(textOf(btc.body, 'order-btc')).toBeTruthy();
    expect(btc.body).toContain('id="deposit-address"');
  });

  it('after payment the drop is a placeholder with a map of a fictional city; careless shops leak synthetic GPS', async () => {
    const c = client();
    await c.register(BASE, 'shop_buyer_3');
    const data = lab.darkweb.data!;
    const all = data.listings(market, { limit: 10_000 }).items;
    const careless = all.find((l) => data.vendor(l.vendorEntityId)!.opsec === 'low');
    const careful = all.find((l) => data.vendor(l.vendorEntityId)!.opsec !== 'low');
    expect(careless && careful).toBeTruthy();
    for (const [listing, leaks] of [[careless!, true], [careful!, false]] as const) {
      const url = await order(c, listing, 'btc');
      const id = decodeURIComponent(url.split('/').pop()!);
      lab.darkweb.store.notePayment(id, { txid: 'cd'.repeat(32), sats: 1, height: 1 });
      const page = await c.get(url);
      expect(textOf(page.body, 'order-status')).toBe('Оплачен — клад выдан');
      const text = textOf(page.body, 'klad-text')!;
      expect(text).toContain('Учебная заглушка');
      expect(text).toContain(listing.city!);
      expect(text).not.toMatch(/\d+\.\d{4,}/);
      const map = await c.get(`${url}/map.svg`);
      expect(map.statusCode).toBe(200);
      expect(map.headers['content-type']).toMatch(/image\/svg\+xml/);
      expect(map.body).toContain(TRAINING_MARK);
      expect(map.body).toContain('вымышленный город');
      expect(map.body).not.toMatch(/<script|href=|<image/);
      if (leaks) {
        expect(map.body).toMatch(/<metadata id="exif">[^<]*GPSLatitude: 0\.\d{6} N/);
        expect(map.body).toContain('synthetic, planted for an OPSEC exercise');
      } else {
        expect(map.body).not.toContain('<metadata');
      }
      // The same order, the same image.
      expect((await c.get(`${url}/map.svg`)).body).toBe(map.body);
    }
  });

  it('complaints (nenakhod, underweight) are validated, escaped and recorded', async () => {
    const c = client();
    await c.register(BASE, 'shop_buyer_4');
    const listing = lab.darkweb.data!.listings(market, { limit: 1 }).items[0];
    const url = await order(c, listing, 'btc');
    const id = decodeURIComponent(url.split('/').pop()!);
    await c.get(url);
    let res = await c.post(`${url}/complaint`, { _csrf: c.csrf(), reason: 'not_found', body: 'Ненаход, всё обыскал.' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body, 'form-error')).toBe('Претензию можно отправить только по оплаченному заказу без открытой претензии.');
    lab.darkweb.store.notePayment(id, { txid: 'ef'.repeat(32), sats: 1, height: 1 });
    await c.get(url);
    res = await c.post(`${url}/complaint`, { _csrf: c.csrf(), reason: 'not_found', body: 'мало' });
    expect(textOf(res.body, 'form-error')).toBe('Описание проблемы: слишком короткое значение (минимальная длина — 10).');
    res = await c.post(`${url}/complaint`, { _csrf: c.csrf(), reason: 'not_found', body: `Ненаход. ${HOSTILE}` });
    expect(res.statusCode).toBe(303);
    const page = await c.get(url);
    expect(textOf(page.body, 'order-status')).toBe('Претензия на рассмотрении');
    expect(page.body).toContain('Ненаход (клад не найден)');
    expect(page.body).not.toContain('<script>alert');
  });
});

describe('signed documents', () => {
  it('/mirrors.txt verifies with the key on the market key page', async () => {
    const page = await get(`${BASE}/pgp`);
    const key = unescapeHtml(/<pre class="pgp-block">([^<]*)<\/pre>/.exec(page.body)![1]);
    const v = await verifyClearSigned((await get(`${BASE}/mirrors.txt`)).body, key);
    expect(v.valid).toBe(true);
    for (const a of lab.darkweb.site('polarnaya')!.addresses) expect(v.text).toContain(onionUrl(a));
    expect(v.text).toContain('официальные зеркала');
    const canary = await verifyClearSigned((await get(`${BASE}/canary.txt`)).body, key);
    expect(canary.valid).toBe(true);
    // The other market's key does not verify this market's list.
    const other = (await get('/sites/silkway/pgp.asc')).body;
    expect((await verifyClearSigned((await get(`${BASE}/mirrors.txt`)).body, other)).reason).toBe('wrong-key');
  });

  it('rules carry the banned categories as text', async () => {
    const res = await get(`${BASE}/rules`);
    const banned = /<section class="banned" id="banned">([\s\S]*?)<\/section>/.exec(res.body)![1];
    for (const word of ['Оружие', 'Яды', 'детей']) expect(banned).toContain(word);
  });
});
