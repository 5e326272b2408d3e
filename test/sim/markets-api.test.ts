// The markets' surface for trails and events: registry names, a vendor's peeled cash-out placed as a
// trail, an exit scam (withdrawals frozen, then everything swept), and a market that stops trading.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DEFAULT_WORLD, type WorldOptionsInput } from '../../sim/options.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { reverseHex } from '../../chain/bytes.ts';
import type { Sent } from '../../sim/engine.ts';
import { EscrowMarket } from '../../sim/markets/market.ts';
import { ShopMarket } from '../../sim/markets/shop-market.ts';
import { Vendor, type CashOut } from '../../sim/markets/vendor.ts';
import { runMarketWorld, tmpFile, type MarketWorld } from './markets-world.ts';

const [ESCROW, SHOP] = DEFAULT_WORLD.markets;
const API_WORLD: WorldOptionsInput = {
  seed: 'markets-api',
  days: 5,
  background: { users: 200, paymentsPerDay: 120, purchasesPerDay: 50, salesPerDay: 25 },
  markets: [
    { ...ESCROW, vendors: 16, buyers: 160, ordersPerDay: 100, autoFinalizeDays: 2, finalizeEarlyShare: 0.3, payoutEveryBlocks: 12, sweepEveryBlocks: 6 },
    { ...SHOP, vendors: 10, buyers: 120, ordersPerDay: 70 },
  ],
};

let w: MarketWorld;
let escrow: EscrowMarket;
let shop: ShopMarket;
let peeler: Vendor | undefined;
let peel: CashOut | null = null;
const peelTxs: { sent: Sent; hop: number }[] = [];
let peelDone = false;
let freezeHeight = 0;
let heldAtFreeze = 0;
let scam: Sent[] = [];
let hotAfterScam = -1;
let stopTime = 0;
const all = <T>(sql: string, ...args: unknown[]) => w.ledger.db.prepare(sql).all(...args) as T[];

beforeAll(() => {
  w = runMarketWorld(tmpFile(), API_WORLD, ({ world }) => {
    escrow = world.resolve<EscrowMarket>('market:silkway');
    shop = world.resolve<ShopMarket>('market:polarnaya');
    // The peel trail: a shop vendor saves up, then peels everything off to exchanges on day 3.
    const candidate = shop.vendor(0);
    candidate.pauseWithdrawals();
    world.engine.at(world.dayTime(3), (e) => {
      peeler = [...shop.vendors].sort((a, b) => e.balance(b.wallet) - e.balance(a.wallet))[0];
      peeler.pauseWithdrawals();
      peel = peeler.cashOut(e, { route: 'kyc_exchange', peel: true, trailId: 'test-peel', onTx: (sent, hop) => peelTxs.push({ sent, hop }), onDone: () => (peelDone = true) });
    });
    // The exit scam: payouts and refunds stop on day 3.5, everything is swept on day 4.5.
    world.engine.at(world.dayTime(3.5), (e) => {
      escrow.freezeWithdrawals();
      freezeHeight = e.height;
      heldAtFreeze = escrow.escrowHeld();
    });
    world.engine.at(world.dayTime(4.5), (e) => {
      escrow.shutDown();
      const thief = e.wallet(escrow.entityId, 'exit', 'p2wpkh');
      scam = escrow.sweepAll(e, thief.freshAddress('receive'), { intent: 'exit_scam', entityId: escrow.entityId });
      hotAfterScam = e.balance(escrow.hotWallet) + e.balance(escrow.depositWallet);
    });
    // The shop stops taking orders on day 4.
    world.engine.at(world.dayTime(4), (e) => {
      shop.stopOrders();
      stopTime = e.now;
    });
  });
  w.ledger.db.function('rhex', (b: unknown) => reverseHex(new Uint8Array(b as Uint8Array)));
  w.ledger.db.exec('CREATE TEMP TABLE txhex AS SELECT id, rhex(txid) AS hex, block_height AS height FROM txs; CREATE UNIQUE INDEX temp.txhex_hex ON txhex(hex);');
}, 120_000);

afterAll(() => w?.ledger.close());

describe('markets for trails and events', () => {
  it('registers every market and vendor by name', () => {
    expect(escrow).toBeInstanceOf(EscrowMarket);
    expect(shop).toBeInstanceOf(ShopMarket);
    expect(shop.exchangerRef).toBe('exchanger:bystrokoin');
    for (const m of [escrow, shop]) {
      m.vendors.forEach((v, n) => {
        expect(w.world.resolve<Vendor>(`${m.ref}/vendor:${n}`)).toBe(v);
        expect(v).toBeInstanceOf(Vendor);
        expect(v.index).toBe(n);
        expect(m.vendor(n)).toBe(v);
      });
    }
    expect(() => escrow.vendor(99)).toThrow(/has no vendor 99/);
    expect(verifyLedger(w.ledger).problems).toEqual([]);
  });

  it("peels a vendor's cash-out as a trail: each hop spends the last one's change and pays a little to the vendor's exchange accounts", () => {
    expect(peel).not.toBeNull();
    expect(peelDone).toBe(true);
    expect(peelTxs.length).toBeGreaterThanOrEqual(4);
    expect(peelTxs.map((p) => p.hop)).toEqual(peelTxs.map((_, k) => k));
    const rows = all<{ id: number; hop: number; intent: string; entity: number }>(
      "SELECT tx_id AS id, hop, intent, entity_id AS entity FROM gt_txs WHERE trail_id = 'test-peel' ORDER BY hop",
    );
    expect(rows.map((r) => r.hop)).toEqual(peelTxs.map((p) => p.hop));
    expect(rows.map((r) => r.intent)).toEqual(['vendor_withdrawal', ...rows.slice(1).map(() => 'peel_hop')]);
    for (const r of rows) expect(r.entity).toBe(peeler!.entityId);
    const accounts = new Set(all<{ account: string }>('SELECT account FROM gt_exchange_accounts WHERE entity_id = ?', peeler!.entityId).map((a) => a.account));
    expect(accounts.size).toBe(peeler!.accounts.length);
    let delivered = 0;
    for (let k = 1; k < rows.length; k++) {
      expect(all<{ tx: number }>('SELECT tx_id AS tx FROM outputs WHERE spent_tx_id = ?', rows[k].id)).toEqual([{ tx: rows[k - 1].id }]);
      const outs = all<{ value: number; kind: string; label: string }>(`
        SELECT o.value, e.kind, wl.label FROM outputs o JOIN gt_addresses ga ON ga.address_id = o.address_id JOIN gt_wallets wl ON wl.id = ga.wallet_id
        JOIN gt_entities e ON e.id = wl.entity_id WHERE o.tx_id = ? ORDER BY o.value`, rows[k].id);
      const peelOut = outs.filter((o) => o.kind === 'exchange');
      expect(peelOut.length).toBe(1);
      delivered += peelOut[0].value;
      if (k < rows.length - 1) {
        // The small payment goes to the exchange; the large change goes on down the chain.
        expect(outs.length).toBe(2);
        expect(outs[1].label).toBe('peel');
        expect(outs[1].value).toBeGreaterThan(peelOut[0].value);
      } else {
        expect(outs.length).toBe(1);
      }
    }
    expect(peel!.delivered).toBe(delivered);
    expect(all<{ n: number }>("SELECT COUNT(*) AS n FROM gt_market_cashouts WHERE trail_id = 'test-peel'")[0].n).toBe(rows.length);
  });

  it('freezes withdrawals and sweeps the market out in an exit scam', () => {
    expect(freezeHeight).toBeGreaterThan(0);
    expect(heldAtFreeze).toBeGreaterThan(0);
    const after = all<{ intent: string; n: number }>(
      `SELECT g.intent, COUNT(*) AS n FROM gt_txs g JOIN txs t ON t.id = g.tx_id WHERE g.entity_id = ? AND t.block_height >= ?
       AND g.intent IN ('vendor_payout', 'escrow_release', 'refund') GROUP BY g.intent`,
      escrow.entityId,
      freezeHeight,
    );
    expect(after).toEqual([]);
    expect(scam.length).toBeGreaterThan(0);
    expect(hotAfterScam).toBe(0);
    const rows = all<{ intent: string; labels: string }>(
      `SELECT g.intent, (SELECT GROUP_CONCAT(DISTINCT wl.label) FROM outputs o JOIN gt_addresses ga ON ga.address_id = o.address_id JOIN gt_wallets wl ON wl.id = ga.wallet_id WHERE o.spent_tx_id = x.id) AS labels
       FROM txhex x JOIN gt_txs g ON g.tx_id = x.id WHERE x.hex IN (${scam.map(() => '?').join(',')})`,
      ...scam.map((s) => reverseHex(s.enc.txid)),
    );
    expect(rows.length).toBe(scam.length);
    for (const r of rows) {
      expect(r.intent).toBe('exit_scam');
      expect(['deposit', 'hot']).toContain(r.labels);
    }
    // After the freeze, finalised orders stay unpaid: their vendors were robbed.
    const unpaid = all<{ n: number }>("SELECT COUNT(*) AS n FROM gt_market_orders WHERE market_entity_id = ? AND state IN ('finalized', 'shipped', 'paid', 'disputed')", escrow.entityId)[0].n;
    expect(unpaid).toBeGreaterThan(0);
  });

  it('takes no orders after a market stops trading', () => {
    expect(stopTime).toBeGreaterThan(0);
    const late = all<{ n: number }>('SELECT COUNT(*) AS n FROM gt_market_orders WHERE market_entity_id = ? AND created_at >= ?', shop.entityId, stopTime)[0].n;
    const before = all<{ n: number }>('SELECT COUNT(*) AS n FROM gt_market_orders WHERE market_entity_id = ?', shop.entityId)[0].n;
    expect(late).toBe(0);
    expect(before).toBeGreaterThan(100);
  });
});
