// A hand-built world for the analysis tests: a real ledger (chain/ledger.ts, chain/wallet.ts)
// plus ground-truth rows written by hand, so every heuristic's right answer is known.
import { Ledger } from '../../chain/ledger.ts';
import { KeyDeriver, outputFor, type DerivedKey } from '../../chain/keys.ts';
import { Wallet, type WalletUtxo } from '../../chain/wallet.ts';
import { Rng } from '../../chain/rng.ts';
import { spendData, estimateInputVsize, outputSize } from '../../chain/signature-shape.ts';
import { encodeTx } from '../../chain/tx.ts';
import { compactSizeLength } from '../../chain/bytes.ts';
import { blockSubsidy } from '../../chain/consensus.ts';
import { SEQUENCE_FINAL, type AddressKind, type Tx } from '../../chain/types.ts';
import { TRUTH_TABLES_SQL, TRUTH_INDEXES_SQL } from '../../sim/truth/schema.ts';
import type { EntityKind, TxIntent, AddressRole } from '../../sim/truth/types.ts';

export interface Recipient {
  wallet: Wallet;
  value: number;
  /** Pay this key of the wallet (address reuse) instead of a fresh one. */
  key?: DerivedKey;
  role?: AddressRole;
}

export interface Truth {
  intent: TxIntent;
  entity?: number;
  trail?: string;
  hop?: number;
}

interface Pending {
  label: string;
  tx: Tx;
  credits: { wallet: Wallet; key: DerivedKey; vout: number; value: number }[];
  truth: Truth & { changeVout: number };
}

export class TestWorld {
  readonly ledger: Ledger;
  readonly deriver: KeyDeriver;
  readonly rng: Rng;
  readonly feeRate = 3;
  /** Tx ids (txs.id) by label. */
  readonly tx = new Map<string, number>();
  /** Address scripts the world handed out, with owner and role, for gt_addresses. */
  private readonly handedOut = new Map<string, { script: Uint8Array; wallet: number; index: number; role: AddressRole }>();
  private readonly wallets: Wallet[] = [];
  private readonly entityOfWallet = new Map<number, number>();
  private pending: Pending[] = [];
  private nextEntity = 1;
  readonly miner: Wallet;
  private readonly coinbaseKey: DerivedKey;

  constructor(seed: string, opts: { matureCoinbases?: number } = {}) {
    this.ledger = Ledger.create(':memory:', { network: 'mainnet', startHeight: 620_000, startTime: 1_583_020_800, seed });
    this.ledger.db.exec(TRUTH_TABLES_SQL);
    this.ledger.db.exec(TRUTH_INDEXES_SQL);
    this.deriver = new KeyDeriver(seed);
    this.rng = Rng.fromSeed(seed).fork('test-world');
    const pool = this.entity('mining_pool', 'Harborlight Pool');
    this.miner = this.wallet(pool, 'pool', 'p2wpkh');
    // Pools reuse one payout address: every coinbase pays it.
    this.coinbaseKey = this.miner.receive().key;
    this.note(this.miner, this.coinbaseKey, 'coinbase');
    this.ledger.beginBulk();
    const blocks = 99 + (opts.matureCoinbases ?? 5);
    for (let i = 0; i < blocks; i++) this.mine();
  }

  get db() {
    return this.ledger.db;
  }

  entity(kind: EntityKind, name: string, parent?: number): number {
    const id = this.nextEntity++;
    this.db.prepare('INSERT INTO gt_entities (id, kind, name, parent_id) VALUES (?, ?, ?, ?)').run(id, kind, name, parent ?? null);
    return id;
  }

  wallet(entity: number, label: string, kind: AddressKind): Wallet {
    const w = new Wallet(this.deriver, this.wallets.length, kind);
    this.wallets.push(w);
    this.entityOfWallet.set(w.id, entity);
    this.db.prepare('INSERT INTO gt_wallets (id, entity_id, label, address_kind) VALUES (?, ?, ?, ?)').run(w.id, entity, label, kind);
    return w;
  }

  /** A fresh key of the wallet, recorded with its role. */
  fresh(w: Wallet, role: AddressRole = 'receive'): DerivedKey {
    const key = w.receive().key;
    this.note(w, key, role);
    return key;
  }

  private note(w: Wallet, key: DerivedKey, role: AddressRole): void {
    const script = outputFor(w.kind, key).script;
    const k = Buffer.from(script).toString('hex');
    if (!this.handedOut.has(k)) this.handedOut.set(k, { script, wallet: w.id, index: key.index, role });
  }

  /** Height of the block mine() appends next. */
  height(): number {
    return (this.ledger.tip()?.height ?? 619_999) + 1;
  }

  /** Exactly the fee Wallet.pay charges for this shape (it always prices a change output). */
  walletFee(from: Wallet, inputs: number, payees: { wallet: Wallet }[]): number {
    const scriptOf = (w: Wallet) => outputFor(w.kind, this.deriver.key(w.id, 0)).script;
    const base = 10.5 + compactSizeLength(payees.length + 1) + payees.reduce((s, p) => s + outputSize(scriptOf(p.wallet)), 0);
    return Math.ceil((base + inputs * estimateInputVsize(from.kind) + outputSize(scriptOf(from))) * this.feeRate);
  }

  /** A payment by Wallet.pay, queued for the next block. */
  pay(label: string, from: Wallet, to: Recipient[], truth: Truth, opts: { selfChange?: boolean; sequence?: number; locktime?: number } = {}): void {
    const keys = to.map((r) => {
      const key = r.key ?? r.wallet.receive().key;
      this.note(r.wallet, key, r.role ?? 'receive');
      return key;
    });
    const outputs = to.map((r, i) => ({ value: r.value, script: outputFor(r.wallet.kind, keys[i]).script }));
    const spendable = from.utxos.filter((u) => u.height !== null && (!u.coinbase || this.height() - u.height >= 100));
    const changeKey = opts.selfChange ? [...spendable].sort((a, b) => b.value - a.value)[0].key : undefined;
    const p = from.pay(outputs, this.rng, { feeRate: this.feeRate, spendHeight: this.height(), changeKey, sequence: opts.sequence, locktime: opts.locktime });
    if (p.changeVout >= 0) {
      const changeUtxo = from.utxos[from.utxos.length - 1];
      this.note(from, changeUtxo.key, 'change');
      // The wallet credited its change as unconfirmed; mine() confirms it.
    }
    const credits = to.map((r, i) => ({ wallet: r.wallet, key: keys[i], vout: p.changeVout >= 0 && i >= p.changeVout ? i + 1 : i, value: r.value }));
    this.pending.push({ label, tx: p.tx, credits, truth: { ...truth, changeVout: p.changeVout } });
  }

  /** A tx built by hand from chosen coins (CoinJoins, sweeps); no change unless an output is marked. */
  spend(
    label: string,
    inputs: { wallet: Wallet; utxo: WalletUtxo }[],
    outputs: Recipient[],
    truth: Truth & { changeVout?: number },
  ): void {
    const keys = outputs.map((r) => {
      const key = r.key ?? r.wallet.receive().key;
      this.note(r.wallet, key, r.role ?? 'receive');
      return key;
    });
    const tx: Tx = {
      version: 2,
      locktime: 0,
      inputs: inputs.map(({ wallet, utxo }) => ({ prevTxid: utxo.txid, prevVout: utxo.vout, sequence: SEQUENCE_FINAL, ...spendData(wallet.kind, utxo.key, this.rng) })),
      outputs: outputs.map((r, i) => ({ value: r.value, script: outputFor(r.wallet.kind, keys[i]).script })),
    };
    for (const { wallet, utxo } of inputs) {
      const at = wallet.utxos.indexOf(utxo);
      if (at < 0) throw new Error(`${label}: coin not in wallet`);
      wallet.utxos.splice(at, 1);
    }
    const credits = outputs.map((r, i) => ({ wallet: r.wallet, key: keys[i], vout: i, value: r.value }));
    this.pending.push({ label, tx, credits, truth: { ...truth, changeVout: truth.changeVout ?? -1 } });
  }

  /** Appends the queued txs as the next block (coinbase to the pool) and records their truth. */
  mine(): number {
    const txs = this.pending;
    this.pending = [];
    const block = this.ledger.appendBlock(
      txs.map((p) => ({ tx: p.tx, enc: encodeTx(p.tx) })),
      { payTo: outputFor('p2wpkh', this.coinbaseKey).script, tag: '/test/' },
    );
    for (const w of this.wallets) w.confirmPending(block.height);
    const fees = (this.db.prepare('SELECT total_fee AS f FROM blocks WHERE height = ?').get(block.height) as { f: number }).f;
    this.miner.credit({ txid: block.txids[0], vout: 0, value: blockSubsidy(block.height) + fees, key: this.coinbaseKey, kind: 'p2wpkh', height: block.height, coinbase: true });
    const insert = this.db.prepare('INSERT INTO gt_txs (tx_id, intent, entity_id, change_vout, trail_id, hop) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run(block.txIds[0], 'coinbase', this.entityOfWallet.get(this.miner.id)!, -1, null, null);
    txs.forEach((p, i) => {
      const id = block.txIds[i + 1];
      this.tx.set(p.label, id);
      for (const c of p.credits) {
        c.wallet.credit({ txid: block.txids[i + 1], vout: c.vout, value: c.value, key: c.key, kind: c.wallet.kind, height: block.height, coinbase: false });
      }
      insert.run(id, p.truth.intent, p.truth.entity ?? null, p.truth.changeVout, p.truth.trail ?? null, p.truth.hop ?? null);
    });
    return block.height;
  }

  trail(id: string, typology: string, actor: number, endEntity: number | null): void {
    this.db.prepare('INSERT INTO gt_trails (id, typology, actor_id, end_entity_id) VALUES (?, ?, ?, ?)').run(id, typology, actor, endEntity);
  }

  /** Ends bulk mode and writes gt_addresses for every address handed out. */
  finish(): void {
    if (this.pending.length) throw new Error('unmined transactions left');
    this.ledger.endBulk();
    const find = this.db.prepare('SELECT id FROM addresses WHERE script = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO gt_addresses (address_id, wallet_id, key_index, role) VALUES (?, ?, ?, ?)');
    for (const a of this.handedOut.values()) {
      const row = find.get(a.script) as { id: number } | undefined;
      if (row) insert.run(row.id, a.wallet, a.index, a.role);
    }
  }

  /** The address id of a wallet's key. */
  addressOf(w: Wallet, key: DerivedKey): number {
    const row = this.db.prepare('SELECT id FROM addresses WHERE script = ?').get(outputFor(w.kind, key).script) as { id: number } | undefined;
    if (!row) throw new Error(`key ${key.index} of wallet ${w.id} never received`);
    return row.id;
  }
}
