// Tor v3 onion addresses (rend-spec-v3, "Encoding onion addresses"):
//   onion_address = base32(PUBKEY | CHECKSUM | VERSION) + ".onion"
//   CHECKSUM      = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2],  VERSION = 0x03
// 35 bytes make exactly 56 base32 characters, so every v3 address ends in "d" (the low bits of
// 0x03) preceded by one of a/i/q/y. Parsing checks what Tor's hs_address_is_valid() checks, in
// its order: length, base32, version, checksum, then that the key is a usable ed25519 point
// (on the curve, not the identity, no small-order component), so equivalent encodings of one
// service cannot pass as different addresses.
import { hash as nodeHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base32nopad } from '@scure/base';
import type { Rng } from '../../chain/rng.ts';

export const ONION_VERSION = 3;
/** Characters of a v3 address before ".onion". */
export const ONION_LENGTH = 56;
/** Characters of a retired v2 address before ".onion". */
export const ONION_V2_LENGTH = 16;
export const PUBKEY_LENGTH = 32;
export const CHECKSUM_LENGTH = 2;
export const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

const CHECKSUM_PREFIX = utf8ToBytes('.onion checksum');
const RAW_LENGTH = PUBKEY_LENGTH + CHECKSUM_LENGTH + 1;

export type OnionAddressProblem = 'type' | 'length' | 'v2' | 'base32' | 'version' | 'checksum' | 'key';

/** Why a string is not a v3 onion address; the message is one line, fit to show a trainee. */
export class OnionAddressError extends RangeError {
  override name = 'OnionAddressError';
  constructor(
    readonly problem: OnionAddressProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedOnion {
  publicKey: Uint8Array;
  version: 3;
}

const nativeSha3 = typeof nodeHash === 'function';

/** SHA3-256 through Node's OpenSSL when it is there (the vanity search hashes tens of thousands of
 *  candidates); @noble/hashes otherwise. The tests hold both to the same values. */
function sha3(data: Uint8Array): Uint8Array {
  if (!nativeSha3) return sha3_256(data);
  const b = nodeHash('sha3-256', data, 'buffer') as unknown as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The two checksum bytes of an address for this key and version. */
export function onionChecksum(publicKey: Uint8Array, version = ONION_VERSION): Uint8Array {
  const data = new Uint8Array(CHECKSUM_PREFIX.length + PUBKEY_LENGTH + 1);
  data.set(CHECKSUM_PREFIX, 0);
  data.set(publicKey, CHECKSUM_PREFIX.length);
  data[data.length - 1] = version;
  return sha3(data).slice(0, CHECKSUM_LENGTH);
}

/** Null when the 32 bytes are a key Tor accepts for a service; otherwise why not. */
export function ed25519KeyProblem(publicKey: Uint8Array): string | null {
  let point;
  try {
    // Strict RFC 8032 decoding: a y coordinate ≥ p is not a second spelling of a point.
    point = ed25519.Point.fromBytes(publicKey, false);
  } catch {
    return 'not a point on the ed25519 curve';
  }
  if (point.is0()) return 'the identity point, which no secret key produces';
  if (!point.isTorsionFree()) return 'a point with a small-order (torsion) component, which no secret key produces';
  return null;
}

/** The 56-character address (without ".onion") of an ed25519 service key. */
export function onionFromPublicKey(pub: Uint8Array): string {
  if (!(pub instanceof Uint8Array) || pub.length !== PUBKEY_LENGTH) {
    throw new TypeError(`an onion service key is ${PUBKEY_LENGTH} bytes`);
  }
  const problem = ed25519KeyProblem(pub);
  if (problem) throw new OnionAddressError('key', `not a valid ed25519 key: ${problem}`);
  return encodeOnion(pub);
}

/** Encodes without checking the key: for the vanity search, which checks it last. */
export function encodeOnion(pub: Uint8Array, version = ONION_VERSION): string {
  const raw = new Uint8Array(RAW_LENGTH);
  raw.set(pub, 0);
  raw.set(onionChecksum(pub, version), PUBKEY_LENGTH);
  raw[RAW_LENGTH - 1] = version;
  return base32nopad.encode(raw).toLowerCase();
}

/** Drops a trailing ".onion" and lowercases: hostnames are case-insensitive, and so is Tor's base32. */
function onionLabel(address: string): string {
  const lower = address.toLowerCase();
  return lower.endsWith('.onion') ? lower.slice(0, -'.onion'.length) : lower;
}

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code > 0x20 && code < 0x7f ? `'${c}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Parses a v3 onion address, with or without ".onion", in any letter case.
 * Throws OnionAddressError with the first reason Tor would refuse it.
 */
export function parseOnion(address: string): ParsedOnion {
  if (typeof address !== 'string') throw new OnionAddressError('type', 'an onion address is a string');
  const label = onionLabel(address);
  const chars = [...label];
  if (chars.length === ONION_V2_LENGTH) {
    throw new OnionAddressError('v2', `v2 onion addresses are no longer supported (this one has ${ONION_V2_LENGTH} characters; v3 addresses have ${ONION_LENGTH})`);
  }
  if (chars.length !== ONION_LENGTH) {
    throw new OnionAddressError('length', `wrong length: a v3 onion address has ${ONION_LENGTH} characters before .onion, this one has ${chars.length}`);
  }
  const bad = chars.findIndex((c) => !BASE32_ALPHABET.includes(c));
  if (bad >= 0) {
    const c = chars[bad];
    const hint = c === '0' || c === '1' || c === '8' || c === '9' ? ' (0, 1, 8 and 9 never appear; o, l/i and b do)' : '';
    throw new OnionAddressError('base32', `bad character ${describeChar(c)} at position ${bad + 1}: onion addresses use only a–z and 2–7${hint}`);
  }
  const raw = base32nopad.decode(label.toUpperCase());
  const publicKey = raw.slice(0, PUBKEY_LENGTH);
  const checksum = raw.subarray(PUBKEY_LENGTH, PUBKEY_LENGTH + CHECKSUM_LENGTH);
  const version = raw[RAW_LENGTH - 1];
  if (version !== ONION_VERSION) {
    const hex = version.toString(16).padStart(2, '0');
    throw new OnionAddressError('version', `wrong version byte 0x${hex}: v3 addresses carry 0x03 and so end in "ad", "id", "qd" or "yd"`);
  }
  const expected = onionChecksum(publicKey, version);
  if (expected[0] !== checksum[0] || expected[1] !== checksum[1]) {
    throw new OnionAddressError('checksum', 'bad checksum: a character is mistyped, or the address was altered');
  }
  const problem = ed25519KeyProblem(publicKey);
  if (problem) throw new OnionAddressError('key', `not a valid ed25519 key: ${problem}`);
  return { publicKey, version: ONION_VERSION };
}

/**
 * Canonical labels already found valid. Validation is a pure function of the label, and decoding
 * the ed25519 point costs about 0.8 ms, which every request through the onion browser would pay
 * (twice); the lab has a few hundred addresses, so a bounded set holds them all. Only valid labels
 * are kept, so an invalid address is parsed, and refused, exactly as before.
 */
const validLabels = new Map<string, true>();
const VALID_LABELS_MAX = 4096;

function knownValid(address: unknown): string | null {
  if (typeof address !== 'string') return null;
  const label = onionLabel(address);
  return validLabels.has(label) ? label : null;
}

function rememberValid(label: string): void {
  if (validLabels.size >= VALID_LABELS_MAX) validLabels.delete(validLabels.keys().next().value!);
  validLabels.set(label, true);
}

/** The canonical form of a valid address: 56 lowercase characters, no ".onion". */
export function normalizeOnion(address: string): string {
  const known = knownValid(address);
  if (known !== null) return known;
  parseOnion(address);
  const label = onionLabel(address);
  rememberValid(label);
  return label;
}

export function isValidOnion(address: string): boolean {
  if (knownValid(address) !== null) return true;
  try {
    normalizeOnion(address);
    return true;
  } catch {
    return false;
  }
}

export interface OnionIdentity {
  /** The 32-byte ed25519 secret seed (RFC 8032), from which Tor expands hs_ed25519_secret_key. */
  secretSeed: Uint8Array;
  publicKey: Uint8Array;
  /** 56 characters, no ".onion". */
  address: string;
}

/** A service identity as Tor makes one (a random ed25519 key pair), drawn from the world's Rng. */
export function deriveOnionIdentity(rng: Rng): OnionIdentity {
  const secretSeed = rng.bytes(PUBKEY_LENGTH);
  const publicKey = ed25519.getPublicKey(secretSeed);
  return { secretSeed, publicKey, address: encodeOnion(publicKey) };
}

/** A fresh, valid v3 address (56 characters, no ".onion"); the same Rng state gives the same address. */
export function deriveOnion(rng: Rng): string {
  return deriveOnionIdentity(rng).address;
}
