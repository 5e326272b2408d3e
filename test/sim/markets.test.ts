// Markets in a generated world: orders are paid to their own deposit addresses, escrow is released
// only after finalisation, vendors are paid their orders less commission, the shop market's buyers
// pay through the instant exchanger, and the chain stays valid and reproducible.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld, type WorldSummary } from '../../sim/world.ts';
import { DEFAULT_WORLD, resolveWorldOptions, type WorldOptionsInput } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { blockSubsidy } from '../../chain/consensus.ts';
import { reverseHex } from '../../chain/bytes.ts';
import { LISTING_CATEGORIES } from '../../sim/markets/listing.ts';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'onion-markets-')), 'world.sqlite');

const [ESCROW, SHOP] = DEFAULT_WORLD.markets;
const MARKET_WORLD: WorldOptionsInput = {
  seed: 'markets-test',
  days: 5,
  background: { users: 250, paymentsPerDay: 150, purchasesPerDay: 60, salesPerDay: 30 },
  markets: [
    { ...ESCROW, vendors: 24, buyers: 260, ordersPerDay: 150, autoFinalizeDays: 2, finalizeEarlyShare: 0.3, payoutEveryBlocks: 12, sweepEveryBlocks: 6 },
    { ...SHOP, vendors: 14, buyers: 180, ordersPerDay: 100, finalizeEarlyShare: 0.6, autoFinalizeDays: 1 },
  ],
};

interface OrderRow {
  id: string;
  market: string;
  model: string;
  buyer: number;
  vendor: number;
  amount_usd: number;
  amount_sats: number;
  commission_sats: number;
  deposit_address: string;
  state: string;
  created_at: number;
  paid_at: number | null;
  payment_txid: string | null;
  payment_vout: number | null;
  payment_height: number | null;
  paid_via: string | null;
  shipped_at: number | null;
  finalized_at: number | null;
  finalized_height: number | null;
  finalized_by: string | null;
  payout_txid: string | null;
  payout_vout: number | null;
  payout_height: number | null;
  refund_txid: string | null;
}

let file: string;
let summary: WorldSummary;
let ledger: Ledger;
let orders: OrderRow[];
const all = <T>(sql: string, ...args: unknown[]) => ledger.db.prepare(sql).all(...args) as T[];
const one = (sql: string, ...args: unknown[]) => (ledger.db.prepare(sql).get(...args) as { n: number }).n;

beforeAll(() => {
  file = tmp();
  summary = generateWorld(MARKET_WORLD, file);
  ledger = Ledger.open(file);
  // Market records name transactions by display txid; map them to the ledger's rows once.
  ledger.db.function('rhex', (b: unknown) => reverseHex(new Uint8Array(b as Uint8Array)));
  ledger.db.exec('CREATE TEMP TABLE txhex AS SELECT id, rhex(txid) AS hex FROM txs; CREATE UNIQUE INDEX temp.txhex_hex ON txhex(hex);');
  orders = all<OrderRow>(
    `SELECT o.*, o.buyer_entity_id AS buyer, o.vendor_entity_id AS vendor, m.ref AS market, m.model
     FROM gt_market_orders o JOIN gt_markets m ON m.entity_id = o.market_entity_id`,
  );
}, 120_000);

afterAll(() => ledger?.close());

describe('a world with markets', () => {
  it('is a valid chain whose value is conserved, with ground truth for every transaction', () => {
    expect(verifyLedger(ledger).problems).toEqual([]);
    let subsidies = 0;
    for (const { height } of all<{ height: number }>('SELECT height FROM blocks')) subsidies += blockSubsidy(height);
    expect(one('SELECT SUM(value) AS n FROM outputs WHERE spent_tx_id IS NULL')).toBe(subsidies);
    expect(one('SELECT COUNT(*) AS n FROM txs t LEFT JOIN gt_txs g ON g.tx_id = t.id WHERE g.tx_id IS NULL')).toBe(0);
    expect(summary.entities.vendor).toBe(38);
    expect(summary.entities.buyer).toBe(440);
  });

  it('takes orders on both markets at the configured rate', () => {
    for (const m of MARKET_WORLD.markets!) {
      const n = orders.filter((o) => o.market === `market:${m.id}`).length;
      // Orders start on day 0 and arrive for `days` days (Poisson).
      expect(n).toBeGreaterThan(m.ordersPerDay! * 5 * 0.85);
      expect(n).toBeLessThan(m.ordersPerDay! * 5 * 1.15);
    }
    expect(orders.filter((o) => o.payment_txid !== null).length).toBeGreaterThan(orders.length * 0.95);
  });

  it("pays every order's own deposit address the order amount", () => {
    const paid = all<{ id: string; deposit_address: string; amount_sats: number; value: number; address: string; intent: string; role: string; label: string }>(`
      SELECT o.id, o.deposit_address, o.amount_sats, out.value, a.address, g.intent, ga.role, w.label
      FROM gt_market_orders o JOIN txhex x ON x.hex = o.payment_txid JOIN gt_txs g ON g.tx_id = x.id
      JOIN outputs out ON out.tx_id = x.id AND out.vout = o.payment_vout JOIN addresses a ON a.id = out.address_id
      JOIN gt_addresses ga ON ga.address_id = a.id JOIN gt_wallets w ON w.id = ga.wallet_id`);
    expect(paid.length).toBe(orders.filter((o) => o.payment_txid !== null).length);
    for (const p of paid) {
      expect(p.intent, p.id).toBe('order_payment');
      expect(p.address, p.id).toBe(p.deposit_address);
      expect(p.value, p.id).toBe(p.amount_sats);
      expect(p.role).toBe('deposit');
      expect(p.label).toBe('deposit');
    }
    // Fresh address per order: no deposit address is shared or paid twice.
    expect(new Set(orders.map((o) => o.deposit_address)).size).toBe(orders.length);
    expect(one(`SELECT COUNT(*) AS n FROM (SELECT o.address_id FROM outputs o JOIN gt_addresses ga ON ga.address_id = o.address_id
                 JOIN gt_wallets w ON w.id = ga.wallet_id JOIN gt_markets m ON m.deposit_wallet = w.id GROUP BY o.address_id HAVING COUNT(*) > 1)`)).toBe(0);
  });

  it('prices orders like the calibration: median USD 60-90, commission within the market range', () => {
    const usd = orders.map((o) => o.amount_usd).sort((a, b) => a - b);
    const median = usd[Math.floor(usd.length / 2)];
    expect(median).toBeGreaterThanOrEqual(55);
    expect(median).toBeLessThanOrEqual(95);
    for (const o of orders) {
      const m = MARKET_WORLD.markets!.find((x) => `market:${x.id}` === o.market)!;
      const rate = o.commission_sats / o.amount_sats;
      expect(rate).toBeGreaterThanOrEqual(m.commission![0] - 1e-4);
      expect(rate).toBeLessThanOrEqual(m.commission![1] + 1e-4);
    }
  });

  it('sweeps deposits into the hot wallet, and buyers pay from their own wallets with change back to themselves', () => {
    const sweeps = all<{ id: number }>("SELECT tx_id AS id FROM gt_txs WHERE intent = 'market_sweep'");
    expect(sweeps.length).toBeGreaterThan(20);
    const wrong = one(`SELECT COUNT(*) AS n FROM gt_txs g JOIN outputs o ON o.spent_tx_id = g.tx_id JOIN gt_addresses ga ON ga.address_id = o.address_id
                       JOIN gt_wallets w ON w.id = ga.wallet_id WHERE g.intent = 'market_sweep' AND w.label <> 'deposit'`);
    expect(wrong).toBe(0);
    // A buyer's payment spends the buyer's coins; its change (if any) goes back to the buyer.
    const byBuyer = all<{ buyer: number; spender: number; change: number | null }>(`
      SELECT o.buyer_entity_id AS buyer, w.entity_id AS spender,
        (SELECT cw.entity_id FROM outputs co JOIN gt_addresses cga ON cga.address_id = co.address_id JOIN gt_wallets cw ON cw.id = cga.wallet_id
          WHERE co.tx_id = x.id AND co.vout = g.change_vout) AS change
      FROM gt_market_orders o JOIN txhex x ON x.hex = o.payment_txid JOIN gt_txs g ON g.tx_id = x.id
      JOIN outputs i ON i.spent_tx_id = x.id AND i.spent_vin = 0 JOIN gt_addresses ga ON ga.address_id = i.address_id JOIN gt_wallets w ON w.id = ga.wallet_id
      WHERE o.paid_via = 'buyer'`);
    expect(byBuyer.length).toBeGreaterThan(200);
    for (const r of byBuyer) {
      expect(r.spender).toBe(r.buyer);
      if (r.change !== null) expect(r.change).toBe(r.buyer);
    }
    expect(byBuyer.filter((r) => r.change !== null).length).toBeGreaterThan(byBuyer.length / 2);
  });

  it('releases escrow only after the buyer finalises or the auto-finalise date passes', () => {
    const escrow = orders.filter((o) => o.model === 'escrow');
    const auto = ESCROW_AUTO * 86400;
    const released = escrow.filter((o) => o.state === 'released');
    expect(released.length).toBeGreaterThan(escrow.length / 3);
    const by = new Set(released.map((o) => o.finalized_by));
    expect([...by].sort()).toEqual(expect.arrayContaining(['auto', 'buyer', 'early']));
    const fe = new Map(all<{ id: number; fe: number }>('SELECT entity_id AS id, finalize_early AS fe FROM gt_market_vendors').map((v) => [v.id, v.fe]));
    for (const o of released) {
      expect(o.payout_height!, o.id).toBeGreaterThanOrEqual(o.finalized_height!);
      expect(o.payout_height!, o.id).toBeGreaterThan(o.payment_height!);
      if (o.finalized_by === 'early') {
        expect(fe.get(o.vendor), o.id).toBe(1);
        continue;
      }
      expect(o.shipped_at, o.id).not.toBeNull();
      expect(o.finalized_at!, o.id).toBeGreaterThan(o.shipped_at!);
      if (o.finalized_by === 'auto') expect(o.finalized_at! - o.shipped_at!, o.id).toBeGreaterThanOrEqual(auto);
      else if (o.finalized_by === 'buyer') expect(o.finalized_at! - o.shipped_at!, o.id).toBeLessThan(auto);
    }
    // Held orders are not paid out.
    for (const o of escrow) if (o.state !== 'released') expect(o.payout_txid, o.id).toBeNull();
  });

  it('pays finalize-early vendors from the deposit itself, and refunds disputed orders to the buyer', () => {
    const early = all<{ inputs: number; label: string; vendorOut: number; share: number }>(`
      SELECT (SELECT COUNT(*) FROM outputs i WHERE i.spent_tx_id = x.id) AS inputs,
        (SELECT w.label FROM outputs i JOIN gt_addresses ga ON ga.address_id = i.address_id JOIN gt_wallets w ON w.id = ga.wallet_id WHERE i.spent_tx_id = x.id) AS label,
        (SELECT value FROM outputs WHERE tx_id = x.id AND vout = o.payout_vout) AS vendorOut, o.amount_sats - o.commission_sats AS share
      FROM gt_market_orders o JOIN txhex x ON x.hex = o.payout_txid JOIN gt_txs g ON g.tx_id = x.id WHERE g.intent = 'escrow_release'`);
    expect(early.length).toBeGreaterThan(10);
    for (const e of early) {
      expect(e.inputs).toBe(1);
      expect(e.label).toBe('deposit');
      expect(e.vendorOut).toBe(e.share);
    }
    const refunds = all<{ id: string; buyer: number; amount_sats: number; value: number; owner: number; intent: string }>(`
      SELECT o.id, o.buyer_entity_id AS buyer, o.amount_sats, out.value, w.entity_id AS owner, g.intent
      FROM gt_market_orders o JOIN txhex x ON x.hex = o.refund_txid JOIN gt_txs g ON g.tx_id = x.id
      JOIN outputs out ON out.tx_id = x.id AND out.vout <> g.change_vout JOIN gt_addresses ga ON ga.address_id = out.address_id JOIN gt_wallets w ON w.id = ga.wallet_id
      WHERE o.state = 'refunded'`);
    for (const r of refunds) {
      expect(r.intent).toBe('refund');
      expect(r.owner, r.id).toBe(r.buyer);
      expect(r.value, r.id).toBe(r.amount_sats);
    }
    expect(one("SELECT COUNT(*) AS n FROM gt_market_orders WHERE state = 'refunded' AND refund_txid IS NULL")).toBe(0);
  });

  it("pays each vendor exactly its released orders' amounts less commission, to the vendor's payout wallet", () => {
    const owed = new Map<number, number>();
    for (const o of orders) if (o.state === 'released') owed.set(o.vendor, (owed.get(o.vendor) ?? 0) + o.amount_sats - o.commission_sats);
    const paid = new Map<number, number>();
    const rows = all<{ vendor: number; value: number; chain: number; owner: number; label: string; role: string }>(`
      SELECT p.vendor_entity_id AS vendor, p.value, out.value AS chain, w.entity_id AS owner, w.label, ga.role
      FROM gt_market_payouts p JOIN txhex x ON x.hex = p.txid JOIN outputs out ON out.tx_id = x.id AND out.vout = p.vout
      JOIN gt_addresses ga ON ga.address_id = out.address_id JOIN gt_wallets w ON w.id = ga.wallet_id`);
    expect(rows.length).toBe(one('SELECT COUNT(*) AS n FROM gt_market_payouts'));
    for (const r of rows) {
      expect(r.chain).toBe(r.value);
      expect(r.owner).toBe(r.vendor);
      expect(r.label).toBe('payout');
      expect(r.role).toBe('payout');
      paid.set(r.vendor, (paid.get(r.vendor) ?? 0) + r.value);
    }
    expect(paid.size).toBeGreaterThan(20);
    expect([...paid.entries()].sort()).toEqual([...owed.entries()].sort());
    // Batched payouts: many vendors per transaction.
    expect(one("SELECT MAX(n) AS n FROM (SELECT COUNT(*) AS n FROM gt_market_payouts WHERE kind = 'vendor_payout' GROUP BY txid)")).toBeGreaterThan(3);
  });

  it("routes the shop market's exchanger-funded orders through the instant exchanger", () => {
    const shop = orders.filter((o) => o.model === 'shop');
    const via = shop.filter((o) => o.paid_via === `exchanger:${SHOP.exchanger}`);
    // About the calibrated share of klad buyers who pay through an exchanger (0.6), weighted by activity.
    expect(via.length).toBeGreaterThan(shop.length * 0.3);
    const spenders = all<{ id: string; kind: string; name: string; intent: string; buyerAttr: number; buyer: number }>(`
      SELECT o.id, e.kind, e.attrs AS name, g.intent, json_extract(g.attrs, '$.buyer') AS buyerAttr, o.buyer_entity_id AS buyer
      FROM gt_market_orders o JOIN txhex x ON x.hex = o.payment_txid JOIN gt_txs g ON g.tx_id = x.id
      JOIN outputs i ON i.spent_tx_id = x.id JOIN gt_addresses ga ON ga.address_id = i.address_id JOIN gt_wallets w ON w.id = ga.wallet_id
      JOIN gt_entities e ON e.id = w.entity_id WHERE o.paid_via LIKE 'exchanger:%'`);
    expect(spenders.length).toBeGreaterThanOrEqual(via.length);
    for (const s of spenders) {
      expect(s.kind, s.id).toBe('instant_exchanger');
      expect(JSON.parse(s.name).id).toBe(SHOP.exchanger);
      expect(s.intent).toBe('order_payment');
      expect(s.buyerAttr).toBe(s.buyer);
    }
    // Shops are paid on the fast schedule once the deposit confirms.
    expect(shop.filter((o) => o.state === 'released').length).toBeGreaterThan(shop.length * 0.5);
  });

  it('keeps vendor profiles, catalogues and cash-outs, with careless and careful habits', () => {
    const vendors = all<{ entity_id: number; ref: string; opsec: string; rating: number; market_entity_id: number; parent: number; kind: string }>(
      'SELECT v.*, e.parent_id AS parent, e.kind FROM gt_market_vendors v JOIN gt_entities e ON e.id = v.entity_id',
    );
    expect(vendors.length).toBe(38);
    for (const v of vendors) {
      expect(v.kind).toBe('vendor');
      expect(v.parent).toBe(v.market_entity_id);
      expect(v.ref).toMatch(/^market:[a-z]+\/vendor:\d+$/);
      expect(v.rating).toBeGreaterThanOrEqual(0.95);
      expect(v.rating).toBeLessThanOrEqual(0.98);
    }
    const cats = all<{ category: string }>('SELECT DISTINCT category FROM gt_market_listings').map((r) => r.category);
    for (const c of cats) expect(LISTING_CATEGORIES).toContain(c);
    expect(one('SELECT COUNT(*) AS n FROM gt_market_listings l LEFT JOIN gt_market_vendors v ON v.entity_id = l.vendor_entity_id WHERE v.entity_id IS NULL')).toBe(0);
    expect(one("SELECT COUNT(*) AS n FROM gt_market_listings l JOIN gt_markets m ON m.entity_id = l.market_entity_id WHERE l.category = 'nps' AND m.model = 'escrow'")).toBe(0);
    // Every order names a listing of its own vendor.
    expect(one('SELECT COUNT(*) AS n FROM gt_market_orders o JOIN gt_market_listings l ON l.id = o.listing_id WHERE l.vendor_entity_id <> o.vendor_entity_id')).toBe(0);
    // Cash-outs leave the vendor's payout wallet with the vendor's withdrawal intents.
    const cash = all<{ intent: string; entity: number; vendor: number }>(`
      SELECT g.intent, g.entity_id AS entity, c.vendor_entity_id AS vendor FROM gt_market_cashouts c JOIN txhex x ON x.hex = c.txid JOIN gt_txs g ON g.tx_id = x.id`);
    expect(cash.length).toBeGreaterThan(20);
    for (const c of cash) {
      expect(['vendor_withdrawal', 'peel_hop', 'mixer_in', 'coinjoin_premix']).toContain(c.intent);
      expect(c.entity).toBe(c.vendor);
    }
    // Careless vendors send to exchange accounts opened in their real name.
    const careless = all<{ realName: string; full_name: string }>(`
      SELECT json_extract(v.attrs, '$.realName') AS realName, a.full_name FROM gt_market_vendors v
      JOIN gt_exchange_accounts a ON a.entity_id = v.entity_id WHERE v.opsec = 'low'`);
    expect(careless.length).toBeGreaterThan(0);
    for (const c of careless) expect(c.full_name).toBe(c.realName);
  });
});

const ESCROW_AUTO = MARKET_WORLD.markets![0].autoFinalizeDays!;

describe('market options', () => {
  it('are checked with the field path and what was expected', () => {
    const cases: [WorldOptionsInput, RegExp][] = [
      [{ markets: [{ ...ESCROW, language: 'fr' as never }] }, /^markets\[0\]\.language: expected 'en' or 'ru'/],
      [{ markets: [{ ...ESCROW, payoutEveryBlocks: 0 }] }, /^markets\[0\]\.payoutEveryBlocks: expected a whole number from 1/],
      [{ markets: [{ ...ESCROW, sweepEveryBlocks: 2.5 }] }, /^markets\[0\]\.sweepEveryBlocks: expected a whole number/],
      [{ markets: [{ ...ESCROW, autoFinalizeDays: 0 }] }, /^markets\[0\]\.autoFinalizeDays: expected a number from 0.5 to 90/],
      [{ markets: [ESCROW, { ...SHOP, commission: [0.05, 0.01] }] }, /^markets\[1\]\.commission\[1\]/],
    ];
    for (const [input, message] of cases) expect(() => resolveWorldOptions(input), JSON.stringify(input)).toThrow(message);
    expect(() => resolveWorldOptions({ markets: [ESCROW, SHOP] })).not.toThrow();
  });
});

describe('market worlds are reproducible', () => {
  const SMALLER: WorldOptionsInput = {
    ...MARKET_WORLD,
    days: 2,
    markets: [
      { ...ESCROW, vendors: 8, buyers: 60, ordersPerDay: 60 },
      { ...SHOP, vendors: 6, buyers: 40, ordersPerDay: 40 },
    ],
  };
  it('gives the same chain for the same seed, and another for another seed', () => {
    const a = generateWorld(SMALLER, tmp());
    const b = generateWorld(SMALLER, tmp());
    const c = generateWorld({ ...SMALLER, seed: 'markets-test-2' }, tmp());
    expect(b.tipHash).toBe(a.tipHash);
    expect(b.transactions).toBe(a.transactions);
    expect(c.tipHash).not.toBe(a.tipHash);
  }, 120_000);
});
