// Bitcoin transactions on the wire: the legacy format and BIP144's segwit format
// (version ‖ 0x00 marker ‖ 0x01 flag ‖ inputs ‖ outputs ‖ witnesses ‖ locktime).
// txid = sha256d of the legacy serialisation, wtxid = sha256d of the full one (BIP141).
import type { Tx, TxIn, TxOut } from './types.ts';
import { ByteReader, compactSizeLength, hexToBytes, reverseHex } from './bytes.ts';
import { sha256, sha256Parts } from './hash.ts';

/** A serialised transaction with the ids and sizes an explorer shows. Ids are in internal byte order. */
export interface EncodedTx {
  raw: Uint8Array;
  txid: Uint8Array;
  wtxid: Uint8Array;
  /** Bytes of `raw` (witness included). */
  size: number;
  /** BIP141 weight: base size × 3 + total size. */
  weight: number;
  /** Virtual size: ceil(weight / 4). */
  vsize: number;
}

const MAX_U32 = 0xffffffff;
// Smallest possible encodings, used to refuse counts the remaining bytes cannot hold
// before anything is allocated: an input is outpoint(36) + empty script(1) + sequence(4),
// an output is value(8) + empty script(1), a witness item is at least its length byte.
const MIN_INPUT_BYTES = 41;
const MIN_OUTPUT_BYTES = 9;

export function hasWitness(tx: Tx): boolean {
  for (const input of tx.inputs) if (input.witness.length > 0) return true;
  return false;
}

export function isCoinbaseInput(input: TxIn): boolean {
  if (input.prevVout !== MAX_U32) return false;
  for (const b of input.prevTxid) if (b !== 0) return false;
  return input.prevTxid.length === 32;
}

/** Display form of a txid or block hash: byte-reversed hex. */
export function txidHex(txid: Uint8Array): string {
  return reverseHex(txid);
}

/** Parses a displayed (byte-reversed) txid into internal byte order. */
export function txidFromHex(hex: string): Uint8Array {
  const bytes = hexToBytes(hex);
  if (bytes.length !== 32) throw new RangeError('invalid txid length');
  return bytes.reverse();
}

// ---------------------------------------------------------------------------------------------
// Serialisation. Sizes are computed first so each transaction is written into one exact buffer.

interface Sizes {
  base: number;
  total: number;
}

function measure(tx: Tx, segwit: boolean): Sizes {
  let base = 8 + compactSizeLength(tx.inputs.length) + compactSizeLength(tx.outputs.length);
  let witness = segwit ? 2 : 0;
  for (const input of tx.inputs) {
    const n = input.scriptSig.length;
    base += 40 + compactSizeLength(n) + n;
    if (segwit) {
      witness += compactSizeLength(input.witness.length);
      for (const item of input.witness) witness += compactSizeLength(item.length) + item.length;
    }
  }
  for (const output of tx.outputs) {
    const n = output.script.length;
    base += 8 + compactSizeLength(n) + n;
  }
  return { base, total: base + witness };
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new RangeError(`${what} must be a 32-bit unsigned integer, got ${v}`);
}

/** Writes into a buffer of known size; no growth checks on the hot path. */
class FixedWriter {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  u64(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / 0x100000000), true);
    this.pos += 8;
  }

  compactSize(n: number): void {
    if (n < 0xfd) {
      this.buf[this.pos++] = n;
    } else if (n <= 0xffff) {
      this.buf[this.pos++] = 0xfd;
      this.view.setUint16(this.pos, n, true);
      this.pos += 2;
    } else if (n <= MAX_U32) {
      this.buf[this.pos++] = 0xfe;
      this.u32(n);
    } else {
      this.buf[this.pos++] = 0xff;
      this.u64(n);
    }
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  varBytes(b: Uint8Array): void {
    this.compactSize(b.length);
    this.bytes(b);
  }
}

interface Written {
  raw: Uint8Array;
  sizes: Sizes;
  /** Offset of the first witness byte; equals raw.length - 4 when there is no witness section. */
  witnessStart: number;
}

function write(tx: Tx, segwit: boolean): Written {
  if (!Number.isInteger(tx.version) || tx.version < -0x80000000 || tx.version > MAX_U32) {
    throw new RangeError(`version must be a 32-bit integer, got ${tx.version}`);
  }
  checkU32(tx.locktime, 'locktime');
  const sizes = measure(tx, segwit);
  const w = new FixedWriter(new Uint8Array(sizes.total));
  w.u32(tx.version);
  if (segwit) {
    w.u8(0x00);
    w.u8(0x01);
  }
  w.compactSize(tx.inputs.length);
  for (const input of tx.inputs) {
    if (input.prevTxid.length !== 32) throw new RangeError(`prevTxid must be 32 bytes, got ${input.prevTxid.length}`);
    checkU32(input.prevVout, 'prevVout');
    checkU32(input.sequence, 'sequence');
    w.bytes(input.prevTxid);
    w.u32(input.prevVout);
    w.varBytes(input.scriptSig);
    w.u32(input.sequence);
  }
  w.compactSize(tx.outputs.length);
  for (const output of tx.outputs) {
    if (!Number.isSafeInteger(output.value) || output.value < 0) {
      throw new RangeError(`output value must be a non-negative integer of satoshis, got ${output.value}`);
    }
    w.u64(output.value);
    w.varBytes(output.script);
  }
  const witnessStart = w.pos;
  if (segwit) {
    for (const input of tx.inputs) {
      w.compactSize(input.witness.length);
      for (const item of input.witness) w.varBytes(item);
    }
  }
  w.u32(tx.locktime);
  return { raw: w.buf, sizes, witnessStart };
}

/**
 * Serialises a transaction: BIP144 format when `withWitness` and some input has witness items,
 * the legacy format otherwise (which is also what the txid hashes).
 */
export function serializeTx(tx: Tx, withWitness = true): Uint8Array {
  return write(tx, withWitness && hasWitness(tx)).raw;
}

/**
 * Serialises once and derives everything else from that buffer: the txid hashes the legacy parts
 * of the segwit serialisation (version, inputs and outputs, locktime) without writing them twice.
 */
export function encodeTx(tx: Tx): EncodedTx {
  const segwit = hasWitness(tx);
  const { raw, sizes, witnessStart } = write(tx, segwit);
  const wtxid = sha256(sha256(raw));
  let txid: Uint8Array;
  if (segwit) {
    const inner = sha256Parts(raw.subarray(0, 4), raw.subarray(6, witnessStart), raw.subarray(raw.length - 4));
    txid = sha256(inner);
  } else {
    txid = wtxid.slice();
  }
  const weight = sizes.base * 3 + sizes.total;
  return { raw, txid, wtxid, size: sizes.total, weight, vsize: Math.ceil(weight / 4) };
}

// ---------------------------------------------------------------------------------------------
// Parsing. Strict like Bitcoin Core's deserialiser: canonical CompactSize, no superfluous witness
// flag, no trailing bytes; every count is checked against the bytes left before it is used.

/** Reads a CompactSize, refusing non-canonical (longer than needed) encodings as Core does. */
export function readCompactSize(r: ByteReader): number {
  const at = r.pos;
  const first = r.u8();
  let n: number;
  let min: number;
  if (first < 0xfd) return first;
  if (first === 0xfd) {
    n = r.u16();
    min = 0xfd;
  } else if (first === 0xfe) {
    n = r.u32();
    min = 0x10000;
  } else {
    n = r.u64();
    min = 0x100000000;
  }
  if (n < min) throw new RangeError(`non-canonical CompactSize at byte ${at}`);
  return n;
}

function readCount(r: ByteReader, what: string, minBytesEach: number): number {
  const at = r.pos;
  const n = readCompactSize(r);
  if (n * minBytesEach > r.remaining) {
    throw new RangeError(`${what} count ${n} at byte ${at} exceeds the ${r.remaining} bytes left`);
  }
  return n;
}

function readVarBytes(r: ByteReader, what: string): Uint8Array {
  const at = r.pos;
  const n = readCompactSize(r);
  if (n > r.remaining) throw new RangeError(`${what} length ${n} at byte ${at} exceeds the ${r.remaining} bytes left`);
  return r.bytes(n);
}

function readInputs(r: ByteReader): TxIn[] {
  const count = readCount(r, 'input', MIN_INPUT_BYTES);
  const inputs: TxIn[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const prevTxid = r.bytes(32);
    const prevVout = r.u32();
    const scriptSig = readVarBytes(r, 'scriptSig');
    const sequence = r.u32();
    inputs[i] = { prevTxid, prevVout, scriptSig, sequence, witness: [] };
  }
  return inputs;
}

function readOutputs(r: ByteReader): TxOut[] {
  const count = readCount(r, 'output', MIN_OUTPUT_BYTES);
  const outputs: TxOut[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = r.u64();
    const script = readVarBytes(r, 'scriptPubKey');
    outputs[i] = { value, script };
  }
  return outputs;
}

/** Reads one transaction at the reader's position (for blocks, which hold many back to back). */
export function readTx(r: ByteReader): Tx {
  const version = r.i32();
  let inputs: TxIn[];
  let outputs: TxOut[] = [];
  let segwit = false;
  // A zero input count followed by a non-zero byte is BIP144's marker and flag.
  if (r.remaining >= 2 && r.peek() === 0x00 && r.peek(1) !== 0x00) {
    const at = r.pos + 1;
    r.u8();
    const flag = r.u8();
    if (flag !== 0x01) throw new RangeError(`unknown witness flag 0x${flag.toString(16).padStart(2, '0')} at byte ${at}`);
    segwit = true;
    inputs = readInputs(r);
    outputs = readOutputs(r);
  } else {
    inputs = readInputs(r);
    // Core reads "00 00" as an empty input list plus a zero flag byte, so no outputs follow.
    if (inputs.length === 0 && r.remaining >= 1 && r.peek() === 0x00) r.u8();
    else outputs = readOutputs(r);
  }
  if (segwit) {
    const at = r.pos;
    let any = false;
    for (const input of inputs) {
      const items = readCount(r, 'witness item', 1);
      const witness: Uint8Array[] = new Array(items);
      for (let j = 0; j < items; j++) witness[j] = readVarBytes(r, 'witness item');
      input.witness = witness;
      if (items > 0) any = true;
    }
    if (!any) throw new RangeError(`superfluous witness flag: no input has witness data (witnesses at byte ${at})`);
  }
  const locktime = r.u32();
  return { version, inputs, outputs, locktime };
}

/** Parses exactly one serialised transaction (legacy or BIP144); throws RangeError on anything else. */
export function parseTx(bytes: Uint8Array): Tx {
  const r = new ByteReader(bytes);
  const tx = readTx(r);
  if (r.remaining > 0) throw new RangeError(`trailing data after transaction at byte ${r.pos}`);
  return tx;
}
