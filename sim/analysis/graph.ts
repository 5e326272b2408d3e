// The public transaction graph of a world, loaded once into typed arrays (CSR adjacency) so that
// heuristics run over a million transactions without touching SQLite again. Reads only the
// trainee-visible tables (blocks, txs, outputs, addresses); never a gt_* table.
//
// Indexing: every per-tx array is indexed by txs.id and every per-address array by addresses.id,
// so ground-truth rows (which use the same surrogate ids) join without translation. Outputs are
// numbered globally in (tx_id, vout) order: the outputs of tx t are [outStart[t], outStart[t+1]).
import type Database from 'better-sqlite3';
import type { ScriptType } from '../../chain/types.ts';
import { reverseHex, hexToReversed } from '../../chain/bytes.ts';

/** Script types in the order of their codes in `addrType`. */
export const SCRIPT_TYPES: readonly ScriptType[] = [
  'p2pkh',
  'p2sh',
  'v0_p2wpkh',
  'v0_p2wsh',
  'v1_p2tr',
  'op_return',
  'multisig',
  'provably_unspendable',
  'empty',
  'unknown',
];

const TYPE_CODE = new Map<string, number>(SCRIPT_TYPES.map((t, i) => [t, i]));
const UNKNOWN_TYPE = TYPE_CODE.get('unknown')!;
const OP_RETURN_TYPE = TYPE_CODE.get('op_return')!;

export interface ChainGraph {
  /** Largest txs.id + 1: the length of every per-tx array. */
  readonly txCapacity: number;
  /** Transactions loaded (confirmed and mempool). */
  readonly txCount: number;
  /** Present tx ids in chain order: by height, then position in block; mempool last by id. */
  readonly txOrder: Uint32Array;
  /** Per tx id: its index in txOrder, or -1 when no such tx. Compare ranks to ask "earlier?". */
  readonly txRank: Int32Array;
  /** Per tx id: block height, or -1 while in the mempool (or absent). */
  readonly txHeight: Int32Array;
  /** Per tx id: position within its block (0 = coinbase), or -1 in the mempool. */
  readonly txPos: Int32Array;
  /** Per tx id: block time (unix s), or first-seen time for a mempool tx. */
  readonly txTime: Uint32Array;
  /** Per tx id: nVersion (0 when the graph was loaded without raw parsing). */
  readonly txVersion: Int32Array;
  /** Per tx id: nLockTime (0 when loaded without raw parsing). */
  readonly txLocktime: Uint32Array;
  readonly txFee: Float64Array;
  readonly txVsize: Uint32Array;

  /** Length txCapacity + 1. */
  readonly outStart: Uint32Array;
  readonly outCount: number;
  /** Per output: the tx that created it. */
  readonly outTx: Uint32Array;
  readonly outAddress: Uint32Array;
  readonly outValue: Float64Array;
  /** Per output: the tx id spending it, or -1 while unspent. */
  readonly outSpender: Int32Array;
  /** Per output: the input index within its spender, or -1. */
  readonly outSpenderVin: Int32Array;

  /** Length txCapacity + 1; a coinbase has no inputs here (it spends no output). */
  readonly inStart: Uint32Array;
  /** Per input: the global output index it spends. */
  readonly inOutput: Uint32Array;
  /** Per input: nSequence (0 when loaded without raw parsing). */
  readonly inSequence: Uint32Array;

  /** Largest addresses.id + 1. */
  readonly addrCapacity: number;
  /** Per address id: index into SCRIPT_TYPES. */
  readonly addrType: Uint8Array;
  /** Length addrCapacity + 1: outputs paying address a are addrOuts[addrOutStart[a] .. addrOutStart[a+1]). */
  readonly addrOutStart: Uint32Array;
  /** Global output indices grouped by address, each group in chain order. */
  readonly addrOuts: Uint32Array;
  /** Per address id: txRank of the first tx that paid it, or -1 when never paid. */
  readonly addrFirstRank: Int32Array;

  /** Whether version, locktime and sequences were parsed from raw. */
  readonly parsedRaw: boolean;
}

export interface LoadOptions {
  /**
   * Parse raw transactions for nVersion, nLockTime and nSequence (default false). No heuristic
   * here needs them, and fetching a million raw blobs costs more than the rest of the load
   * (measured 1.9 s without, 5.3 s with, for a 1M-tx world).
   */
  parseRaw?: boolean;
}

// Rows are read in id ranges as one comma-separated string per range (group_concat) instead of
// one JS array per row: better-sqlite3's per-row cost dominates a million-row scan otherwise
// (measured on a 1M-tx world: 4.4 s per row, 1.9 s this way).
const CHUNK = 65_536;

/** Parses non-negative or negative decimal integers separated by commas into `out` from `at`. */
function parseInts(s: string, out: Float64Array, at: number): number {
  let v = 0;
  let neg = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44) {
      out[at++] = neg ? -v : v;
      v = 0;
      neg = false;
    } else if (c === 45) neg = true;
    else v = v * 10 + (c - 48);
  }
  out[at++] = neg ? -v : v;
  return at;
}

/** Runs `sql` (one group_concat column, parameters lo and hi) over [0, capacity) in id ranges. */
function readColumns(db: Database.Database, sql: string, capacity: number, width: number, rows: number): Float64Array {
  const st = db.prepare(sql).pluck();
  const out = new Float64Array(rows * width);
  let at = 0;
  for (let lo = 0; lo < capacity; lo += CHUNK) {
    const s = st.get(lo, lo + CHUNK) as string | null;
    if (s === null || s.length === 0) continue;
    if (at + width > out.length) throw new RangeError('the ledger grew while the graph was loading');
    at = parseInts(s, out, at);
  }
  if (at !== rows * width) throw new RangeError(`expected ${rows} rows, read ${at / width}`);
  return out;
}

/** Loads the public chain of a world into memory. */
export function loadChainGraph(db: Database.Database, opts: LoadOptions = {}): ChainGraph {
  const parseRaw = opts.parseRaw ?? false;
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const read = () => {
    const maxTx = count('SELECT COALESCE(MAX(id), 0) AS n FROM txs');
    const maxAddr = count('SELECT COALESCE(MAX(id), 0) AS n FROM addresses');
    const txRows = count('SELECT COUNT(*) AS n FROM txs');
    const outRows = count('SELECT COUNT(*) AS n FROM outputs');
    const addrRows = count('SELECT COUNT(*) AS n FROM addresses');
    const blocks = db.prepare('SELECT height, time FROM blocks').raw(true).all() as [number, number][];
    const txs = readColumns(
      db,
      `SELECT group_concat(id || ',' || ifnull(block_height, -1) || ',' || ifnull(block_pos, -1) || ',' || fee || ',' || weight || ',' || first_seen)
       FROM txs WHERE id >= ? AND id < ?`,
      maxTx + 1,
      6,
      txRows,
    );
    const outs = readColumns(
      db,
      `SELECT group_concat(tx_id || ',' || vout || ',' || value || ',' || address_id || ',' || ifnull(spent_tx_id, -1) || ',' || ifnull(spent_vin, -1))
       FROM outputs WHERE tx_id >= ? AND tx_id < ?`,
      maxTx + 1,
      6,
      outRows,
    );
    const typeCase = SCRIPT_TYPES.map((t, i) => `WHEN '${t}' THEN ${i}`).join(' ');
    const addrs = readColumns(
      db,
      `SELECT group_concat(id || ',' || CASE type ${typeCase} ELSE ${UNKNOWN_TYPE} END) FROM addresses WHERE id >= ? AND id < ?`,
      maxAddr + 1,
      2,
      addrRows,
    );
    return { maxTx, maxAddr, blocks, txs, outs, addrs };
  };
  // One read transaction: a consistent snapshot even if a writer appends meanwhile.
  return db.transaction(() => build(db, read(), parseRaw))();
}

function build(
  db: Database.Database,
  { maxTx, maxAddr, blocks, txs, outs, addrs }: { maxTx: number; maxAddr: number; blocks: [number, number][]; txs: Float64Array; outs: Float64Array; addrs: Float64Array },
  parseRaw: boolean,
): ChainGraph {
  const txCapacity = maxTx + 1;
  const addrCapacity = maxAddr + 1;
  const txCount = txs.length / 6;
  const outCount = outs.length / 6;

  const blockTime = new Map<number, number>(blocks);
  const txHeight = new Int32Array(txCapacity).fill(-1);
  const txPos = new Int32Array(txCapacity).fill(-1);
  const txTime = new Uint32Array(txCapacity);
  const txVersion = new Int32Array(txCapacity);
  const txLocktime = new Uint32Array(txCapacity);
  const txFee = new Float64Array(txCapacity);
  const txVsize = new Uint32Array(txCapacity);
  const present = new Uint8Array(txCapacity);
  for (let i = 0; i < txs.length; i += 6) {
    const id = txs[i];
    const height = txs[i + 1];
    present[id] = 1;
    if (height >= 0) {
      txHeight[id] = height;
      txPos[id] = txs[i + 2];
      txTime[id] = blockTime.get(height) ?? txs[i + 5];
    } else {
      txTime[id] = txs[i + 5];
    }
    txFee[id] = txs[i + 3];
    txVsize[id] = Math.ceil(txs[i + 4] / 4);
  }

  const txOrder = chainOrder(present, txHeight, txPos, txCount);
  const txRank = new Int32Array(txCapacity).fill(-1);
  for (let i = 0; i < txOrder.length; i++) txRank[txOrder[i]] = i;

  // Global output numbering is (tx_id, vout) order; a range scan of the primary key yields it.
  const perm = outputPermutation(outs, outCount);
  const outStart = new Uint32Array(txCapacity + 1);
  const outTx = new Uint32Array(outCount);
  const outAddress = new Uint32Array(outCount);
  const outValue = new Float64Array(outCount);
  const outSpender = new Int32Array(outCount);
  const outSpenderVin = new Int32Array(outCount);
  const inCounts = new Uint32Array(txCapacity + 1);
  const addrCounts = new Uint32Array(addrCapacity + 1);
  for (let o = 0; o < outCount; o++) {
    const i = (perm ? perm[o] : o) * 6;
    const t = outs[i];
    if (outs[i + 1] !== outStart[t + 1]) throw new RangeError(`tx ${t} lacks output ${outStart[t + 1]}`);
    outStart[t + 1]++;
    outTx[o] = t;
    outValue[o] = outs[i + 2];
    const a = outs[i + 3];
    outAddress[o] = a;
    addrCounts[a + 1]++;
    const s = outs[i + 4];
    outSpender[o] = s;
    outSpenderVin[o] = outs[i + 5];
    if (s >= 0) inCounts[s + 1]++;
  }
  for (let t = 0; t < txCapacity; t++) outStart[t + 1] += outStart[t];

  const inStart = new Uint32Array(txCapacity + 1);
  for (let t = 0; t < txCapacity; t++) inStart[t + 1] = inStart[t] + inCounts[t + 1];
  const inputCount = inStart[txCapacity];
  const inOutput = new Uint32Array(inputCount);
  for (let out = 0; out < outCount; out++) {
    const s = outSpender[out];
    if (s < 0) continue;
    const slot = inStart[s] + outSpenderVin[out];
    if (slot >= inStart[s + 1]) throw new RangeError(`tx ${s} spends output ${out} at vin ${outSpenderVin[out]} beyond its ${inStart[s + 1] - inStart[s]} inputs`);
    inOutput[slot] = out;
  }
  const inSequence = new Uint32Array(inputCount);
  if (parseRaw) {
    for (const [t, raw] of db.prepare('SELECT id, raw FROM txs').raw(true).iterate() as Iterable<[number, Uint8Array]>) {
      // A coinbase's one input spends nothing, so it has no slot (and needs none).
      const n = txPos[t] === 0 ? 0 : inStart[t + 1] - inStart[t];
      const head = readTxHead(raw, inSequence, inStart[t], n);
      txVersion[t] = head.version;
      txLocktime[t] = head.locktime;
    }
  }

  const addrType = new Uint8Array(addrCapacity).fill(UNKNOWN_TYPE);
  for (let i = 0; i < addrs.length; i += 2) addrType[addrs[i]] = addrs[i + 1];

  // Counting sort of outputs by address, visiting txs in chain order so each group is ordered.
  const addrOutStart = new Uint32Array(addrCapacity + 1);
  for (let a = 0; a < addrCapacity; a++) addrOutStart[a + 1] = addrOutStart[a] + addrCounts[a + 1];
  const fill = addrOutStart.slice(0, addrCapacity);
  const addrOuts = new Uint32Array(outCount);
  const addrFirstRank = new Int32Array(addrCapacity).fill(-1);
  for (let i = 0; i < txOrder.length; i++) {
    const t = txOrder[i];
    for (let out = outStart[t]; out < outStart[t + 1]; out++) {
      const a = outAddress[out];
      addrOuts[fill[a]++] = out;
      if (addrFirstRank[a] < 0) addrFirstRank[a] = i;
    }
  }

  return {
    txCapacity,
    txCount,
    txOrder,
    txRank,
    txHeight,
    txPos,
    txTime,
    txVersion,
    txLocktime,
    txFee,
    txVsize,
    outStart,
    outCount,
    outTx,
    outAddress,
    outValue,
    outSpender,
    outSpenderVin,
    inStart,
    inOutput,
    inSequence,
    addrCapacity,
    addrType,
    addrOutStart,
    addrOuts,
    addrFirstRank,
    parsedRaw: parseRaw,
  };
}

/** null when the rows already come in (tx_id, vout) order (the usual case), else the sorting permutation. */
function outputPermutation(outs: Float64Array, n: number): Uint32Array | null {
  let sorted = true;
  for (let o = 1; o < n && sorted; o++) {
    const a = o * 6 - 6;
    const b = o * 6;
    if (outs[a] > outs[b] || (outs[a] === outs[b] && outs[a + 1] >= outs[b + 1])) sorted = false;
  }
  if (sorted) return null;
  const perm = Uint32Array.from({ length: n }, (_, i) => i);
  perm.sort((x, y) => outs[x * 6] - outs[y * 6] || outs[x * 6 + 1] - outs[y * 6 + 1]);
  return perm;
}

function chainOrder(present: Uint8Array, height: Int32Array, pos: Int32Array, count: number): Uint32Array {
  const order = new Uint32Array(count);
  let n = 0;
  for (let t = 0; t < present.length; t++) if (present[t]) order[n++] = t;
  // Mempool txs (height -1) go last, by id; mined ones by (height, pos).
  const key = (t: number) => (height[t] < 0 ? Number.MAX_SAFE_INTEGER : height[t] * 2 ** 20 + pos[t]);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (key(order[i - 1]) > key(order[i])) sorted = false;
  if (sorted) return order; // a generated world numbers its txs in chain order
  return Uint32Array.from([...order].sort((a, b) => key(a) - key(b) || a - b));
}

/**
 * nVersion and nLockTime of a serialised tx, writing its `expectedInputs` input sequences into
 * `sequences` from `at`. Reads nothing else: scriptSigs are skipped, outputs never visited.
 */
export function readTxHead(raw: Uint8Array, sequences: Uint32Array, at: number, expectedInputs: number): { version: number; locktime: number } {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const version = view.getInt32(0, true);
  const locktime = view.getUint32(raw.length - 4, true);
  if (expectedInputs === 0) return { version, locktime };
  let p = 4;
  if (raw[4] === 0x00 && raw[5] !== 0x00) p = 6; // BIP144 marker and flag
  const readCount = (): number => {
    const first = raw[p++];
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      const v = view.getUint16(p, true);
      p += 2;
      return v;
    }
    const v = view.getUint32(p, true);
    p += first === 0xfe ? 4 : 8;
    return v;
  };
  const n = readCount();
  if (n !== expectedInputs) throw new RangeError(`a tx has ${n} inputs in raw but spends ${expectedInputs} outputs`);
  for (let i = 0; i < n; i++) {
    p += 36;
    const scriptLength = readCount(); // read before adding: `p += readCount()` would add to the stale p
    p += scriptLength;
    sequences[at + i] = view.getUint32(p, true);
    p += 4;
  }
  return { version, locktime };
}

// ---- small readers over the graph ---------------------------------------------------------------

export function hasTx(g: ChainGraph, t: number): boolean {
  return t >= 0 && t < g.txCapacity && g.txRank[t] >= 0;
}

export function isCoinbase(g: ChainGraph, t: number): boolean {
  return g.txPos[t] === 0;
}

export function inputCount(g: ChainGraph, t: number): number {
  return g.inStart[t + 1] - g.inStart[t];
}

export function outputCount(g: ChainGraph, t: number): number {
  return g.outStart[t + 1] - g.outStart[t];
}

/** The global output index of tx t's output vout. */
export function outputIndex(g: ChainGraph, t: number, vout: number): number {
  const n = outputCount(g, t);
  if (!Number.isInteger(vout) || vout < 0 || vout >= n) throw new RangeError(`tx ${t} has no output ${vout} (it has ${n})`);
  return g.outStart[t] + vout;
}

/** The address id spent by input vin of tx t. */
export function inputAddress(g: ChainGraph, t: number, vin: number): number {
  return g.outAddress[g.inOutput[g.inStart[t] + vin]];
}

export function inputValue(g: ChainGraph, t: number, vin: number): number {
  return g.outValue[g.inOutput[g.inStart[t] + vin]];
}

export function scriptTypeOf(g: ChainGraph, address: number): ScriptType {
  return SCRIPT_TYPES[g.addrType[address]];
}

/** Whether an output can carry money onwards (OP_RETURN outputs cannot). */
export function isSpendableOutput(g: ChainGraph, out: number): boolean {
  return g.addrType[g.outAddress[out]] !== OP_RETURN_TYPE;
}

/** Number of outputs ever paying the address. */
export function addressReceiveCount(g: ChainGraph, address: number): number {
  return g.addrOutStart[address + 1] - g.addrOutStart[address];
}

/** Displayed (byte-reversed) txid of tx t (txids stay in SQLite: the graph does not need them). */
export function txidHexOf(db: Database.Database, t: number): string {
  const row = db.prepare('SELECT txid FROM txs WHERE id = ?').get(t) as { txid: Uint8Array } | undefined;
  if (!row) throw new RangeError(`no tx with id ${t}`);
  return reverseHex(row.txid);
}

/** The tx id (txs.id) with the displayed txid, or -1. */
export function findTx(db: Database.Database, txidHex: string): number {
  if (!/^[0-9a-fA-F]{64}$/.test(txidHex)) throw new RangeError('a txid is 64 hex characters');
  const row = db.prepare('SELECT id FROM txs WHERE txid = ?').get(hexToReversed(txidHex.toLowerCase())) as { id: number } | undefined;
  return row ? row.id : -1;
}

/** Displayed address (or null for address-less scripts) of an address id. */
export function addressText(db: Database.Database, address: number): string | null {
  const row = db.prepare('SELECT address FROM addresses WHERE id = ?').get(address) as { address: string | null } | undefined;
  if (!row) throw new RangeError(`no address with id ${address}`);
  return row.address;
}
