// The undercover purchase: a trainee funds a lab wallet from the treasury, orders on a market,
// pays the deposit address, and the market moves the money on block by block — traced here the
// way a trainee traces it, through the public chain (ChainReader: what the explorer and API serve).
import { describe, it, expect, beforeAll } from 'vitest';
import { ChainReader } from '../../chain/store/reader.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { usdToSats } from '../../sim/calibration/btc-usd.ts';
import { LiveError, type LiveOrder, type LiveOrderState } from '../../sim/live/index.ts';
import { smallWorldFile, copyWorld, serve, listingOf, type Served } from './live.fixture.ts';

let worldFile: string;
beforeAll(() => {
  worldFile = smallWorldFile();
}, 120_000);

const reader = (s: Served) => new ChainReader(s.ledger.db, s.ledger.settings.network);

/** Mines until `done(order)` holds (at most `max` blocks); returns the distinct states seen. */
function mineUntil(s: Served, orderId: string, done: (o: LiveOrder) => boolean, max = 40): { order: LiveOrder; seen: LiveOrderState[] } {
  const seen: LiveOrderState[] = [s.live.order(orderId)!.state];
  for (let i = 0; i < max; i++) {
    s.mine();
    const o = s.live.order(orderId)!;
    if (seen[seen.length - 1] !== o.state) seen.push(o.state);
    if (done(o)) return { order: o, seen };
  }
  throw new Error(`order ${orderId} did not get there in ${max} blocks: ${JSON.stringify(s.live.order(orderId))}`);
}

function gtTx(s: Served, txid: string): { intent: string; entity_id: number | null; attrs: string } | undefined {
  return s.ledger.db
    .prepare('SELECT g.intent, g.entity_id, g.attrs FROM gt_txs g JOIN txs t ON t.id = g.tx_id WHERE t.txid = ?')
    .get(Buffer.from(txid, 'hex').reverse()) as { intent: string; entity_id: number | null; attrs: string } | undefined;
}

function ownerWalletOf(s: Served, address: string): { wallet_id: number; key_index: number; role: string } | undefined {
  return s.ledger.db
    .prepare('SELECT g.wallet_id, g.key_index, g.role FROM gt_addresses g JOIN addresses a ON a.id = g.address_id WHERE a.address = ?')
    .get(address) as { wallet_id: number; key_index: number; role: string } | undefined;
}

describe('an undercover purchase on the escrow market', () => {
  it('funds, pays, moves through the states, and reaches the vendor by a sweep and a payout', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const chain = reader(s);
      const { live } = s;

      // The treasury pays the trainee: a real transaction, in the mempool at once, confirmed by the next block.
      const funding = live.fund('trainee-1', 5_000_000);
      expect(chain.tx(funding.txid)!.status.confirmed).toBe(false);
      expect(live.balance('trainee-1')).toEqual({ confirmed: 0, unconfirmed: 5_000_000, total: 5_000_000 });
      const fundedAt = s.mine();
      expect(chain.tx(funding.txid)!.status).toMatchObject({ confirmed: true, block_height: fundedAt });
      expect(live.balance('trainee-1')).toEqual({ confirmed: 5_000_000, unconfirmed: 0, total: 5_000_000 });

      const listing = listingOf(s.ledger, 'silkway', false);
      const created = live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'trainee-1' });
      expect(created.orderId).toBe('silkway-L000001');
      expect(created.amountSats).toBe(usdToSats(listing.priceUsd, s.ledger.tip()!.time));
      expect(created.order.state).toBe('awaiting_payment');
      expect(created.order.vendorEntityId).toBe(listing.vendorEntityId);

      // The deposit address is the market's own deposit wallet's next key, never seen on chain.
      const market = s.ledger.db.prepare("SELECT deposit_wallet AS d, hot_wallet AS h, entity_id AS e FROM gt_markets WHERE ref = 'market:silkway'").get() as { d: number; h: number; e: number };
      const worldMax = (s.ledger.db.prepare('SELECT MAX(key_index) AS k FROM gt_addresses WHERE wallet_id = ?').get(market.d) as { k: number }).k;
      const key = s.ledger.db.prepare('SELECT wallet_id AS w, key_index AS k FROM live_keys WHERE address = ?').get(created.depositAddress) as { w: number; k: number };
      expect(key.w).toBe(market.d);
      expect(key.k).toBeGreaterThan(worldMax);
      expect(chain.address(created.depositAddress).chain_stats.tx_count).toBe(0);
      expect(s.ledger.db.prepare('SELECT 1 FROM gt_market_orders WHERE deposit_address = ?').get(created.depositAddress)).toBeUndefined();

      // Paying from the lab wallet: the order sees it in the mempool at once.
      const payment = live.send('trainee-1', created.depositAddress, created.amountSats, 5);
      expect(live.order(created.orderId)).toMatchObject({ state: 'paid_unconfirmed', receivedSats: created.amountSats, paymentTxid: payment.txid });
      expect(chain.tx(payment.txid)!.status.confirmed).toBe(false);

      const { order, seen } = mineUntil(s, created.orderId, (o) => o.payoutTxid !== null && chain.tx(o.payoutTxid)!.status.confirmed);
      expect(seen).toEqual(['paid_unconfirmed', 'paid', 'shipped', 'finalized']);
      expect(order.history.map((h) => h.state)).toEqual(['awaiting_payment', 'paid_unconfirmed', 'paid', 'shipped', 'finalized']);
      expect(order.paidHeight).toBe(fundedAt + 1);
      expect(order.finalizedBy).toBe('auto');

      // Hop by hop on the public chain: payment → sweep into the hot wallet → payout to the vendor.
      const payTx = chain.tx(payment.txid)!;
      const vout = payTx.vout.findIndex((o) => o.scriptpubkey_address === created.depositAddress);
      expect(payTx.vout[vout].value).toBe(created.amountSats);
      const toSweep = chain.outspend(payment.txid, vout)!;
      expect(toSweep.spent).toBe(true);
      expect(toSweep.txid).toBe(order.sweepTxid);
      const sweep = chain.tx(order.sweepTxid!)!;
      expect(sweep.vout).toHaveLength(1);
      expect(ownerWalletOf(s, sweep.vout[0].scriptpubkey_address!)).toMatchObject({ wallet_id: market.h, role: 'escrow' });
      const toPayout = chain.outspend(order.sweepTxid!, 0)!;
      expect(toPayout.txid).toBe(order.payoutTxid);
      const payout = chain.tx(order.payoutTxid!)!;
      expect(payout.vout[order.payoutVout!].value).toBe(order.vendorShareSats);
      expect(ownerWalletOf(s, payout.vout[order.payoutVout!].scriptpubkey_address!)?.wallet_id).toBe(listing.payoutWallet);
      // The market keeps its commission: the change goes back to its hot wallet.
      const change = payout.vout.findIndex((_, i) => i !== order.payoutVout);
      expect(ownerWalletOf(s, payout.vout[change].scriptpubkey_address!)?.wallet_id).toBe(market.h);

      // The ground truth knows every hop.
      const trainee = live.labWallet('trainee-1')!;
      expect(gtTx(s, funding.txid)).toMatchObject({ intent: 'lab_allowance' });
      expect(gtTx(s, payment.txid)).toMatchObject({ intent: 'order_payment', entity_id: trainee.entityId });
      expect(JSON.parse(gtTx(s, payment.txid)!.attrs)).toMatchObject({ order: created.orderId, live: true });
      expect(gtTx(s, order.sweepTxid!)).toMatchObject({ intent: 'market_sweep', entity_id: market.e });
      expect(gtTx(s, order.payoutTxid!)).toMatchObject({ intent: 'vendor_payout', entity_id: market.e });
      expect(ownerWalletOf(s, created.depositAddress)).toEqual({ wallet_id: market.d, key_index: key.k, role: 'deposit' });
      expect(ownerWalletOf(s, payTx.vout[1 - vout].scriptpubkey_address!)).toMatchObject({ wallet_id: trainee.walletId, role: 'change' });

      // Every live block's coinbase has its truth row too.
      const uncovered = s.ledger.db.prepare(`SELECT COUNT(*) AS n FROM txs t LEFT JOIN gt_txs g ON g.tx_id = t.id WHERE t.block_height > ? AND g.tx_id IS NULL`).get(fundedAt - 1) as { n: number };
      expect(uncovered.n).toBe(0);
      expect(verifyLedger(s.ledger).problems).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('pays a finalize-early vendor straight from the deposit', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const chain = reader(s);
      s.live.fund('fe', 5_000_000);
      s.mine();
      const listing = listingOf(s.ledger, 'silkway', true);
      const created = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'fe' });
      const payment = s.live.send('fe', created.depositAddress, created.amountSats, 3);
      const { order } = mineUntil(s, created.orderId, (o) => o.state === 'finalized');
      expect(order.finalizeEarly).toBe(true);
      expect(order.finalizedBy).toBe('early');
      expect(order.releaseTxid).not.toBeNull();
      expect(order.sweepTxid).toBeNull();
      const vout = chain.tx(payment.txid)!.vout.findIndex((o) => o.scriptpubkey_address === created.depositAddress);
      expect(chain.outspend(payment.txid, vout)!.txid).toBe(order.releaseTxid);
      const release = chain.tx(order.releaseTxid!)!;
      expect(release.vout[0].value).toBe(order.vendorShareSats);
      expect(ownerWalletOf(s, release.vout[0].scriptpubkey_address!)?.wallet_id).toBe(listing.payoutWallet);
      expect(gtTx(s, order.releaseTxid!)).toMatchObject({ intent: 'escrow_release' });
      expect(verifyLedger(s.ledger).problems).toEqual([]);
    } finally {
      s.close();
    }
  });
});

describe('an order on the dead-drop shop market', () => {
  it('goes paid → klad_ready → finalized and the shop is paid from the sweep', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const chain = reader(s);
      s.live.fund('shop', 5_000_000);
      s.mine();
      const listing = listingOf(s.ledger, 'polarnaya', true);
      const created = s.live.createOrder({ marketId: 'polarnaya', listingId: listing.id, buyerRef: 'shop', quantity: 2 });
      expect(created.order.usd).toBeCloseTo(listing.priceUsd * 2, 2);
      s.live.send('shop', created.depositAddress, created.amountSats, 4);
      const { order, seen } = mineUntil(s, created.orderId, (o) => o.payoutTxid !== null);
      expect(seen).toEqual(['paid_unconfirmed', 'paid', 'klad_ready', 'finalized']);
      expect(order.model).toBe('shop');
      expect(chain.outspend(order.sweepTxid!, 0)!.txid).toBe(order.payoutTxid);
      s.mine();
      expect(chain.tx(order.payoutTxid!)!.status.confirmed).toBe(true);
      expect(ownerWalletOf(s, chain.tx(order.payoutTxid!)!.vout[order.payoutVout!].scriptpubkey_address!)?.wallet_id).toBe(listing.payoutWallet);
    } finally {
      s.close();
    }
  });
});

describe('orders over time', () => {
  it('an unpaid order expires; an underpaid one waits', () => {
    const s = serve(copyWorld(worldFile), { timing: { paymentWindowBlocks: 3 } });
    try {
      s.live.fund('late', 2_000_000);
      s.mine();
      const listing = listingOf(s.ledger, 'silkway', false);
      const unpaid = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'late' });
      const short = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'late' });
      expect(short.depositAddress).not.toBe(unpaid.depositAddress);
      s.live.send('late', short.depositAddress, short.amountSats - 1000, 2);
      expect(s.live.order(short.orderId)).toMatchObject({ state: 'awaiting_payment', receivedSats: short.amountSats - 1000 });
      for (let i = 0; i < 3; i++) s.mine();
      expect(s.live.order(unpaid.orderId)!.state).toBe('expired');
      expect(s.live.order(short.orderId)!.state).toBe('expired');
      expect(s.live.ordersOf('late').map((o) => o.id).sort()).toEqual([unpaid.orderId, short.orderId].sort());
    } finally {
      s.close();
    }
  });

  it('a restart keeps lab wallets and orders, and the order carries on to its payout', () => {
    const file = copyWorld(worldFile);
    let s = serve(file);
    const funding = s.live.fund('restart', 3_000_000);
    s.mine();
    const wallet = s.live.labWallet('restart')!;
    const listing = listingOf(s.ledger, 'silkway', false, 1);
    const created = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'restart', orderId: 'silkway-000999' });
    s.live.send('restart', created.depositAddress, created.amountSats, 6);
    s.mine();
    const paid = s.live.order(created.orderId)!;
    expect(paid.state).toBe('paid');
    const balance = s.live.balance('restart');
    s.close();

    s = serve(file);
    try {
      expect(s.live.labWallet('restart')).toEqual(wallet);
      expect(s.live.balance('restart')).toEqual(balance);
      expect(s.live.history('restart').map((h) => h.txid)).toContain(funding.txid);
      expect(s.live.order(created.orderId)).toEqual(paid);
      // Keys continue where they stopped: a new order gets a new address.
      const next = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'restart' });
      expect(next.depositAddress).not.toBe(created.depositAddress);
      expect(next.orderId).toBe('silkway-L000002');
      const { order } = mineUntil(s, created.orderId, (o) => o.payoutTxid !== null);
      expect(order.state).toBe('finalized');
      expect(reader(s).outspend(order.sweepTxid!, 0)!.txid).toBe(order.payoutTxid);
      expect(verifyLedger(s.ledger).problems).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('the same actions on the same world give the same addresses and transactions', () => {
    const run = (file: string) => {
      const s = serve(file);
      try {
        s.live.fund('det', 1_000_000);
        s.mine();
        const o = s.live.createOrder({ marketId: 'silkway', listingId: listingOf(s.ledger, 'silkway', false).id, buyerRef: 'det' });
        const pay = s.live.send('det', o.depositAddress, o.amountSats, 3);
        const done = mineUntil(s, o.orderId, (x) => x.payoutTxid !== null).order;
        return { deposit: o.depositAddress, pay: pay.txid, sweep: done.sweepTxid, payout: done.payoutTxid, tip: s.ledger.tip()!.height };
      } finally {
        s.close();
      }
    };
    expect(run(copyWorld(worldFile))).toEqual(run(copyWorld(worldFile)));
  });

  it('refuses orders it cannot take, with reasons', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const silkway = listingOf(s.ledger, 'silkway', false);
      const shop = listingOf(s.ledger, 'polarnaya', true);
      const code = (fn: () => unknown) => {
        try {
          fn();
        } catch (err) {
          expect(err).toBeInstanceOf(LiveError);
          expect(err).toBeInstanceOf(RangeError);
          return (err as LiveError).code;
        }
        throw new Error('no error');
      };
      expect(code(() => s.live.createOrder({ marketId: 'nosuch', listingId: silkway.id, buyerRef: 'x' }))).toBe('unknown-market');
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: shop.id, buyerRef: 'x' }))).toBe('unknown-listing');
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x', vendorEntityId: shop.vendorEntityId }))).toBe('unknown-listing');
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: '' }))).toBe('invalid-input');
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x', usd: -5 }))).toBe('invalid-amount');
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x', quantity: 0 }))).toBe('invalid-input');
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x', orderId: '<b>' }))).toBe('invalid-input');
      s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x', orderId: 'dup-1' });
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x', orderId: 'dup-1' }))).toBe('duplicate');
      expect(code(() => s.live.finalizeOrder('dup-1'))).toBe('order-state');
      expect(code(() => s.live.finalizeOrder('nosuch'))).toBe('unknown-order');
      // A market the world closed (an event's status) takes no orders.
      s.ledger.db.prepare(`UPDATE gt_entities SET attrs = json_set(attrs, '$.status', 'seized') WHERE id = (SELECT entity_id FROM gt_markets WHERE ref = 'market:silkway')`).run();
      expect(code(() => s.live.createOrder({ marketId: 'silkway', listingId: silkway.id, buyerRef: 'x' }))).toBe('market-closed');
    } finally {
      s.close();
    }
  });

  it('never hands out a deposit key the market sites handed out themselves', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const listing = listingOf(s.ledger, 'silkway', false);
      const first = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'x' });
      const index = (a: string) => (s.ledger.db.prepare('SELECT key_index AS k FROM live_keys WHERE address = ?').get(a) as { k: number }).k;
      // The sites' table (market/sites/kit/deposits.ts), created after the live world opened, claims the next keys.
      const market = (s.ledger.db.prepare("SELECT entity_id AS e FROM gt_markets WHERE ref = 'market:silkway'").get() as { e: number }).e;
      s.ledger.db.exec('CREATE TABLE lab_market_deposits (market_entity_id INTEGER NOT NULL, key_index INTEGER NOT NULL, address TEXT NOT NULL UNIQUE, order_id TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (market_entity_id, key_index))');
      s.ledger.db.prepare('INSERT INTO lab_market_deposits VALUES (?, ?, ?, NULL, 0)').run(market, index(first.depositAddress) + 5, 'site-issued');
      const next = s.live.createOrder({ marketId: 'silkway', listingId: listing.id, buyerRef: 'x' });
      expect(index(next.depositAddress)).toBe(index(first.depositAddress) + 6);
    } finally {
      s.close();
    }
  });

  it('lets the buyer finalize once the order has shipped', () => {
    const s = serve(copyWorld(worldFile), { timing: { autoFinalizeBlocks: 50 } });
    try {
      s.live.fund('fin', 3_000_000);
      s.mine();
      const created = s.live.createOrder({ marketId: 'silkway', listingId: listingOf(s.ledger, 'silkway', false).id, buyerRef: 'fin' });
      s.live.send('fin', created.depositAddress, created.amountSats, 3);
      mineUntil(s, created.orderId, (o) => o.state === 'shipped');
      expect(() => s.live.finalizeOrder(created.orderId, 'someone-else')).toThrow(LiveError);
      const order = s.live.finalizeOrder(created.orderId, 'fin');
      expect(order).toMatchObject({ state: 'finalized', finalizedBy: 'buyer' });
      expect(mineUntil(s, created.orderId, (o) => o.payoutTxid !== null, 10).order.payoutTxid).not.toBeNull();
    } finally {
      s.close();
    }
  });
});
