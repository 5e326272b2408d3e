// Deterministic secp256k1 keys for every wallet of a world, laid out as a lattice so that bulk
// derivation is point addition instead of scalar multiplication:
//   k_root    = SHA-256('onion-range/keys' || worldSeed) mod n
//   k(w, i)   = k_root + w·2^40 + i            (wallet w, index i < 2^40)
// Walking a wallet adds j·G (j = 1..64, a fixed table) to one affine point and inverts all
// denominators of a batch at once, so each key costs a few field multiplications.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes } from './bytes.ts';
import { hash160, sha256 } from './hash.ts';
import { multisigScript, p2pkhScript, p2pkScript, p2shScript, p2trScript, p2wpkhScript, p2wshScript } from './script.ts';
import type { AddressKind } from './types.ts';

const Point = secp256k1.Point;
type Point = InstanceType<typeof Point>;
const Fp = Point.Fp;
const CURVE_ORDER = Point.Fn.ORDER;
const G = Point.BASE;

/** Keys per wallet: wallet w owns secrets k_root + w·2^40 + [0, 2^40). */
export const KEYS_PER_WALLET = 2 ** 40;
const WALLET_STRIDE = 1n << 40n;
const STRIDE_POINT = G.multiply(WALLET_STRIDE);
const KEY_TAG = utf8ToBytes('onion-range/keys');
const MAX_BATCH = 64;
const FIRST_BATCH = 8;

export interface AffinePoint {
  readonly x: bigint;
  readonly y: bigint;
}

export interface DerivedKey {
  readonly wallet: number;
  readonly index: number;
  /** 33-byte compressed SEC1 public key. */
  readonly pubkey: Uint8Array;
  /** The 32-byte x coordinate (BIP340 x-only key). */
  readonly xOnly: Uint8Array;
  /** HASH160 of the compressed public key. */
  readonly hash160: Uint8Array;
}

// j·G for j = 1..MAX_BATCH: the summands of a batched walk.
const G_MULTIPLES: AffinePoint[] = (() => {
  const points: Point[] = [];
  let p = G;
  for (let j = 1; j <= MAX_BATCH; j++) {
    points.push(p);
    p = p.add(G);
  }
  return normalizeZ(Point, points).map((q) => ({ x: q.X, y: q.Y }));
})();

function toAffine(p: Point): AffinePoint {
  if (p.is0()) throw new RangeError('derived key is the point at infinity (secret ≡ 0 mod n)');
  const a = p.toAffine();
  return Object.freeze({ x: a.x, y: a.y });
}

/** 33-byte compressed encoding, written straight from the coordinates. */
export function compressPoint(p: AffinePoint): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = 0x02 | Number(p.y & 1n);
  const view = new DataView(out.buffer, 1, 32);
  const x = p.x;
  view.setBigUint64(0, x >> 192n);
  view.setBigUint64(8, BigInt.asUintN(64, x >> 128n));
  view.setBigUint64(16, BigInt.asUintN(64, x >> 64n));
  view.setBigUint64(24, BigInt.asUintN(64, x));
  return out;
}

/**
 * start + j·G for j = 0..count-1, and start + count·G as `next` (count <= 64): one field
 * inversion for the whole walk. Falls back to projective addition in the (astronomically
 * unlikely) case that start = ±j·G.
 */
export function walkPoints(start: AffinePoint, count: number): { points: AffinePoint[]; next: AffinePoint } {
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH) {
    throw new RangeError(`walk length must be 1..${MAX_BATCH}, got ${count}`);
  }
  const dens = new Array<bigint>(count);
  for (let j = 0; j < count; j++) {
    const d = Fp.sub(G_MULTIPLES[j].x, start.x);
    if (d === 0n) return walkProjective(start, count);
    dens[j] = d;
  }
  const invs = Fp.invertBatch(dens);
  const points = new Array<AffinePoint>(count);
  points[0] = start;
  let next = start;
  for (let j = 0; j < count; j++) {
    // Affine addition start + (j+1)·G with the batch-inverted denominator.
    const q = G_MULTIPLES[j];
    const lambda = Fp.mul(Fp.sub(q.y, start.y), invs[j]);
    const x = Fp.sub(Fp.sub(Fp.sqr(lambda), start.x), q.x);
    const y = Fp.sub(Fp.mul(lambda, Fp.sub(start.x, x)), start.y);
    if (j + 1 < count) points[j + 1] = { x, y };
    else next = { x, y };
  }
  return { points, next };
}

function walkProjective(start: AffinePoint, count: number): { points: AffinePoint[]; next: AffinePoint } {
  let p = Point.fromAffine(start);
  const projective: Point[] = [];
  for (let j = 0; j <= count; j++) {
    if (p.is0()) throw new RangeError('derived key is the point at infinity (secret ≡ 0 mod n)');
    projective.push(p);
    p = p.add(G);
  }
  const affine = normalizeZ(Point, projective).map((q) => ({ x: q.X, y: q.Y }));
  const next = affine.pop()!;
  return { points: affine, next };
}

class LatticeKey implements DerivedKey {
  #xOnly?: Uint8Array;
  #hash160?: Uint8Array;

  constructor(
    readonly wallet: number,
    readonly index: number,
    readonly pubkey: Uint8Array,
  ) {}

  get xOnly(): Uint8Array {
    return (this.#xOnly ??= this.pubkey.subarray(1));
  }

  // SHA-256 + RIPEMD-160 cost more than deriving the point, so only keys that need it pay.
  get hash160(): Uint8Array {
    return (this.#hash160 ??= hash160(this.pubkey));
  }
}

function checkWallet(w: number): void {
  if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`wallet must be a non-negative integer, got ${w}`);
}

function checkIndex(i: number): void {
  if (!Number.isSafeInteger(i) || i < 0 || i >= KEYS_PER_WALLET) {
    throw new RangeError(`key index must be an integer in [0, 2^40), got ${i}`);
  }
}

export class KeyDeriver {
  readonly #root: bigint;
  readonly #bases = new Map<number, AffinePoint>();

  constructor(worldSeed: Uint8Array | string) {
    const seed = typeof worldSeed === 'string' ? utf8ToBytes(worldSeed) : worldSeed;
    if (!(seed instanceof Uint8Array)) throw new TypeError('world seed must be a string or Uint8Array');
    this.#root = bytesToNumberBE(sha256(concatBytes(KEY_TAG, seed))) % CURVE_ORDER;
  }

  /** A cursor over wallet w's keys 0, 1, 2, … */
  wallet(w: number): WalletKeys {
    return new WalletKeys(this, w);
  }

  /** Random access to key i of wallet w (one scalar multiplication). */
  key(w: number, i: number): DerivedKey {
    checkIndex(i);
    const base = this.basePoint(w);
    const point = i === 0 ? base : toAffine(Point.fromAffine(base).add(G.multiplyUnsafe(BigInt(i))));
    return new LatticeKey(w, i, compressPoint(point));
  }

  /** The 32-byte secret of key (w, i): for seized-wallet exercises and tests; never needed to build spends. */
  secretKey(w: number, i: number): Uint8Array {
    return numberToBytesBE(this.#scalar(w, i), 32);
  }

  #scalar(w: number, i: number): bigint {
    checkWallet(w);
    checkIndex(i);
    const k = (this.#root + BigInt(w) * WALLET_STRIDE + BigInt(i)) % CURVE_ORDER;
    if (k === 0n) throw new RangeError('derived secret is zero');
    return k;
  }

  /**
   * Wallet w's index-0 public point, cached. Wallet w-1's cached base makes this one point
   * addition (base(w) = base(w-1) + 2^40·G); otherwise it costs one multiplication.
   */
  basePoint(w: number): AffinePoint {
    checkWallet(w);
    const cached = this.#bases.get(w);
    if (cached) return cached;
    const previous = w > 0 ? this.#bases.get(w - 1) : undefined;
    const base = previous
      ? toAffine(Point.fromAffine(previous).add(STRIDE_POINT))
      : toAffine(G.multiply(this.#scalar(w, 0)));
    this.#bases.set(w, base);
    return base;
  }
}

/** Sequential keys of one wallet, derived in growing batches (8, 16, 32, then 64). */
export class WalletKeys {
  readonly wallet: number;
  readonly #deriver: KeyDeriver;
  #cursor: AffinePoint;
  #cursorIndex = 0;
  #buffer: DerivedKey[] = [];
  #bufferStart = 0;
  #issued = 0;
  #batches = 0;

  constructor(deriver: KeyDeriver, wallet: number) {
    this.wallet = wallet;
    this.#deriver = deriver;
    this.#cursor = deriver.basePoint(wallet);
  }

  /** How many keys next() has handed out; the index the next call returns. */
  get issued(): number {
    return this.#issued;
  }

  next(): DerivedKey {
    const i = this.#issued;
    if (i >= this.#bufferStart + this.#buffer.length) this.#refill();
    this.#issued++;
    return this.#buffer[i - this.#bufferStart];
  }

  /** Key i of this wallet, from the current batch when it is there. */
  at(i: number): DerivedKey {
    checkIndex(i);
    const offset = i - this.#bufferStart;
    if (offset >= 0 && offset < this.#buffer.length) return this.#buffer[offset];
    return this.#deriver.key(this.wallet, i);
  }

  #refill(): void {
    const remaining = KEYS_PER_WALLET - this.#cursorIndex;
    if (remaining <= 0) throw new RangeError(`wallet ${this.wallet} has no keys left (2^40 used)`);
    const size = Math.min(MAX_BATCH, FIRST_BATCH << Math.min(this.#batches, 3), remaining);
    this.#batches++;
    const { points, next } = walkPoints(this.#cursor, size);
    const start = this.#cursorIndex;
    const keys = new Array<DerivedKey>(size);
    for (let j = 0; j < size; j++) keys[j] = new LatticeKey(this.wallet, start + j, compressPoint(points[j]));
    this.#buffer = keys;
    this.#bufferStart = start;
    this.#cursor = next;
    this.#cursorIndex = start + size;
  }
}

export interface OutputTemplate {
  script: Uint8Array;
  /** P2SH-wrapped kinds: the script the P2SH hash commits to. */
  redeemScript?: Uint8Array;
  /** P2WSH kinds: the script the witness program commits to. */
  witnessScript?: Uint8Array;
}

/**
 * The output script paying to one key. P2TR uses the key's own x-only point as the output key
 * (untweaked: a valid point, which is all the lab needs); P2WSH uses <pubkey> OP_CHECKSIG.
 */
export function outputFor(kind: AddressKind, key: DerivedKey): OutputTemplate {
  switch (kind) {
    case 'p2pkh':
      return { script: p2pkhScript(key.hash160) };
    case 'p2sh-p2wpkh': {
      const redeemScript = p2wpkhScript(key.hash160);
      return { script: p2shScript(hash160(redeemScript)), redeemScript };
    }
    case 'p2wpkh':
      return { script: p2wpkhScript(key.hash160) };
    case 'p2wsh': {
      const witnessScript = p2pkScript(key.pubkey);
      return { script: p2wshScript(sha256(witnessScript)), witnessScript };
    }
    case 'p2tr':
      return { script: p2trScript(key.xOnly) };
    default:
      throw new TypeError(`unknown address kind ${JSON.stringify(kind)}`);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** P2WSH m-of-n multisig with public keys sorted as BIP67 does. */
export function multisigOutput(m: number, keys: DerivedKey[]): { script: Uint8Array; witnessScript: Uint8Array } {
  const sorted = keys.map((k) => k.pubkey).sort(compareBytes);
  const witnessScript = multisigScript(m, sorted);
  return { script: p2wshScript(sha256(witnessScript)), witnessScript };
}
