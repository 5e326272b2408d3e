// Every trainee-facing read of a world's ledger, answered in Esplora's JSON shapes. The Esplora API
// and the explorer both read through this class, so it is the one place that runs SQL for them; it
// never touches the simulator's hidden `gt_*` tables.
//
// Lookups go from a display hash to an integer id once, then join on integers. A page of
// transactions costs three queries however long it is (rows, prevouts, output addresses, each
// with the page's ids as one JSON array), and raw transactions are parsed here rather than stored
// twice. Unknown things come back as null; malformed input throws a RangeError (an AddressError
// for addresses) whose one-line message the API shows as a 400 body, in electrs's words where it
// has them.
import type Database from 'better-sqlite3';
import type { Network, ScriptType, TxIn } from '../types.ts';
import type {
  EsploraAddress,
  EsploraBlock,
  EsploraBlockStatus,
  EsploraFeeEstimates,
  EsploraMempoolInfo,
  EsploraMempoolRecent,
  EsploraMerkleProof,
  EsploraOutspend,
  EsploraScriptStats,
  EsploraScripthash,
  EsploraTx,
  EsploraTxStatus,
  EsploraUtxo,
  EsploraVin,
  EsploraVout,
  FeeHistogramBin,
} from '../esplora-types.ts';
import { MEMPOOL_HEIGHT } from './schema.ts';
import { ByteWriter, bytesToHex, hexToBytes } from '../bytes.ts';
import { sha256d } from '../hash.ts';
import { parseTx, isCoinbaseInput } from '../tx.ts';
import { parseHeader } from '../block.ts';
import { difficultyFromBits } from '../consensus.ts';
import { merkleProof as merkleBranch } from '../merkle.ts';
import { scriptToAsm, isP2sh, isP2wsh, classifyScript } from '../script.ts';
import { AddressError, decodeAddress, isValidAddress, scriptToAddress } from '../address.ts';

/** Esplora's page sizes (electrs `rest.rs`). */
export const BLOCKS_PER_PAGE = 10;
export const TXS_PER_PAGE = 25;
export const MAX_MEMPOOL_TXS = 50;
export const RECENT_MEMPOOL_TXS = 10;
export const ADDRESS_SEARCH_LIMIT = 10;
/** Confirmation targets electrs asks bitcoind's estimatesmartfee for. */
export const FEE_TARGETS = [...Array.from({ length: 25 }, (_, i) => i + 1), 144, 504, 1008] as const;

/** What the explorer's one search box found: where to go, or why there is nowhere to go. */
export type SearchResult =
  | { kind: 'height'; target: number }
  | { kind: 'block'; target: string }
  | { kind: 'tx'; target: string; vout?: number }
  | { kind: 'address'; target: string }
  | { kind: 'none'; reason: string };

interface BlockRow {
  height: number;
  hash: Uint8Array;
  header: Uint8Array;
  time: number;
  median_time: number;
  tx_count: number;
  size: number;
  weight: number;
}

interface TxRow {
  id: number;
  txid: Uint8Array;
  height: number | null;
  raw: Uint8Array;
  size: number;
  weight: number;
  fee: number;
  bhash: Uint8Array | null;
  btime: number | null;
}

interface PrevoutRow {
  txId: number;
  vin: number;
  value: number;
  script: Uint8Array;
  address: string | null;
  type: string;
}

interface OutputMetaRow {
  txId: number;
  vout: number;
  address: string | null;
  type: string;
}

interface StatusRow {
  height: number | null;
  bhash: Uint8Array | null;
  btime: number | null;
}

interface SpendRow extends StatusRow {
  vout: number;
  vin: number | null;
  stxid: Uint8Array | null;
}

interface StatsRow {
  cfN: number;
  cfV: number;
  mfN: number;
  mfV: number;
  csN: number;
  csV: number;
  msN: number;
  msV: number;
}

const HASH_RE = /^[0-9a-fA-F]{64}$/;
const MAX_BLOCK_VSIZE = 1_000_000;
const MIN_RELAY_FEE_RATE = 1;
const FEE_HISTOGRAM_BIN_VSIZE = 50_000;

/** Display hex of a txid or block hash (byte-reversed). Buffer's hex codec: pages of 25 txs call this hundreds of times. */
function reverseHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).reverse().toString('hex');
}

/** A 32-byte hash in display hex → internal byte order; electrs's text for anything else. */
function hashFromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !HASH_RE.test(hex)) throw new RangeError('Invalid hex string');
  return hexToBytes(hex).reverse();
}

function statusOf(height: number | null, bhash: Uint8Array | null, btime: number | null): EsploraTxStatus {
  if (height === null || bhash === null || btime === null) return { confirmed: false };
  return { confirmed: true, block_height: height, block_hash: reverseHex(bhash), block_time: btime };
}

function voutOf(script: Uint8Array, value: number, address: string | null, type: string): EsploraVout {
  return {
    scriptpubkey: bytesToHex(script),
    scriptpubkey_asm: scriptToAsm(script),
    scriptpubkey_type: type as ScriptType,
    ...(address !== null ? { scriptpubkey_address: address } : {}),
    value,
  };
}

/** The last instruction of a script if it is a data push (OP_0 counts, as in rust-bitcoin), else null. */
function lastPush(script: Uint8Array): Uint8Array | null {
  let pos = 0;
  let last: Uint8Array | null = null;
  while (pos < script.length) {
    const op = script[pos++];
    let n = -1;
    if (op <= 0x4b) n = op;
    else if (op === 0x4c || op === 0x4d || op === 0x4e) {
      const width = op === 0x4c ? 1 : op === 0x4d ? 2 : 4;
      if (pos + width > script.length) return null;
      n = 0;
      for (let i = width - 1; i >= 0; i--) n = n * 256 + script[pos + i];
      pos += width;
    }
    if (n < 0) {
      last = null;
      continue;
    }
    if (pos + n > script.length) return null;
    last = script.subarray(pos, pos + n);
    pos += n;
  }
  return last;
}

/** electrs's `get_innerscripts`: the redeem script of a P2SH spend, the witness script of a P2WSH one. */
function innerScripts(input: TxIn, prevScript: Uint8Array): { redeem?: Uint8Array; witness?: Uint8Array } {
  const redeem = isP2sh(prevScript) ? (lastPush(input.scriptSig) ?? undefined) : undefined;
  const wrapsWsh = isP2wsh(prevScript) || (redeem !== undefined && isP2wsh(redeem));
  const witness = wrapsWsh && input.witness.length > 0 ? input.witness[input.witness.length - 1] : undefined;
  return { redeem, witness };
}

function emptyStats(): EsploraScriptStats {
  return { funded_txo_count: 0, funded_txo_sum: 0, spent_txo_count: 0, spent_txo_sum: 0, tx_count: 0 };
}

/** electrs's `make_fee_histogram`: bins of at least 50,000 vB, highest fee rate first. */
function feeHistogram(entries: { rate: number; vsize: number }[]): FeeHistogramBin[] {
  entries.sort((a, b) => b.rate - a.rate);
  const bins: FeeHistogramBin[] = [];
  let binSize = 0;
  let lastRate = 0;
  for (const e of entries) {
    if (binSize > FEE_HISTOGRAM_BIN_VSIZE && lastRate !== e.rate) {
      bins.push([lastRate, binSize]);
      binSize = 0;
    }
    lastRate = e.rate;
    binSize += e.vsize;
  }
  if (binSize > 0) bins.push([lastRate, binSize]);
  return bins;
}

/** Vsize-weighted quantile of fee rates (q in 0..1). */
function weightedQuantile(entries: { rate: number; vsize: number }[], q: number): number {
  const sorted = [...entries].sort((a, b) => a.rate - b.rate);
  const total = sorted.reduce((s, e) => s + e.vsize, 0);
  let acc = 0;
  for (const e of sorted) {
    acc += e.vsize;
    if (acc >= q * total) return e.rate;
  }
  return sorted.length ? sorted[sorted.length - 1].rate : 0;
}

function quantile(sortedValues: number[], q: number): number {
  if (sortedValues.length === 0) return 0;
  const i = Math.min(sortedValues.length - 1, Math.max(0, Math.round(q * (sortedValues.length - 1))));
  return sortedValues[i];
}

/**
 * BIP37 partial merkle tree of a block with one matched transaction, serialised as bitcoind's
 * `merkleblock` after the header: tx count, hashes, flag bits (least significant first).
 */
function partialMerkleTree(txids: Uint8Array[], match: number): Uint8Array {
  const n = txids.length;
  const width = (h: number) => (n + (1 << h) - 1) >> h;
  let height = 0;
  while (width(height) > 1) height++;
  const hashAt = (h: number, pos: number): Uint8Array => {
    if (h === 0) return txids[pos];
    const left = hashAt(h - 1, pos * 2);
    const right = pos * 2 + 1 < width(h - 1) ? hashAt(h - 1, pos * 2 + 1) : left;
    const pair = new Uint8Array(64);
    pair.set(left, 0);
    pair.set(right, 32);
    return sha256d(pair);
  };
  const bits: boolean[] = [];
  const hashes: Uint8Array[] = [];
  const walk = (h: number, pos: number): void => {
    const parentOfMatch = match >> h === pos;
    bits.push(parentOfMatch);
    if (h === 0 || !parentOfMatch) {
      hashes.push(hashAt(h, pos));
      return;
    }
    walk(h - 1, pos * 2);
    if (pos * 2 + 1 < width(h - 1)) walk(h - 1, pos * 2 + 1);
  };
  walk(height, 0);
  const flags = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) flags[i >> 3] |= 1 << (i & 7);
  });
  const w = new ByteWriter(4 + 9 + hashes.length * 32 + 9 + flags.length);
  w.u32(n).compactSize(hashes.length);
  for (const h of hashes) w.bytes(h);
  w.varBytes(flags);
  return w.finish();
}

export class ChainReader {
  private readonly st: ReturnType<typeof prepare>;
  private feeCache: { key: string; value: EsploraFeeEstimates } | null = null;

  constructor(
    private readonly db: Database.Database,
    readonly network: Network,
  ) {
    this.st = prepare(db);
  }

  // ---- chain tip and blocks -------------------------------------------------------------------

  tipHeight(): number | null {
    const row = this.st.tip.get() as { height: number } | undefined;
    return row ? row.height : null;
  }

  tipHash(): string | null {
    const row = this.st.tip.get() as { hash: Uint8Array } | undefined;
    return row ? reverseHex(row.hash) : null;
  }

  /** Height of the first stored block: the world's history starts there. */
  firstHeight(): number | null {
    const row = this.st.first.get() as { h: number | null };
    return row.h;
  }

  blockHashAtHeight(height: number): string | null {
    if (!Number.isSafeInteger(height) || height < 0) return null;
    const row = this.st.hashAtHeight.get(height) as { hash: Uint8Array } | undefined;
    return row ? reverseHex(row.hash) : null;
  }

  /** Height of a block in the best chain (the lab's chain has no forks), or null. */
  blockHeight(hash: string): number | null {
    const row = this.st.heightOfHash.get(hashFromHex(hash)) as { height: number } | undefined;
    return row ? row.height : null;
  }

  /** The 10 newest blocks at or below `startHeight` (default: the tip); null when that height holds no block. */
  blocks(startHeight?: number): EsploraBlock[] | null {
    const top = startHeight ?? this.tipHeight();
    if (top === null) return startHeight === undefined ? [] : null;
    if (!Number.isSafeInteger(top) || top < 0) return null;
    const rows = this.st.blocksDown.all(top, BLOCKS_PER_PAGE) as BlockRow[];
    if (rows.length === 0 || rows[0].height !== top) return null;
    return rows.map((r) => this.blockJson(r));
  }

  block(hash: string): EsploraBlock | null {
    const row = this.st.blockByHash.get(hashFromHex(hash)) as BlockRow | undefined;
    return row ? this.blockJson(row) : null;
  }

  blockAtHeight(height: number): EsploraBlock | null {
    if (!Number.isSafeInteger(height) || height < 0) return null;
    const row = this.st.blockByHeight.get(height) as BlockRow | undefined;
    return row ? this.blockJson(row) : null;
  }

  blockStatus(hash: string): EsploraBlockStatus | null {
    const height = this.blockHeight(hash);
    if (height === null) return null;
    return { in_best_chain: true, height, next_best: this.blockHashAtHeight(height + 1) };
  }

  blockHeaderHex(hash: string): string | null {
    const row = this.st.headerByHash.get(hashFromHex(hash)) as { header: Uint8Array } | undefined;
    return row ? bytesToHex(row.header) : null;
  }

  /** The serialised block: header, tx count, every transaction as stored. */
  blockRaw(hash: string): Uint8Array | null {
    const row = this.st.blockByHash.get(hashFromHex(hash)) as BlockRow | undefined;
    if (!row) return null;
    const raws = this.st.blockRaws.all(row.height) as { raw: Uint8Array }[];
    const w = new ByteWriter(row.size);
    w.bytes(row.header).compactSize(raws.length);
    for (const r of raws) w.bytes(r.raw);
    return w.finish();
  }

  blockTxids(hash: string): string[] | null {
    const height = this.blockHeight(hash);
    if (height === null) return null;
    return (this.st.blockTxids.all(height) as { txid: Uint8Array }[]).map((r) => reverseHex(r.txid));
  }

  /** Txid at `index` in the block; null for an unknown block or an index past its last transaction. */
  blockTxid(hash: string, index: number): string | null {
    const height = this.blockHeight(hash);
    if (height === null || !Number.isSafeInteger(index) || index < 0) return null;
    const row = this.st.blockTxidAt.get(height, index) as { txid: Uint8Array } | undefined;
    return row ? reverseHex(row.txid) : null;
  }

  /**
   * Up to 25 transactions of the block from `startIndex` (a multiple of 25 below its tx count);
   * null for an unknown block.
   */
  blockTxs(hash: string, startIndex = 0): EsploraTx[] | null {
    const row = this.st.blockByHash.get(hashFromHex(hash)) as BlockRow | undefined;
    if (!row) return null;
    if (!Number.isSafeInteger(startIndex) || startIndex < 0) throw new RangeError('Invalid number');
    if (startIndex % TXS_PER_PAGE !== 0) throw new RangeError(`start index must be a multiple of ${TXS_PER_PAGE}`);
    if (startIndex >= row.tx_count) throw new RangeError('start index out of range');
    const ids = (this.st.blockTxIds.all(row.height, TXS_PER_PAGE, startIndex) as { id: number }[]).map((r) => r.id);
    return this.txsByIds(ids);
  }

  // ---- transactions ---------------------------------------------------------------------------

  tx(txid: string): EsploraTx | null {
    const row = this.st.txByTxid.get(hashFromHex(txid)) as { id: number } | undefined;
    return row ? this.txsByIds([row.id])[0] : null;
  }

  txStatus(txid: string): EsploraTxStatus | null {
    const row = this.st.statusByTxid.get(hashFromHex(txid)) as StatusRow | undefined;
    return row ? statusOf(row.height, row.bhash, row.btime) : null;
  }

  txRaw(txid: string): Uint8Array | null {
    const row = this.st.rawByTxid.get(hashFromHex(txid)) as { raw: Uint8Array } | undefined;
    return row ? new Uint8Array(row.raw) : null;
  }

  /** Spending status of every output, in vout order; null for an unknown transaction. */
  outspends(txid: string): EsploraOutspend[] | null {
    const row = this.st.txByTxid.get(hashFromHex(txid)) as { id: number } | undefined;
    if (!row) return null;
    const spends = this.st.spendsOf.all(row.id) as SpendRow[];
    const out: EsploraOutspend[] = [];
    for (const s of spends) {
      while (out.length < s.vout) out.push({ spent: false });
      out.push(this.outspendJson(s));
    }
    return out;
  }

  /** Spending status of one output; null for an unknown transaction or an output it does not have. */
  outspend(txid: string, vout: number): EsploraOutspend | null {
    const row = this.st.txByTxid.get(hashFromHex(txid)) as { id: number } | undefined;
    if (!row || !Number.isSafeInteger(vout) || vout < 0) return null;
    const s = this.st.spendOf.get(row.id, vout) as SpendRow | undefined;
    return s ? this.outspendJson(s) : null;
  }

  /** Electrum-style merkle branch; null for an unknown or unconfirmed transaction. */
  merkleProof(txid: string): EsploraMerkleProof | null {
    const row = this.st.txByTxid.get(hashFromHex(txid)) as { id: number; height: number | null; pos: number | null } | undefined;
    if (!row || row.height === null || row.pos === null) return null;
    const txids = (this.st.blockTxids.all(row.height) as { txid: Uint8Array }[]).map((r) => new Uint8Array(r.txid));
    const branch = merkleBranch(txids, row.pos);
    return { block_height: row.height, merkle: branch.map((h) => reverseHex(h)), pos: row.pos };
  }

  /** bitcoind's `merkleblock` (header + partial merkle tree) as hex; null for an unknown or unconfirmed transaction. */
  merkleBlockProof(txid: string): string | null {
    const row = this.st.txByTxid.get(hashFromHex(txid)) as { id: number; height: number | null; pos: number | null } | undefined;
    if (!row || row.height === null || row.pos === null) return null;
    const block = this.st.blockByHeight.get(row.height) as BlockRow;
    const txids = (this.st.blockTxids.all(row.height) as { txid: Uint8Array }[]).map((r) => new Uint8Array(r.txid));
    return bytesToHex(block.header) + bytesToHex(partialMerkleTree(txids, row.pos));
  }

  // ---- addresses and scripthashes ---------------------------------------------------------------

  /**
   * The output script an address pays, for this world's network. Throws AddressError:
   * 'Invalid Bitcoin address (<the parser's reason>)' for a malformed address, electrs's
   * 'Address on invalid network' for another network's.
   */
  scriptOfAddress(address: string): Uint8Array {
    let decoded: ReturnType<typeof decodeAddress>;
    try {
      decoded = decodeAddress(address);
    } catch (err) {
      if (err instanceof AddressError) throw new AddressError(`Invalid Bitcoin address (${err.message})`);
      throw err;
    }
    if (!isValidAddress(address, this.network)) throw new AddressError('Address on invalid network');
    return decoded.script;
  }

  address(address: string): EsploraAddress {
    const id = this.addressId(this.scriptOfAddress(address));
    const { chain, mempool } = this.stats(id);
    return { address, chain_stats: chain, mempool_stats: mempool };
  }

  /** Up to 50 mempool transactions (newest first), then the 25 newest confirmed ones. */
  addressTxs(address: string): EsploraTx[] {
    return this.historyPage(this.addressId(this.scriptOfAddress(address)), true, undefined);
  }

  /** 25 confirmed transactions, newest first, after `lastSeenTxid` (an unknown one ends the list, as in electrs). */
  addressTxsChain(address: string, lastSeenTxid?: string): EsploraTx[] {
    return this.historyPage(this.addressId(this.scriptOfAddress(address)), false, lastSeenTxid);
  }

  addressTxsMempool(address: string): EsploraTx[] {
    const id = this.addressId(this.scriptOfAddress(address));
    return id === null ? [] : this.txsByIds(this.idsOf(this.st.historyMempool.all(id, MAX_MEMPOOL_TXS)));
  }

  /** Unspent outputs (a mempool spend counts as spent), confirmed first in chain order, then mempool ones. */
  addressUtxo(address: string): EsploraUtxo[] {
    return this.utxos(this.addressId(this.scriptOfAddress(address)));
  }

  scripthash(hash: string): EsploraScripthash {
    const id = this.scripthashId(hash);
    const { chain, mempool } = this.stats(id);
    return { chain_stats: chain, mempool_stats: mempool, scripthash: hash };
  }

  scripthashTxs(hash: string): EsploraTx[] {
    return this.historyPage(this.scripthashId(hash), true, undefined);
  }

  scripthashTxsChain(hash: string, lastSeenTxid?: string): EsploraTx[] {
    return this.historyPage(this.scripthashId(hash), false, lastSeenTxid);
  }

  scripthashTxsMempool(hash: string): EsploraTx[] {
    const id = this.scripthashId(hash);
    return id === null ? [] : this.txsByIds(this.idsOf(this.st.historyMempool.all(id, MAX_MEMPOOL_TXS)));
  }

  scripthashUtxo(hash: string): EsploraUtxo[] {
    return this.utxos(this.scripthashId(hash));
  }

  /** Up to 10 addresses of this world that start with `prefix`, in sort order. */
  addressPrefix(prefix: string): string[] {
    if (typeof prefix !== 'string' || prefix.length === 0) return [];
    const rows = this.st.addressPrefix.all(prefix, prefix + '\uffff', ADDRESS_SEARCH_LIMIT) as { address: string }[];
    return rows.map((r) => r.address);
  }

  // ---- mempool and fees ---------------------------------------------------------------------------

  mempool(): EsploraMempoolInfo {
    const rows = this.st.mempoolFees.all() as { fee: number; weight: number }[];
    let vsize = 0;
    let totalFee = 0;
    const entries = rows.map((r) => {
      const v = Math.ceil(r.weight / 4);
      vsize += v;
      totalFee += r.fee;
      return { rate: r.fee / (r.weight / 4), vsize: v };
    });
    return { count: rows.length, vsize, total_fee: totalFee, fee_histogram: feeHistogram(entries) };
  }

  mempoolTxids(): string[] {
    return (this.st.mempoolTxids.all() as { txid: Uint8Array }[]).map((r) => reverseHex(r.txid));
  }

  /** The 10 transactions that entered the mempool last and are still there, newest first. */
  mempoolRecent(): EsploraMempoolRecent[] {
    const rows = this.st.mempoolRecent.all(RECENT_MEMPOOL_TXS) as { id: number; txid: Uint8Array; fee: number; weight: number }[];
    if (rows.length === 0) return [];
    const totals = new Map(
      (this.st.inputTotals.all(JSON.stringify(rows.map((r) => r.id))) as { txId: number; total: number }[]).map((r) => [r.txId, r.total]),
    );
    return rows.map((r) => ({ txid: reverseHex(r.txid), fee: r.fee, vsize: Math.ceil(r.weight / 4), value: totals.get(r.id) ?? 0 }));
  }

  /**
   * Fee rates (sat/vB) for Esplora's confirmation targets, derived from this world instead of
   * bitcoind's estimator: for target n, the highest of
   *  - 1 sat/vB (the minimum relay fee),
   *  - the rate at the edge of the top n × 1,000,000 vB of the mempool (what outbids the queue),
   *  - a quantile of recent blocks' median fee rates, from the 90th (n = 1) down to the 10th (n = 1008),
   * then made non-increasing in n and rounded to 3 decimals. Cached until the tip or the mempool changes.
   */
  /** Changes whenever a block is appended or the mempool gains or loses a transaction. */
  stateKey(): string {
    const pool = this.st.mempoolKey.get() as { n: number; m: number | null };
    return `${this.tipHeight()}:${pool.n}:${pool.m}`;
  }

  feeEstimates(): EsploraFeeEstimates {
    const key = this.stateKey();
    const tip = this.tipHeight();
    if (this.feeCache?.key === key) return { ...this.feeCache.value };

    const blockMedians: number[] = [];
    if (tip !== null) {
      const rows = this.st.recentFeeRates.all(tip - 144, tip) as { height: number; fee: number; weight: number }[];
      const byBlock = new Map<number, { rate: number; vsize: number }[]>();
      for (const r of rows) {
        let list = byBlock.get(r.height);
        if (!list) byBlock.set(r.height, (list = []));
        list.push({ rate: r.fee / (r.weight / 4), vsize: r.weight / 4 });
      }
      for (const list of byBlock.values()) blockMedians.push(weightedQuantile(list, 0.5));
      blockMedians.sort((a, b) => a - b);
    }
    const pending = (this.st.mempoolFees.all() as { fee: number; weight: number }[])
      .map((r) => ({ rate: r.fee / (r.weight / 4), vsize: r.weight / 4 }))
      .sort((a, b) => b.rate - a.rate);

    const value: EsploraFeeEstimates = {};
    let previous = Infinity;
    for (const n of FEE_TARGETS) {
      let queueRate = 0;
      let acc = 0;
      for (const e of pending) {
        acc += e.vsize;
        if (acc > n * MAX_BLOCK_VSIZE) {
          queueRate = e.rate;
          break;
        }
      }
      const q = 0.9 - (0.8 * Math.log(n)) / Math.log(1008);
      const chainRate = quantile(blockMedians, q);
      const rate = Math.min(previous, Math.max(MIN_RELAY_FEE_RATE, queueRate, chainRate));
      previous = rate;
      value[String(n)] = Math.round(rate * 1000) / 1000;
    }
    this.feeCache = { key, value };
    return { ...value };
  }

  // ---- search ------------------------------------------------------------------------------------------

  /**
   * Classifies what someone typed into the explorer's search box: a block height, a block hash, a
   * txid (optionally `txid:vout`), or an address in any format Bitcoin uses. Answers with where to
   * go, or with a reason to show when there is no such thing in this world.
   */
  search(query: string): SearchResult {
    const q = (query ?? '').trim();
    if (q === '') return { kind: 'none', reason: 'Type a block height, block hash, transaction id or address.' };

    if (/^\d{1,10}$/.test(q)) {
      const height = Number(q);
      const tip = this.tipHeight();
      const first = this.firstHeight();
      if (tip === null || first === null) return { kind: 'none', reason: 'This world has no blocks yet.' };
      if (height > tip) return { kind: 'none', reason: `No block at height ${q}: the chain tip is at height ${tip}.` };
      if (height < first) return { kind: 'none', reason: `Block ${q} is before this world's recorded history, which starts at height ${first}.` };
      return { kind: 'height', target: height };
    }

    const outpoint = /^([0-9a-fA-F]{64}):(\d{1,10})$/.exec(q);
    if (outpoint) {
      const txid = outpoint[1].toLowerCase();
      const vout = Number(outpoint[2]);
      if (this.st.txByTxid.get(hashFromHex(txid))) return { kind: 'tx', target: txid, vout };
      return { kind: 'none', reason: `No transaction ${txid} in this world.` };
    }

    if (HASH_RE.test(q)) {
      const hex = q.toLowerCase();
      const bytes = hashFromHex(hex);
      if (this.st.txByTxid.get(bytes)) return { kind: 'tx', target: hex };
      if (this.st.heightOfHash.get(bytes)) return { kind: 'block', target: hex };
      return { kind: 'none', reason: 'No transaction or block with that hash in this world.' };
    }

    if (/^[0-9a-fA-F]+$/.test(q) && q.length % 2 === 0 && q.length > 64) {
      return { kind: 'none', reason: 'That looks like raw hex (a transaction or script?), not an id. Search for a txid, block hash, height or address.' };
    }

    let decoded: ReturnType<typeof decodeAddress>;
    try {
      decoded = decodeAddress(q);
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      return { kind: 'none', reason: `Not a block height, hash, transaction id or valid address (${err.message}).` };
    }
    if (!isValidAddress(q, this.network)) {
      return { kind: 'none', reason: `That is a ${decoded.network} address; this world's ledger is ${this.network}.` };
    }
    // Canonical form (bech32 in lower case), which is also how the ledger stores it.
    return { kind: 'address', target: scriptToAddress(decoded.script, this.network) ?? q };
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private blockJson(r: BlockRow): EsploraBlock {
    const h = parseHeader(new Uint8Array(r.header));
    return {
      id: reverseHex(r.hash),
      height: r.height,
      version: h.version >>> 0,
      timestamp: h.time,
      tx_count: r.tx_count,
      size: r.size,
      weight: r.weight,
      merkle_root: reverseHex(h.merkleRoot),
      previousblockhash: h.prevHash.every((b) => b === 0) ? null : reverseHex(h.prevHash),
      mediantime: r.median_time,
      nonce: h.nonce,
      bits: h.bits,
      difficulty: difficultyFromBits(h.bits),
    };
  }

  private outspendJson(s: SpendRow): EsploraOutspend {
    if (s.stxid === null || s.vin === null) return { spent: false };
    return { spent: true, txid: reverseHex(s.stxid), vin: s.vin, status: statusOf(s.height, s.bhash, s.btime) };
  }

  private addressId(script: Uint8Array): number | null {
    const row = this.st.addressIdByScript.get(script) as { id: number } | undefined;
    return row ? row.id : null;
  }

  private scripthashId(hash: string): number | null {
    if (typeof hash !== 'string' || !HASH_RE.test(hash)) throw new RangeError('Invalid scripthash');
    const row = this.st.addressIdByScripthash.get(hexToBytes(hash)) as { id: number } | undefined;
    return row ? row.id : null;
  }

  private idsOf(rows: unknown[]): number[] {
    return (rows as { id: number }[]).map((r) => r.id);
  }

  private historyPage(addressId: number | null, withMempool: boolean, lastSeenTxid: string | undefined): EsploraTx[] {
    const lastSeen = lastSeenTxid === undefined ? undefined : hashFromHex(lastSeenTxid);
    if (addressId === null) return [];
    const ids: number[] = [];
    if (withMempool) ids.push(...this.idsOf(this.st.historyMempool.all(addressId, MAX_MEMPOOL_TXS)));
    if (lastSeen === undefined) {
      ids.push(...this.idsOf(this.st.historyChain.all(addressId, TXS_PER_PAGE)));
    } else {
      const at = this.st.historyPosOf.get({ address: addressId, txid: lastSeen }) as { height: number; pos: number } | undefined;
      if (!at) return [];
      ids.push(...this.idsOf(this.st.historyChainAfter.all({ address: addressId, height: at.height, pos: at.pos, limit: TXS_PER_PAGE })));
    }
    return this.txsByIds(ids);
  }

  private stats(addressId: number | null): { chain: EsploraScriptStats; mempool: EsploraScriptStats } {
    if (addressId === null) return { chain: emptyStats(), mempool: emptyStats() };
    const s = this.st.outputStats.get(addressId) as StatsRow;
    const counts = this.st.historyCounts.get(addressId) as { chain: number; mempool: number };
    return {
      chain: { funded_txo_count: s.cfN, funded_txo_sum: s.cfV, spent_txo_count: s.csN, spent_txo_sum: s.csV, tx_count: counts.chain },
      mempool: { funded_txo_count: s.mfN, funded_txo_sum: s.mfV, spent_txo_count: s.msN, spent_txo_sum: s.msV, tx_count: counts.mempool },
    };
  }

  private utxos(addressId: number | null): EsploraUtxo[] {
    if (addressId === null) return [];
    const rows = this.st.utxosOf.all(addressId) as { txid: Uint8Array; vout: number; value: number; height: number | null }[];
    // Thousands of outputs come from a handful of blocks: look each block up once.
    const statusAt = new Map<number | null, EsploraTxStatus>([[null, { confirmed: false }]]);
    return rows.map((r) => {
      let status = statusAt.get(r.height);
      if (!status) {
        const b = this.st.hashAtHeight.get(r.height) as { hash: Uint8Array; time: number };
        status = statusOf(r.height, b.hash, b.time);
        statusAt.set(r.height, status);
      }
      return { txid: reverseHex(r.txid), vout: r.vout, status: { ...status }, value: r.value };
    });
  }

  /** Esplora transactions for `ids`, in that order; the heart of every page. */
  private txsByIds(ids: number[]): EsploraTx[] {
    if (ids.length === 0) return [];
    const key = JSON.stringify(ids);
    const rows = this.st.txsByIds.all(key) as TxRow[];
    const prevouts = new Map<number, PrevoutRow[]>();
    for (const p of this.st.prevoutsOf.all(key) as PrevoutRow[]) {
      let list = prevouts.get(p.txId);
      if (!list) prevouts.set(p.txId, (list = []));
      list[p.vin] = p;
    }
    const meta = new Map<number, OutputMetaRow[]>();
    for (const m of this.st.outputMetaOf.all(key) as OutputMetaRow[]) {
      let list = meta.get(m.txId);
      if (!list) meta.set(m.txId, (list = []));
      list[m.vout] = m;
    }
    return rows.map((r) => this.txJson(r, prevouts.get(r.id) ?? [], meta.get(r.id) ?? []));
  }

  private txJson(r: TxRow, prevouts: PrevoutRow[], meta: OutputMetaRow[]): EsploraTx {
    const tx = parseTx(r.raw);
    const vin = tx.inputs.map((input, i): EsploraVin => {
      const p = prevouts[i];
      const inner = p ? innerScripts(input, p.script) : {};
      // Built in electrs's field order; optional fields are left out, not null, as electrs does.
      return {
        txid: reverseHex(input.prevTxid),
        vout: input.prevVout,
        prevout: p ? voutOf(p.script, p.value, p.address, p.type) : null,
        scriptsig: bytesToHex(input.scriptSig),
        scriptsig_asm: scriptToAsm(input.scriptSig),
        ...(input.witness.length > 0 ? { witness: input.witness.map((w) => bytesToHex(w)) } : {}),
        is_coinbase: isCoinbaseInput(input),
        sequence: input.sequence,
        ...(inner.redeem ? { inner_redeemscript_asm: scriptToAsm(inner.redeem) } : {}),
        ...(inner.witness ? { inner_witnessscript_asm: scriptToAsm(inner.witness) } : {}),
      };
    });
    const vout = tx.outputs.map((o, i): EsploraVout => {
      const m = meta[i];
      // Every output has an addresses row; the fallback only guards a ledger written by other means.
      return m ? voutOf(o.script, o.value, m.address, m.type) : voutOf(o.script, o.value, scriptToAddress(o.script, this.network), classifyScript(o.script));
    });
    return {
      txid: reverseHex(r.txid),
      version: tx.version >>> 0,
      locktime: tx.locktime,
      vin,
      vout,
      size: r.size,
      weight: r.weight,
      fee: r.fee,
      status: statusOf(r.height, r.bhash, r.btime),
    };
  }
}

function prepare(db: Database.Database) {
  const M = MEMPOOL_HEIGHT;
  const blockCols = 'height, hash, header, time, median_time, tx_count, size, weight';
  const spendCols = `o.vout, o.spent_vin AS vin, s.txid AS stxid, s.block_height AS height, b.hash AS bhash, b.time AS btime
     FROM outputs o LEFT JOIN txs s ON s.id = o.spent_tx_id LEFT JOIN blocks b ON b.height = s.block_height`;
  return {
    tip: db.prepare('SELECT height, hash FROM blocks ORDER BY height DESC LIMIT 1'),
    first: db.prepare('SELECT MIN(height) AS h FROM blocks'),
    hashAtHeight: db.prepare('SELECT hash, time FROM blocks WHERE height = ?'),
    heightOfHash: db.prepare('SELECT height FROM blocks WHERE hash = ?'),
    blockByHash: db.prepare(`SELECT ${blockCols} FROM blocks WHERE hash = ?`),
    blockByHeight: db.prepare(`SELECT ${blockCols} FROM blocks WHERE height = ?`),
    blocksDown: db.prepare(`SELECT ${blockCols} FROM blocks WHERE height <= ? ORDER BY height DESC LIMIT ?`),
    headerByHash: db.prepare('SELECT header FROM blocks WHERE hash = ?'),
    blockRaws: db.prepare('SELECT raw FROM txs WHERE block_height = ? ORDER BY block_pos'),
    blockTxids: db.prepare('SELECT txid FROM txs WHERE block_height = ? ORDER BY block_pos'),
    blockTxidAt: db.prepare('SELECT txid FROM txs WHERE block_height = ? AND block_pos = ?'),
    blockTxIds: db.prepare('SELECT id FROM txs WHERE block_height = ? ORDER BY block_pos LIMIT ? OFFSET ?'),

    txByTxid: db.prepare('SELECT id, block_height AS height, block_pos AS pos FROM txs WHERE txid = ?'),
    rawByTxid: db.prepare('SELECT raw FROM txs WHERE txid = ?'),
    statusByTxid: db.prepare(
      'SELECT t.block_height AS height, b.hash AS bhash, b.time AS btime FROM txs t LEFT JOIN blocks b ON b.height = t.block_height WHERE t.txid = ?',
    ),
    txsByIds: db.prepare(
      `SELECT t.id, t.txid, t.block_height AS height, t.raw, t.size, t.weight, t.fee, b.hash AS bhash, b.time AS btime
       FROM json_each(?) j JOIN txs t ON t.id = j.value LEFT JOIN blocks b ON b.height = t.block_height ORDER BY j.key`,
    ),
    prevoutsOf: db.prepare(
      `SELECT o.spent_tx_id AS txId, o.spent_vin AS vin, o.value, a.script, a.address, a.type
       FROM json_each(?) j JOIN outputs o ON o.spent_tx_id = j.value JOIN addresses a ON a.id = o.address_id`,
    ),
    outputMetaOf: db.prepare(
      `SELECT o.tx_id AS txId, o.vout, a.address, a.type
       FROM json_each(?) j JOIN outputs o ON o.tx_id = j.value JOIN addresses a ON a.id = o.address_id`,
    ),
    spendsOf: db.prepare(`SELECT ${spendCols} WHERE o.tx_id = ? ORDER BY o.vout`),
    spendOf: db.prepare(`SELECT ${spendCols} WHERE o.tx_id = ? AND o.vout = ?`),

    addressIdByScript: db.prepare('SELECT id FROM addresses WHERE script = ?'),
    addressIdByScripthash: db.prepare('SELECT id FROM addresses WHERE scripthash = ? LIMIT 1'),
    addressPrefix: db.prepare('SELECT address FROM addresses WHERE address >= ? AND address < ? ORDER BY address LIMIT ?'),
    historyMempool: db.prepare(`SELECT tx_id AS id FROM address_txs WHERE address_id = ? AND height = ${M} ORDER BY pos DESC LIMIT ?`),
    historyChain: db.prepare(`SELECT tx_id AS id FROM address_txs WHERE address_id = ? AND height < ${M} ORDER BY height DESC, pos DESC LIMIT ?`),
    historyChainAfter: db.prepare(
      `SELECT tx_id AS id FROM address_txs WHERE address_id = @address AND height < ${M} AND (height, pos) < (@height, @pos)
       ORDER BY height DESC, pos DESC LIMIT @limit`,
    ),
    historyPosOf: db.prepare(
      `SELECT a.height, a.pos FROM txs t JOIN address_txs a ON a.address_id = @address AND a.height = t.block_height AND a.pos = t.block_pos
       WHERE t.txid = @txid`,
    ),
    historyCounts: db.prepare(
      `SELECT COUNT(*) FILTER (WHERE height < ${M}) AS chain, COUNT(*) FILTER (WHERE height = ${M}) AS mempool
       FROM address_txs WHERE address_id = ?`,
    ),
    outputStats: db.prepare(
      `SELECT
         COUNT(*) FILTER (WHERE f.block_height IS NOT NULL) AS cfN,
         COALESCE(SUM(o.value) FILTER (WHERE f.block_height IS NOT NULL), 0) AS cfV,
         COUNT(*) FILTER (WHERE f.block_height IS NULL) AS mfN,
         COALESCE(SUM(o.value) FILTER (WHERE f.block_height IS NULL), 0) AS mfV,
         COUNT(*) FILTER (WHERE s.id IS NOT NULL AND s.block_height IS NOT NULL) AS csN,
         COALESCE(SUM(o.value) FILTER (WHERE s.id IS NOT NULL AND s.block_height IS NOT NULL), 0) AS csV,
         COUNT(*) FILTER (WHERE s.id IS NOT NULL AND s.block_height IS NULL) AS msN,
         COALESCE(SUM(o.value) FILTER (WHERE s.id IS NOT NULL AND s.block_height IS NULL), 0) AS msV
       FROM outputs o JOIN txs f ON f.id = o.tx_id LEFT JOIN txs s ON s.id = o.spent_tx_id
       WHERE o.address_id = ?`,
    ),
    utxosOf: db.prepare(
      `SELECT t.txid, o.vout, o.value, t.block_height AS height
       FROM outputs o JOIN txs t ON t.id = o.tx_id
       WHERE o.address_id = ? AND o.spent_tx_id IS NULL
       ORDER BY t.block_height IS NULL, t.block_height, t.block_pos, t.id, o.vout`,
    ),

    mempoolFees: db.prepare('SELECT fee, weight FROM txs WHERE block_height IS NULL'),
    mempoolTxids: db.prepare('SELECT txid FROM txs WHERE block_height IS NULL ORDER BY id'),
    mempoolRecent: db.prepare('SELECT id, txid, fee, weight FROM txs WHERE block_height IS NULL ORDER BY id DESC LIMIT ?'),
    mempoolKey: db.prepare('SELECT COUNT(*) AS n, MAX(id) AS m FROM txs WHERE block_height IS NULL'),
    inputTotals: db.prepare(
      `SELECT o.spent_tx_id AS txId, SUM(o.value) AS total FROM json_each(?) j JOIN outputs o ON o.spent_tx_id = j.value
       GROUP BY o.spent_tx_id`,
    ),
    recentFeeRates: db.prepare('SELECT block_height AS height, fee, weight FROM txs WHERE block_height > ? AND block_height <= ? AND block_pos > 0'),
  };
}
