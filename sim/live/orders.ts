// Orders placed live on the world's markets, and what the markets do with the money afterwards.
// An order gets the next unused address of the market's own deposit wallet; a payment to it is
// seen in the mempool, then confirmed; the order then moves through the market's states block by
// block, and the market moves the coins as it did during generation: deposits are swept into the
// hot wallet, and once the order is finalized the vendor's share (the commission kept) is paid to
// the vendor's payout wallet, spending the very coin the sweep made. Finalize-early vendors on
// the escrow market are paid straight from the deposit, as the world's market does. Every one of
// these transactions is in the mempool at once and confirms in the next live block, so a trainee
// can follow their own payment hop by hop on the explorer.
//
//   escrow: awaiting_payment → paid_unconfirmed → paid → shipped → finalized
//   shop:   awaiting_payment → paid_unconfirmed → paid → klad_ready → finalized
//   an order never paid lapses to expired.
import type { Db } from '../../chain/store/open.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import type { TxOut } from '../../chain/types.ts';
import { Rng } from '../../chain/rng.ts';
import { txidHex } from '../../chain/tx.ts';
import { usdToSats } from '../calibration/btc-usd.ts';
import { CALIBRATION } from '../calibration/defaults.ts';
import type { OpsecLevel } from '../calibration/defaults.ts';
import type { MarketOptions } from '../options.ts';
import type { AddressRole } from '../truth/types.ts';
import { LiveError } from './errors.ts';
import type { SentTx, WalletBook } from './wallets.ts';

export type LiveOrderState = 'awaiting_payment' | 'paid_unconfirmed' | 'paid' | 'shipped' | 'klad_ready' | 'finalized' | 'expired';

/** States in which an order still changes (finalized orders may still wait for the vendor's payout). */
export const OPEN_ORDER_STATES: readonly LiveOrderState[] = ['awaiting_payment', 'paid_unconfirmed', 'paid', 'shipped', 'klad_ready'];

export interface CreateOrderInput {
  /** The market's id: 'silkway' (its ref is 'market:silkway'). */
  marketId: string;
  /** gt_market_listings.id, e.g. 'silkway-L00042'. */
  listingId: string;
  /** Optional cross-checks: the listing's vendor by entity id or by index ('market:silkway/vendor:<n>'). */
  vendorEntityId?: number;
  vendorIndex?: number;
  /** Units ordered (default 1). */
  quantity?: number;
  /** Order total in USD; default the listing's price × quantity. */
  usd?: number;
  /** Who placed it, as the caller names them (e.g. 'site:silkway/account:3'); stored, shown to the instructor. */
  buyerRef: string;
  /** The caller's own order id (e.g. the site's 'silkway-000412'); default '<market>-L000001', … */
  orderId?: string;
}

export interface OrderStep {
  state: LiveOrderState;
  height: number;
  /** World time (unix seconds) of the tip when it happened. */
  time: number;
}

export interface LiveOrder {
  id: string;
  marketId: string;
  marketEntityId: number;
  model: 'escrow' | 'shop';
  vendorEntityId: number;
  listingId: string;
  quantity: number;
  usd: number;
  amountSats: number;
  commissionSats: number;
  /** What the vendor is paid: amountSats − commissionSats. */
  vendorShareSats: number;
  finalizeEarly: boolean;
  buyerRef: string;
  depositAddress: string;
  /** The deposit address's key index in the market's deposit wallet. */
  depositKeyIndex: number;
  state: LiveOrderState;
  createdAt: number;
  createdHeight: number;
  expiresAt: number;
  expiresHeight: number;
  /** Sats received at the deposit address so far (mempool included). */
  receivedSats: number;
  /** The transaction that paid it (the first one, if it took several). */
  paymentTxid: string | null;
  paidHeight: number | null;
  shippedHeight: number | null;
  kladReadyHeight: number | null;
  finalizedHeight: number | null;
  finalizedBy: 'buyer' | 'auto' | 'early' | null;
  /** Finalize early: the deposit spent straight to the vendor and the market. */
  releaseTxid: string | null;
  /** The sweep of the deposit into the market's hot wallet. */
  sweepTxid: string | null;
  /** The vendor's payout (vendor_payout, or escrow_release for finalize early) and its output. */
  payoutTxid: string | null;
  payoutVout: number | null;
  history: OrderStep[];
}

export interface CreatedOrder {
  orderId: string;
  depositAddress: string;
  amountSats: number;
  /** World time (unix seconds) after which an unpaid order lapses; expiresHeight in blocks. */
  expiresAt: number;
  expiresHeight: number;
  order: LiveOrder;
}

export interface LiveTiming {
  /** Blocks an unpaid order waits for its payment. Default 72. */
  paymentWindowBlocks: number;
  /** Escrow: blocks from payment to shipping. Default 2. */
  shipAfterBlocks: number;
  /** Shop: blocks from payment to the dead drop's coordinates. Default 1. */
  kladAfterBlocks: number;
  /** Blocks from shipping (or the drop) to automatic finalization. Default 6. */
  autoFinalizeBlocks: number;
  /** Deposit sweeps every N live blocks; default the market's own cadence, at most every 3 blocks. */
  sweepEveryBlocks?: number;
  /** Vendor payouts every N live blocks; default the market's own cadence, at most every 6 blocks. */
  payoutEveryBlocks?: number;
}

export const DEFAULT_LIVE_TIMING: LiveTiming = { paymentWindowBlocks: 72, shipAfterBlocks: 2, kladAfterBlocks: 1, autoFinalizeBlocks: 6 };

interface MarketRow {
  entityId: number;
  id: string;
  name: string;
  model: 'escrow' | 'shop';
  depositWallet: number;
  hotWallet: number;
  options: Partial<MarketOptions>;
  status: string | null;
  phase: number;
}

interface VendorRow {
  entityId: number;
  ref: string;
  handle: string;
  commission: number;
  finalizeEarly: boolean;
  opsec: OpsecLevel;
  payoutWallet: number;
  status: string | null;
}

interface OrderRow {
  id: string;
  market_id: string;
  market_entity_id: number;
  model: 'escrow' | 'shop';
  vendor_entity_id: number;
  listing_id: string;
  quantity: number;
  amount_usd: number;
  amount_sats: number;
  commission_sats: number;
  finalize_early: number;
  buyer_ref: string;
  deposit_wallet: number;
  deposit_index: number;
  deposit_address: string;
  state: LiveOrderState;
  created_at: number;
  created_height: number;
  expires_at: number;
  expires_height: number;
  received_sats: number;
  payment_txid: string | null;
  paid_height: number | null;
  shipped_height: number | null;
  klad_height: number | null;
  finalized_height: number | null;
  finalized_by: 'buyer' | 'auto' | 'early' | null;
  release_txid: string | null;
  sweep_txid: string | null;
  hold_txid: string | null;
  hold_vout: number | null;
  payout_txid: string | null;
  payout_vout: number | null;
  history: string;
  attrs: string;
}

const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const MAX_USD = 1_000_000;
/** Inputs per sweep transaction (standard size), as the world's markets split theirs. */
const SWEEP_CHUNK = 200;
/** Markets that take no orders in these states (gt_entities.attrs.status set by world events). */
const CLOSED = new Set(['maintenance', 'exit_scam', 'seized', 'exited', 'migrated']);

export class LiveOrders {
  private readonly st;
  private readonly markets = new Map<string, MarketRow>();

  constructor(
    private readonly db: Db,
    private readonly book: WalletBook,
    private readonly timing: LiveTiming,
    /** sat/vB for a market wallet's transaction now (the going rate times the wallet's habit). */
    private readonly feeRate: (label: string, factor: number) => number,
  ) {
    this.st = {
      market: db.prepare(
        `SELECT m.entity_id AS entityId, m.ref, m.name, m.model, m.deposit_wallet AS depositWallet, m.hot_wallet AS hotWallet, m.attrs, e.attrs AS entityAttrs
         FROM gt_markets m JOIN gt_entities e ON e.id = m.entity_id WHERE m.ref = ?`,
      ),
      listing: db.prepare('SELECT id, market_entity_id AS marketEntityId, vendor_entity_id AS vendorEntityId, title, price_usd AS priceUsd FROM gt_market_listings WHERE id = ?'),
      vendor: db.prepare(
        `SELECT v.entity_id AS entityId, v.ref, v.handle, v.commission, v.finalize_early AS finalizeEarly, v.opsec, v.payout_wallet AS payoutWallet, e.attrs AS entityAttrs
         FROM gt_market_vendors v JOIN gt_entities e ON e.id = v.entity_id WHERE v.entity_id = ?`,
      ),
      get: db.prepare('SELECT * FROM live_orders WHERE id = ?'),
      byAddress: db.prepare('SELECT * FROM live_orders WHERE deposit_address = ?'),
      byBuyer: db.prepare('SELECT * FROM live_orders WHERE buyer_ref = ? ORDER BY created_height DESC, rowid DESC'),
      all: db.prepare('SELECT * FROM live_orders ORDER BY created_height DESC, rowid DESC LIMIT ?'),
      active: db.prepare(
        `SELECT * FROM live_orders WHERE state IN ('awaiting_payment', 'paid_unconfirmed', 'paid', 'shipped', 'klad_ready')
           OR (state = 'finalized' AND payout_txid IS NULL) ORDER BY rowid`,
      ),
      countMarket: db.prepare('SELECT COUNT(*) AS n FROM live_orders WHERE market_id = ?'),
      insert: db.prepare(
        `INSERT INTO live_orders (id, market_id, market_entity_id, model, vendor_entity_id, listing_id, quantity, amount_usd, amount_sats, commission_sats,
           finalize_early, buyer_ref, deposit_wallet, deposit_index, deposit_address, state, created_at, created_height, expires_at, expires_height, history, attrs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'awaiting_payment', ?, ?, ?, ?, ?, ?)`,
      ),
      save: db.prepare(
        `UPDATE live_orders SET state = ?, received_sats = ?, payment_txid = ?, paid_height = ?, shipped_height = ?, klad_height = ?, finalized_height = ?,
           finalized_by = ?, release_txid = ?, sweep_txid = ?, hold_txid = ?, hold_vout = ?, payout_txid = ?, payout_vout = ?, history = ?, attrs = ? WHERE id = ?`,
      ),
      payments: db.prepare(
        `SELECT t.txid, t.block_height AS height, t.id, o.value FROM outputs o JOIN txs t ON t.id = o.tx_id
         WHERE o.address_id = ? ORDER BY t.block_height IS NULL, t.block_height, t.id`,
      ),
      depositCoins: db.prepare(
        `SELECT lo.id FROM live_orders lo JOIN live_keys k ON k.address = lo.deposit_address
         JOIN outputs o ON o.address_id = k.address_id AND o.spent_tx_id IS NULL JOIN txs t ON t.id = o.tx_id
         WHERE lo.market_id = ? AND t.block_height IS NOT NULL LIMIT 1`,
      ),
      payoutKey: db.prepare(
        `SELECT MAX(k) AS k FROM (SELECT MAX(key_index) AS k FROM gt_addresses WHERE wallet_id = ? AND role = 'payout'
           UNION ALL SELECT MAX(key_index) FROM live_keys WHERE wallet_id = ? AND role = 'payout')`,
      ),
      ordersHolding: db.prepare('SELECT * FROM live_orders WHERE market_id = ? AND hold_txid = ? AND hold_vout = ? AND payout_txid IS NULL AND release_txid IS NULL'),
      marketsWithOrders: db.prepare('SELECT DISTINCT market_id AS id FROM live_orders'),
      ofMarket: db.prepare('SELECT * FROM live_orders WHERE market_id = ?'),
    };
  }

  private tip(): { height: number; time: number } {
    const t = this.book.ledger.tip();
    return t ? { height: t.height, time: t.time } : { height: this.book.ledger.settings.startHeight - 1, time: this.book.ledger.settings.startTime };
  }

  // ---- markets ---------------------------------------------------------------------------------

  market(marketId: string): MarketRow {
    const cached = this.markets.get(marketId);
    const row = this.st.market.get(`market:${marketId}`) as
      | { entityId: number; ref: string; name: string; model: 'escrow' | 'shop'; depositWallet: number; hotWallet: number; attrs: string; entityAttrs: string }
      | undefined;
    if (!row) throw new LiveError('unknown-market', `no market ${JSON.stringify(marketId)} in this world`);
    // Status can change (an instructor's event); the rest is fixed.
    const status = (JSON.parse(row.entityAttrs) as { status?: string }).status ?? null;
    if (cached) return { ...cached, status };
    const options = JSON.parse(row.attrs) as Partial<MarketOptions>;
    const m: MarketRow = {
      entityId: row.entityId, id: marketId, name: row.name, model: row.model === 'shop' ? 'shop' : 'escrow',
      depositWallet: row.depositWallet, hotWallet: row.hotWallet, options, status,
      // The same phase the world's market used (sim/markets/market-core.ts), so live sweeps keep its rhythm.
      phase: Rng.fromSeed(this.book.ledger.settings.seed).fork('world').fork(`markets/${marketId}/phase`).int(0, 1000),
    };
    this.markets.set(marketId, m);
    return m;
  }

  private vendor(entityId: number): VendorRow {
    const v = this.st.vendor.get(entityId) as
      | { entityId: number; ref: string; handle: string; commission: number; finalizeEarly: number; opsec: OpsecLevel; payoutWallet: number; entityAttrs: string }
      | undefined;
    if (!v) throw new LiveError('unknown-listing', `vendor ${entityId} is not in this world`);
    const status = (JSON.parse(v.entityAttrs) as { status?: string }).status ?? null;
    return { entityId: v.entityId, ref: v.ref, handle: v.handle, commission: v.commission, finalizeEarly: v.finalizeEarly === 1, opsec: v.opsec, payoutWallet: v.payoutWallet, status };
  }

  private sweepEvery(m: MarketRow): number {
    return this.timing.sweepEveryBlocks ?? Math.max(1, Math.min(m.options.sweepEveryBlocks ?? 3, 3));
  }

  private payoutEvery(m: MarketRow): number {
    return this.timing.payoutEveryBlocks ?? Math.max(1, Math.min(m.options.payoutEveryBlocks ?? 6, 6));
  }

  // ---- placing and reading ---------------------------------------------------------------------

  create(input: CreateOrderInput): CreatedOrder {
    if (!input || typeof input !== 'object') throw new LiveError('invalid-input', 'createOrder needs { marketId, listingId, buyerRef }');
    if (typeof input.marketId !== 'string' || input.marketId === '') throw new LiveError('invalid-input', 'marketId is required');
    if (typeof input.buyerRef !== 'string' || input.buyerRef === '' || input.buyerRef.length > 200) {
      throw new LiveError('invalid-input', 'buyerRef is required (a non-empty string of at most 200 characters)');
    }
    const m = this.market(input.marketId);
    if (m.status && CLOSED.has(m.status)) throw new LiveError('market-closed', `${m.name} takes no orders (${m.status.replace('_', ' ')})`);
    const listing = typeof input.listingId === 'string' ? (this.st.listing.get(input.listingId) as { id: string; marketEntityId: number; vendorEntityId: number; priceUsd: number } | undefined) : undefined;
    if (!listing || listing.marketEntityId !== m.entityId) throw new LiveError('unknown-listing', `no listing ${JSON.stringify(input.listingId)} on ${m.name}`);
    const vendor = this.vendor(listing.vendorEntityId);
    if (input.vendorEntityId !== undefined && input.vendorEntityId !== vendor.entityId) throw new LiveError('unknown-listing', `listing ${listing.id} is not sold by vendor ${input.vendorEntityId}`);
    if (input.vendorIndex !== undefined && vendor.ref !== `market:${m.id}/vendor:${input.vendorIndex}`) throw new LiveError('unknown-listing', `listing ${listing.id} is not sold by vendor ${input.vendorIndex}`);
    if (vendor.status === 'exited') throw new LiveError('market-closed', `vendor ${vendor.handle} has left ${m.name}`);
    const quantity = input.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) throw new LiveError('invalid-input', 'quantity must be a whole number from 1 to 1000');
    const usd = input.usd ?? Math.round(listing.priceUsd * quantity * 100) / 100;
    if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0 || usd > MAX_USD) throw new LiveError('invalid-amount', `usd must be a positive amount up to ${MAX_USD}`);
    let id = input.orderId;
    if (id !== undefined) {
      if (typeof id !== 'string' || !ORDER_ID.test(id)) throw new LiveError('invalid-input', 'orderId must be 1–64 letters, digits, or . _ : -');
      if (this.st.get.get(id)) throw new LiveError('duplicate', `order ${id} exists already`);
    } else {
      let n = (this.st.countMarket.get(m.id) as { n: number }).n + 1;
      do id = `${m.id}-L${String(n++).padStart(6, '0')}`;
      while (this.st.get.get(id));
    }
    const tip = this.tip();
    const sats = usdToSats(usd, tip.time);
    if (sats < 10_000) throw new LiveError('invalid-amount', `an order of $${usd} is too small to pay on chain`);
    const commission = Math.round(sats * vendor.commission);
    const window = this.timing.paymentWindowBlocks;
    const orderId = id;
    this.db.transaction(() => {
      const deposit = this.book.issue(m.depositWallet, 'deposit');
      const history: OrderStep[] = [{ state: 'awaiting_payment', height: tip.height, time: tip.time }];
      this.st.insert.run(
        orderId, m.id, m.entityId, m.model, vendor.entityId, listing.id, quantity, usd, sats, commission, vendor.finalizeEarly ? 1 : 0, input.buyerRef,
        m.depositWallet, deposit.keyIndex, deposit.address, tip.time, tip.height, tip.time + window * 600, tip.height + window, JSON.stringify(history), '{}',
      );
    })();
    const order = this.get(orderId)!;
    return { orderId, depositAddress: order.depositAddress, amountSats: order.amountSats, expiresAt: order.expiresAt, expiresHeight: order.expiresHeight, order };
  }

  /** The order as it stands now: a payment in the mempool or a block shows at once. */
  get(orderId: string): LiveOrder | null {
    const row = this.st.get.get(orderId) as OrderRow | undefined;
    if (!row) return null;
    if (row.state === 'awaiting_payment' || row.state === 'paid_unconfirmed') {
      if (this.syncPayment(row, this.tip())) this.save(row);
    }
    return view(row);
  }

  byBuyer(buyerRef: string): LiveOrder[] {
    return (this.st.byBuyer.all(buyerRef) as OrderRow[]).map((r) => this.get(r.id)!);
  }

  list(limit = 200): LiveOrder[] {
    return (this.st.all.all(limit) as OrderRow[]).map(view);
  }

  /** The open order that `address` is the deposit address of, if any (a lab-wallet payment to it is an order payment). */
  openOrderAt(address: string): { intent: 'order_payment'; orderId: string } | null {
    const row = this.st.byAddress.get(address) as OrderRow | undefined;
    return row ? { intent: 'order_payment', orderId: row.id } : null;
  }

  /** The buyer finalizes (escrow: after shipping; shop: once the drop's coordinates are out). */
  finalize(orderId: string, buyerRef?: string): LiveOrder {
    const row = this.st.get.get(orderId) as OrderRow | undefined;
    if (!row) throw new LiveError('unknown-order', `no order ${JSON.stringify(orderId)}`);
    if (buyerRef !== undefined && row.buyer_ref !== buyerRef) throw new LiveError('unknown-order', `no order ${JSON.stringify(orderId)} for this buyer`);
    if (row.state !== 'shipped' && row.state !== 'klad_ready') throw new LiveError('order-state', `order ${orderId} is ${row.state.replace('_', ' ')}; it can be finalized once ${row.model === 'shop' ? 'the drop is ready' : 'it has shipped'}`);
    this.step(row, 'finalized', this.tip());
    row.finalized_by = 'buyer';
    this.save(row);
    return view(row);
  }

  // ---- the block -------------------------------------------------------------------------------

  /** Advances every open order after a live block, then makes the markets' sweeps and payouts that are due. */
  onBlock(onError: (err: unknown, context: string) => void): void {
    const tip = this.tip();
    for (const row of this.st.active.all() as OrderRow[]) {
      try {
        this.advance(row, tip);
      } catch (err) {
        onError(err, `live order ${row.id}`);
      }
    }
    // The block being assembled next is tip + 1: a market acts when (height + phase) hits its cadence.
    const next = tip.height + 1;
    for (const { id } of this.st.marketsWithOrders.all() as { id: string }[]) {
      const m = this.market(id);
      try {
        if ((next + m.phase) % this.sweepEvery(m) === 0) this.sweep(m);
      } catch (err) {
        onError(err, `sweep of ${m.id}`);
      }
      try {
        if ((next + m.phase) % this.payoutEvery(m) === 0) this.payout(m);
      } catch (err) {
        onError(err, `payout of ${m.id}`);
      }
    }
  }

  private advance(row: OrderRow, tip: { height: number; time: number }): void {
    const before = JSON.stringify(row);
    const t = this.timing;
    if (row.state === 'awaiting_payment' || row.state === 'paid_unconfirmed') this.syncPayment(row, tip);
    if (row.state === 'awaiting_payment' && tip.height >= row.expires_height) this.step(row, 'expired', tip);
    if (row.state === 'paid') {
      if (row.model === 'escrow' && row.finalize_early && !row.release_txid && !attrsOf(row).releaseFailed) this.releaseEarly(row, tip);
      if (row.model === 'escrow' && tip.height >= row.paid_height! + t.shipAfterBlocks) {
        this.step(row, 'shipped', tip);
        row.shipped_height = tip.height;
      } else if (row.model === 'shop' && tip.height >= row.paid_height! + t.kladAfterBlocks) {
        this.step(row, 'klad_ready', tip);
        row.klad_height = tip.height;
      }
    }
    if (row.state === 'shipped' && tip.height >= row.shipped_height! + t.autoFinalizeBlocks) {
      this.step(row, 'finalized', tip);
      row.finalized_by = row.release_txid ? 'early' : 'auto';
    }
    if (row.state === 'klad_ready') {
      // Shop vendors trusted to be paid early are credited as soon as the drop is handed over.
      const early = row.finalize_early === 1;
      if (tip.height >= row.klad_height! + (early ? 1 : t.autoFinalizeBlocks)) {
        this.step(row, 'finalized', tip);
        row.finalized_by = early ? 'early' : 'auto';
      }
    }
    if (JSON.stringify(row) !== before) this.save(row);
  }

  /** Reads what the deposit address received; returns whether the order changed. */
  private syncPayment(row: OrderRow, tip: { height: number; time: number }): boolean {
    const key = this.book.issuedKey(row.deposit_address);
    if (!key) return false;
    let addressId = key.addressId;
    if (addressId === null) {
      this.book.syncWallet(row.deposit_wallet);
      addressId = this.book.issuedKey(row.deposit_address)?.addressId ?? null;
      if (addressId === null) return false;
    }
    const pays = this.st.payments.all(addressId) as { txid: Uint8Array; height: number | null; id: number; value: number }[];
    let total = 0;
    let confirmed = 0;
    let paidAt: number | null = null;
    for (const p of pays) {
      total += p.value;
      if (p.height !== null) {
        confirmed += p.value;
        if (paidAt === null && confirmed >= row.amount_sats) paidAt = p.height;
      }
    }
    const changed = total !== row.received_sats;
    row.received_sats = total;
    if (pays.length && !row.payment_txid) row.payment_txid = txidHex(new Uint8Array(pays[0].txid));
    if (paidAt !== null) {
      row.paid_height = paidAt;
      this.step(row, 'paid', tip);
      return true;
    }
    if (total >= row.amount_sats && row.state === 'awaiting_payment') {
      this.step(row, 'paid_unconfirmed', tip);
      return true;
    }
    return changed;
  }

  private step(row: OrderRow, state: LiveOrderState, tip: { height: number; time: number }): void {
    if (row.state === state) return;
    row.state = state;
    if (state === 'finalized') row.finalized_height = tip.height;
    const history = JSON.parse(row.history) as OrderStep[];
    history.push({ state, height: tip.height, time: tip.time });
    row.history = JSON.stringify(history);
  }

  private save(row: OrderRow): void {
    this.st.save.run(
      row.state, row.received_sats, row.payment_txid, row.paid_height, row.shipped_height, row.klad_height, row.finalized_height, row.finalized_by,
      row.release_txid, row.sweep_txid, row.hold_txid, row.hold_vout, row.payout_txid, row.payout_vout, row.history, row.attrs, row.id,
    );
  }

  // ---- the markets' money ----------------------------------------------------------------------

  /** Where the market pays a vendor: the last payout address again (careless vendors, by their habit) or a fresh one. */
  private vendorPayoutScript(v: VendorRow, orderId: string): Uint8Array {
    const reuse = Rng.fromSeed(this.book.ledger.settings.seed).fork('live/payout-address').fork(orderId).bool(CALIBRATION.vendors.withdrawal[v.opsec]?.addressReuse ?? 0);
    if (reuse) {
      const last = (this.st.payoutKey.get(v.payoutWallet, v.payoutWallet) as { k: number | null }).k;
      if (last !== null) return this.book.scriptOf(v.payoutWallet, last);
    }
    return this.book.issue(v.payoutWallet, 'payout').script;
  }

  private hotRole(m: MarketRow): AddressRole {
    return m.model === 'escrow' ? 'escrow' : 'hot';
  }

  /**
   * Finalize early (escrow market): the deposit itself is spent to the vendor (their share) and the
   * hot wallet (the commission less the fee), as the world's market does. Too small to split: the
   * order goes through the sweep and the payout batch instead.
   */
  private releaseEarly(row: OrderRow, tip: { height: number }): void {
    const m = this.market(row.market_id);
    const coins = this.depositCoinsOf(row).filter((c) => c.height !== null && c.height <= tip.height);
    if (coins.length === 0) return;
    const v = this.vendor(row.vendor_entity_id);
    const share = row.amount_sats - row.commission_sats;
    let sent: SentTx;
    try {
      sent = this.book.pay(
        m.depositWallet,
        {
          outputs: [
            { value: share, script: this.vendorPayoutScript(v, row.id) },
            { value: 0, script: this.book.issue(m.hotWallet, this.hotRole(m)).script },
          ],
          feeRate: this.feeRate('deposit', 0.8),
          coins,
          sweep: true,
        },
        { intent: 'escrow_release', entityId: m.entityId, orderId: row.id, attrs: { market: m.id, vendor: v.entityId } },
      );
    } catch (err) {
      if (!(err instanceof LiveError) || err.code !== 'insufficient-funds') throw err;
      row.attrs = JSON.stringify({ ...attrsOf(row), releaseFailed: true });
      return;
    }
    row.release_txid = sent.txid;
    row.payout_txid = sent.txid;
    row.payout_vout = 0;
  }

  private depositCoinsOf(row: OrderRow): WalletUtxo[] {
    const key = this.book.issuedKey(row.deposit_address);
    if (!key) return [];
    return this.book.utxos(row.deposit_wallet).filter((u) => u.key.index === key.keyIndex);
  }

  /**
   * Sweeps the deposit wallet's confirmed coins into the hot wallet, as the world's market does on
   * its cadence, when a live order's payment is among them. Coins waiting for a finalize-early
   * release stay.
   */
  private sweep(m: MarketRow): void {
    if (!this.st.depositCoins.get(m.id)) return;
    const tip = this.tip();
    const waiting = new Set<number>();
    const byIndex = new Map<number, OrderRow>();
    for (const row of this.st.active.all() as OrderRow[]) {
      if (row.market_id !== m.id) continue;
      if (row.model === 'escrow' && row.finalize_early && !row.release_txid && !attrsOf(row).releaseFailed && row.state !== 'expired') waiting.add(row.deposit_index);
    }
    const liveIndexes = new Map<number, string>();
    for (const row of this.liveOrdersOf(m.id)) {
      liveIndexes.set(row.deposit_index, row.id);
      byIndex.set(row.deposit_index, row);
    }
    const coins = this.book
      .utxos(m.depositWallet, { confirmedOnly: true })
      .filter((u) => u.height! <= tip.height && !waiting.has(u.key.index))
      // Live orders' coins first, so each sweep holds whole orders.
      .sort((a, b) => Number(liveIndexes.has(b.key.index)) - Number(liveIndexes.has(a.key.index)) || b.value - a.value);
    for (let i = 0; i < coins.length; i += SWEEP_CHUNK) {
      const chunk = coins.slice(i, i + SWEEP_CHUNK);
      const orders = [...new Set(chunk.map((c) => liveIndexes.get(c.key.index)).filter((id): id is string => id !== undefined))];
      if (orders.length === 0) break;
      const sent = this.book.pay(
        m.depositWallet,
        { outputs: [{ value: 0, script: this.book.issue(m.hotWallet, this.hotRole(m)).script }], feeRate: this.feeRate('deposit', 0.8), coins: chunk, sweep: true },
        { intent: 'market_sweep', entityId: m.entityId, attrs: { market: m.id, orders } },
      );
      for (const id of orders) {
        const row = this.st.get.get(id) as OrderRow;
        row.sweep_txid ??= sent.txid;
        if (row.hold_txid === null) {
          row.hold_txid = sent.txid;
          row.hold_vout = 0;
        }
        this.save(row);
      }
    }
  }

  private liveOrdersOf(marketId: string): OrderRow[] {
    return this.st.ofMarket.all(marketId) as OrderRow[];
  }

  /**
   * Pays finalized orders' vendors in one batch (one output per vendor), spending the hot-wallet coins
   * that hold those orders (the sweeps' outputs); the change, the market's commission and other
   * orders' money, stays in the hot wallet and holds what it held.
   */
  private payout(m: MarketRow): void {
    const due = (this.st.active.all() as OrderRow[]).filter(
      (r) => r.market_id === m.id && r.state === 'finalized' && r.payout_txid === null && r.release_txid === null && r.hold_txid !== null,
    );
    if (due.length === 0) return;
    const holds = new Map<string, WalletUtxo>();
    const payable: OrderRow[] = [];
    for (const r of due) {
      const k = `${r.hold_txid}:${r.hold_vout}`;
      if (!holds.has(k)) {
        const coin = this.book.coin(m.hotWallet, r.hold_txid!, r.hold_vout!);
        if (!coin) continue;
        holds.set(k, coin);
      }
      payable.push(r);
    }
    if (payable.length === 0) return;
    const byVendor = new Map<number, OrderRow[]>();
    for (const r of payable) byVendor.set(r.vendor_entity_id, [...(byVendor.get(r.vendor_entity_id) ?? []), r]);
    const groups = [...byVendor.entries()];
    const outputs: TxOut[] = groups.map(([vendorId, rows]) => ({
      value: rows.reduce((s, r) => s + r.amount_sats - r.commission_sats, 0),
      script: this.vendorPayoutScript(this.vendor(vendorId), rows[0].id),
    }));
    const coins = [...holds.values()];
    const truth = { intent: 'vendor_payout' as const, entityId: m.entityId, attrs: { market: m.id, vendors: outputs.length, orders: payable.map((r) => r.id) } };
    const feeRate = this.feeRate('hot', 1);
    let sent: SentTx;
    try {
      sent = this.book.pay(m.hotWallet, { outputs, feeRate, coins }, truth);
    } catch (err) {
      if (!(err instanceof LiveError) || err.code !== 'insufficient-funds') throw err;
      // The holding coins carry the orders' money less the sweep's fee; when a thin commission does
      // not cover the payout's fee too, the market adds its largest other coin.
      const extra = this.book.utxos(m.hotWallet).filter((u) => !holds.has(`${txidHex(u.txid)}:${u.vout}`)).sort((a, b) => b.value - a.value);
      if (extra.length === 0) throw err;
      sent = this.book.pay(m.hotWallet, { outputs, feeRate, coins: [...coins, extra[0]] }, truth);
    }
    const change = sent.changeVout;
    const voutOf = (j: number) => (change >= 0 && j >= change ? j + 1 : j);
    groups.forEach(([, rows], j) => {
      for (const r of rows) {
        r.payout_txid = sent.txid;
        r.payout_vout = voutOf(j);
        this.save(r);
      }
    });
    // Orders still held in a coin this payout spent are now held in its change.
    const paid = new Set(payable.map((r) => r.id));
    for (const coin of holds.values()) {
      for (const r of this.st.ordersHolding.all(m.id, txidHex(coin.txid), coin.vout) as OrderRow[]) {
        if (paid.has(r.id)) continue;
        r.hold_txid = change >= 0 ? sent.txid : null;
        r.hold_vout = change >= 0 ? change : null;
        this.save(r);
      }
    }
  }
}

function attrsOf(row: OrderRow): Record<string, unknown> {
  return JSON.parse(row.attrs) as Record<string, unknown>;
}

function view(r: OrderRow): LiveOrder {
  return {
    id: r.id,
    marketId: r.market_id,
    marketEntityId: r.market_entity_id,
    model: r.model,
    vendorEntityId: r.vendor_entity_id,
    listingId: r.listing_id,
    quantity: r.quantity,
    usd: r.amount_usd,
    amountSats: r.amount_sats,
    commissionSats: r.commission_sats,
    vendorShareSats: r.amount_sats - r.commission_sats,
    finalizeEarly: r.finalize_early === 1,
    buyerRef: r.buyer_ref,
    depositAddress: r.deposit_address,
    depositKeyIndex: r.deposit_index,
    state: r.state,
    createdAt: r.created_at,
    createdHeight: r.created_height,
    expiresAt: r.expires_at,
    expiresHeight: r.expires_height,
    receivedSats: r.received_sats,
    paymentTxid: r.payment_txid,
    paidHeight: r.paid_height,
    shippedHeight: r.shipped_height,
    kladReadyHeight: r.klad_height,
    finalizedHeight: r.finalized_height,
    finalizedBy: r.finalized_by,
    releaseTxid: r.release_txid,
    sweepTxid: r.sweep_txid,
    payoutTxid: r.payout_txid,
    payoutVout: r.payout_vout,
    history: JSON.parse(r.history) as OrderStep[],
  };
}
