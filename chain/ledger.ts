// The ledger: appends validated blocks and transactions to a world's SQLite file.
// Two ways in: the world generator appends whole blocks in bulk (UTXO set in memory, secondary
// indexes built once at the end), and the live lab submits transactions to the mempool and mines
// them into blocks by fee rate (UTXOs looked up by index). Both validate the same rules, and a
// block or transaction that fails leaves nothing half-written.
import type { Tx, TxOut, Network } from './types.ts';
import { COINBASE_MATURITY } from './types.ts';
import { encodeTx, parseTx, isCoinbaseInput, type EncodedTx } from './tx.ts';
import { buildCoinbase, witnessCommitmentScript, serializeHeader, blockHash } from './block.ts';
import { merkleRoot } from './merkle.ts';
import { blockSubsidy, eraBits, medianTimePast, nextBlockTime } from './consensus.ts';
import { classifyScript } from './script.ts';
import { scriptToAddress } from './address.ts';
import { sha256, sha256d } from './hash.ts';
import { bytesKey, compactSizeLength, reverseHex } from './bytes.ts';
import { Rng } from './rng.ts';
import { MEMPOOL_HEIGHT } from './store/schema.ts';
import { openDb, createIndexes, getMeta, setMeta, type Db } from './store/open.ts';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export type LedgerErrorCode =
  | 'malformed'
  | 'missing-input'
  | 'double-spend'
  | 'value'
  | 'immature-coinbase'
  | 'duplicate'
  | 'coinbase'
  | 'too-large'
  | 'state';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export interface LedgerSettings {
  network: Network;
  /** Height of the first stored block; earlier history is outside the lab's ledger. */
  startHeight: number;
  /** Unix seconds of the first block. */
  startTime: number;
  seed: string;
}

export interface AppendedBlock {
  height: number;
  hash: Uint8Array;
  time: number;
  /** Txids in block order, coinbase first. */
  txids: Uint8Array[];
  /** Surrogate ids (txs.id) in block order, coinbase first. */
  txIds: number[];
  /** What the coinbase pays: subsidy plus fees. */
  coinbaseValue: number;
}

/** A transaction for appendBlock, optionally with its encoding already computed (the generator has it). */
export type BlockTx = Tx | { tx: Tx; enc: EncodedTx };

export const MAX_MONEY = 21_000_000 * 100_000_000;
export const MAX_BLOCK_WEIGHT = 4_000_000;
/** Bitcoin Core's standardness limit on one transaction's weight. */
export const MAX_STANDARD_TX_WEIGHT = 400_000;

interface UnspentTx {
  id: number;
  height: number | null;
  coinbase: boolean;
  /** Whether its output rows are in the database yet (bulk mode writes an output when it is spent, or at endBulk). */
  stored: boolean;
  /** Unspent outputs by vout; `undefined` once spent. */
  outs: Array<{ value: number; addressId: number } | undefined>;
  live: number;
}

interface Prevout {
  txId: number;
  height: number | null;
  coinbase: boolean;
  value: number;
  addressId: number;
  stored: boolean;
}

interface CheckedTx {
  enc: EncodedTx;
  tx: Tx;
  fee: number;
  prevouts: Prevout[];
}

const HEADER_VERSIONS = [0x20000000, 0x20000000, 0x20000000, 0x20400000, 0x3fffe000, 0x27ffe000, 0x20c00000, 0x20800000];

// 16 bytes of a txid are unique among a world's transactions (2^-128 chance per pair otherwise).
const keyOf = (txid: Uint8Array): string => bytesKey(txid, 16);

export class Ledger {
  readonly db: Db;
  readonly settings: LedgerSettings;
  private readonly rng: Rng;
  private readonly st: ReturnType<typeof prepare>;
  private nextTxId: number;
  private nextAddressId: number;
  private recentTimes: number[];
  private tipCache: { height: number; hash: Uint8Array; time: number } | null;
  /** First txs.id appended in the current bulk load (its address history is built at endBulk). */
  private bulkFirstTxId = 0;
  /** Present only in bulk mode. */
  private mem: { utxo: Map<string, UnspentTx>; addresses: Map<string, number> } | null = null;

  private constructor(db: Db, settings: LedgerSettings) {
    this.db = db;
    this.settings = settings;
    this.rng = Rng.fromSeed(settings.seed).fork('ledger');
    this.st = prepare(db);
    this.nextTxId = ((db.prepare('SELECT MAX(id) AS m FROM txs').get() as { m: number | null }).m ?? 0) + 1;
    this.nextAddressId = ((db.prepare('SELECT MAX(id) AS m FROM addresses').get() as { m: number | null }).m ?? 0) + 1;
    const times = db.prepare('SELECT time FROM blocks ORDER BY height DESC LIMIT 11').all() as { time: number }[];
    this.recentTimes = times.map((r) => r.time).reverse();
    this.tipCache = this.readTip();
  }

  static create(file: string, settings: LedgerSettings): Ledger {
    if (!Number.isInteger(settings.startHeight) || settings.startHeight < 1) {
      throw new RangeError('startHeight must be a positive integer');
    }
    const db = openDb(file, { create: true });
    if (getMeta(db, 'settings')) {
      db.close();
      throw new Error(`${file} already holds a ledger`);
    }
    setMeta(db, 'settings', JSON.stringify(settings));
    createIndexes(db);
    return new Ledger(db, settings);
  }

  static open(file: string, opts: { readonly?: boolean } = {}): Ledger {
    const db = openDb(file, { create: false, readonly: opts.readonly });
    const raw = getMeta(db, 'settings');
    if (!raw) {
      db.close();
      throw new Error(`${file} has no ledger settings`);
    }
    return new Ledger(db, JSON.parse(raw) as LedgerSettings);
  }

  close(): void {
    if (this.mem) this.endBulk();
    this.db.close();
  }

  tip(): { height: number; hash: Uint8Array; time: number } | null {
    return this.tipCache;
  }

  private readTip(): { height: number; hash: Uint8Array; time: number } | null {
    const row = this.db.prepare('SELECT height, hash, time FROM blocks ORDER BY height DESC LIMIT 1').get() as
      | { height: number; hash: Uint8Array; time: number }
      | undefined;
    return row ? { height: row.height, hash: new Uint8Array(row.hash), time: row.time } : null;
  }

  get inBulk(): boolean {
    return this.mem !== null;
  }

  /**
   * Bulk mode for generation: the UTXO set and address ids live in memory and secondary indexes
   * are dropped until endBulk. The mempool must be empty.
   */
  beginBulk(): void {
    if (this.mem) return;
    const pending = this.db.prepare('SELECT COUNT(*) AS n FROM txs WHERE block_height IS NULL').get() as { n: number };
    if (pending.n > 0) throw new LedgerError('state', 'cannot start a bulk load while the mempool holds transactions');
    const utxo = new Map<string, UnspentTx>();
    const rows = this.db
      .prepare(
        `SELECT t.txid, t.id, t.block_height AS height, t.block_pos AS pos, o.vout, o.value, o.address_id AS addressId
         FROM outputs o JOIN txs t ON t.id = o.tx_id WHERE o.spent_tx_id IS NULL`,
      )
      .iterate() as Iterable<{ txid: Uint8Array; id: number; height: number; pos: number; vout: number; value: number; addressId: number }>;
    for (const r of rows) {
      const k = keyOf(r.txid);
      let u = utxo.get(k);
      if (!u) {
        u = { id: r.id, height: r.height, coinbase: r.pos === 0, stored: true, outs: [], live: 0 };
        utxo.set(k, u);
      }
      u.outs[r.vout] = { value: r.value, addressId: r.addressId };
      u.live++;
    }
    const addresses = new Map<string, number>();
    for (const r of this.db.prepare('SELECT id, script FROM addresses').iterate() as Iterable<{ id: number; script: Uint8Array }>) {
      addresses.set(bytesKey(r.script), r.id);
    }
    for (const { name } of this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
      .all() as { name: string }[]) {
      this.db.exec(`DROP INDEX IF EXISTS "${name}"`);
    }
    this.db.pragma('synchronous = OFF');
    this.bulkFirstTxId = this.nextTxId;
    this.mem = { utxo, addresses };
  }

  endBulk(): void {
    if (!this.mem) return;
    const { utxo } = this.mem;
    this.mem = null;
    this.db.transaction(() => {
      for (const u of utxo.values()) {
        if (u.stored) continue;
        u.outs.forEach((o, vout) => {
          if (o) this.st.insertOutput.run(u.id, vout, o.value, o.addressId);
        });
      }
      // Address history of everything appended in bulk, set-based rather than row by row:
      // each tx that funds an address and each tx that spends from it.
      this.db.exec(`
        INSERT OR IGNORE INTO address_txs (address_id, height, pos, tx_id)
          SELECT o.address_id, t.block_height, t.block_pos, t.id FROM outputs o JOIN txs t ON t.id = o.tx_id WHERE t.id >= ${this.bulkFirstTxId};
        INSERT OR IGNORE INTO address_txs (address_id, height, pos, tx_id)
          SELECT o.address_id, t.block_height, t.block_pos, t.id FROM outputs o JOIN txs t ON t.id = o.spent_tx_id WHERE t.id >= ${this.bulkFirstTxId};`);
    })();
    createIndexes(this.db);
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  // ---- lookups -------------------------------------------------------------------------------

  private prevout(txid: Uint8Array, vout: number, overlay: Overlay): Prevout | 'spent' | undefined {
    const k = keyOf(txid);
    const outKey = `${k}:${vout}`;
    if (overlay.spent.has(outKey)) return 'spent';
    const created = overlay.created.get(k);
    if (created) {
      const o = created.outs[vout];
      return o
        ? { txId: created.id, height: created.height, coinbase: created.coinbase, value: o.value, addressId: o.addressId, stored: created.stored }
        : undefined;
    }
    if (this.mem) {
      const u = this.mem.utxo.get(k);
      if (!u) return undefined;
      const o = u.outs[vout];
      if (!o) return vout < u.outs.length ? 'spent' : undefined;
      return { txId: u.id, height: u.height, coinbase: u.coinbase, value: o.value, addressId: o.addressId, stored: u.stored };
    }
    const row = this.st.prevout.get(vout, txid) as
      | { txId: number; height: number | null; pos: number | null; value: number; addressId: number; spentBy: number | null }
      | undefined;
    if (!row) return undefined;
    if (row.spentBy !== null) return 'spent';
    return { txId: row.txId, height: row.height, coinbase: row.pos === 0 && row.height !== null, value: row.value, addressId: row.addressId, stored: true };
  }

  private txExists(txid: Uint8Array, overlay: Overlay): boolean {
    const k = keyOf(txid);
    if (overlay.created.has(k)) return true;
    if (this.mem) return this.mem.utxo.has(k);
    return this.st.txByTxid.get(txid) !== undefined;
  }

  private addressId(script: Uint8Array, overlay: Overlay): number {
    const k = bytesKey(script);
    const pending = overlay.addresses.get(k);
    if (pending !== undefined) return pending.id;
    if (this.mem) {
      const id = this.mem.addresses.get(k);
      if (id !== undefined) return id;
    } else {
      const row = this.st.addressByScript.get(script) as { id: number } | undefined;
      if (row) return row.id;
    }
    const id = this.nextAddressId + overlay.addresses.size;
    overlay.addresses.set(k, { id, script });
    return id;
  }

  /** The addresses.id of an output script already in the ledger (the generator uses it to key ground truth). */
  addressIdOf(script: Uint8Array): number | undefined {
    if (this.mem) return this.mem.addresses.get(bytesKey(script));
    return (this.st.addressByScript.get(script) as { id: number } | undefined)?.id;
  }

  // ---- validation ----------------------------------------------------------------------------

  /** Checks one non-coinbase transaction against the ledger plus the overlay, then records its effects in the overlay. */
  private check(tx: Tx, height: number | null, overlay: Overlay, encoded?: EncodedTx): CheckedTx {
    let enc: EncodedTx;
    try {
      enc = encoded ?? encodeTx(tx);
    } catch (err) {
      throw new LedgerError('malformed', `cannot serialise transaction: ${(err as Error).message}`);
    }
    // Error messages name the txid; built only when one is thrown.
    const txName = () => reverseHex(enc.txid);
    if (tx.inputs.length === 0) throw new LedgerError('malformed', `${txName()}: no inputs`);
    if (tx.outputs.length === 0) throw new LedgerError('malformed', `${txName()}: no outputs`);
    if (enc.weight > MAX_STANDARD_TX_WEIGHT) throw new LedgerError('too-large', `${txName()}: weight ${enc.weight} exceeds ${MAX_STANDARD_TX_WEIGHT}`);
    if (this.txExists(enc.txid, overlay)) throw new LedgerError('duplicate', `${txName()}: transaction already in the ledger`);
    const prevouts: Prevout[] = [];
    const seen = new Set<string>();
    let valueIn = 0;
    for (let vin = 0; vin < tx.inputs.length; vin++) {
      const input = tx.inputs[vin];
      if (isCoinbaseInput(input)) throw new LedgerError('coinbase', `${txName()}: input ${vin} is a coinbase input outside a coinbase`);
      const outKey = `${keyOf(input.prevTxid)}:${input.prevVout}`;
      if (seen.has(outKey)) throw new LedgerError('double-spend', `${txName()}: input ${vin} spends ${reverseHex(input.prevTxid)}:${input.prevVout} twice`);
      seen.add(outKey);
      const prev = this.prevout(input.prevTxid, input.prevVout, overlay);
      if (prev === undefined) throw new LedgerError('missing-input', `${txName()}: input ${vin} spends unknown output ${reverseHex(input.prevTxid)}:${input.prevVout}`);
      if (prev === 'spent') throw new LedgerError('double-spend', `${txName()}: input ${vin} spends ${reverseHex(input.prevTxid)}:${input.prevVout}, which is already spent`);
      if (prev.coinbase) {
        const spendHeight = height ?? (this.tipCache?.height ?? this.settings.startHeight - 1) + 1;
        if (prev.height === null || spendHeight - prev.height < COINBASE_MATURITY) {
          throw new LedgerError('immature-coinbase', `${txName()}: input ${vin} spends coinbase ${reverseHex(input.prevTxid)} before ${COINBASE_MATURITY} confirmations`);
        }
      }
      prevouts.push(prev);
      valueIn += prev.value;
    }
    let valueOut = 0;
    for (let vout = 0; vout < tx.outputs.length; vout++) {
      const v = tx.outputs[vout].value;
      if (!Number.isSafeInteger(v) || v < 0 || v > MAX_MONEY) throw new LedgerError('value', `${txName()}: output ${vout} has invalid value ${v}`);
      valueOut += v;
    }
    if (valueOut > MAX_MONEY) throw new LedgerError('value', `${txName()}: outputs total more than 21 million BTC`);
    if (valueOut > valueIn) throw new LedgerError('value', `${txName()}: outputs (${valueOut} sat) exceed inputs (${valueIn} sat)`);

    // Record effects so later transactions in the same block may spend these outputs.
    for (const input of tx.inputs) overlay.spent.add(`${keyOf(input.prevTxid)}:${input.prevVout}`);
    const id = this.nextTxId + overlay.txCount++;
    overlay.created.set(keyOf(enc.txid), {
      id,
      height,
      coinbase: false,
      stored: this.mem === null,
      outs: tx.outputs.map((o) => ({ value: o.value, addressId: this.addressId(o.script, overlay) })),
      live: tx.outputs.length,
    });
    return { enc, tx, fee: valueIn - valueOut, prevouts };
  }

  // ---- writing -------------------------------------------------------------------------------

  private writeAddresses(overlay: Overlay): void {
    for (const { id, script } of overlay.addresses.values()) {
      const type = classifyScript(script);
      this.st.insertAddress.run(id, script, scriptToAddress(script, this.settings.network), type, sha256(script));
    }
  }

  /** Writes a checked tx's rows; height null = mempool. */
  private writeTx(c: CheckedTx, id: number, height: number | null, pos: number | null, firstSeen: number, overlay: Overlay): void {
    const { enc, tx } = c;
    this.st.insertTx.run(id, enc.txid, height, pos, enc.raw, enc.size, enc.weight, c.fee, firstSeen);
    const created = overlay.created.get(keyOf(enc.txid))!;
    const hSort = height ?? MEMPOOL_HEIGHT;
    const pSort = height === null ? id : pos!;
    for (let vout = 0; vout < tx.outputs.length; vout++) {
      const addressId = created.outs[vout]!.addressId;
      // In bulk mode an output row is written once, when it is spent (or at endBulk): no update.
      if (created.stored) this.st.insertOutput.run(id, vout, tx.outputs[vout].value, addressId);
      if (!this.mem) this.st.insertAddressTx.run(addressId, hSort, pSort, id);
    }
    for (let vin = 0; vin < tx.inputs.length; vin++) {
      const p = c.prevouts[vin];
      const prevVout = tx.inputs[vin].prevVout;
      if (p.stored) this.st.markSpent.run(id, vin, p.txId, prevVout);
      else this.st.insertSpentOutput.run(p.txId, prevVout, p.value, p.addressId, id, vin);
      if (!this.mem) this.st.insertAddressTx.run(p.addressId, hSort, pSort, id);
    }
  }

  private applyOverlayToMemory(overlay: Overlay): void {
    if (!this.mem) return;
    for (const [k, a] of overlay.addresses) this.mem.addresses.set(k, a.id);
    for (const [k, u] of overlay.created) this.mem.utxo.set(k, u);
    for (const outKey of overlay.spent) {
      const sep = outKey.lastIndexOf(':');
      const k = outKey.slice(0, sep);
      const u = this.mem.utxo.get(k);
      if (!u) continue;
      const vout = Number(outKey.slice(sep + 1));
      if (u.outs[vout]) {
        u.outs[vout] = undefined;
        if (--u.live === 0) this.mem.utxo.delete(k);
      }
    }
  }

  // ---- mempool -------------------------------------------------------------------------------

  submitTx(input: Tx | Uint8Array, firstSeen: number): { txid: Uint8Array; fee: number; vsize: number } {
    if (this.mem) throw new LedgerError('state', 'the ledger is in bulk mode; submit transactions after endBulk()');
    let tx: Tx;
    if (input instanceof Uint8Array) {
      try {
        tx = parseTx(input);
      } catch (err) {
        throw new LedgerError('malformed', `TX decode failed: ${(err as Error).message}`);
      }
    } else tx = input;
    const overlay = newOverlay();
    const c = this.check(tx, null, overlay);
    const id = this.nextTxId;
    this.db.transaction(() => {
      this.writeAddresses(overlay);
      this.writeTx(c, id, null, null, firstSeen, overlay);
    })();
    this.nextTxId += overlay.txCount;
    this.nextAddressId += overlay.addresses.size;
    return { txid: c.enc.txid, fee: c.fee, vsize: c.enc.vsize };
  }

  /** Mines the next block from the mempool, highest fee rate first, parents before children. */
  mineBlock(opts: { time?: number; payTo: Uint8Array; tag?: string }): AppendedBlock {
    if (this.mem) throw new LedgerError('state', 'the ledger is in bulk mode; mine after endBulk()');
    const pool = this.st.mempool.all() as { id: number; txid: Uint8Array; raw: Uint8Array; fee: number; weight: number }[];
    const inPool = new Map(pool.map((p) => [p.id, p]));
    const parents = new Map<number, number[]>();
    for (const p of pool) {
      const ps = (this.st.inputParents.all(p.id) as { prev: number }[]).map((r) => r.prev).filter((id) => inPool.has(id));
      parents.set(p.id, ps);
    }
    const byRate = [...pool].sort((a, b) => b.fee / b.weight - a.fee / a.weight || a.id - b.id);
    const chosen: typeof pool = [];
    const included = new Set<number>();
    let weight = 4000; // room for the coinbase
    let progress = true;
    while (progress) {
      progress = false;
      for (const p of byRate) {
        if (included.has(p.id)) continue;
        if (!parents.get(p.id)!.every((id) => included.has(id))) continue;
        if (weight + p.weight > MAX_BLOCK_WEIGHT) continue;
        chosen.push(p);
        included.add(p.id);
        weight += p.weight;
        progress = true;
      }
    }
    const height = (this.tipCache?.height ?? this.settings.startHeight - 1) + 1;
    const totalFee = chosen.reduce((s, p) => s + p.fee, 0);
    const txs = chosen.map((p) => parseTx(new Uint8Array(p.raw)));
    const encs = txs.map((t) => encodeTx(t));
    const overlay = newOverlay();
    const block = this.assemble(height, encs, totalFee, opts, overlay);
    this.db.transaction(() => {
      this.writeBlockAndCoinbase(block, overlay, totalFee);
      chosen.forEach((p, i) => {
        this.st.confirmTx.run(height, i + 1, p.id);
        this.st.confirmAddressTxs.run(height, i + 1, p.id, p.id, p.id);
      });
    })();
    this.commitBlockState(block, overlay);
    return {
      height,
      hash: block.hash,
      time: block.time,
      txids: [block.coinbase.txid, ...encs.map((e) => e.txid)],
      txIds: [block.coinbaseId, ...chosen.map((p) => p.id)],
      coinbaseValue: block.coinbaseTx.outputs[0].value,
    };
  }

  // ---- blocks --------------------------------------------------------------------------------

  /**
   * Appends a block made of `txs` (in order; the coinbase is built here) after validating every
   * one of them. Transactions may spend outputs of earlier ones in the same block.
   */
  appendBlock(txs: BlockTx[], opts: { time?: number; payTo: Uint8Array; tag?: string }): AppendedBlock {
    const height = (this.tipCache?.height ?? this.settings.startHeight - 1) + 1;
    const overlay = newOverlay();
    // Reserve id 0 of this block for the coinbase so ids follow block order.
    overlay.txCount = 1;
    const checked = txs.map((t) => ('enc' in t ? this.check(t.tx, height, overlay, t.enc) : this.check(t, height, overlay)));
    const totalFee = checked.reduce((s, c) => s + c.fee, 0);
    const block = this.assemble(height, checked.map((c) => c.enc), totalFee, opts, overlay);
    if (!this.mem) {
      for (const c of checked) {
        for (const p of c.prevouts) {
          if (p.height === null) throw new LedgerError('double-spend', 'appendBlock cannot spend outputs of mempool transactions; mine them instead');
        }
      }
    }
    const txIds = [block.coinbaseId];
    this.db.transaction(() => {
      this.writeBlockAndCoinbase(block, overlay, totalFee);
      checked.forEach((c, i) => {
        const id = this.nextTxId + 1 + i;
        txIds.push(id);
        this.writeTx(c, id, height, i + 1, block.time, overlay);
      });
    })();
    this.commitBlockState(block, overlay);
    return {
      height,
      hash: block.hash,
      time: block.time,
      txids: [block.coinbase.txid, ...checked.map((c) => c.enc.txid)],
      txIds,
      coinbaseValue: block.coinbaseTx.outputs[0].value,
    };
  }

  private assemble(height: number, encs: EncodedTx[], totalFee: number, opts: { time?: number; payTo: Uint8Array; tag?: string }, overlay: Overlay) {
    const rng = this.rng.fork(`block/${height}`);
    const prevHash = this.tipCache?.hash ?? sha256d(utf8ToBytes(`onion-range/pre-history/${this.settings.seed}`));
    const time = opts.time ?? (this.tipCache ? nextBlockTime(rng, this.recentTimes) : this.settings.startTime);
    if (this.recentTimes.length && time <= medianTimePast(this.recentTimes)) {
      throw new LedgerError('state', `block time ${time} is not after median-time-past ${medianTimePast(this.recentTimes)}`);
    }
    // Stored as Bitcoin Core reports `mediantime`: the median of this block and the ten before it.
    const mtp = medianTimePast([...this.recentTimes, time].slice(-11));
    const hasWitness = encs.some((e) => e.weight !== e.size * 4);
    const coinbaseOutputs: TxOut[] = [{ value: blockSubsidy(height) + totalFee, script: opts.payTo }];
    const commitment = hasWitness ? witnessCommitmentScript([new Uint8Array(32), ...encs.map((e) => e.wtxid)]) : undefined;
    const coinbaseTx = buildCoinbase({
      height,
      outputs: coinbaseOutputs,
      tag: opts.tag ? utf8ToBytes(opts.tag) : undefined,
      extraNonce: rng.bytes(8),
      witnessCommitment: commitment,
    });
    const coinbase = encodeTx(coinbaseTx);
    const root = merkleRoot([coinbase.txid, ...encs.map((e) => e.txid)]);
    const header = serializeHeader({
      version: rng.pick(HEADER_VERSIONS),
      prevHash,
      merkleRoot: root,
      time,
      bits: eraBits(height),
      nonce: rng.u32(),
    });
    const hash = blockHash(header);
    const txCount = encs.length + 1;
    let size = 80 + compactSizeLength(txCount) + coinbase.size;
    let weight = (80 + compactSizeLength(txCount)) * 4 + coinbase.weight;
    for (const e of encs) {
      size += e.size;
      weight += e.weight;
    }
    if (weight > MAX_BLOCK_WEIGHT) throw new LedgerError('too-large', `block weight ${weight} exceeds ${MAX_BLOCK_WEIGHT}`);
    const coinbaseId = this.nextTxId; // appendBlock reserved it; mineBlock takes the next free id
    const coinbaseAddressId = this.addressId(opts.payTo, overlay);
    const commitmentAddressId = commitment ? this.addressId(commitment, overlay) : undefined;
    return { height, hash, header, time, mtp, txCount, size, weight, coinbase, coinbaseTx, coinbaseId, coinbaseAddressId, commitmentAddressId };
  }

  private writeBlockAndCoinbase(b: ReturnType<Ledger['assemble']>, overlay: Overlay, totalFee: number): void {
    this.writeAddresses(overlay);
    this.st.insertBlock.run(b.height, b.hash, b.header, b.time, b.mtp, b.txCount, b.size, b.weight, totalFee);
    this.st.insertTx.run(b.coinbaseId, b.coinbase.txid, b.height, 0, b.coinbase.raw, b.coinbase.size, b.coinbase.weight, 0, b.time);
    b.coinbaseTx.outputs.forEach((o, vout) => {
      const addressId = vout === 0 ? b.coinbaseAddressId : b.commitmentAddressId!;
      this.st.insertOutput.run(b.coinbaseId, vout, o.value, addressId);
      if (!this.mem) this.st.insertAddressTx.run(addressId, b.height, 0, b.coinbaseId);
    });
  }

  private commitBlockState(b: ReturnType<Ledger['assemble']>, overlay: Overlay): void {
    // appendBlock numbered its txs after the coinbase; mineBlock's coinbase takes one fresh id.
    this.nextTxId += Math.max(overlay.txCount, 1);
    this.nextAddressId += overlay.addresses.size;
    if (this.mem) {
      overlay.created.set(keyOf(b.coinbase.txid), {
        id: b.coinbaseId,
        height: b.height,
        coinbase: true,
        stored: true,
        outs: b.coinbaseTx.outputs.map((o, vout) => (vout === 0 ? { value: o.value, addressId: b.coinbaseAddressId } : undefined)),
        live: 1,
      });
      this.applyOverlayToMemory(overlay);
    }
    this.recentTimes.push(b.time);
    if (this.recentTimes.length > 11) this.recentTimes.shift();
    this.tipCache = { height: b.height, hash: b.hash, time: b.time };
  }
}

interface Overlay {
  created: Map<string, UnspentTx>;
  spent: Set<string>;
  addresses: Map<string, { id: number; script: Uint8Array }>;
  txCount: number;
}

function newOverlay(): Overlay {
  return { created: new Map(), spent: new Set(), addresses: new Map(), txCount: 0 };
}

function prepare(db: Db) {
  return {
    prevout: db.prepare(
      `SELECT t.id AS txId, t.block_height AS height, t.block_pos AS pos, o.value, o.address_id AS addressId, o.spent_tx_id AS spentBy
       FROM txs t JOIN outputs o ON o.tx_id = t.id AND o.vout = ? WHERE t.txid = ?`,
    ),
    txByTxid: db.prepare('SELECT id FROM txs WHERE txid = ?'),
    addressByScript: db.prepare('SELECT id FROM addresses WHERE script = ?'),
    insertAddress: db.prepare('INSERT INTO addresses (id, script, address, type, scripthash) VALUES (?, ?, ?, ?, ?)'),
    insertTx: db.prepare(
      'INSERT INTO txs (id, txid, block_height, block_pos, raw, size, weight, fee, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertOutput: db.prepare('INSERT INTO outputs (tx_id, vout, value, address_id) VALUES (?, ?, ?, ?)'),
    insertSpentOutput: db.prepare('INSERT INTO outputs (tx_id, vout, value, address_id, spent_tx_id, spent_vin) VALUES (?, ?, ?, ?, ?, ?)'),
    markSpent: db.prepare('UPDATE outputs SET spent_tx_id = ?, spent_vin = ? WHERE tx_id = ? AND vout = ?'),
    insertAddressTx: db.prepare('INSERT OR IGNORE INTO address_txs (address_id, height, pos, tx_id) VALUES (?, ?, ?, ?)'),
    insertBlock: db.prepare(
      'INSERT INTO blocks (height, hash, header, time, median_time, tx_count, size, weight, total_fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    mempool: db.prepare('SELECT id, txid, raw, fee, weight FROM txs WHERE block_height IS NULL ORDER BY id'),
    inputParents: db.prepare('SELECT tx_id AS prev FROM outputs WHERE spent_tx_id = ?'),
    confirmTx: db.prepare('UPDATE txs SET block_height = ?, block_pos = ? WHERE id = ?'),
    confirmAddressTxs: db.prepare(
      `UPDATE address_txs SET height = ?, pos = ? WHERE height = ${MEMPOOL_HEIGHT} AND pos = ? AND address_id IN (
         SELECT address_id FROM outputs WHERE tx_id = ?
         UNION SELECT address_id FROM outputs WHERE spent_tx_id = ?)`,
    ),
  };
}
