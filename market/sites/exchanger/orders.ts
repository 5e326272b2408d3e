// Swaps ordered on the exchanger sites in the lab (lab_exchanger_orders). An obmennik has no
// accounts to speak of: an order is reached by its number and a secret token in the link, as the
// real ones do it. Numbers continue a sequence that starts where the exchanger's history would
// have it (a number drawn from the world seed), so the first lab order is not "order 1".
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../../chain/store/open.ts';
import type { Fiat } from './rates.ts';

export const EXCHANGER_ORDERS_SQL = `
CREATE TABLE IF NOT EXISTS lab_exchanger_orders (
  id              TEXT PRIMARY KEY,     -- 'BY-48213'
  exchanger       TEXT NOT NULL,        -- 'bystrokoin'
  seq             INTEGER NOT NULL,
  token           TEXT NOT NULL,
  direction       TEXT NOT NULL,        -- sell (BTC → fiat) | buy (fiat → BTC)
  currency        TEXT NOT NULL,        -- RUB | KZT | USD
  btc_sats        INTEGER NOT NULL,
  fiat_amount     REAL NOT NULL,
  rate            REAL NOT NULL,        -- fiat per BTC applied
  deposit_address TEXT,                 -- sell: where the customer sends BTC
  key_index       INTEGER,
  recipient       TEXT NOT NULL,        -- sell: card/account details; buy: the customer's BTC address
  created_at      INTEGER NOT NULL,
  UNIQUE (exchanger, seq)
);
`;

export type SwapDirection = 'sell' | 'buy';

export interface SwapOrder {
  id: string;
  exchanger: string;
  token: string;
  direction: SwapDirection;
  currency: Fiat;
  btcSats: number;
  fiatAmount: number;
  rate: number;
  depositAddress: string | null;
  keyIndex: number | null;
  recipient: string;
  createdAt: number;
}

interface Row {
  id: string; exchanger: string; token: string; direction: string; currency: string; btc_sats: number; fiat_amount: number; rate: number;
  deposit_address: string | null; key_index: number | null; recipient: string; created_at: number;
}

function fromRow(r: Row): SwapOrder {
  return {
    id: r.id, exchanger: r.exchanger, token: r.token, direction: r.direction === 'buy' ? 'buy' : 'sell', currency: r.currency as Fiat, btcSats: r.btc_sats,
    fiatAmount: r.fiat_amount, rate: r.rate, depositAddress: r.deposit_address, keyIndex: r.key_index, recipient: r.recipient, createdAt: r.created_at,
  };
}

export class SwapOrders {
  private readonly st;

  constructor(db: Db) {
    db.exec(EXCHANGER_ORDERS_SQL);
    this.st = {
      lastSeq: db.prepare('SELECT MAX(seq) AS n FROM lab_exchanger_orders WHERE exchanger = ?'),
      insert: db.prepare(
        `INSERT INTO lab_exchanger_orders (id, exchanger, seq, token, direction, currency, btc_sats, fiat_amount, rate, deposit_address, key_index, recipient, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM lab_exchanger_orders WHERE id = ?'),
    };
  }

  /** The next order number: after `base` and after every lab order of the exchanger. */
  nextSeq(exchanger: string, base: number): number {
    const last = (this.st.lastSeq.get(exchanger) as { n: number | null }).n;
    return Math.max(base, last ?? 0) + 1;
  }

  create(o: Omit<SwapOrder, 'token'> & { seq: number }): SwapOrder {
    const token = randomBytes(12).toString('base64url');
    this.st.insert.run(o.id, o.exchanger, o.seq, token, o.direction, o.currency, o.btcSats, o.fiatAmount, o.rate, o.depositAddress, o.keyIndex, o.recipient, o.createdAt);
    return { ...o, token };
  }

  /** The order, if `token` is its token. */
  get(id: string, token: string): SwapOrder | undefined {
    const r = this.st.get.get(id) as Row | undefined;
    if (!r) return undefined;
    const a = Buffer.from(r.token);
    const b = Buffer.from(String(token ?? ''));
    return a.length === b.length && timingSafeEqual(a, b) ? fromRow(r) : undefined;
  }
}
