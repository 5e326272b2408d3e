// Vendors' own shop sites: genuine shops (same handle and key as on the market, orders through
// the market's escrow, links back to the profile) and the scam shop posing as a top vendor (bait
// prices, finalize early only, a key whose fingerprint only ends like the real one, fresh-account
// feedback), recorded in gt_planted_sites; every page in both languages with the training mark.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { templateFiles } from '../../market/sites/kit/templates.ts';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { parseOnion } from '../../market/onion/index.ts';
import { onionHref } from '../../market/browser/index.ts';
import { GENUINE_SHOPS_PER_MARKET, SCAM_KEY_MATCHING_DIGITS, marketPaths, scamReviews, vendorShopPlans, type VendorShopPlan } from '../../market/sites/vendor-shop/index.ts';
import { plantedSites } from '../../market/sites/phishing/index.ts';
import { worldStart } from '../../market/sites/forum/world.ts';
import { MARK, Visitor, sitesWorld, unescapeHtml, type SitesWorld } from './sites-vendor-shop.world.ts';

let w: SitesWorld;
let plans: VendorShopPlan[];
let genuine: VendorShopPlan;
let scam: VendorShopPlan;

beforeAll(async () => {
  w = await sitesWorld();
  plans = vendorShopPlans(w.darkweb, worldStart(w.ledger.db), w.darkweb.chain.now());
  genuine = plans.find((p) => p.kind === 'genuine' && p.market.id === 'silkway')!;
  scam = plans.find((p) => p.kind === 'scam' && p.market.id === 'silkway')!;
}, 180_000);
afterAll(async () => w?.close());

const fingerprintOn = (html: string) => /class="pgp-fingerprint">([^<]+)</.exec(html)![1].replace(/\s+/g, '');

describe('which vendors have shops', () => {
  it('gives each market its best sellers’ genuine shops and one scam shop posing as one of them', () => {
    for (const market of w.darkweb.data!.markets()) {
      const mine = plans.filter((p) => p.market.id === market.id);
      expect(mine.filter((p) => p.kind === 'genuine')).toHaveLength(GENUINE_SHOPS_PER_MARKET);
      expect(mine.filter((p) => p.kind === 'scam')).toHaveLength(1);
      for (const p of mine.filter((x) => x.kind === 'genuine')) {
        expect(p.handle).toBe(p.vendor.handle);
        expect(p.vendor.opsec).not.toBe('high');
        expect(p.priceFactor).toBe(1);
      }
      const s = mine.find((p) => p.kind === 'scam')!;
      expect(s.handle).not.toBe(s.vendor.handle);
      expect(s.handle).toContain(s.vendor.handle);
      expect(s.priceFactor).toBeGreaterThanOrEqual(0.4);
      expect(s.priceFactor).toBeLessThanOrEqual(0.6);
      expect(s.opened).toBeLessThanOrEqual(w.darkweb.chain.now());
    }
    const onions = plans.map((p) => p.onion);
    expect(new Set(onions).size).toBe(onions.length);
    for (const o of onions) {
      expect(() => parseOnion(o)).not.toThrow();
      expect(w.registry.resolve(o)).toBeDefined();
    }
  });

  it('records every shop in gt_planted_sites and lists them all alike in the directory', async () => {
    const rows = plantedSites(w.ledger.db);
    for (const p of plans) {
      const row = rows.find((r) => r.onion === p.onion)!;
      expect(row.kind).toBe(p.kind === 'scam' ? 'scam-vendor-shop' : 'vendor-shop');
      expect(row.realOnion).toBe(p.marketOnion);
      expect(row.evidence.sameKey).toBe(p.kind === 'genuine');
      if (p.kind === 'scam') expect(row.evidence).toMatchObject({ finalizeEarlyOnly: true, priceFactor: p.priceFactor, realHandle: p.vendor.handle });
    }
    const dir = (await w.app.inject('/sites/directory.json')).json() as { sites: { onion: string; kind: string; id: string }[] };
    const shops = dir.sites.filter((s) => plans.some((p) => p.onion === s.onion));
    expect(shops).toHaveLength(plans.length);
    expect(new Set(shops.map((s) => s.kind))).toEqual(new Set(['vendor-shop']));
    expect(JSON.stringify(dir)).not.toMatch(/scam/i);
  });
});

describe('pages', () => {
  it('render in English and Russian with the training mark', async () => {
    for (const p of plans) {
      const listing = w.darkweb.data!.listings(p.market, { vendorEntityId: p.vendor.entityId, limit: 1 }).items[0];
      const paths = ['/', '/pgp', '/feedback', '/contact', '/login', '/register', `/item/${listing.id}`];
      for (const lang of ['en', 'ru']) {
        for (const path of paths) {
          const res = await w.app.inject(`/onion/${p.onion}${path}?lang=${lang}`);
          expect(res.statusCode, `${p.siteId} ${path}`).toBe(200);
          expect(res.body).toContain(MARK);
          expect(res.body).toContain(`<html lang="${lang}"`);
          expect(res.body).not.toContain('⟦');
        }
      }
      const art = await w.app.inject(`/onion/${p.onion}/art/${listing.id}.svg`);
      expect(art.headers['content-type']).toContain('image/svg+xml');
      expect(art.body).toContain(MARK);
      expect((await w.app.inject(`/onion/${p.onion}/item/nope`)).statusCode).toBe(404);
    }
  });

  it('link back to the vendor’s market profile', async () => {
    for (const p of plans) {
      const home = (await w.app.inject(`/onion/${p.onion}/`)).body;
      expect(home).toContain(`href="${onionHref(p.marketOnion, marketPaths(p.market).profile(p.vendor.handle))}"`);
    }
  });
});

describe('a genuine shop', () => {
  it('shows the vendor’s own key, the one on the market profile', async () => {
    const shop = fingerprintOn((await w.app.inject(`/onion/${genuine.onion}/pgp`)).body);
    const profile = fingerprintOn((await w.app.inject(`/onion/${genuine.marketOnion}${marketPaths(genuine.market).profile(genuine.vendor.handle)}`)).body);
    expect(shop).toBe(profile);
    expect(shop).toBe((await w.darkweb.vendorKey(genuine.vendor)).fingerprint);
  });

  it('sends orders to the market’s escrow at the market’s price', async () => {
    const listing = w.darkweb.data!.listings(genuine.market, { vendorEntityId: genuine.vendor.entityId, limit: 1 }).items[0];
    const page = (await w.app.inject(`/onion/${genuine.onion}/item/${listing.id}`)).body;
    expect(page).toContain(`id="order-on-market" href="${onionHref(genuine.marketOnion, marketPaths(genuine.market).listing(listing.id))}"`);
    expect(page).not.toContain('id="order-form"');
    const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(listing.priceUsd);
    expect(page).toContain(usd);
    const v = new Visitor(w.app, genuine.onion);
    expect((await v.submit(`/item/${listing.id}`, `/item/${listing.id}/order`, { quantity: '1' })).statusCode).toBe(404);
  });

  it('shows the market’s feedback for the vendor', async () => {
    const page = (await w.app.inject(`/onion/${genuine.onion}/feedback`)).body;
    const expected = w.darkweb.data!.vendorReviews(genuine.vendor, 0, 1).items[0];
    // A short world may not have feedback yet (buyers leave it when they finalize).
    if (expected) expect(page).toContain(`<span class="vs-who">${expected.buyer}</span>`);
    else expect(page).toContain('No feedback yet.');
  });
});

describe('a scam shop', () => {
  it('poses as the vendor with a key that only ends like theirs', async () => {
    const shop = fingerprintOn((await w.app.inject(`/onion/${scam.onion}/pgp`)).body);
    const real = (await w.darkweb.vendorKey(scam.vendor)).fingerprint;
    expect(shop).not.toBe(real);
    expect(shop.slice(-SCAM_KEY_MATCHING_DIGITS)).toBe(real.slice(-SCAM_KEY_MATCHING_DIGITS));
    const home = (await w.app.inject(`/onion/${scam.onion}/`)).body;
    expect(home).toContain(`…${real.slice(-SCAM_KEY_MATCHING_DIGITS)}`);
    expect(home).toContain(scam.vendor.handle);
  });

  it('baits with prices below the market and finalize-early only', async () => {
    const listing = w.darkweb.data!.listings(scam.market, { vendorEntityId: scam.vendor.entityId, limit: 1 }).items[0];
    const page = (await w.app.inject(`/onion/${scam.onion}/item/${listing.id}`)).body;
    const shown = Number(/id="item-price"><strong>\$([\d,.]+)/.exec(page)![1].replace(/,/g, ''));
    expect(shown).toBeLessThan(listing.priceUsd * 0.61);
    expect(page).toContain('finalize early');
    expect(page).toContain('id="order-form"');
    expect((await w.app.inject(`/onion/${scam.onion}/`)).body).toContain('id="payment-fe"');
  });

  it('shows bursts of templated five-star feedback from accounts days old', async () => {
    const reviews = scamReviews(w.darkweb.seed, scam, w.darkweb.chain.now());
    expect(reviews.length).toBeGreaterThan(10);
    expect(new Set(reviews.map((r) => r.text)).size).toBeLessThanOrEqual(5);
    for (const r of reviews) {
      expect(r.stars).toBe(5);
      expect(r.accountAgeDays).toBeLessThanOrEqual(2);
      expect(r.at).toBeGreaterThanOrEqual(scam.opened);
      expect(r.at).toBeLessThanOrEqual(w.darkweb.chain.now());
    }
    expect(scamReviews(w.darkweb.seed, scam, w.darkweb.chain.now())).toEqual(reviews);
    const page = (await w.app.inject(`/onion/${scam.onion}/feedback`)).body;
    expect(page).toMatch(/account \d days? old/);
    const second = await w.app.inject(`/onion/${scam.onion}/feedback?page=2`);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain(MARK);
  });

  it('takes "direct order" requests; bad input is a 400 with a message', async () => {
    const listing = w.darkweb.data!.listings(scam.market, { vendorEntityId: scam.vendor.entityId, limit: 1 }).items[0];
    const v = new Visitor(w.app, scam.onion);
    const ok = await v.submit(`/item/${listing.id}`, `/item/${listing.id}/order`, { quantity: '2', note: 'leave at the door' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('id="sent-title"');
    const row = w.darkweb.store.db.prepare("SELECT * FROM lab_vendor_shop_requests WHERE site = ? AND kind = 'order'").get(scam.siteId) as { quantity: number; listing_id: string };
    expect(row).toMatchObject({ quantity: 2, listing_id: listing.id });
    for (const [quantity, message] of [['0', /from 1 to 50/], ['many', /whole number/], ['', /required/]] as const) {
      const bad = await v.submit(`/item/${listing.id}`, `/item/${listing.id}/order`, { quantity, note: '' });
      expect(bad.statusCode).toBe(400);
      expect(unescapeHtml(/id="form-error">([^<]*)</.exec(bad.body)![1])).toMatch(message);
    }
    const stale = await v.post(`/item/${listing.id}/order`, { _csrf: 'stale', quantity: '1' });
    expect(stale.statusCode).toBe(400);
  });
});

describe('templates', () => {
  it('use double-stash only, so everything they print is escaped', () => {
    const files = templateFiles(fileURLToPath(new URL('../../market/sites/vendor-shop/templates', import.meta.url)));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain('{{{');
  });
});

describe('the contact form', () => {
  it('keeps messages, refuses bad ones with 400 and escapes what it echoes', async () => {
    const v = new Visitor(w.app, genuine.onion);
    const ok = await v.submit('/contact', '/contact', { contact: 'buyer_1', message: 'Do you ship to the north?' });
    expect(ok.statusCode).toBe(200);
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const bad = await v.submit('/contact?lang=ru', '/contact', { contact: hostile.slice(0, 60), message: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(MARK);
    expect(unescapeHtml(/id="form-error">([^<]*)</.exec(bad.body)![1])).toMatch(/слишком короткое/);
    expect(bad.body).not.toContain('<script>alert(1)');
    expect(bad.body).not.toContain('<img src=x');
    expect(bad.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
