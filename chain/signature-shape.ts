// Plausible spend bytes: signatures with the exact shape of real ones (strict DER, low-S, real
// length distribution; 64-byte Schnorr) that do not verify, and the scriptSig/witness layouts
// of each output kind. Sizes here are the sizes wallets pay fees for.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { compactSizeLength } from './bytes.ts';
import { pushData } from './script.ts';
import { outputFor, type DerivedKey } from './keys.ts';
import type { Rng } from './rng.ts';
import type { AddressKind } from './types.ts';

const CURVE_ORDER = secp256k1.Point.Fn.ORDER;
const HALF_ORDER = CURVE_ORDER >> 1n;
const FIELD_PRIME = secp256k1.Point.Fp.ORDER;

export const SIGHASH_ALL = 0x01;

/** Longest strict-DER low-S signature plus sighash byte: r 33 bytes, s 32 bytes. */
export const MAX_DER_SIGNATURE_SIZE = 72;
export const SCHNORR_SIGNATURE_SIZE = 64;

function uniformBelow(rng: Rng, bound: bigint): bigint {
  for (;;) {
    const v = bytesToNumberBE(rng.bytes(32));
    if (v !== 0n && v < bound) return v;
  }
}

function derInteger(v: bigint): Uint8Array {
  const bytes = numberToBytesBE(v, 32);
  let start = 0;
  while (start < 31 && bytes[start] === 0) start++;
  // A leading 0x00 keeps a value with the top bit set positive (DER integers are signed).
  if (bytes[start] & 0x80) {
    const out = new Uint8Array(33 - start);
    out.set(bytes.subarray(start), 1);
    return out;
  }
  return bytes.slice(start);
}

export interface FakeDerOptions {
  /**
   * Grind for a low R as Bitcoin Core's wallet does since 0.17 (r < 2^255): every signature is
   * then 71 bytes (rarely 70). Without it r is uniform: 72 or 71 bytes, about evenly.
   */
  lowR?: boolean;
}

/**
 * A strict-DER (BIP66), low-S (BIP62/146) ECDSA signature with sighash byte appended. r is
 * uniform in [1, n) and s uniform in [1, n/2], so lengths follow real ones: 72 or 71 bytes,
 * 70 about 1 in 128. It does not verify against anything.
 */
export function fakeDerSignature(rng: Rng, sighash = SIGHASH_ALL, options: FakeDerOptions = {}): Uint8Array {
  if (!Number.isInteger(sighash) || sighash < 0 || sighash > 0xff) throw new RangeError(`sighash must be a byte, got ${sighash}`);
  const r = derInteger(uniformBelow(rng, options.lowR ? 1n << 255n : CURVE_ORDER));
  const s = derInteger(uniformBelow(rng, HALF_ORDER + 1n));
  const sig = new Uint8Array(7 + r.length + s.length);
  sig[0] = 0x30;
  sig[1] = 4 + r.length + s.length;
  sig[2] = 0x02;
  sig[3] = r.length;
  sig.set(r, 4);
  sig[4 + r.length] = 0x02;
  sig[5 + r.length] = s.length;
  sig.set(s, 6 + r.length);
  sig[sig.length - 1] = sighash;
  return sig;
}

/** BIP66's IsValidSignatureEncoding, for a signature with its sighash byte. */
export function isStrictDerSignature(sig: Uint8Array): boolean {
  if (sig.length < 9 || sig.length > 73) return false;
  if (sig[0] !== 0x30 || sig[1] !== sig.length - 3) return false;
  const lenR = sig[3];
  if (5 + lenR >= sig.length) return false;
  const lenS = sig[5 + lenR];
  if (lenR + lenS + 7 !== sig.length) return false;
  if (sig[2] !== 0x02 || lenR === 0 || sig[4] & 0x80) return false;
  if (lenR > 1 && sig[4] === 0x00 && !(sig[5] & 0x80)) return false;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6] & 0x80) return false;
  if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7] & 0x80)) return false;
  return true;
}

/**
 * A BIP340-shaped signature: r a field element, s a scalar. 64 bytes for SIGHASH_DEFAULT; pass a
 * non-zero sighash to get the 65-byte form.
 */
export function fakeSchnorrSignature(rng: Rng, sighash?: number): Uint8Array {
  const withType = sighash !== undefined && sighash !== 0;
  const sig = new Uint8Array(withType ? 65 : 64);
  sig.set(numberToBytesBE(uniformBelow(rng, FIELD_PRIME), 32), 0);
  sig.set(numberToBytesBE(uniformBelow(rng, CURVE_ORDER), 32), 32);
  if (withType) sig[64] = sighash!;
  return sig;
}

export interface SpendData {
  scriptSig: Uint8Array;
  witness: Uint8Array[];
}

function concatPushes(...items: Uint8Array[]): Uint8Array {
  const pushes = items.map(pushData);
  const out = new Uint8Array(pushes.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of pushes) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

const EMPTY = new Uint8Array(0);

/** The scriptSig and witness that spend a single-key output of this kind (P2TR: key path). */
export function spendData(kind: AddressKind, key: DerivedKey, rng: Rng): SpendData {
  switch (kind) {
    case 'p2pkh':
      return { scriptSig: concatPushes(fakeDerSignature(rng), key.pubkey), witness: [] };
    case 'p2sh-p2wpkh':
      return { scriptSig: pushData(outputFor(kind, key).redeemScript!), witness: [fakeDerSignature(rng), key.pubkey] };
    case 'p2wpkh':
      return { scriptSig: EMPTY, witness: [fakeDerSignature(rng), key.pubkey] };
    case 'p2wsh':
      return { scriptSig: EMPTY, witness: [fakeDerSignature(rng), outputFor(kind, key).witnessScript!] };
    case 'p2tr':
      return { scriptSig: EMPTY, witness: [fakeSchnorrSignature(rng)] };
    default:
      throw new TypeError(`unknown address kind ${JSON.stringify(kind)}`);
  }
}

/** Spends a P2WSH m-of-n multisig: the CHECKMULTISIG dummy, m signatures, the witness script. */
export function multisigSpendData(m: number, witnessScript: Uint8Array, rng: Rng): SpendData {
  if (!Number.isInteger(m) || m < 1 || m > 16) throw new RangeError(`multisig needs 1 <= m <= 16, got m=${m}`);
  const witness: Uint8Array[] = [EMPTY];
  for (let i = 0; i < m; i++) witness.push(fakeDerSignature(rng));
  witness.push(witnessScript);
  return { scriptSig: EMPTY, witness };
}

// --- sizes ------------------------------------------------------------------------------------

const OUTPOINT_AND_SEQUENCE = 32 + 4 + 4;
const COMPRESSED_PUBKEY = 33;

function pushSize(n: number): number {
  return n <= 75 ? 1 + n : n <= 0xff ? 2 + n : n <= 0xffff ? 3 + n : 5 + n;
}

function witnessSize(itemLengths: number[]): number {
  return compactSizeLength(itemLengths.length) + itemLengths.reduce((s, n) => s + compactSizeLength(n) + n, 0);
}

function inputWeight(scriptSigLength: number, witnessItemLengths: number[] | null): number {
  const base = OUTPOINT_AND_SEQUENCE + compactSizeLength(scriptSigLength) + scriptSigLength;
  return base * 4 + (witnessItemLengths ? witnessSize(witnessItemLengths) : 0);
}

/**
 * Weight units one input adds, with the longest signatures spendData can produce (72-byte DER),
 * so fees priced from it never fall short. The segwit marker and flag (2 WU) belong to the
 * transaction, not to any input.
 */
export function estimateInputWeight(kind: AddressKind | { multisig: [number, number] }): number {
  const sig = MAX_DER_SIGNATURE_SIZE;
  if (typeof kind === 'object' && kind !== null && 'multisig' in kind) {
    const [m, n] = kind.multisig;
    if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || m > n || n > 16) {
      throw new RangeError(`multisig needs 1 <= m <= n <= 16, got [${m}, ${n}]`);
    }
    const scriptLength = 3 + n * (1 + COMPRESSED_PUBKEY);
    return inputWeight(0, [0, ...Array<number>(m).fill(sig), scriptLength]);
  }
  switch (kind) {
    case 'p2pkh':
      return inputWeight(pushSize(sig) + pushSize(COMPRESSED_PUBKEY), null);
    case 'p2sh-p2wpkh':
      return inputWeight(pushSize(22), [sig, COMPRESSED_PUBKEY]);
    case 'p2wpkh':
      return inputWeight(0, [sig, COMPRESSED_PUBKEY]);
    case 'p2wsh':
      return inputWeight(0, [sig, COMPRESSED_PUBKEY + 2]);
    case 'p2tr':
      return inputWeight(0, [SCHNORR_SIGNATURE_SIZE]);
    default:
      throw new TypeError(`unknown address kind ${JSON.stringify(kind)}`);
  }
}

/**
 * Virtual bytes one input adds (weight / 4, so it may end in .25/.5/.75): p2pkh 148,
 * p2sh-p2wpkh 91, p2wpkh 68, p2wsh 68.5, p2tr 57.5, 2-of-3 P2WSH multisig 104.5.
 */
export function estimateInputVsize(kind: AddressKind | { multisig: [number, number] }): number {
  return estimateInputWeight(kind) / 4;
}

/** Bytes one output adds: 8-byte value, script length, script. */
export function outputSize(script: Uint8Array): number {
  return 8 + compactSizeLength(script.length) + script.length;
}
