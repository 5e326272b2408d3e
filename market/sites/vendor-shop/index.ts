// Vendors' own shop sites (plans.ts says which): a storefront with the vendor's market listings and
// generated art, the PGP key, feedback and a contact form, and links back to the vendor's market
// profile. Genuine shops show the vendor's own key and send every order to the market's escrow;
// scam shops pose as a top vendor with bait prices, finalize-early "direct orders", a lookalike key
// and fresh-account feedback. Every shop is recorded in gt_planted_sites (kind vendor-shop or
// scam-vendor-shop) with its evidence; the trainee-facing directory lists both as 'vendor-shop'.
//
//   await registerVendorShops(app, darkweb);
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onionHref, onionUrl } from '../../browser/index.ts';
import { lookalikeKey, type GeneratedKey } from '../../pgp/index.ts';
import type { Darkweb, DarkwebSite } from '../../darkweb.ts';
import { createDarkwebSite } from '../kit/site-setup.ts';
import { FormError, formValue, readInt, readText } from '../kit/forms.ts';
import type { ListingInfo, MarketInfo } from '../kit/data.ts';
import { paginate, parsePage, withQuery } from '../kit/pagination.ts';
import { productArtSvg } from '../kit/art.ts';
import { keyView } from '../kit/keys.ts';
import { worldStart } from '../forum/world.ts';
import { plantedDb, recordPlantedSite } from '../phishing/planted.ts';
import { scamReviews, shopAbout } from './content.ts';
import { vendorShopPlans, type VendorShopPlan } from './plans.ts';
import { ShopRequests } from './requests.ts';
import { VENDOR_SHOP_STRINGS } from './strings.ts';

export { vendorShopPlans, GENUINE_SHOPS_PER_MARKET, type VendorShopPlan, type VendorShopKind } from './plans.ts';
export { scamReviews, shopAbout, type ShopReview } from './content.ts';
export { ShopRequests, type ShopRequest } from './requests.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CSS = readFileSync(`${here}static/vendor-shop.css`, 'utf8');
const LISTINGS_PER_PAGE = 12;
const REVIEWS_PER_PAGE = 20;
const MAX_QUANTITY = 50;
/** Hex digits of the real vendor key's fingerprint a scam shop's key repeats at its end. */
export const SCAM_KEY_MATCHING_DIGITS = 4;

const scamKeys = new WeakMap<Darkweb, Map<string, Promise<GeneratedKey>>>();

/** The key a shop shows: the vendor's own, or for a scam shop a key whose fingerprint ends like it. */
export function shopKey(darkweb: Darkweb, plan: VendorShopPlan): Promise<GeneratedKey> {
  if (plan.kind === 'genuine') return darkweb.vendorKey(plan.vendor);
  let cache = scamKeys.get(darkweb);
  if (!cache) scamKeys.set(darkweb, (cache = new Map()));
  let key = cache.get(plan.ref);
  if (!key) {
    key = darkweb.vendorKey(plan.vendor).then(async (real) => {
      const created = new Date((plan.opened - 2 * 3600) * 1000);
      return (await lookalikeKey(real.fingerprint, { seed: darkweb.keys.seedFor(plan.ref), name: plan.handle, created }, { hexDigits: SCAM_KEY_MATCHING_DIGITS })).lookalike;
    });
    key.catch(() => cache!.delete(plan.ref));
    cache.set(plan.ref, key);
  }
  return key;
}

/** Paths of a market's vendor profiles and listings: escrow markets and dead-drop shops name them differently. */
export function marketPaths(market: MarketInfo): { profile: (handle: string) => string; listing: (id: string) => string } {
  return market.model === 'shop'
    ? { profile: (h) => `/shop/${encodeURIComponent(h)}`, listing: (id) => `/product/${encodeURIComponent(id)}` }
    : { profile: (h) => `/vendor/${encodeURIComponent(h)}`, listing: (id) => `/listing/${encodeURIComponent(id)}` };
}

/** The vendor's profile on its market, where the shop links back to. */
export function marketProfilePath(plan: VendorShopPlan): string {
  return marketPaths(plan.market).profile(plan.vendor.handle);
}

export interface VendorShopOptions {
  darkweb: Darkweb;
  site: DarkwebSite;
  plan: VendorShopPlan;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export const vendorShopSite: FastifyPluginAsync<VendorShopOptions> = async (app, opts) => {
  const { darkweb, plan } = opts;
  const data = darkweb.data;
  if (!data) throw new RangeError('a vendor shop needs a world with markets');
  const { chain, store, seed } = darkweb;
  const requests = new ShopRequests(store.db);
  const site = await createDarkwebSite(app, opts, {
    id: plan.siteId,
    name: plan.name,
    defaultLang: plan.language,
    strings: VENDOR_SHOP_STRINGS,
    templatesDir: `${here}templates`,
    css: CSS,
  });
  const scam = plan.kind === 'scam';
  // The scam shop's feedback wall, written once up to the world's present when the lab starts.
  const scamWall = scam ? scamReviews(seed, plan, chain.now()).map((r) => ({ ...r, hasAge: true, negative: false })) : [];
  const listingsOf = (offset: number, limit: number) => data.listings(plan.market, { vendorEntityId: plan.vendor.entityId, sort: 'popular', offset, limit });
  const shopPrice = (l: ListingInfo) => (scam ? Math.max(1, Math.floor(l.priceUsd * plan.priceFactor) - 0.01) : l.priceUsd);
  const card = (l: ListingInfo) => {
    const priceUsd = round2(shopPrice(l));
    return { id: l.id, title: l.title, category: l.category, unit: l.unit, priceUsd, sats: chain.usdToSats(priceUsd), marketUsd: l.priceUsd, discount: 1 - priceUsd / l.priceUsd };
  };
  const profile = marketProfilePath(plan);
  const shopView = async () => {
    const key = await shopKey(darkweb, plan);
    return {
      handle: plan.handle,
      market: plan.market.name,
      profileHref: onionHref(plan.marketOnion, profile),
      profileUrl: onionUrl(plan.marketOnion, profile),
      keyTail: key.fingerprint.slice(-SCAM_KEY_MATCHING_DIGITS),
      scam,
      opened: plan.opened,
    };
  };
  const page = async (req: FastifyRequest, reply: FastifyReply, name: string, data: Record<string, unknown>, status = 200) =>
    site.render(req, reply, name, { shop: await shopView(), ...data }, status);
  const pageNumber = (req: FastifyRequest): number => {
    try {
      return parsePage((req.query as Record<string, unknown>).page);
    } catch {
      throw new FormError('field.page', 'form.range', { min: 1, max: 10000 });
    }
  };
  const listingOf = (req: FastifyRequest) => {
    const l = data.listing((req.params as { id: string }).id);
    return l && l.vendorEntityId === plan.vendor.entityId ? l : undefined;
  };

  app.get('/', async (req, reply) => {
    const n = pageNumber(req);
    const first = listingsOf((n - 1) * LISTINGS_PER_PAGE, LISTINGS_PER_PAGE);
    const pager = paginate(first.total, n, LISTINGS_PER_PAGE, (p) => site.href(req, withQuery('/', {}, { page: p })));
    const items = pager.page === n ? first.items : listingsOf(pager.offset, LISTINGS_PER_PAGE).items;
    const key = await shopKey(darkweb, plan);
    return page(req, reply, 'home', { title: plan.name, nav: 'shop', about: shopAbout(seed, plan, key.fingerprint.slice(-SCAM_KEY_MATCHING_DIGITS)), listings: items.map(card), pager });
  });

  app.get('/art/:file', async (req, reply) => {
    const m = /^([A-Za-z0-9-]{1,64})\.svg$/.exec((req.params as { file: string }).file);
    const listing = m ? data.listing(m[1]) : undefined;
    if (!listing || listing.vendorEntityId !== plan.vendor.entityId) return site.errorPage(req, reply, 404);
    // Scam shops copy the genuine vendor's pictures: the same image as on the market.
    return site.svg(reply, productArtSvg(`${seed}/${listing.id}`, listing.category, listing.title));
  });

  const itemPage = (req: FastifyRequest, reply: FastifyReply, listing: ListingInfo, extra: Record<string, unknown> = {}, status = 200) => {
    if (scam) site.session(req, reply);
    return page(req, reply, 'item', { title: listing.title, nav: 'shop', item: { ...card(listing), marketHref: onionHref(plan.marketOnion, marketPaths(plan.market).listing(listing.id)) }, form: { quantity: '1', note: '' }, ...extra }, status);
  };

  app.get('/item/:id', async (req, reply) => {
    const listing = listingOf(req);
    if (!listing) return site.errorPage(req, reply, 404);
    return itemPage(req, reply, listing);
  });

  app.post('/item/:id/order', async (req, reply) => {
    const listing = listingOf(req);
    if (!listing || !scam) return site.errorPage(req, reply, 404);
    const body = req.body;
    const form = { quantity: formValue(body, 'quantity').slice(0, 6), note: formValue(body, 'note').slice(0, 2000) };
    try {
      site.checkForm(req, reply);
      const quantity = readInt(body, 'quantity', 'field.quantity', 1, MAX_QUANTITY);
      const note = readText(body, 'note', { label: 'field.note', required: false, max: 2000, multiline: true });
      const r = requests.add({ site: plan.siteId, kind: 'order', listingId: listing.id, quantity, contact: site.account(req)?.handle ?? '', body: note, createdAt: chain.now() });
      const id = `R-${String(r.id).padStart(5, '0')}`;
      return page(req, reply, 'sent', { title: site.t(req, 'vs.order.sent'), nav: 'shop', heading: site.t(req, 'vs.order.sent'), text: site.t(req, 'vs.order.sentText', { id }) });
    } catch (err) {
      if (err instanceof FormError) return itemPage(req, reply, listing, { form, formError: site.formMessage(req, err) }, 400);
      throw err;
    }
  });

  app.get('/pgp', async (req, reply) => page(req, reply, 'pgp', { title: site.t(req, 'vs.pgp.title'), nav: 'pgp', key: keyView(await shopKey(darkweb, plan)) }));
  app.get('/pgp.asc', async (_req, reply) => site.text(reply, (await shopKey(darkweb, plan)).publicArmored, 'application/pgp-keys; charset=utf-8'));

  app.get('/feedback', async (req, reply) => {
    const n = pageNumber(req);
    const all = scam ? scamWall : null;
    const total = all ? all.length : plan.vendor.positive + plan.vendor.negative;
    const pager = paginate(total, n, REVIEWS_PER_PAGE, (p) => site.href(req, withQuery('/feedback', {}, { page: p })));
    const reviews = all
      ? all.slice(pager.offset, pager.offset + REVIEWS_PER_PAGE)
      : data.vendorReviews(plan.vendor, pager.offset, REVIEWS_PER_PAGE).items.map((r) => ({ handle: r.buyer, stars: r.positive ? 5 : 1, negative: !r.positive, text: r.listingTitle, at: r.at, hasAge: false, accountAgeDays: 0 }));
    return page(req, reply, 'feedback', { title: site.t(req, 'vs.feedback.title'), nav: 'feedback', reviews, pager });
  });

  const contactPage = (req: FastifyRequest, reply: FastifyReply, form: Record<string, string>, formError?: string) => {
    site.session(req, reply);
    return page(req, reply, 'contact', { title: site.t(req, 'vs.contact.title'), nav: 'contact', form, formError }, formError ? 400 : 200);
  };
  app.get('/contact', async (req, reply) => contactPage(req, reply, { contact: site.account(req)?.handle ?? '', message: '' }));
  app.post('/contact', async (req, reply) => {
    const body = req.body;
    const form = { contact: formValue(body, 'contact').slice(0, 64), message: formValue(body, 'message').slice(0, 5000) };
    try {
      site.checkForm(req, reply);
      const contact = readText(body, 'contact', { label: 'field.contactBack', required: false, max: 64 });
      const message = readText(body, 'message', { label: 'field.message', min: 10, max: 5000, multiline: true });
      const r = requests.add({ site: plan.siteId, kind: 'message', listingId: null, quantity: null, contact, body: message, createdAt: chain.now() });
      const id = `M-${String(r.id).padStart(5, '0')}`;
      return page(req, reply, 'sent', { title: site.t(req, 'vs.contact.sent'), nav: 'contact', heading: site.t(req, 'vs.contact.sent'), text: site.t(req, 'vs.contact.sentText', { id, market: plan.market.name }) });
    } catch (err) {
      if (err instanceof FormError) return contactPage(req, reply, form, site.formMessage(req, err));
      throw err;
    }
  });
};

/** The answer-key row of a shop. */
async function plantedRow(darkweb: Darkweb, plan: VendorShopPlan) {
  const [real, shown] = await Promise.all([darkweb.vendorKey(plan.vendor), shopKey(darkweb, plan)]);
  return {
    onion: plan.onion,
    kind: plan.kind === 'scam' ? ('scam-vendor-shop' as const) : ('vendor-shop' as const),
    ref: plan.ref,
    realOnion: plan.marketOnion,
    title: plan.name,
    evidence: {
      market: plan.market.ref,
      vendor: plan.vendor.ref,
      handle: plan.handle,
      realHandle: plan.vendor.handle,
      profile: onionUrl(plan.marketOnion, marketProfilePath(plan)),
      marketKeyFingerprint: real.fingerprint,
      shopKeyFingerprint: shown.fingerprint,
      sameKey: real.fingerprint === shown.fingerprint,
      opened: plan.opened,
      ...(plan.kind === 'scam'
        ? { priceFactor: plan.priceFactor, finalizeEarlyOnly: true, feedback: 'templated five-star reviews from accounts 0-2 days old, posted in bursts', keyTailMatches: SCAM_KEY_MATCHING_DIGITS }
        : { ordersThrough: 'market escrow' }),
    },
  };
}

/**
 * Mounts every vendor shop of the world (darkweb.mountSite: listed in the directory as
 * 'vendor-shop') and records each in gt_planted_sites. Register after the markets.
 */
export async function registerVendorShops(app: FastifyInstance, darkweb: Darkweb): Promise<DarkwebSite[]> {
  if (!darkweb.data) return [];
  const plans = vendorShopPlans(darkweb, worldStart(darkweb.db), darkweb.chain.now());
  const answers = plantedDb(darkweb.db, darkweb.store.db);
  const out: DarkwebSite[] = [];
  for (const plan of plans) {
    const site = await darkweb.mountSite(app, { id: plan.siteId, ref: plan.ref, kind: 'vendor-shop', title: plan.name, language: plan.language, addresses: [plan.onion] }, vendorShopSite, { plan });
    recordPlantedSite(answers, await plantedRow(darkweb, plan));
    out.push(site);
  }
  return out;
}
