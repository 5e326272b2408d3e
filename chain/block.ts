// Block headers, coinbase transactions (BIP34 height, BIP141 witness commitment) and raw blocks.
import type { BlockHeader, Tx, TxOut } from './types.ts';
import { ByteReader, compactSizeLength, equalBytes } from './bytes.ts';
import { sha256d } from './hash.ts';
import { merkleRoot } from './merkle.ts';
import { pushData, pushNumber } from './script.ts';
import { readCompactSize, readTx } from './tx.ts';

export const HEADER_BYTES = 80;
/** BIP141: the commitment output script starts OP_RETURN, push 36, then this 4-byte tag. */
export const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);
/** The coinbase witness reserved value every miner uses: 32 zero bytes. */
export const WITNESS_RESERVED_VALUE = new Uint8Array(32);

const MAX_U32 = 0xffffffff;

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > MAX_U32) throw new RangeError(`${what} must be a 32-bit unsigned integer, got ${v}`);
}

export function serializeHeader(h: BlockHeader): Uint8Array {
  if (h.prevHash.length !== 32) throw new RangeError(`prevHash must be 32 bytes, got ${h.prevHash.length}`);
  if (h.merkleRoot.length !== 32) throw new RangeError(`merkleRoot must be 32 bytes, got ${h.merkleRoot.length}`);
  if (!Number.isInteger(h.version) || h.version < -0x80000000 || h.version > MAX_U32) {
    throw new RangeError(`block version must be a 32-bit integer, got ${h.version}`);
  }
  checkU32(h.time, 'time');
  checkU32(h.bits, 'bits');
  checkU32(h.nonce, 'nonce');
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, h.version >>> 0, true);
  out.set(h.prevHash, 4);
  out.set(h.merkleRoot, 36);
  view.setUint32(68, h.time, true);
  view.setUint32(72, h.bits, true);
  view.setUint32(76, h.nonce, true);
  return out;
}

/** Parses an 80-byte header. The version is read as signed, as Bitcoin Core and Esplora show it. */
export function parseHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length !== HEADER_BYTES) throw new RangeError(`block header must be ${HEADER_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  return {
    version: view.getInt32(0, true),
    prevHash: bytes.slice(4, 36),
    merkleRoot: bytes.slice(36, 68),
    time: view.getUint32(68, true),
    bits: view.getUint32(72, true),
    nonce: view.getUint32(76, true),
  };
}

/** sha256d of the 80 header bytes, internal byte order (reverse it for display). */
export function blockHash(headerBytes: Uint8Array): Uint8Array {
  if (headerBytes.length !== HEADER_BYTES) throw new RangeError(`block header must be ${HEADER_BYTES} bytes, got ${headerBytes.length}`);
  return sha256d(headerBytes);
}

// ---------------------------------------------------------------------------------------------
// BIP141 witness commitment.

/** Witness merkle root of a block's wtxids in block order; the coinbase's counts as 32 zero bytes. */
export function witnessMerkleRoot(wtxids: Uint8Array[]): Uint8Array {
  if (wtxids.length === 0) throw new RangeError('a block has at least the coinbase');
  return merkleRoot([WITNESS_RESERVED_VALUE, ...wtxids.slice(1)]);
}

/** sha256d(witness merkle root ‖ reserved value of 32 zeros). */
export function witnessCommitment(wtxids: Uint8Array[]): Uint8Array {
  const buf = new Uint8Array(64);
  buf.set(witnessMerkleRoot(wtxids), 0);
  buf.set(WITNESS_RESERVED_VALUE, 32);
  return sha256d(buf);
}

/** The coinbase output script committing to the block's witnesses: 6a24aa21a9ed ‖ commitment. */
export function witnessCommitmentScript(wtxids: Uint8Array[]): Uint8Array {
  const script = new Uint8Array(38);
  script.set(WITNESS_COMMITMENT_HEADER, 0);
  script.set(witnessCommitment(wtxids), 6);
  return script;
}

function isWitnessCommitmentScript(script: Uint8Array): boolean {
  return script.length >= 38 && equalBytes(script.subarray(0, 6), WITNESS_COMMITMENT_HEADER);
}

// ---------------------------------------------------------------------------------------------
// Coinbase.

/**
 * BIP34 height as Bitcoin Core checks it, `CScript() << height`: OP_0 for 0, OP_1..OP_16 for
 * 1..16, otherwise a push of the minimal CScriptNum (e.g. 630000 → 03 f0 9c 09).
 */
export function encodeBip34Height(height: number): Uint8Array {
  if (!Number.isInteger(height) || height < 0 || height > 0x7fffffff) {
    throw new RangeError(`block height must be an integer in 0..2147483647, got ${height}`);
  }
  return pushNumber(height);
}

/** The BIP34 height at the start of a coinbase scriptSig, or null when it does not start with one. */
export function parseBip34Height(scriptSig: Uint8Array): number | null {
  if (scriptSig.length === 0) return null;
  const op = scriptSig[0];
  if (op === 0x00) return 0;
  if (op >= 0x51 && op <= 0x60) return op - 0x50;
  if (op < 1 || op > 4 || scriptSig.length < 1 + op) return null;
  let n = 0;
  for (let i = op; i >= 1; i--) n = n * 256 + scriptSig[i];
  const top = scriptSig[op];
  if (top & 0x80) return null; // negative
  // Non-minimal encodings are not what `CScript() << height` produces.
  if (top === 0 && (op === 1 || !(scriptSig[op - 1] & 0x80))) return null;
  return n <= 16 ? null : n;
}

export interface CoinbaseOptions {
  height: number;
  /** Payout outputs; the witness commitment, if given, is appended after them. */
  outputs: TxOut[];
  /** Pool tag appended to the scriptSig as raw bytes, as pools do (e.g. ASCII '/Kestrel Pool/'). */
  tag?: Uint8Array;
  /** Appended after the tag as a (minimal) data push, the way pools carry their extranonce. */
  extraNonce?: Uint8Array;
  /** The script from witnessCommitmentScript(); also gives the input its 32-zero-byte reserved-value witness. */
  witnessCommitment?: Uint8Array;
  /** 1 (most pools of the era) or 2 (Bitcoin Core's miner). Default 1. */
  version?: 1 | 2;
  /** Default 0xffffffff; some pools wrote 0. */
  sequence?: number;
  /** Default 0. */
  locktime?: number;
}

/**
 * A coinbase transaction: scriptSig = BIP34 height ‖ tag ‖ push(extraNonce), 2–100 bytes
 * (padded with OP_0 when shorter, as Bitcoin Core's miner does).
 */
export function buildCoinbase(opts: CoinbaseOptions): Tx {
  const parts: Uint8Array[] = [encodeBip34Height(opts.height)];
  if (opts.tag && opts.tag.length > 0) parts.push(opts.tag);
  if (opts.extraNonce && opts.extraNonce.length > 0) parts.push(pushData(opts.extraNonce));
  let length = parts.reduce((n, p) => n + p.length, 0);
  if (length < 2) {
    parts.push(Uint8Array.of(0x00));
    length += 1;
  }
  if (length > 100) throw new RangeError(`coinbase scriptSig is ${length} bytes; consensus allows 2 to 100`);
  const scriptSig = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    scriptSig.set(p, at);
    at += p.length;
  }
  const version = opts.version ?? 1;
  if (version !== 1 && version !== 2) throw new RangeError(`coinbase version must be 1 or 2, got ${version}`);
  const sequence = opts.sequence ?? MAX_U32;
  checkU32(sequence, 'sequence');
  const outputs = opts.outputs.map((o) => ({ value: o.value, script: o.script }));
  let witness: Uint8Array[] = [];
  if (opts.witnessCommitment) {
    if (opts.witnessCommitment.length !== 38 || !isWitnessCommitmentScript(opts.witnessCommitment)) {
      throw new RangeError('witnessCommitment must be the 38-byte script from witnessCommitmentScript()');
    }
    outputs.push({ value: 0, script: opts.witnessCommitment });
    witness = [Uint8Array.from(WITNESS_RESERVED_VALUE)];
  }
  if (outputs.length === 0) throw new RangeError('a coinbase needs at least one output');
  return {
    version,
    inputs: [{ prevTxid: new Uint8Array(32), prevVout: MAX_U32, scriptSig, sequence, witness }],
    outputs,
    locktime: opts.locktime ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Raw blocks.

/** header ‖ CompactSize(tx count) ‖ raw transactions. */
export function serializeBlock(header: BlockHeader, rawTxs: Uint8Array[]): Uint8Array {
  const head = serializeHeader(header);
  let size = HEADER_BYTES + compactSizeLength(rawTxs.length);
  for (const t of rawTxs) size += t.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let at = HEADER_BYTES;
  const n = rawTxs.length;
  if (n < 0xfd) {
    out[at++] = n;
  } else if (n <= 0xffff) {
    out[at++] = 0xfd;
    out[at++] = n & 0xff;
    out[at++] = n >>> 8;
  } else {
    out[at++] = 0xfe;
    new DataView(out.buffer).setUint32(at, n, true);
    at += 4;
  }
  for (const t of rawTxs) {
    out.set(t, at);
    at += t.length;
  }
  return out;
}

// The smallest transaction that can follow: version, one empty input, no outputs, locktime.
const MIN_TX_BYTES = 4 + 1 + 41 + 1 + 4;

/** Parses a raw block strictly (no trailing bytes). */
export function parseBlock(bytes: Uint8Array): { header: BlockHeader; txs: Tx[] } {
  if (bytes.length < HEADER_BYTES) throw new RangeError(`block is ${bytes.length} bytes, shorter than a header`);
  const header = parseHeader(bytes.subarray(0, HEADER_BYTES));
  const r = new ByteReader(bytes);
  r.pos = HEADER_BYTES;
  const count = readCompactSize(r);
  if (count * MIN_TX_BYTES > r.remaining) {
    throw new RangeError(`transaction count ${count} at byte ${HEADER_BYTES} exceeds the ${r.remaining} bytes left`);
  }
  const txs: Tx[] = new Array(count);
  for (let i = 0; i < count; i++) txs[i] = readTx(r);
  if (r.remaining > 0) throw new RangeError(`trailing data after block at byte ${r.pos}`);
  return { header, txs };
}
