// Byte helpers shared by every encoding in chain/: hex, little-endian integers and Bitcoin's CompactSize.
import { bytesToHex, hexToBytes as nobleHexToBytes, concatBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes };

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes hex; throws a RangeError naming the problem instead of noble's generic one. */
export function hexToBytes(hex: string): Uint8Array {
  if (!HEX_RE.test(hex)) throw new RangeError('Invalid hex string');
  return nobleHexToBytes(hex);
}

export function isHex(s: string, bytes?: number): boolean {
  return HEX_RE.test(s) && (bytes === undefined || s.length === bytes * 2);
}

/** Bitcoin shows 32-byte hashes (txid, block hash) byte-reversed. */
export function reverseHex(bytes: Uint8Array): string {
  return bytesToHex(Uint8Array.from(bytes).reverse());
}

export function hexToReversed(hex: string): Uint8Array {
  return hexToBytes(hex).reverse();
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Growable little-endian writer; one per serialisation keeps allocations off the hot path. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
    return this;
  }

  /** Satoshi amounts fit in 2^53, so numbers suffice; written as unsigned 64-bit. */
  u64(v: number): this {
    this.ensure(8);
    this.view.setUint32(this.length, v % 0x100000000, true);
    this.view.setUint32(this.length + 4, Math.floor(v / 0x100000000), true);
    this.length += 8;
    return this;
  }

  compactSize(n: number): this {
    if (n < 0xfd) return this.u8(n);
    if (n <= 0xffff) return this.u8(0xfd).u16(n);
    if (n <= 0xffffffff) return this.u8(0xfe).u32(n);
    return this.u8(0xff).u64(n);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  varBytes(b: Uint8Array): this {
    return this.compactSize(b.length).bytes(b);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  reset(): this {
    this.length = 0;
    return this;
  }
}

export class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new RangeError(`unexpected end of data at byte ${this.pos} (wanted ${n} more)`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    if (hi >= 0x200000) throw new RangeError('64-bit value exceeds 2^53');
    return hi * 0x100000000 + lo;
  }

  compactSize(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) return this.u16();
    if (first === 0xfe) return this.u32();
    return this.u64();
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  varBytes(): Uint8Array {
    return this.bytes(this.compactSize());
  }

  peek(offset = 0): number {
    this.need(offset + 1);
    return this.buf[this.pos + offset];
  }
}

/**
 * A compact, flat Map key for bytes (one char per byte). Hex built by concatenation is a rope
 * of 32+ string pieces per key; a world holds millions of keys, so this matters.
 */
export function bytesKey(b: Uint8Array, length = b.length): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(length, b.length)).toString('latin1');
}
