// A generated world served live: the lab's block producer mines a block every few seconds from the
// mempool, and this object is what acts in the world meanwhile — trainees' lab wallets funded from
// the lab's treasury, and orders placed on the world's markets whose money the markets move on,
// block by block. Everything it does is a real transaction in the mempool (confirmed by the next
// live block) and a ground-truth row; its own state lives in lab_* / live_* tables of the world's
// database, so a restarted lab carries on where it stopped. See docs/live-world.md.
//
//   const live = LiveWorld.open(ledger);
//   new BlockProducer(ledger, { …, onBlock: (b) => live.onBlock(b) });
import { randomBytes } from 'node:crypto';
import type { Ledger, AppendedBlock } from '../../chain/ledger.ts';
import type { WalletUtxo } from '../../chain/wallet.ts';
import { bytesToHex, hexToBytes } from '../../chain/bytes.ts';
import { Rng } from '../../chain/rng.ts';
import { feeRate as calibratedFeeRate } from '../calibration/distributions.ts';
import { LIVE_TABLES_SQL } from './schema.ts';
import { LiveError } from './errors.ts';
import { WalletBook, type Balance, type HistoryEntry, type LiveTxTruth, type PayRequest, type SentTx, type WalletInfo } from './wallets.ts';
import { LabWallets, type LabWallet, type TreasuryInfo } from './lab-wallets.ts';
import { LiveOrders, DEFAULT_LIVE_TIMING, type CreateOrderInput, type CreatedOrder, type LiveOrder, type LiveTiming } from './orders.ts';

export interface LiveOptions {
  /** Order timing in live blocks (defaults: DEFAULT_LIVE_TIMING; sweeps and payouts follow each market's cadence, compressed). */
  timing?: Partial<LiveTiming>;
  /** Called when one order's or market's step fails in onBlock (the others go on). Default: rethrown after the block's work. */
  onError?: (err: unknown, context: string) => void;
}

export class LiveWorld {
  readonly ledger: Ledger;
  private readonly book: WalletBook;
  private readonly labWallets: LabWallets;
  private readonly liveOrders: LiveOrders;
  private readonly onError?: (err: unknown, context: string) => void;
  private readonly st;

  private constructor(ledger: Ledger, opts: LiveOptions) {
    this.ledger = ledger;
    this.onError = opts.onError;
    const db = ledger.db;
    this.st = {
      getMeta: db.prepare('SELECT value FROM lab_meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO lab_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
    this.book = new WalletBook(ledger, () => this.nextSeq());
    const timing = { ...DEFAULT_LIVE_TIMING, ...opts.timing };
    for (const [k, v] of Object.entries(timing)) {
      if (v !== undefined && (!Number.isInteger(v) || (v as number) < (k.endsWith('EveryBlocks') ? 1 : 0))) throw new RangeError(`timing.${k} must be a whole number of blocks, got ${v}`);
    }
    this.liveOrders = new LiveOrders(db, this.book, timing, (label, factor) => this.marketFeeRate(label, factor));
    this.labWallets = new LabWallets(db, this.book, (a) => this.liveOrders.openOrderAt(a), (id) => void this.liveOrders.get(id));
  }

  /** Opens the live world over a generated world's ledger (writable), creating the lab's tables on first use. */
  static open(ledger: Ledger, opts: LiveOptions = {}): LiveWorld {
    const db = ledger.db;
    if (db.readonly) throw new Error('the live world needs the world database open for writing');
    const has = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    for (const t of ['gt_wallets', 'gt_addresses', 'gt_txs', 'gt_entities', 'gt_markets', 'gt_market_orders']) {
      if (!has(t)) throw new Error(`this ledger has no world ground truth (${t}); serve a generated world`);
    }
    if (ledger.inBulk) throw new Error('the world is still being generated (bulk mode)');
    db.exec(LIVE_TABLES_SQL);
    return new LiveWorld(ledger, opts);
  }

  private nextSeq(): number {
    const row = this.st.getMeta.get('tx-seq') as { value: string } | undefined;
    const n = row ? Number(row.value) + 1 : 1;
    this.st.setMeta.run('tx-seq', String(n));
    return n;
  }

  /** A persisted random secret for the lab's own use (cookie signing); made once per world file. */
  secret(name: string): Uint8Array {
    const key = `secret:${name}`;
    const row = this.st.getMeta.get(key) as { value: string } | undefined;
    if (row) return hexToBytes(row.value);
    // Not world data: a secret must be unpredictable, so it comes from the OS, not the world's Rng.
    const secret = new Uint8Array(randomBytes(32));
    this.st.setMeta.run(key, bytesToHex(secret));
    return secret;
  }

  get network() {
    return this.ledger.settings.network;
  }

  /** The tip's height and world time (unix seconds). */
  tip(): { height: number; time: number } {
    const t = this.ledger.tip();
    return t ? { height: t.height, time: t.time } : { height: this.ledger.settings.startHeight - 1, time: this.ledger.settings.startTime };
  }

  /** The going fee rate (sat/vB) at the tip's date, from the calibration; what the wallet page suggests. */
  goingFeeRate(): number {
    const tip = this.tip();
    return calibratedFeeRate(Rng.fromSeed(this.ledger.settings.seed).fork('live/going-fee').fork(String(tip.height)), tip.time);
  }

  private marketFeeRate(label: string, factor: number): number {
    const tip = this.tip();
    const rate = calibratedFeeRate(Rng.fromSeed(this.ledger.settings.seed).fork('live/fee').fork(`${tip.height}/${label}`), tip.time);
    return Math.max(1, Math.round(rate * factor * 10) / 10);
  }

  // ---- any world wallet ------------------------------------------------------------------------

  wallet(walletId: number): WalletInfo {
    return this.book.info(walletId);
  }

  /** Unspent coins of any world wallet (mempool outputs included; immature coinbases left out). */
  utxos(walletId: number): WalletUtxo[] {
    return this.book.utxos(walletId);
  }

  walletBalance(walletId: number): Balance {
    return this.book.balance(walletId);
  }

  walletHistory(walletId: number, limit?: number): HistoryEntry[] {
    return this.book.history(walletId, limit);
  }

  /** A fresh address of any world wallet (key index above everything the world used). */
  freshAddress(walletId: number, role: Parameters<WalletBook['issue']>[1] = 'receive'): string {
    return this.book.issue(walletId, role).address;
  }

  /**
   * freshAddress with its key index: the one allocator of new keys while the lab is live (the market
   * sites take their deposit addresses from here, so no key is handed out twice).
   */
  freshKey(walletId: number, role: Parameters<WalletBook['issue']>[1] = 'receive'): { address: string; keyIndex: number } {
    const k = this.book.issue(walletId, role);
    return { address: k.address, keyIndex: k.keyIndex };
  }

  /** Pays from any world wallet (scenario scripts, instructors): in the mempool at once, recorded in gt_txs. */
  pay(walletId: number, req: PayRequest, truth: LiveTxTruth): SentTx {
    return this.book.pay(walletId, req, truth);
  }

  treasury(): TreasuryInfo | null {
    return this.labWallets.treasury();
  }

  // ---- trainees' lab wallets -------------------------------------------------------------------

  createLabWallet(ownerId: string): LabWallet {
    return this.labWallets.create(ownerId);
  }

  labWallet(ownerId: string): LabWallet | null {
    return this.labWallets.get(ownerId);
  }

  /** Pays `sats` from the treasury to the trainee's wallet (made if needed); in the mempool at once. */
  fund(ownerId: string, sats: number): SentTx {
    return this.labWallets.fund(ownerId, sats, this.goingFeeRate());
  }

  /** fund(), once per wallet: the trainee's allowance. */
  requestAllowance(ownerId: string, sats: number): SentTx {
    return this.labWallets.requestAllowance(ownerId, sats, this.goingFeeRate());
  }

  balance(ownerId: string): Balance {
    return this.labWallets.balance(ownerId);
  }

  receiveAddress(ownerId: string): string {
    return this.labWallets.receiveAddress(ownerId);
  }

  history(ownerId: string, limit?: number): HistoryEntry[] {
    return this.labWallets.history(ownerId, limit);
  }

  /** Pays `sats` to `address` at `feeRate` sat/vB from the trainee's wallet; returns the txid (display hex) and fee. */
  send(ownerId: string, address: string, sats: number, feeRate: number): SentTx {
    return this.labWallets.send(ownerId, address, sats, feeRate);
  }

  // ---- live market orders ----------------------------------------------------------------------

  createOrder(input: CreateOrderInput): CreatedOrder {
    return this.liveOrders.create(input);
  }

  /** The order now (a payment seen in the mempool shows at once), or null. */
  order(orderId: string): LiveOrder | null {
    return this.liveOrders.get(orderId);
  }

  ordersOf(buyerRef: string): LiveOrder[] {
    return this.liveOrders.byBuyer(buyerRef);
  }

  orders(limit?: number): LiveOrder[] {
    return this.liveOrders.list(limit);
  }

  finalizeOrder(orderId: string, buyerRef?: string): LiveOrder {
    return this.liveOrders.finalize(orderId, buyerRef);
  }

  // ---- the block -------------------------------------------------------------------------------

  /**
   * Call after each live block (BlockProducer's onBlock): records the block's coinbase in the ground
   * truth, advances the live orders and makes the markets' transactions that are due (into the
   * mempool, for the next block).
   */
  onBlock(block: AppendedBlock): void {
    const errors: unknown[] = [];
    const report = this.onError ?? ((err: unknown) => void errors.push(err));
    try {
      this.book.recordCoinbase(block.txIds[0]);
    } catch (err) {
      report(err, `coinbase of block ${block.height}`);
    }
    this.liveOrders.onBlock(report);
    if (errors.length) throw errors[0];
  }
}

export { LiveError };
