// What trainees do on the sites, kept by the lab in tables of its own (lab_site_*), beside the
// world's tables in the same database (or in a separate lab database): accounts, messages to
// vendors, orders with their deposit addresses, disputes. The world's gt_* tables are never
// written. Times are the world's (the tip's), so a trainee's order sits on the world's timeline.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../../chain/store/open.ts';
import { foldText } from './data.ts';

export const LAB_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS lab_site_accounts (
  id          INTEGER PRIMARY KEY,
  site        TEXT NOT NULL,            -- 'silkway'
  handle      TEXT NOT NULL,
  handle_key  TEXT NOT NULL,            -- case-folded handle: one account per name and site
  pass_salt   TEXT NOT NULL,
  pass_hash   TEXT NOT NULL,            -- scrypt
  created_at  INTEGER NOT NULL,
  UNIQUE (site, handle_key)
);
CREATE TABLE IF NOT EXISTS lab_site_messages (
  id               INTEGER PRIMARY KEY,
  site             TEXT NOT NULL,
  account_id       INTEGER NOT NULL,
  vendor_entity_id INTEGER NOT NULL,
  direction        TEXT NOT NULL,       -- to_vendor | from_vendor
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,       -- plain text, or an armored PGP message when encrypted = 1
  encrypted        INTEGER NOT NULL,
  created_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lab_site_messages_account ON lab_site_messages(site, account_id, id);
CREATE TABLE IF NOT EXISTS lab_site_orders (
  id               TEXT PRIMARY KEY,    -- continues the market's numbering: 'silkway-000412'
  site             TEXT NOT NULL,
  market_entity_id INTEGER NOT NULL,
  account_id       INTEGER NOT NULL,
  listing_id       TEXT NOT NULL,
  vendor_entity_id INTEGER NOT NULL,
  quantity         INTEGER NOT NULL,
  amount_usd       REAL NOT NULL,
  amount_sats      INTEGER NOT NULL,
  deposit_address  TEXT NOT NULL,
  key_index        INTEGER NOT NULL,    -- of the market's deposit wallet
  pay_method       TEXT NOT NULL,       -- btc | exchanger
  district         TEXT,                -- shop market: where the drop is
  state            TEXT NOT NULL,       -- awaiting_payment | paid | shipped | disputed | finalized | cancelled
  created_at       INTEGER NOT NULL,
  paid_txid        TEXT,
  paid_sats        INTEGER,
  paid_height      INTEGER,
  attrs            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS lab_site_orders_account ON lab_site_orders(site, account_id, created_at);
CREATE TABLE IF NOT EXISTS lab_site_disputes (
  id          INTEGER PRIMARY KEY,
  site        TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  account_id  INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lab_site_disputes_order ON lab_site_disputes(order_id);
CREATE TABLE IF NOT EXISTS lab_market_deposits (
  market_entity_id INTEGER NOT NULL,
  key_index        INTEGER NOT NULL,
  address          TEXT NOT NULL UNIQUE,
  order_id         TEXT,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (market_entity_id, key_index)
);
`;

export interface Account {
  id: number;
  site: string;
  handle: string;
  createdAt: number;
}

export interface Message {
  id: number;
  site: string;
  accountId: number;
  vendorEntityId: number;
  direction: 'to_vendor' | 'from_vendor';
  subject: string;
  body: string;
  encrypted: boolean;
  createdAt: number;
}

export type LabOrderState = 'awaiting_payment' | 'paid' | 'shipped' | 'disputed' | 'finalized' | 'cancelled';

export interface LabOrder {
  id: string;
  site: string;
  marketEntityId: number;
  accountId: number;
  listingId: string;
  vendorEntityId: number;
  quantity: number;
  amountUsd: number;
  amountSats: number;
  depositAddress: string;
  keyIndex: number;
  payMethod: 'btc' | 'exchanger';
  district: string | null;
  state: LabOrderState;
  createdAt: number;
  paidTxid: string | null;
  paidSats: number | null;
  paidHeight: number | null;
  attrs: Record<string, unknown>;
}

export interface Dispute {
  id: number;
  orderId: string;
  reason: string;
  body: string;
  createdAt: number;
}

/** The name is already registered on this site. */
export class HandleTakenError extends RangeError {
  constructor(handle: string) {
    super(`the name ${JSON.stringify(handle)} is already registered`);
    this.name = 'HandleTakenError';
  }
}

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function hashPassword(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));
}

interface OrderRowDb {
  id: string; site: string; market_entity_id: number; account_id: number; listing_id: string; vendor_entity_id: number; quantity: number;
  amount_usd: number; amount_sats: number; deposit_address: string; key_index: number; pay_method: string; district: string | null; state: string;
  created_at: number; paid_txid: string | null; paid_sats: number | null; paid_height: number | null; attrs: string;
}

function orderFrom(r: OrderRowDb): LabOrder {
  let attrs: Record<string, unknown> = {};
  try {
    attrs = JSON.parse(r.attrs) as Record<string, unknown>;
  } catch {
    attrs = {};
  }
  return {
    id: r.id, site: r.site, marketEntityId: r.market_entity_id, accountId: r.account_id, listingId: r.listing_id, vendorEntityId: r.vendor_entity_id,
    quantity: r.quantity, amountUsd: r.amount_usd, amountSats: r.amount_sats, depositAddress: r.deposit_address, keyIndex: r.key_index,
    payMethod: r.pay_method === 'exchanger' ? 'exchanger' : 'btc', district: r.district, state: r.state as LabOrderState, createdAt: r.created_at,
    paidTxid: r.paid_txid, paidSats: r.paid_sats, paidHeight: r.paid_height, attrs,
  };
}

function messageFrom(r: { id: number; site: string; account_id: number; vendor_entity_id: number; direction: string; subject: string; body: string; encrypted: number; created_at: number }): Message {
  return {
    id: r.id, site: r.site, accountId: r.account_id, vendorEntityId: r.vendor_entity_id, direction: r.direction === 'from_vendor' ? 'from_vendor' : 'to_vendor',
    subject: r.subject, body: r.body, encrypted: r.encrypted === 1, createdAt: r.created_at,
  };
}

export class LabStore {
  private readonly st;

  constructor(readonly db: Db) {
    db.exec(LAB_TABLES_SQL);
    this.st = {
      insertAccount: db.prepare('INSERT INTO lab_site_accounts (site, handle, handle_key, pass_salt, pass_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      accountByHandle: db.prepare('SELECT id, site, handle, pass_salt, pass_hash, created_at FROM lab_site_accounts WHERE site = ? AND handle_key = ?'),
      account: db.prepare('SELECT id, site, handle, created_at FROM lab_site_accounts WHERE id = ?'),
      insertMessage: db.prepare('INSERT INTO lab_site_messages (site, account_id, vendor_entity_id, direction, subject, body, encrypted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      messages: db.prepare('SELECT * FROM lab_site_messages WHERE site = ? AND account_id = ? ORDER BY id DESC LIMIT ? OFFSET ?'),
      messageCount: db.prepare('SELECT COUNT(*) AS n FROM lab_site_messages WHERE site = ? AND account_id = ?'),
      message: db.prepare('SELECT * FROM lab_site_messages WHERE site = ? AND account_id = ? AND id = ?'),
      insertOrder: db.prepare(
        `INSERT INTO lab_site_orders (id, site, market_entity_id, account_id, listing_id, vendor_entity_id, quantity, amount_usd, amount_sats, deposit_address, key_index, pay_method, district, state, created_at, attrs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'awaiting_payment', ?, ?)`,
      ),
      order: db.prepare('SELECT * FROM lab_site_orders WHERE id = ?'),
      orders: db.prepare('SELECT * FROM lab_site_orders WHERE site = ? AND account_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?'),
      orderCount: db.prepare('SELECT COUNT(*) AS n FROM lab_site_orders WHERE site = ? AND account_id = ?'),
      lastOrderSeq: db.prepare('SELECT MAX(CAST(substr(id, ?) AS INTEGER)) AS n FROM lab_site_orders WHERE site = ?'),
      setState: db.prepare('UPDATE lab_site_orders SET state = ? WHERE id = ?'),
      setPayment: db.prepare("UPDATE lab_site_orders SET state = CASE WHEN state = 'awaiting_payment' THEN 'paid' ELSE state END, paid_txid = ?, paid_sats = ?, paid_height = ? WHERE id = ?"),
      setAttrs: db.prepare('UPDATE lab_site_orders SET attrs = ? WHERE id = ?'),
      insertDispute: db.prepare('INSERT INTO lab_site_disputes (site, order_id, account_id, reason, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      disputes: db.prepare('SELECT id, order_id, reason, body, created_at FROM lab_site_disputes WHERE order_id = ? ORDER BY id'),
    };
  }

  /** Registers `handle` on `site`; HandleTakenError if the name (in any case) is taken. */
  async createAccount(site: string, handle: string, password: string, at: number): Promise<Account> {
    const key = foldText(handle);
    if (this.st.accountByHandle.get(site, key)) throw new HandleTakenError(handle);
    const salt = randomBytes(16);
    const hash = await hashPassword(password, salt);
    try {
      const r = this.st.insertAccount.run(site, handle, key, salt.toString('hex'), hash.toString('hex'), at);
      return { id: Number(r.lastInsertRowid), site, handle, createdAt: at };
    } catch (err) {
      if (/UNIQUE/.test(String((err as Error).message))) throw new HandleTakenError(handle);
      throw err;
    }
  }

  /** The account if `password` is right; null otherwise (unknown names cost the same time). */
  async login(site: string, handle: string, password: string): Promise<Account | null> {
    const row = this.st.accountByHandle.get(site, foldText(handle)) as { id: number; site: string; handle: string; pass_salt: string; pass_hash: string; created_at: number } | undefined;
    const salt = row ? Buffer.from(row.pass_salt, 'hex') : Buffer.alloc(16);
    const hash = await hashPassword(password, salt);
    if (!row) return null;
    const want = Buffer.from(row.pass_hash, 'hex');
    return want.length === hash.length && timingSafeEqual(want, hash) ? { id: row.id, site: row.site, handle: row.handle, createdAt: row.created_at } : null;
  }

  account(id: number): Account | undefined {
    const r = this.st.account.get(id) as { id: number; site: string; handle: string; created_at: number } | undefined;
    return r ? { id: r.id, site: r.site, handle: r.handle, createdAt: r.created_at } : undefined;
  }

  addMessage(m: Omit<Message, 'id'>): Message {
    const r = this.st.insertMessage.run(m.site, m.accountId, m.vendorEntityId, m.direction, m.subject, m.body, m.encrypted ? 1 : 0, m.createdAt);
    return { ...m, id: Number(r.lastInsertRowid) };
  }

  messages(site: string, accountId: number, offset = 0, limit = 20): { total: number; items: Message[] } {
    const total = (this.st.messageCount.get(site, accountId) as { n: number }).n;
    return { total, items: (this.st.messages.all(site, accountId, limit, offset) as Parameters<typeof messageFrom>[0][]).map(messageFrom) };
  }

  message(site: string, accountId: number, id: number): Message | undefined {
    const r = this.st.message.get(site, accountId, id) as Parameters<typeof messageFrom>[0] | undefined;
    return r ? messageFrom(r) : undefined;
  }

  /** The next order id of a market: after the world's orders and the lab's own. */
  nextOrderId(site: string, marketId: string, worldOrders: number): string {
    const lab = (this.st.lastOrderSeq.get(marketId.length + 2, site) as { n: number | null }).n ?? 0;
    return `${marketId}-${String(Math.max(lab, worldOrders) + 1).padStart(6, '0')}`;
  }

  createOrder(o: Omit<LabOrder, 'state' | 'paidTxid' | 'paidSats' | 'paidHeight'>): LabOrder {
    this.st.insertOrder.run(
      o.id, o.site, o.marketEntityId, o.accountId, o.listingId, o.vendorEntityId, o.quantity, o.amountUsd, o.amountSats, o.depositAddress, o.keyIndex,
      o.payMethod, o.district, o.createdAt, JSON.stringify(o.attrs ?? {}),
    );
    return this.order(o.id)!;
  }

  order(id: string): LabOrder | undefined {
    const r = this.st.order.get(id) as OrderRowDb | undefined;
    return r ? orderFrom(r) : undefined;
  }

  orders(site: string, accountId: number, offset = 0, limit = 20): { total: number; items: LabOrder[] } {
    const total = (this.st.orderCount.get(site, accountId) as { n: number }).n;
    return { total, items: (this.st.orders.all(site, accountId, limit, offset) as OrderRowDb[]).map(orderFrom) };
  }

  setOrderState(id: string, state: LabOrderState): void {
    this.st.setState.run(state, id);
  }

  /** Notes the payment of an order (an awaiting order becomes paid). */
  notePayment(id: string, payment: { txid: string; sats: number; height: number | null }): void {
    this.st.setPayment.run(payment.txid, payment.sats, payment.height, id);
  }

  setOrderAttrs(id: string, attrs: Record<string, unknown>): void {
    this.st.setAttrs.run(JSON.stringify(attrs), id);
  }

  addDispute(site: string, orderId: string, accountId: number, reason: string, body: string, at: number): Dispute {
    const r = this.st.insertDispute.run(site, orderId, accountId, reason, body, at);
    return { id: Number(r.lastInsertRowid), orderId, reason, body, createdAt: at };
  }

  disputes(orderId: string): Dispute[] {
    return (this.st.disputes.all(orderId) as { id: number; order_id: string; reason: string; body: string; created_at: number }[]).map((r) => ({
      id: r.id, orderId: r.order_id, reason: r.reason, body: r.body, createdAt: r.created_at,
    }));
  }
}
