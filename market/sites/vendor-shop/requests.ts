// What trainees send vendor shops — contact messages and, on scam shops, "direct order" requests —
// kept by the lab (lab_vendor_shop_requests) so an instructor can see who fell for a bait price.
import type { Db } from '../../../chain/store/open.ts';

export const VENDOR_SHOP_REQUESTS_SQL = `
CREATE TABLE IF NOT EXISTS lab_vendor_shop_requests (
  id          INTEGER PRIMARY KEY,
  site        TEXT NOT NULL,
  kind        TEXT NOT NULL,        -- message | order
  listing_id  TEXT,
  quantity    INTEGER,
  contact     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
`;

export interface ShopRequest {
  id: number;
  site: string;
  kind: 'message' | 'order';
  listingId: string | null;
  quantity: number | null;
  contact: string;
  body: string;
  createdAt: number;
}

export class ShopRequests {
  private readonly st;

  constructor(db: Db) {
    db.exec(VENDOR_SHOP_REQUESTS_SQL);
    this.st = {
      insert: db.prepare('INSERT INTO lab_vendor_shop_requests (site, kind, listing_id, quantity, contact, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      bySite: db.prepare('SELECT * FROM lab_vendor_shop_requests WHERE site = ? ORDER BY id'),
    };
  }

  add(r: Omit<ShopRequest, 'id'>): ShopRequest {
    const res = this.st.insert.run(r.site, r.kind, r.listingId, r.quantity, r.contact, r.body, r.createdAt);
    return { ...r, id: Number(res.lastInsertRowid) };
  }

  of(site: string): ShopRequest[] {
    return (this.st.bySite.all(site) as { id: number; site: string; kind: string; listing_id: string | null; quantity: number | null; contact: string; body: string; created_at: number }[]).map((r) => ({
      id: r.id, site: r.site, kind: r.kind === 'order' ? 'order' : 'message', listingId: r.listing_id, quantity: r.quantity, contact: r.contact, body: r.body, createdAt: r.created_at,
    }));
  }
}
