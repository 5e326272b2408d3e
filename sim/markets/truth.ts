// Hidden records of the darkweb markets, beside the chain and the rest of the ground truth: vendor
// profiles, the catalogue, buyers, every order with its on-chain payment, payouts and cash-outs. The
// market web pages (a later issue) are rendered from these tables, and cases point into them.
// Keys are entity ids (gt_entities.id) and txids as shown by the explorer (hex, display order).
import type { Db } from '../../chain/store/open.ts';

export const MARKET_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS gt_markets (
  entity_id        INTEGER PRIMARY KEY,
  ref              TEXT NOT NULL UNIQUE,   -- 'market:silkway'
  name             TEXT NOT NULL,
  model            TEXT NOT NULL,          -- escrow | shop
  language         TEXT NOT NULL,
  deposit_wallet   INTEGER NOT NULL,       -- gt_wallets.id
  hot_wallet       INTEGER NOT NULL,
  attrs            TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS gt_market_vendors (
  entity_id        INTEGER PRIMARY KEY,
  market_entity_id INTEGER NOT NULL,
  ref              TEXT NOT NULL UNIQUE,   -- 'market:silkway/vendor:0'
  handle           TEXT NOT NULL,
  joined           TEXT NOT NULL,          -- YYYY-MM-DD
  opsec            TEXT NOT NULL,          -- low (careless) | medium | high (careful)
  country          TEXT NOT NULL,
  commission       REAL NOT NULL,          -- fraction of each order the market keeps
  finalize_early   INTEGER NOT NULL,       -- 1: paid as soon as the buyer's deposit confirms
  route            TEXT NOT NULL,          -- habitual withdrawal route
  peels            INTEGER NOT NULL,       -- 1: cashes out through a peel chain
  rating           REAL NOT NULL,          -- share of positive feedback
  payout_wallet    INTEGER NOT NULL,       -- gt_wallets.id the market pays
  attrs            TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS gt_market_listings (
  id               TEXT PRIMARY KEY,       -- 'silkway-L00042'
  market_entity_id INTEGER NOT NULL,
  vendor_entity_id INTEGER NOT NULL,
  category         TEXT NOT NULL,          -- see ListingCategory in sim/markets/listing.ts
  title            TEXT NOT NULL,
  unit             TEXT NOT NULL,          -- what one unit is ('1 g', '10 pcs', '1 file')
  price_usd        REAL NOT NULL,
  attrs            TEXT NOT NULL DEFAULT '{}'  -- ships from/to, or the city of a dead drop
);

CREATE TABLE IF NOT EXISTS gt_market_buyers (
  entity_id        INTEGER PRIMARY KEY,
  market_entity_id INTEGER NOT NULL,
  handle           TEXT NOT NULL,
  funding          TEXT NOT NULL,          -- where the buyer's coins come from
  wallet           INTEGER NOT NULL,
  attrs            TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS gt_market_orders (
  id               TEXT PRIMARY KEY,       -- 'silkway-000123'
  market_entity_id INTEGER NOT NULL,
  buyer_entity_id  INTEGER NOT NULL,
  vendor_entity_id INTEGER NOT NULL,
  listing_id       TEXT NOT NULL,
  quantity         INTEGER NOT NULL,
  amount_usd       REAL NOT NULL,
  amount_sats      INTEGER NOT NULL,
  commission_sats  INTEGER NOT NULL,
  deposit_address  TEXT NOT NULL,
  state            TEXT NOT NULL,          -- see OrderState in sim/markets/order.ts
  created_at       INTEGER NOT NULL,
  paid_at          INTEGER,
  payment_txid     TEXT,
  payment_vout     INTEGER,
  payment_height   INTEGER,
  paid_via         TEXT,                   -- 'buyer' or 'exchanger:<id>'
  shipped_at       INTEGER,
  finalized_at     INTEGER,
  finalized_height INTEGER,
  finalized_by     TEXT,                   -- buyer | auto | early | dispute
  disputed_at      INTEGER,
  released_at      INTEGER,
  payout_txid      TEXT,
  payout_vout      INTEGER,
  payout_height    INTEGER,
  refund_txid      TEXT,
  refund_height    INTEGER,
  feedback         TEXT,                   -- positive | negative | NULL (none left)
  attrs            TEXT NOT NULL DEFAULT '{}'
);

-- Money the market paid a vendor: one row per output (a batched payout has many).
CREATE TABLE IF NOT EXISTS gt_market_payouts (
  txid             TEXT NOT NULL,
  vout             INTEGER NOT NULL,
  market_entity_id INTEGER NOT NULL,
  vendor_entity_id INTEGER NOT NULL,
  kind             TEXT NOT NULL,          -- vendor_payout (batched) | escrow_release (finalize early)
  value            INTEGER NOT NULL,       -- sats: the orders' amounts less commission
  orders           INTEGER NOT NULL,
  height           INTEGER NOT NULL,
  time             INTEGER NOT NULL,
  PRIMARY KEY (txid, vout)
);

-- A vendor's withdrawals of market proceeds, hop by hop for peel chains.
CREATE TABLE IF NOT EXISTS gt_market_cashouts (
  txid             TEXT PRIMARY KEY,
  vendor_entity_id INTEGER NOT NULL,
  cashout_id       TEXT NOT NULL,          -- one withdrawal: 'silkway-v12-c3'
  route            TEXT NOT NULL,          -- kyc_exchange | instant_exchanger | p2p | mixer | hold
  hop              INTEGER NOT NULL,       -- 0 = leaves the payout wallet; 1.. = peel hops
  value            INTEGER NOT NULL,       -- sats sent to the destination in this tx (0 for a move to the peel wallet)
  destination      TEXT NOT NULL,          -- 'exchange:bitvale', 'mixer:fogbank', 'personal', …
  height           INTEGER NOT NULL,
  time             INTEGER NOT NULL,
  trail_id         TEXT
);

CREATE INDEX IF NOT EXISTS gt_market_orders_vendor ON gt_market_orders(vendor_entity_id);
CREATE INDEX IF NOT EXISTS gt_market_orders_buyer ON gt_market_orders(buyer_entity_id);
CREATE INDEX IF NOT EXISTS gt_market_listings_vendor ON gt_market_listings(vendor_entity_id);
CREATE INDEX IF NOT EXISTS gt_market_payouts_vendor ON gt_market_payouts(vendor_entity_id);
CREATE INDEX IF NOT EXISTS gt_market_cashouts_vendor ON gt_market_cashouts(vendor_entity_id);
`;

export interface MarketRow {
  entityId: number;
  ref: string;
  name: string;
  model: string;
  language: string;
  depositWallet: number;
  hotWallet: number;
  attrs: Record<string, unknown>;
}

export interface VendorRow {
  entityId: number;
  marketEntityId: number;
  ref: string;
  handle: string;
  joined: string;
  opsec: string;
  country: string;
  commission: number;
  finalizeEarly: boolean;
  route: string;
  peels: boolean;
  rating: number;
  payoutWallet: number;
  attrs: Record<string, unknown>;
}

export interface ListingRow {
  id: string;
  marketEntityId: number;
  vendorEntityId: number;
  category: string;
  title: string;
  unit: string;
  priceUsd: number;
  attrs: Record<string, unknown>;
}

export interface BuyerRow {
  entityId: number;
  marketEntityId: number;
  handle: string;
  funding: string;
  wallet: number;
  attrs: Record<string, unknown>;
}

/** An order as stored; null for what has not happened (yet). */
export interface OrderRow {
  id: string;
  marketEntityId: number;
  buyerEntityId: number;
  vendorEntityId: number;
  listingId: string;
  quantity: number;
  amountUsd: number;
  amountSats: number;
  commissionSats: number;
  depositAddress: string;
  state: string;
  createdAt: number;
  paidAt: number | null;
  paymentTxid: string | null;
  paymentVout: number | null;
  paymentHeight: number | null;
  paidVia: string | null;
  shippedAt: number | null;
  finalizedAt: number | null;
  finalizedHeight: number | null;
  finalizedBy: string | null;
  disputedAt: number | null;
  releasedAt: number | null;
  payoutTxid: string | null;
  payoutVout: number | null;
  payoutHeight: number | null;
  refundTxid: string | null;
  refundHeight: number | null;
  feedback: string | null;
  attrs: Record<string, unknown>;
}

export interface PayoutRow {
  txid: string;
  vout: number;
  marketEntityId: number;
  vendorEntityId: number;
  kind: 'vendor_payout' | 'escrow_release';
  value: number;
  orders: number;
  height: number;
  time: number;
}

export interface CashoutRow {
  txid: string;
  vendorEntityId: number;
  cashoutId: string;
  route: string;
  hop: number;
  value: number;
  destination: string;
  height: number;
  time: number;
  trailId: string | null;
}

/**
 * Writes the market records. Profiles and the catalogue are written as they are made; orders change
 * state many times, so changed orders are collected and written once per block by `flush`.
 */
export class MarketTruth {
  private readonly st;
  private readonly dirty = new Set<{ row(): OrderRow }>();
  private payouts: PayoutRow[] = [];
  private cashouts: CashoutRow[] = [];

  constructor(private readonly db: Db) {
    db.exec(MARKET_TABLES_SQL);
    this.st = {
      market: db.prepare('INSERT INTO gt_markets VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      vendor: db.prepare('INSERT INTO gt_market_vendors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      listing: db.prepare('INSERT INTO gt_market_listings VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      buyer: db.prepare('INSERT INTO gt_market_buyers VALUES (?, ?, ?, ?, ?, ?)'),
      order: db.prepare(`INSERT OR REPLACE INTO gt_market_orders VALUES (${Array(30).fill('?').join(', ')})`),
      payout: db.prepare('INSERT INTO gt_market_payouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      cashout: db.prepare('INSERT INTO gt_market_cashouts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    };
  }

  market(m: MarketRow): void {
    this.st.market.run(m.entityId, m.ref, m.name, m.model, m.language, m.depositWallet, m.hotWallet, JSON.stringify(m.attrs));
  }

  /** Writes a vendor's profile with its catalogue in one database transaction. */
  vendor(v: VendorRow, listings: ListingRow[]): void {
    this.db.transaction(() => {
      this.st.vendor.run(
        v.entityId, v.marketEntityId, v.ref, v.handle, v.joined, v.opsec, v.country, v.commission,
        v.finalizeEarly ? 1 : 0, v.route, v.peels ? 1 : 0, v.rating, v.payoutWallet, JSON.stringify(v.attrs),
      );
      for (const l of listings) {
        this.st.listing.run(l.id, l.marketEntityId, l.vendorEntityId, l.category, l.title, l.unit, l.priceUsd, JSON.stringify(l.attrs));
      }
    })();
  }

  buyers(rows: BuyerRow[]): void {
    this.db.transaction(() => {
      for (const b of rows) this.st.buyer.run(b.entityId, b.marketEntityId, b.handle, b.funding, b.wallet, JSON.stringify(b.attrs));
    })();
  }

  /** Marks an order changed; it is written at the next flush. */
  touch(order: { row(): OrderRow }): void {
    this.dirty.add(order);
  }

  payout(p: PayoutRow): void {
    this.payouts.push(p);
  }

  cashout(c: CashoutRow): void {
    this.cashouts.push(c);
  }

  flush(): void {
    if (this.dirty.size === 0 && this.payouts.length === 0 && this.cashouts.length === 0) return;
    const orders = [...this.dirty];
    const payouts = this.payouts;
    const cashouts = this.cashouts;
    this.dirty.clear();
    this.payouts = [];
    this.cashouts = [];
    this.db.transaction(() => {
      for (const o of orders) {
        const r = o.row();
        this.st.order.run(
          r.id, r.marketEntityId, r.buyerEntityId, r.vendorEntityId, r.listingId, r.quantity, r.amountUsd, r.amountSats, r.commissionSats,
          r.depositAddress, r.state, r.createdAt, r.paidAt, r.paymentTxid, r.paymentVout, r.paymentHeight, r.paidVia, r.shippedAt,
          r.finalizedAt, r.finalizedHeight, r.finalizedBy, r.disputedAt, r.releasedAt, r.payoutTxid, r.payoutVout, r.payoutHeight,
          r.refundTxid, r.refundHeight, r.feedback, JSON.stringify(r.attrs),
        );
      }
      for (const p of payouts) this.st.payout.run(p.txid, p.vout, p.marketEntityId, p.vendorEntityId, p.kind, p.value, p.orders, p.height, p.time);
      for (const c of cashouts) this.st.cashout.run(c.txid, c.vendorEntityId, c.cashoutId, c.route, c.hop, c.value, c.destination, c.height, c.time, c.trailId);
    })();
  }
}
