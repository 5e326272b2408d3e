// The world's market content as the market sites show it: markets, vendor profiles, the catalogue
// and the feedback buyers left, read from the gt_market_* tables the world generator wrote
// (sim/markets/truth.ts). These tables are the sites' own content, so the sites may read them;
// nothing here reads who owns a wallet or an address (gt_wallets, gt_addresses, gt_txs), and no
// hidden vendor attribute (real name, exchange accounts, cash-out route) leaves this module.
//
// The catalogue (a few thousand listings, a few hundred vendors) does not change while the lab
// runs, so it is loaded once through prepared statements and searched in memory; per-request
// reads (feedback, orders) are prepared, indexed queries. `ensureIndexes` adds the indexes those
// queries need (IF NOT EXISTS) when the database is writable.
import type { Db } from '../../../chain/store/open.ts';
import { isLang, type Lang } from './i18n.ts';

export type MarketModel = 'escrow' | 'shop';

export interface MarketInfo {
  entityId: number;
  /** 'market:silkway' */
  ref: string;
  /** 'silkway' */
  id: string;
  name: string;
  model: MarketModel;
  language: Lang;
  /** gt_wallets.id of the wallet that hands out order deposit addresses. */
  depositWallet: number;
  /** The instant exchanger a shop market's buyers pay through ('bystrokoin'), if any. */
  exchanger: string | null;
  autoFinalizeDays: number;
  /** Commission range the market charges, fractions. */
  commission: [number, number];
}

export type OpsecLevel = 'low' | 'medium' | 'high';

export interface VendorInfo {
  entityId: number;
  marketEntityId: number;
  /** 'market:silkway/vendor:3' */
  ref: string;
  index: number;
  handle: string;
  /** YYYY-MM-DD */
  joined: string;
  country: string;
  finalizeEarly: boolean;
  /** Share of positive feedback the market shows. */
  rating: number;
  /** How careful the vendor is; the sites use it only to plant the careless vendors' leaks. */
  opsec: OpsecLevel;
  /** Orders paid for. */
  sales: number;
  positive: number;
  negative: number;
  listings: number;
}

export interface ListingInfo {
  id: string;
  marketEntityId: number;
  vendorEntityId: number;
  vendorHandle: string;
  /** The vendor's escrow policy applies to all of its listings. */
  finalizeEarly: boolean;
  category: string;
  title: string;
  unit: string;
  priceUsd: number;
  /** Country code a parcel ships from (escrow market). */
  shipsFrom: string | null;
  /** 'Worldwide', 'EU', 'US only', 'DE only' (escrow market). */
  shipsTo: string | null;
  digital: boolean;
  /** City of the dead drop (shop market). */
  city: string | null;
  /** magnet | buried | hidden (shop market). */
  drop: string | null;
  sales: number;
  reviews: number;
}

export interface Review {
  orderId: string;
  listingId: string;
  listingTitle: string;
  quantity: number;
  amountUsd: number;
  amountSats: number;
  positive: boolean;
  /** When the feedback was left (unix seconds). */
  at: number;
  /** The buyer's handle as markets show it: first and last character. */
  buyer: string;
}

export type ListingSort = 'popular' | 'price-asc' | 'price-desc' | 'title';
export const LISTING_SORTS: readonly ListingSort[] = ['popular', 'price-asc', 'price-desc', 'title'];

export interface ListingQuery {
  /** Words that must all occur in the title or the vendor's handle (any case). */
  text?: string;
  category?: string;
  vendorEntityId?: number;
  shipsFrom?: string;
  shipsTo?: string;
  minUsd?: number;
  maxUsd?: number;
  payment?: 'escrow' | 'fe';
  city?: string;
  sort?: ListingSort;
  offset?: number;
  limit?: number;
}

export interface Page<T> {
  total: number;
  items: T[];
}

interface Catalogue {
  vendors: VendorInfo[];
  vendorById: Map<number, VendorInfo>;
  vendorByHandle: Map<string, VendorInfo>;
  listings: ListingInfo[];
  /** Lower-cased title + handle per listing, for text search. */
  haystack: Map<string, string>;
  categories: { category: string; count: number }[];
  shipsFrom: string[];
  shipsTo: string[];
  cities: string[];
  /** The listings in each sort order, made on first use. */
  sorted: Map<ListingSort, ListingInfo[]>;
}

const PAID = "state NOT IN ('awaiting_payment', 'expired')";

/** Indexes the sites' per-request queries use, beside the ones the generator creates. */
export const MARKET_SITE_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS gt_market_orders_listing_feedback ON gt_market_orders(listing_id, feedback);
CREATE INDEX IF NOT EXISTS gt_market_orders_vendor_feedback ON gt_market_orders(vendor_entity_id, feedback);
CREATE INDEX IF NOT EXISTS gt_market_orders_market ON gt_market_orders(market_entity_id, state);
CREATE INDEX IF NOT EXISTS gt_market_listings_market ON gt_market_listings(market_entity_id, category);
CREATE INDEX IF NOT EXISTS gt_market_vendors_market ON gt_market_vendors(market_entity_id);
`;

function parseAttrs(text: unknown): Record<string, unknown> {
  try {
    const v = JSON.parse(String(text ?? '{}'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** 'T***2' from 'TurbulentLashes2', as markets mask buyers in public feedback. */
export function maskHandle(handle: string): string {
  const chars = [...handle];
  if (chars.length <= 2) return `${chars[0] ?? '?'}***`;
  return `${chars[0]}***${chars[chars.length - 1]}`;
}

/** Case-folded text for searching (Cyrillic too, which SQLite's lower() leaves alone). */
export function foldText(text: string): string {
  return text.toLocaleLowerCase('ru').replace(/ё/g, 'е');
}

export class MarketData {
  private readonly st;
  private readonly byId = new Map<string, MarketInfo>();
  private readonly catalogues = new Map<number, Catalogue>();
  private readonly listingById = new Map<string, ListingInfo>();

  /** Whether the world has market tables at all (a bare demo chain does not). */
  static available(db: Db): boolean {
    const row = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('gt_markets', 'gt_market_vendors', 'gt_market_listings', 'gt_market_orders', 'gt_market_buyers')").get() as { n: number };
    return row.n === 5;
  }

  constructor(private readonly db: Db) {
    if (!MarketData.available(db)) throw new RangeError('this world has no market tables (gt_markets …): generate it with the world simulator');
    this.ensureIndexes();
    this.st = {
      listingReviews: db.prepare(
        `SELECT o.id AS orderId, o.listing_id AS listingId, o.quantity, o.amount_usd AS amountUsd, o.amount_sats AS amountSats, o.feedback,
                COALESCE(o.finalized_at, o.released_at, o.shipped_at, o.paid_at, o.created_at) AS at, b.handle AS buyer
         FROM gt_market_orders o LEFT JOIN gt_market_buyers b ON b.entity_id = o.buyer_entity_id
         WHERE o.listing_id = ? AND o.feedback IS NOT NULL ORDER BY at DESC, o.id DESC LIMIT ? OFFSET ?`,
      ),
      vendorReviews: db.prepare(
        `SELECT o.id AS orderId, o.listing_id AS listingId, o.quantity, o.amount_usd AS amountUsd, o.amount_sats AS amountSats, o.feedback,
                COALESCE(o.finalized_at, o.released_at, o.shipped_at, o.paid_at, o.created_at) AS at, b.handle AS buyer
         FROM gt_market_orders o LEFT JOIN gt_market_buyers b ON b.entity_id = o.buyer_entity_id
         WHERE o.vendor_entity_id = ? AND o.feedback IS NOT NULL ORDER BY at DESC, o.id DESC LIMIT ? OFFSET ?`,
      ),
      lastOrderSeq: db.prepare('SELECT COUNT(*) AS n, MAX(id) AS last FROM gt_market_orders WHERE market_entity_id = ?'),
    };
    this.load();
  }

  /** Adds the indexes the sites' queries need; a read-only database keeps what it has. */
  ensureIndexes(): void {
    if (this.db.readonly) return;
    this.db.exec(MARKET_SITE_INDEXES_SQL);
  }

  private load(): void {
    const db = this.db;
    const markets = db.prepare('SELECT entity_id, ref, name, model, language, deposit_wallet, attrs FROM gt_markets ORDER BY entity_id').all() as {
      entity_id: number; ref: string; name: string; model: string; language: string; deposit_wallet: number; attrs: string;
    }[];
    const vendorsOf = db.prepare('SELECT entity_id, ref, handle, joined, opsec, country, finalize_early, rating FROM gt_market_vendors WHERE market_entity_id = ? ORDER BY entity_id');
    const listingsOf = db.prepare('SELECT id, vendor_entity_id, category, title, unit, price_usd, attrs FROM gt_market_listings WHERE market_entity_id = ? ORDER BY id');
    const vendorStats = db.prepare(
      `SELECT vendor_entity_id AS v, SUM(${PAID}) AS sales, SUM(feedback = 'positive') AS pos, SUM(feedback = 'negative') AS neg
       FROM gt_market_orders WHERE market_entity_id = ? GROUP BY vendor_entity_id`,
    );
    const listingStats = db.prepare(`SELECT listing_id AS l, SUM(${PAID}) AS sales, SUM(feedback IS NOT NULL) AS reviews FROM gt_market_orders WHERE market_entity_id = ? GROUP BY listing_id`);
    for (const m of markets) {
      const attrs = parseAttrs(m.attrs);
      const id = str(attrs.id) ?? m.ref.replace(/^market:/, '');
      const commission = Array.isArray(attrs.commission) && attrs.commission.length === 2 ? (attrs.commission.map(Number) as [number, number]) : [0.03, 0.05] as [number, number];
      const info: MarketInfo = {
        entityId: m.entity_id,
        ref: m.ref,
        id,
        name: m.name,
        model: m.model === 'shop' ? 'shop' : 'escrow',
        language: isLang(m.language) ? m.language : 'en',
        depositWallet: m.deposit_wallet,
        exchanger: str(attrs.exchanger),
        autoFinalizeDays: typeof attrs.autoFinalizeDays === 'number' ? attrs.autoFinalizeDays : 14,
        commission,
      };
      this.byId.set(id, info);

      const vStats = new Map((vendorStats.all(m.entity_id) as { v: number; sales: number; pos: number; neg: number }[]).map((r) => [r.v, r]));
      const lStats = new Map((listingStats.all(m.entity_id) as { l: string; sales: number; reviews: number }[]).map((r) => [r.l, r]));
      const vendors = (vendorsOf.all(m.entity_id) as { entity_id: number; ref: string; handle: string; joined: string; opsec: string; country: string; finalize_early: number; rating: number }[]).map(
        (v): VendorInfo => {
          const s = vStats.get(v.entity_id);
          return {
            entityId: v.entity_id,
            marketEntityId: m.entity_id,
            ref: v.ref,
            index: Number(/vendor:(\d+)$/.exec(v.ref)?.[1] ?? -1),
            handle: v.handle,
            joined: v.joined,
            country: v.country,
            finalizeEarly: v.finalize_early === 1,
            rating: v.rating,
            opsec: v.opsec === 'low' || v.opsec === 'high' ? v.opsec : 'medium',
            sales: s?.sales ?? 0,
            positive: s?.pos ?? 0,
            negative: s?.neg ?? 0,
            listings: 0,
          };
        },
      );
      const vendorById = new Map(vendors.map((v) => [v.entityId, v]));
      const vendorByHandle = new Map(vendors.map((v) => [foldText(v.handle), v]));
      const listings: ListingInfo[] = [];
      const haystack = new Map<string, string>();
      for (const l of listingsOf.all(m.entity_id) as { id: string; vendor_entity_id: number; category: string; title: string; unit: string; price_usd: number; attrs: string }[]) {
        const vendor = vendorById.get(l.vendor_entity_id);
        if (!vendor) continue;
        const a = parseAttrs(l.attrs);
        const s = lStats.get(l.id);
        const listing: ListingInfo = {
          id: l.id,
          marketEntityId: m.entity_id,
          vendorEntityId: vendor.entityId,
          vendorHandle: vendor.handle,
          finalizeEarly: vendor.finalizeEarly,
          category: l.category,
          title: l.title,
          unit: l.unit,
          priceUsd: l.price_usd,
          shipsFrom: str(a.shipsFrom),
          shipsTo: str(a.shipsTo),
          digital: a.delivery === 'digital',
          city: str(a.city),
          drop: str(a.drop),
          sales: s?.sales ?? 0,
          reviews: s?.reviews ?? 0,
        };
        vendor.listings++;
        listings.push(listing);
        haystack.set(l.id, foldText(`${l.title} ${vendor.handle}`));
        this.listingById.set(l.id, listing);
      }
      const counts = new Map<string, number>();
      for (const l of listings) counts.set(l.category, (counts.get(l.category) ?? 0) + 1);
      const distinct = (pick: (l: ListingInfo) => string | null) => [...new Set(listings.map(pick).filter((x): x is string => x !== null))].sort((a, b) => a.localeCompare(b));
      this.catalogues.set(m.entity_id, {
        vendors,
        vendorById,
        vendorByHandle,
        listings,
        haystack,
        categories: [...counts].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
        shipsFrom: distinct((l) => l.shipsFrom),
        shipsTo: distinct((l) => l.shipsTo),
        cities: distinct((l) => l.city),
        sorted: new Map(),
      });
    }
  }

  private catalogue(market: MarketInfo | number): Catalogue {
    const id = typeof market === 'number' ? market : market.entityId;
    const c = this.catalogues.get(id);
    if (!c) throw new RangeError(`no market with entity id ${id}`);
    return c;
  }

  markets(): MarketInfo[] {
    return [...this.byId.values()];
  }

  /** A market by its id ('silkway'). */
  market(id: string): MarketInfo | undefined {
    return this.byId.get(id);
  }

  /** Categories with how many listings each has, most first. */
  categoryCounts(market: MarketInfo): { category: string; count: number }[] {
    return this.catalogue(market).categories;
  }

  vendors(market: MarketInfo): readonly VendorInfo[] {
    return this.catalogue(market).vendors;
  }

  vendorByHandle(market: MarketInfo, handle: string): VendorInfo | undefined {
    return this.catalogue(market).vendorByHandle.get(foldText(handle));
  }

  vendor(entityId: number): VendorInfo | undefined {
    for (const c of this.catalogues.values()) {
      const v = c.vendorById.get(entityId);
      if (v) return v;
    }
    return undefined;
  }

  listing(id: string): ListingInfo | undefined {
    return this.listingById.get(id);
  }

  shipsFromOptions(market: MarketInfo): readonly string[] {
    return this.catalogue(market).shipsFrom;
  }

  shipsToOptions(market: MarketInfo): readonly string[] {
    return this.catalogue(market).shipsTo;
  }

  /** Cities a shop market's vendors keep dead drops in. */
  cities(market: MarketInfo): readonly string[] {
    return this.catalogue(market).cities;
  }

  /** The market's listings in one of the orders, sorted once (filtering keeps the order). */
  private sorted(c: Catalogue, sort: ListingSort): ListingInfo[] {
    let list = c.sorted.get(sort);
    if (!list) {
      const byId = (a: ListingInfo, b: ListingInfo) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      list = c.listings.slice().sort(
        sort === 'price-asc'
          ? (a, b) => a.priceUsd - b.priceUsd || byId(a, b)
          : sort === 'price-desc'
            ? (a, b) => b.priceUsd - a.priceUsd || byId(a, b)
            : sort === 'title'
              ? (a, b) => a.title.localeCompare(b.title) || byId(a, b)
              : (a, b) => b.sales - a.sales || byId(a, b),
      );
      c.sorted.set(sort, list);
    }
    return list;
  }

  /** Listings matching `q`, sorted and paged. */
  listings(market: MarketInfo, q: ListingQuery = {}): Page<ListingInfo> {
    const c = this.catalogue(market);
    const all = this.sorted(c, q.sort ?? 'popular');
    const offset = Math.max(0, q.offset ?? 0);
    const limit = Math.max(0, q.limit ?? 30);
    const filtered =
      q.text || q.category !== undefined || q.vendorEntityId !== undefined || q.shipsFrom !== undefined || q.shipsTo !== undefined ||
      q.city !== undefined || q.minUsd !== undefined || q.maxUsd !== undefined || q.payment !== undefined;
    if (!filtered) return { total: all.length, items: all.slice(offset, offset + limit) };
    const words = q.text ? foldText(q.text).split(/\s+/).filter(Boolean) : [];
    const matches = all.filter((l) => {
      if (q.category !== undefined && l.category !== q.category) return false;
      if (q.vendorEntityId !== undefined && l.vendorEntityId !== q.vendorEntityId) return false;
      if (q.shipsFrom !== undefined && l.shipsFrom !== q.shipsFrom) return false;
      if (q.shipsTo !== undefined && l.shipsTo !== q.shipsTo) return false;
      if (q.city !== undefined && l.city !== q.city) return false;
      if (q.minUsd !== undefined && l.priceUsd < q.minUsd) return false;
      if (q.maxUsd !== undefined && l.priceUsd > q.maxUsd) return false;
      if (q.payment === 'fe' && !l.finalizeEarly) return false;
      if (q.payment === 'escrow' && l.finalizeEarly) return false;
      if (words.length) {
        const hay = c.haystack.get(l.id) ?? '';
        for (const w of words) if (!hay.includes(w)) return false;
      }
      return true;
    });
    return { total: matches.length, items: matches.slice(offset, offset + limit) };
  }

  private reviewRows(rows: unknown[]): Review[] {
    return (rows as { orderId: string; listingId: string; quantity: number; amountUsd: number; amountSats: number; feedback: string; at: number; buyer: string | null }[]).map((r) => ({
      orderId: r.orderId,
      listingId: r.listingId,
      listingTitle: this.listingById.get(r.listingId)?.title ?? r.listingId,
      quantity: r.quantity,
      amountUsd: r.amountUsd,
      amountSats: r.amountSats,
      positive: r.feedback === 'positive',
      at: r.at,
      buyer: maskHandle(r.buyer ?? '?'),
    }));
  }

  /** Feedback left on a listing, newest first. */
  listingReviews(listingId: string, offset = 0, limit = 20): Page<Review> {
    const l = this.listingById.get(listingId);
    if (!l) return { total: 0, items: [] };
    return { total: l.reviews, items: this.reviewRows(this.st.listingReviews.all(listingId, limit, offset)) };
  }

  /** Feedback left on a vendor's orders, newest first. */
  vendorReviews(vendor: VendorInfo, offset = 0, limit = 20): Page<Review> {
    return { total: vendor.positive + vendor.negative, items: this.reviewRows(this.st.vendorReviews.all(vendor.entityId, limit, offset)) };
  }

  /** How many orders the world holds for a market, and the highest order id (for numbering new ones after them). */
  orderNumbering(market: MarketInfo): { count: number; last: string | null } {
    const r = this.st.lastOrderSeq.get(market.entityId) as { n: number; last: string | null };
    return { count: r.n, last: r.last };
  }
}
