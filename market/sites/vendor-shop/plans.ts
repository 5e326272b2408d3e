// Which vendors run a shop site of their own, and which shops are scams. On each market the two
// best-selling vendors who are not the most careful (careful vendors do not multiply their attack
// surface) open a personal shop: same handle, same PGP key as on the market, links back to their
// market profile. And one scam shop poses as the market's best seller: a handle one step from the
// real one, bait prices, finalize-early only, a key whose fingerprint ends like the real one's,
// and a wall of five-star feedback from accounts days old. All of it is a pure function of the
// world seed.
import { Rng } from '../../../chain/rng.ts';
import type { Darkweb } from '../../darkweb.ts';
import type { MarketInfo, VendorInfo } from '../kit/data.ts';
import type { Lang } from '../kit/i18n.ts';

export type VendorShopKind = 'genuine' | 'scam';

export interface VendorShopPlan {
  /** Mount id: the shop lives at /sites/<siteId>/ (neutral: it does not say which kind it is). */
  siteId: string;
  /** Actor ref the onion derives from: '<market ref>/shop:<handle>', alike for genuine and scam shops (the directory shows it). */
  ref: string;
  onion: string;
  kind: VendorShopKind;
  market: MarketInfo;
  /** The market's primary address, for the links back to the profile. */
  marketOnion: string;
  /** Genuine: the shop's vendor. Scam: the vendor it poses as. */
  vendor: VendorInfo;
  /** The handle the shop shows. */
  handle: string;
  /** The shop's name. */
  name: string;
  language: Lang;
  /** Shop price ÷ market price: 1 for genuine shops, the bait discount for scams. */
  priceFactor: number;
  /** When the shop opened (unix seconds). */
  opened: number;
}

/** Genuine shops per market. */
export const GENUINE_SHOPS_PER_MARKET = 2;

const SCAM_HANDLES: readonly ((h: string) => string)[] = [(h) => `${h}_Official`, (h) => `Real${h}`, (h) => `${h}Direct`, (h) => `${h}_shop`];

const plansOf = new WeakMap<Darkweb, VendorShopPlan[]>();

function bySales(a: VendorInfo, b: VendorInfo): number {
  return b.sales - a.sales || a.entityId - b.entityId;
}

/**
 * The vendor shops of the world, genuine and scam, market by market. `start` and `now` bound the
 * dates (world start and the tip's time). Computed once per Darkweb.
 */
export function vendorShopPlans(darkweb: Darkweb, start: number, now: number): VendorShopPlan[] {
  const cached = plansOf.get(darkweb);
  if (cached) return cached;
  const plans: VendorShopPlan[] = [];
  for (const market of darkweb.data?.markets() ?? []) {
    const site = darkweb.site(market.id);
    if (!site) continue;
    const rng = Rng.fromSeed(darkweb.seed).fork('darkweb/vendor-shops').fork(market.ref);
    const ranked = [...darkweb.data!.vendors(market)].filter((v) => v.listings > 0).sort(bySales);
    const genuine = ranked.filter((v) => v.opsec !== 'high').slice(0, GENUINE_SHOPS_PER_MARKET);
    const ordinal = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    let n = 0;
    for (const vendor of genuine) {
      const ref = `${market.ref}/shop:${vendor.handle}`;
      const joined = Date.parse(`${vendor.joined}T00:00:00Z`) / 1000;
      plans.push({
        siteId: `shop-${market.id}-${ordinal[n++]}`,
        ref,
        onion: darkweb.onionFor(ref),
        kind: 'genuine',
        market,
        marketOnion: site.onion,
        vendor,
        handle: vendor.handle,
        name: vendor.handle,
        language: market.language,
        priceFactor: 1,
        opened: Math.min(now, Math.max(Number.isFinite(joined) ? joined : start, start - rng.int(10, 90) * 86_400)),
      });
    }
    const target = genuine[0] ?? ranked[0];
    if (target) {
      const handle = rng.pick(SCAM_HANDLES)(target.handle);
      const ref = `${market.ref}/shop:${handle}`;
      plans.push({
        siteId: `shop-${market.id}-${ordinal[n++]}`,
        ref,
        onion: darkweb.onionFor(ref),
        kind: 'scam',
        market,
        marketOnion: site.onion,
        vendor: target,
        handle,
        name: handle,
        language: market.language,
        priceFactor: Math.round((0.4 + 0.2 * rng.float()) * 100) / 100,
        opened: Math.max(start, now - rng.int(3, 6) * 86_400 - rng.int(0, 86_399)),
      });
    }
  }
  plansOf.set(darkweb, plans);
  return plans;
}
