// Any wallet of a served world, rebuilt from the database: its unspent outputs are the outputs no
// transaction spends (outputs.spent_tx_id IS NULL, so a mempool spend counts) whose address the
// ground truth gives to the wallet (gt_addresses: wallet_id, key_index), and its keys are
// re-derived from the world seed (KeyDeriver.key(wallet, index), cached). Payments are built and
// signed with chain/wallet.ts, submitted to the mempool (they confirm in the next live block) and
// recorded in gt_txs / gt_addresses like the generator's, and in live_txs.
import type { Ledger } from '../../chain/ledger.ts';
import { KeyDeriver, outputFor, type DerivedKey } from '../../chain/keys.ts';
import { Wallet, InsufficientFunds, type WalletUtxo } from '../../chain/wallet.ts';
import type { AddressKind, Network, Tx, TxOut } from '../../chain/types.ts';
import { COINBASE_MATURITY } from '../../chain/types.ts';
import { scriptToAddress } from '../../chain/address.ts';
import { Rng } from '../../chain/rng.ts';
import { txidHex, txidFromHex } from '../../chain/tx.ts';
import { LedgerError } from '../../chain/ledger.ts';
import type { Db } from '../../chain/store/open.ts';
import type { Statement } from 'better-sqlite3';
import type { AddressRole, TxIntent } from '../truth/types.ts';
import { LiveError } from './errors.ts';
import { formatBtc } from './amounts.ts';

export interface WalletInfo {
  id: number;
  entityId: number;
  label: string;
  kind: AddressKind;
}

/** Esplora's view of a balance: confirmed (chain) and the mempool's net effect; total = what is unspent. */
export interface Balance {
  confirmed: number;
  /** Net change the mempool makes: incoming unconfirmed less confirmed coins being spent (may be negative). */
  unconfirmed: number;
  total: number;
}

export interface IssuedKey {
  walletId: number;
  keyIndex: number;
  role: AddressRole;
  address: string;
  script: Uint8Array;
}

export interface LiveTxTruth {
  intent: TxIntent;
  /** Who made it; default the paying wallet's owner. */
  entityId?: number;
  orderId?: string;
  attrs?: Record<string, unknown>;
}

export interface PayRequest {
  outputs: TxOut[];
  /** sat/vB */
  feeRate: number;
  /** Spend exactly these coins (default: the wallet's largest coins first). */
  coins?: WalletUtxo[];
  /** No change: the last output takes what is left. */
  sweep?: boolean;
}

export interface SentTx {
  /** Display hex, as the explorer shows it. */
  txid: string;
  /** txs.id */
  txId: number;
  fee: number;
  vsize: number;
  /** The change output, or -1. */
  changeVout: number;
  tx: Tx;
}

export interface HistoryEntry {
  txid: string;
  /** null while in the mempool. */
  height: number | null;
  /** Block time, or when the mempool first saw it. */
  time: number;
  /** Net effect on the wallet in sats (received − spent from it). */
  delta: number;
  fee: number;
  /** Why, when the live world made it (lab_allowance, order_payment, lab_transfer, …). */
  intent: string | null;
  orderId: string | null;
}

const KINDS: readonly AddressKind[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2wsh', 'p2tr'];

/** A key derived on first use: coin selection looks only at values, so most coins never need their key. */
class LazyKey implements DerivedKey {
  #key?: DerivedKey;
  constructor(
    private readonly book: WalletBook,
    readonly wallet: number,
    readonly index: number,
  ) {}
  private get key(): DerivedKey {
    return (this.#key ??= this.book.key(this.wallet, this.index));
  }
  get pubkey(): Uint8Array {
    return this.key.pubkey;
  }
  get xOnly(): Uint8Array {
    return this.key.xOnly;
  }
  get hash160(): Uint8Array {
    return this.key.hash160;
  }
}

export class WalletBook {
  readonly deriver: KeyDeriver;
  readonly network: Network;
  private readonly db: Db;
  private readonly keys = new Map<string, DerivedKey>();
  private readonly infos = new Map<number, WalletInfo>();
  private readonly bases = new Map<number, number>();
  private readonly st;
  /** The market sites' own deposit ledger (market/sites/kit/deposits.ts), once it exists: keys it handed out are taken. */
  private labDeposits: { max: Statement; address: Statement } | null = null;

  constructor(
    readonly ledger: Ledger,
    private readonly nextTxSeq: () => number,
  ) {
    this.db = ledger.db;
    this.network = ledger.settings.network;
    this.deriver = new KeyDeriver(ledger.settings.seed);
    const db = this.db;
    this.st = {
      wallet: db.prepare('SELECT id, entity_id AS entityId, label, address_kind AS kind FROM gt_wallets WHERE id = ?'),
      gtMaxIndex: db.prepare('SELECT MAX(key_index) AS k FROM gt_addresses WHERE wallet_id = ?'),
      liveMaxIndex: db.prepare('SELECT MAX(key_index) AS k FROM live_keys WHERE wallet_id = ?'),
      depositMarket: db.prepare('SELECT entity_id AS id FROM gt_markets WHERE deposit_wallet = ?'),
      worldOrders: db.prepare('SELECT COUNT(*) AS n FROM gt_market_orders WHERE market_entity_id = ?'),
      worldOrderAddress: db.prepare('SELECT 1 FROM gt_market_orders WHERE deposit_address = ? LIMIT 1'),
      hasLabDeposits: db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lab_market_deposits'"),
      insertKey: db.prepare('INSERT INTO live_keys (wallet_id, key_index, role, address, script, address_id, created_height) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      lastKey: db.prepare('SELECT key_index AS keyIndex, role, address, script, address_id AS addressId FROM live_keys WHERE wallet_id = ? AND role = ? ORDER BY key_index DESC LIMIT 1'),
      unseenKeys: db.prepare('SELECT key_index AS keyIndex, role, script FROM live_keys WHERE wallet_id = ? AND address_id IS NULL'),
      keyByAddress: db.prepare('SELECT wallet_id AS walletId, key_index AS keyIndex, role, address_id AS addressId FROM live_keys WHERE address = ?'),
      setKeyAddressId: db.prepare('UPDATE live_keys SET address_id = ? WHERE wallet_id = ? AND key_index = ?'),
      gtAddress: db.prepare('INSERT OR IGNORE INTO gt_addresses (address_id, wallet_id, key_index, role) VALUES (?, ?, ?, ?)'),
      gtTx: db.prepare('INSERT OR IGNORE INTO gt_txs (tx_id, intent, entity_id, change_vout, trail_id, hop, attrs) VALUES (?, ?, ?, ?, NULL, NULL, ?)'),
      liveTx: db.prepare('INSERT INTO live_txs (txid, tx_id, intent, wallet_id, entity_id, order_id, created_height, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      txIdOf: db.prepare('SELECT id FROM txs WHERE txid = ?'),
      utxos: db.prepare(
        `SELECT t.txid, t.block_height AS height, t.block_pos AS pos, o.vout, o.value, g.key_index AS keyIndex
         FROM gt_addresses g JOIN outputs o ON o.address_id = g.address_id AND o.spent_tx_id IS NULL JOIN txs t ON t.id = o.tx_id
         WHERE g.wallet_id = ?`,
      ),
      coin: db.prepare(
        `SELECT t.block_height AS height, t.block_pos AS pos, o.value, o.spent_tx_id AS spentBy, g.wallet_id AS walletId, g.key_index AS keyIndex
         FROM txs t JOIN outputs o ON o.tx_id = t.id AND o.vout = ? LEFT JOIN gt_addresses g ON g.address_id = o.address_id WHERE t.txid = ?`,
      ),
      balance: db.prepare(
        `SELECT COALESCE(SUM(CASE WHEN t.block_height IS NOT NULL AND (o.spent_tx_id IS NULL OR s.block_height IS NULL) THEN o.value ELSE 0 END), 0) AS confirmed,
                COALESCE(SUM(CASE WHEN o.spent_tx_id IS NULL THEN o.value ELSE 0 END), 0) AS total
         FROM gt_addresses g JOIN outputs o ON o.address_id = g.address_id JOIN txs t ON t.id = o.tx_id LEFT JOIN txs s ON s.id = o.spent_tx_id
         WHERE g.wallet_id = ?`,
      ),
      history: db.prepare(
        `WITH mine AS (SELECT address_id FROM gt_addresses WHERE wallet_id = ?)
         SELECT t.txid, t.block_height AS height, t.fee, COALESCE(b.time, t.first_seen) AS time, l.intent, l.order_id AS orderId,
                COALESCE((SELECT SUM(value) FROM outputs WHERE tx_id = t.id AND address_id IN mine), 0)
              - COALESCE((SELECT SUM(value) FROM outputs WHERE spent_tx_id = t.id AND address_id IN mine), 0) AS delta
         FROM txs t LEFT JOIN blocks b ON b.height = t.block_height LEFT JOIN live_txs l ON l.tx_id = t.id
         WHERE t.id IN (SELECT tx_id FROM address_txs WHERE address_id IN mine)
         ORDER BY t.block_height IS NOT NULL, t.block_height DESC, t.block_pos DESC, t.id DESC LIMIT ?`,
      ),
      coinbaseOwner: db.prepare(
        `SELECT w.entity_id AS entityId FROM outputs o JOIN gt_addresses g ON g.address_id = o.address_id JOIN gt_wallets w ON w.id = g.wallet_id
         WHERE o.tx_id = ? AND o.vout = 0`,
      ),
    };
  }

  // ---- wallets and keys ------------------------------------------------------------------------

  info(walletId: number): WalletInfo {
    const cached = this.infos.get(walletId);
    if (cached) return cached;
    const row = this.st.wallet.get(walletId) as WalletInfo | undefined;
    if (!row) throw new LiveError('unknown-wallet', `no wallet ${walletId} in this world`);
    const kind = KINDS.includes(row.kind) ? row.kind : 'p2pkh';
    const info = { id: row.id, entityId: row.entityId, label: row.label, kind };
    this.infos.set(walletId, info);
    return info;
  }

  /** Key i of wallet w, derived once (random access costs a scalar multiplication). */
  key(w: number, i: number): DerivedKey {
    const k = `${w}/${i}`;
    let key = this.keys.get(k);
    if (!key) {
      key = this.deriver.key(w, i);
      this.keys.set(k, key);
    }
    return key;
  }

  scriptOf(walletId: number, keyIndex: number): Uint8Array {
    return outputFor(this.info(walletId).kind, this.key(walletId, keyIndex)).script;
  }

  addressOf(script: Uint8Array): string {
    const a = scriptToAddress(script, this.network);
    if (!a) throw new Error('a wallet key has no address form');
    return a;
  }

  /** The sites' deposit table may be created after the live world opens, so it is looked for until found. */
  private sitesDeposits(): { max: Statement; address: Statement } | null {
    if (!this.labDeposits && this.st.hasLabDeposits.get()) {
      this.labDeposits = {
        max: this.db.prepare('SELECT MAX(key_index) AS k FROM lab_market_deposits WHERE market_entity_id = ?'),
        address: this.db.prepare('SELECT 1 FROM lab_market_deposits WHERE address = ?'),
      };
    }
    return this.labDeposits;
  }

  /**
   * The first key index the live world may hand out for a wallet: above every key the world's
   * ground truth records, above every world order's deposit address (unpaid ones never reached the
   * chain) and above what the market sites handed out themselves.
   */
  private base(walletId: number): number {
    const cached = this.bases.get(walletId);
    if (cached !== undefined) return cached;
    let base = ((this.st.gtMaxIndex.get(walletId) as { k: number | null }).k ?? -1) + 1;
    const market = this.st.depositMarket.get(walletId) as { id: number } | undefined;
    if (market) {
      base = Math.max(base, (this.st.worldOrders.get(market.id) as { n: number }).n);
      const lab = this.sitesDeposits()?.max.get(market.id) as { k: number | null } | undefined;
      if (lab?.k != null) base = Math.max(base, lab.k + 1);
      // The sites may hand out more keys at any time: a deposit wallet's base is not cached.
      return base;
    }
    this.bases.set(walletId, base);
    return base;
  }

  private taken(walletId: number, address: string, script: Uint8Array): boolean {
    if (this.ledger.addressIdOf(script) !== undefined) return true;
    if (this.st.depositMarket.get(walletId)) {
      if (this.st.worldOrderAddress.get(address)) return true;
      if (this.sitesDeposits()?.address.get(address)) return true;
    }
    return false;
  }

  /**
   * Hands out the wallet's next key for `role`, persisted in live_keys. With reuseUnused, the last
   * key handed out for the same role comes back while the chain has not seen it (a wallet shows
   * one receive address until it is used; a change key a sweep did not need is not wasted).
   */
  issue(walletId: number, role: AddressRole, opts: { reuseUnused?: boolean } = {}): IssuedKey {
    const info = this.info(walletId);
    if (opts.reuseUnused) {
      const last = this.st.lastKey.get(walletId, role) as { keyIndex: number; role: AddressRole; address: string; script: Uint8Array; addressId: number | null } | undefined;
      if (last && last.addressId === null && this.ledger.addressIdOf(new Uint8Array(last.script)) === undefined) {
        return { walletId, keyIndex: last.keyIndex, role, address: last.address, script: new Uint8Array(last.script) };
      }
    }
    const liveMax = (this.st.liveMaxIndex.get(walletId) as { k: number | null }).k;
    let index = Math.max(this.base(walletId), liveMax === null ? 0 : liveMax + 1);
    for (;;) {
      const script = outputFor(info.kind, this.key(walletId, index)).script;
      const address = this.addressOf(script);
      if (!this.taken(walletId, address, script)) {
        this.st.insertKey.run(walletId, index, role, address, script, null, this.tipHeight());
        return { walletId, keyIndex: index, role, address, script };
      }
      index++;
    }
  }

  /** The live-world key behind an address, if the live world handed it out. */
  issuedKey(address: string): { walletId: number; keyIndex: number; role: AddressRole; addressId: number | null } | undefined {
    return this.st.keyByAddress.get(address) as { walletId: number; keyIndex: number; role: AddressRole; addressId: number | null } | undefined;
  }

  /** Records in gt_addresses every key of the wallet the chain has now seen (paid by anyone, e.g. through the API). */
  syncWallet(walletId: number): void {
    const rows = this.st.unseenKeys.all(walletId) as { keyIndex: number; role: AddressRole; script: Uint8Array }[];
    for (const r of rows) {
      const id = this.ledger.addressIdOf(new Uint8Array(r.script));
      if (id === undefined) continue;
      this.st.setKeyAddressId.run(id, walletId, r.keyIndex);
      this.st.gtAddress.run(id, walletId, r.keyIndex, r.role);
    }
  }

  /** Records the owner of each output script the live world handed out, once the chain has it. */
  private syncScripts(scripts: Uint8Array[]): void {
    for (const script of scripts) {
      const address = scriptToAddress(script, this.network);
      if (!address) continue;
      const k = this.issuedKey(address);
      if (!k || k.addressId !== null) continue;
      const id = this.ledger.addressIdOf(script);
      if (id === undefined) continue;
      this.st.setKeyAddressId.run(id, k.walletId, k.keyIndex);
      this.st.gtAddress.run(id, k.walletId, k.keyIndex, k.role);
    }
  }

  // ---- coins -----------------------------------------------------------------------------------

  private tipHeight(): number {
    return this.ledger.tip()?.height ?? this.ledger.settings.startHeight - 1;
  }

  private toUtxo(walletId: number, kind: AddressKind, r: { txid: Uint8Array; height: number | null; pos: number | null; vout: number; value: number; keyIndex: number }): WalletUtxo {
    return {
      txid: new Uint8Array(r.txid),
      vout: r.vout,
      value: r.value,
      key: new LazyKey(this, walletId, r.keyIndex),
      kind,
      height: r.height,
      coinbase: r.pos === 0 && r.height !== null,
    };
  }

  /** Unspent coins of the wallet (mempool outputs included, immature coinbases left out). */
  utxos(walletId: number, opts: { confirmedOnly?: boolean } = {}): WalletUtxo[] {
    const { kind } = this.info(walletId);
    this.syncWallet(walletId);
    const next = this.tipHeight() + 1;
    const rows = this.st.utxos.all(walletId) as { txid: Uint8Array; height: number | null; pos: number | null; vout: number; value: number; keyIndex: number }[];
    const out: WalletUtxo[] = [];
    for (const r of rows) {
      const u = this.toUtxo(walletId, kind, r);
      if (u.coinbase && next - u.height! < COINBASE_MATURITY) continue;
      if (opts.confirmedOnly && u.height === null) continue;
      out.push(u);
    }
    return out;
  }

  /** One unspent coin of the wallet by outpoint, or null when it is spent or not the wallet's. */
  coin(walletId: number, txid: string, vout: number): WalletUtxo | null {
    const r = this.st.coin.get(vout, txidFromHex(txid)) as
      | { height: number | null; pos: number | null; value: number; spentBy: number | null; walletId: number | null; keyIndex: number | null }
      | undefined;
    if (!r || r.spentBy !== null || r.walletId !== walletId || r.keyIndex === null) return null;
    return this.toUtxo(walletId, this.info(walletId).kind, { txid: txidFromHex(txid), height: r.height, pos: r.pos, vout, value: r.value, keyIndex: r.keyIndex });
  }

  balance(walletId: number): Balance {
    this.info(walletId);
    this.syncWallet(walletId);
    const r = this.st.balance.get(walletId) as { confirmed: number; total: number };
    return { confirmed: r.confirmed, unconfirmed: r.total - r.confirmed, total: r.total };
  }

  /** The wallet's transactions, mempool first, then newest block first. */
  history(walletId: number, limit = 50): HistoryEntry[] {
    this.info(walletId);
    this.syncWallet(walletId);
    const rows = this.st.history.all(walletId, limit) as {
      txid: Uint8Array; height: number | null; fee: number; time: number; intent: string | null; orderId: string | null; delta: number;
    }[];
    return rows.map((r) => ({ txid: txidHex(new Uint8Array(r.txid)), height: r.height, time: r.time, delta: r.delta, fee: r.fee, intent: r.intent, orderId: r.orderId }));
  }

  // ---- paying ----------------------------------------------------------------------------------

  /**
   * Builds, signs and submits a payment from a world wallet; it is in the mempool when this
   * returns. Change goes to a fresh key of the same wallet (outputs shuffled, as the world's wallets do).
   */
  pay(walletId: number, req: PayRequest, truth: LiveTxTruth): SentTx {
    const info = this.info(walletId);
    if (!Number.isFinite(req.feeRate) || req.feeRate <= 0) throw new LiveError('invalid-fee-rate', `fee rate must be a positive number of sat/vB, got ${req.feeRate}`);
    const wallet = new Wallet(this.deriver, walletId, info.kind, this.network);
    const coins = req.coins ?? this.utxos(walletId);
    for (const c of coins) wallet.credit(c);
    const change = req.sweep ? null : this.issue(walletId, 'change', { reuseUnused: true });
    const seq = this.nextTxSeq();
    const rng = Rng.fromSeed(this.ledger.settings.seed).fork('live/tx').fork(`${walletId}/${seq}`);
    let payment;
    try {
      payment = wallet.pay(req.outputs, rng, {
        feeRate: req.feeRate,
        coins: req.coins,
        sweep: req.sweep,
        shuffleOutputs: true,
        changeKey: change ? this.key(walletId, change.keyIndex) : undefined,
      });
    } catch (err) {
      if (err instanceof InsufficientFunds) {
        const m = /need (\d+) sat, spendable (\d+) sat/.exec(err.message);
        throw new LiveError(
          'insufficient-funds',
          m ? `insufficient funds: need ${formatBtc(Number(m[1]))} BTC including the fee, the wallet can spend ${formatBtc(Number(m[2]))} BTC` : err.message,
        );
      }
      throw err;
    }
    const tip = this.ledger.tip();
    let submitted;
    try {
      submitted = this.ledger.submitTx(payment.tx, (tip?.time ?? this.ledger.settings.startTime) + 1);
    } catch (err) {
      if (err instanceof LedgerError) throw new LiveError('invalid-input', `the ledger refused the transaction: ${err.message}`);
      throw err;
    }
    const txId = (this.st.txIdOf.get(submitted.txid) as { id: number }).id;
    const txid = txidHex(submitted.txid);
    const entityId = truth.entityId ?? info.entityId;
    const attrs = JSON.stringify({ ...truth.attrs, live: true, ...(truth.orderId ? { order: truth.orderId } : {}) });
    this.db.transaction(() => {
      this.syncScripts(payment.tx.outputs.map((o) => o.script));
      this.st.gtTx.run(txId, truth.intent, entityId, payment.changeVout, attrs);
      this.st.liveTx.run(txid, txId, truth.intent, walletId, entityId, truth.orderId ?? null, this.tipHeight(), attrs);
    })();
    return { txid, txId, fee: submitted.fee, vsize: submitted.vsize, changeVout: payment.changeVout, tx: payment.tx };
  }

  /** Ground truth for a live block's coinbase: the pool that mined it (its address is the pool's own). */
  recordCoinbase(txId: number): void {
    const owner = this.st.coinbaseOwner.get(txId) as { entityId: number } | undefined;
    this.st.gtTx.run(txId, 'coinbase', owner?.entityId ?? null, -1, JSON.stringify({ live: true }));
  }
}
