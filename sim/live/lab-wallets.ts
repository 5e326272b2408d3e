// Trainees' lab wallets: one ordinary single-key wallet per trainee (owner), in a reserved range of
// wallet numbers above every world wallet, with keys derived from the world seed like any other.
// The lab's treasury funds them with real transactions; trainees pay from them like any wallet.
// Which owner holds which wallet is kept in lab_wallets; the wallets themselves are in the ground
// truth (gt_entities kind 'lab', gt_wallets, gt_addresses) so the instructor sees trainees' coins.
import type { Db } from '../../chain/store/open.ts';
import { addressToScript, AddressError } from '../../chain/address.ts';
import { DUST_LIMIT } from '../../chain/wallet.ts';
import { LAB_TREASURY_LABEL } from './treasury.ts';
import { LiveError } from './errors.ts';
import { formatBtc } from './amounts.ts';
import type { Balance, HistoryEntry, SentTx, WalletBook } from './wallets.ts';

/** Lab wallet n is KeyDeriver wallet LAB_WALLET_BASE + n (world wallets are numbered from 0 up). */
export const LAB_WALLET_BASE = 1_000_000;
export const LAB_WALLET_KIND = 'p2wpkh';
export const MAX_FEE_RATE = 1000;

export interface LabWallet {
  ownerId: string;
  walletId: number;
  entityId: number;
  createdHeight: number;
  /** Txid of the allowance granted to it, if any. */
  allowanceTxid: string | null;
}

export interface TreasuryInfo {
  walletId: number;
  entityId: number;
  balance: Balance;
}

export class LabWallets {
  private readonly st;

  constructor(
    private readonly db: Db,
    private readonly book: WalletBook,
    /** Intent of a payment to `address` (an open order's deposit address is an order payment). */
    private readonly classify: (address: string) => { intent: 'order_payment'; orderId: string } | null,
    private readonly afterSend: (orderId: string) => void,
  ) {
    this.st = {
      byOwner: db.prepare('SELECT owner_id AS ownerId, wallet_id AS walletId, entity_id AS entityId, created_height AS createdHeight, allowance_txid AS allowanceTxid FROM lab_wallets WHERE owner_id = ?'),
      maxWallet: db.prepare('SELECT MAX(wallet_id) AS w FROM lab_wallets'),
      maxWorldWallet: db.prepare(`SELECT MAX(id) AS w FROM gt_wallets WHERE id < ${LAB_WALLET_BASE}`),
      maxEntity: db.prepare('SELECT MAX(id) AS id FROM gt_entities'),
      insert: db.prepare('INSERT INTO lab_wallets (owner_id, wallet_id, entity_id, created_height) VALUES (?, ?, ?, ?)'),
      gtEntity: db.prepare("INSERT INTO gt_entities (id, kind, name, parent_id, attrs) VALUES (?, 'lab', ?, ?, ?)"),
      gtWallet: db.prepare('INSERT INTO gt_wallets (id, entity_id, label, address_kind) VALUES (?, ?, ?, ?)'),
      treasury: db.prepare(
        `SELECT w.id AS walletId, w.entity_id AS entityId FROM gt_wallets w JOIN gt_entities e ON e.id = w.entity_id
         WHERE e.kind = 'lab' AND w.label = '${LAB_TREASURY_LABEL}' ORDER BY w.id LIMIT 1`,
      ),
      setAllowance: db.prepare('UPDATE lab_wallets SET allowance_txid = ? WHERE owner_id = ?'),
    };
  }

  private tipHeight(): number {
    return this.book.ledger.tip()?.height ?? this.book.ledger.settings.startHeight - 1;
  }

  treasury(): TreasuryInfo | null {
    const t = this.st.treasury.get() as { walletId: number; entityId: number } | undefined;
    return t ? { ...t, balance: this.book.balance(t.walletId) } : null;
  }

  get(ownerId: string): LabWallet | null {
    return (this.st.byOwner.get(checkOwner(ownerId)) as LabWallet | undefined) ?? null;
  }

  private need(ownerId: string): LabWallet {
    const w = this.get(ownerId);
    if (!w) throw new LiveError('unknown-wallet', 'this trainee has no lab wallet yet');
    return w;
  }

  /** The trainee's lab wallet, made on first call (idempotent). */
  create(ownerId: string): LabWallet {
    const existing = this.get(ownerId);
    if (existing) return existing;
    return this.db.transaction(() => {
      const last = (this.st.maxWallet.get() as { w: number | null }).w;
      const worldMax = (this.st.maxWorldWallet.get() as { w: number | null }).w ?? -1;
      if (worldMax >= LAB_WALLET_BASE) throw new Error(`world wallet numbers reach the lab range (${LAB_WALLET_BASE})`);
      const walletId = last === null ? LAB_WALLET_BASE : last + 1;
      const n = walletId - LAB_WALLET_BASE + 1;
      const entityId = ((this.st.maxEntity.get() as { id: number | null }).id ?? 0) + 1;
      const treasury = this.st.treasury.get() as { entityId: number } | undefined;
      this.st.gtEntity.run(entityId, `Trainee lab wallet ${n}`, treasury?.entityId ?? null, JSON.stringify({ role: 'trainee', labWallet: n }));
      this.st.gtWallet.run(walletId, entityId, 'lab', LAB_WALLET_KIND);
      this.st.insert.run(ownerId, walletId, entityId, this.tipHeight());
      return this.get(ownerId)!;
    })();
  }

  /** An address to receive at (the wallet is made if needed): the last one handed out while nothing has paid it, else a fresh one. */
  receiveAddress(ownerId: string): string {
    return this.book.issue(this.create(ownerId).walletId, 'receive', { reuseUnused: true }).address;
  }

  balance(ownerId: string): Balance {
    return this.book.balance(this.need(ownerId).walletId);
  }

  history(ownerId: string, limit?: number): HistoryEntry[] {
    return this.book.history(this.need(ownerId).walletId, limit);
  }

  /** Pays `sats` from the treasury to a fresh address of the trainee's wallet (in the mempool at once). */
  fund(ownerId: string, sats: number, feeRate: number): SentTx {
    const wallet = this.create(ownerId);
    checkSats(sats);
    const treasury = this.st.treasury.get() as { walletId: number; entityId: number } | undefined;
    if (!treasury) throw new LiveError('no-treasury', 'this world has no lab treasury (it was generated before the live lab existed); regenerate the world');
    const to = this.book.issue(wallet.walletId, 'receive', { reuseUnused: true });
    return this.book.pay(
      treasury.walletId,
      { outputs: [{ value: sats, script: to.script }], feeRate },
      { intent: 'lab_allowance', entityId: treasury.entityId, attrs: { labWallet: wallet.walletId } },
    );
  }

  /** The one allowance a wallet gets (until classes bring the instructor's allowance). */
  requestAllowance(ownerId: string, sats: number, feeRate: number): SentTx {
    const wallet = this.create(ownerId);
    if (wallet.allowanceTxid) throw new LiveError('allowance-used', `this wallet already received its allowance (transaction ${wallet.allowanceTxid})`);
    const sent = this.fund(ownerId, sats, feeRate);
    this.st.setAllowance.run(sent.txid, ownerId);
    return sent;
  }

  /** Pays `sats` to `address` from the trainee's wallet; change back to a fresh address of it. */
  send(ownerId: string, address: string, sats: number, feeRate: number): SentTx {
    const wallet = this.need(ownerId);
    if (typeof address !== 'string' || address.trim() === '') throw new LiveError('invalid-address', 'enter the address to pay');
    let script: Uint8Array;
    try {
      script = addressToScript(address.trim(), this.book.network);
    } catch (err) {
      if (err instanceof AddressError || err instanceof TypeError) throw new LiveError('invalid-address', `invalid address: ${err.message}`);
      throw err;
    }
    checkSats(sats);
    if (!Number.isFinite(feeRate) || feeRate < 1 || feeRate > MAX_FEE_RATE) {
      throw new LiveError('invalid-fee-rate', `fee rate must be from 1 to ${MAX_FEE_RATE} sat/vB`);
    }
    const order = this.classify(address.trim());
    const sent = this.book.pay(
      wallet.walletId,
      { outputs: [{ value: sats, script }], feeRate },
      order
        ? { intent: 'order_payment', orderId: order.orderId, attrs: { labWallet: wallet.walletId } }
        : { intent: 'lab_transfer', attrs: { labWallet: wallet.walletId } },
    );
    if (order) this.afterSend(order.orderId);
    return sent;
  }
}

function checkOwner(ownerId: string): string {
  if (typeof ownerId !== 'string' || ownerId.length === 0 || ownerId.length > 200) throw new LiveError('invalid-input', 'owner id must be a non-empty string of at most 200 characters');
  return ownerId;
}

function checkSats(sats: number): void {
  if (!Number.isSafeInteger(sats) || sats <= 0) throw new LiveError('invalid-amount', 'amount must be a whole number of satoshis above 0');
  if (sats < DUST_LIMIT) throw new LiveError('invalid-amount', `amount ${formatBtc(sats)} BTC is below the dust limit (${DUST_LIMIT} sat)`);
}
