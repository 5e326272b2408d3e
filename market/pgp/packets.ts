// OpenPGP v4 key packets (RFC 4880 §5.5, RFC 6637 for ECDH, draft-koch-eddsa / RFC 9580 §5.5.5 for
// the legacy EdDSA and Curve25519 encodings GnuPG 2.2 reads) built from key material we already hold.
// openpgp.js can only generate keys from its own randomness (WebCrypto, which nothing can seed), so
// the lab writes the unencrypted secret-key packets itself and lets openpgp.js parse them and add the
// self-signatures (see keys.ts).
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';

/** Public-key algorithm ids (RFC 4880 §9.1, RFC 9580 §9.1). */
export const ALGO = { rsa: 1, ecdh: 18, eddsaLegacy: 22 } as const;

/** Curve OIDs without the DER tag and length bytes, as OpenPGP writes them. */
const OID_ED25519 = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01);
const OID_CV25519 = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01);
/** ECDH KDF parameters: length 3, reserved 1, SHA-256 (8), AES-128 (7): what GnuPG and openpgp.js use for cv25519. */
const KDF_SHA256_AES128 = Uint8Array.of(0x03, 0x01, 0x08, 0x07);
/** Prefix of a native-format Curve25519 point in an MPI (RFC 9580 §11.2.1). */
const NATIVE_POINT = 0x40;

/** A multiprecision integer: 2-byte bit count, then the big-endian value without leading zero bytes. */
export function mpi(value: Uint8Array): Uint8Array {
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  const body = value.subarray(start);
  const bits = body.length === 0 ? 0 : (body.length - 1) * 8 + (32 - Math.clz32(body[0]));
  return concatBytes(Uint8Array.of(bits >>> 8, bits & 0xff), body);
}

function u32be(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Seconds since the epoch as OpenPGP stores key creation times (unsigned 32-bit). */
export function keyTimestamp(created: Date): number {
  const t = created.getTime();
  if (!Number.isFinite(t)) throw new RangeError('created must be a valid Date');
  const seconds = Math.floor(t / 1000);
  if (seconds < 0 || seconds > 0xffffffff) throw new RangeError('created must lie between 1970 and 2106 (OpenPGP stores a 32-bit timestamp)');
  return seconds;
}

function nativePoint(point32: Uint8Array): Uint8Array {
  if (point32.length !== 32) throw new RangeError('a Curve25519 point is 32 bytes');
  return concatBytes(Uint8Array.of(NATIVE_POINT), point32);
}

/** The public part of a v4 key packet: version, creation time, algorithm, public parameters. */
export function publicBodyEd25519(timestamp: number, publicKey32: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(4), u32be(timestamp), Uint8Array.of(ALGO.eddsaLegacy, OID_ED25519.length), OID_ED25519, mpi(nativePoint(publicKey32)));
}

export function publicBodyCv25519(timestamp: number, publicKey32: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(4), u32be(timestamp), Uint8Array.of(ALGO.ecdh, OID_CV25519.length), OID_CV25519, mpi(nativePoint(publicKey32)), KDF_SHA256_AES128);
}

export function publicBodyRsa(timestamp: number, n: Uint8Array, e: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(4), u32be(timestamp), Uint8Array.of(ALGO.rsa), mpi(n), mpi(e));
}

/** Public body + "not encrypted" + secret MPIs + their 16-bit checksum (RFC 4880 §5.5.3). */
export function secretBody(publicBody: Uint8Array, secretValues: Uint8Array[]): Uint8Array {
  const secret = concatBytes(...secretValues.map(mpi));
  let sum = 0;
  for (const b of secret) sum = (sum + b) & 0xffff;
  return concatBytes(publicBody, Uint8Array.of(0), secret, Uint8Array.of(sum >>> 8, sum & 0xff));
}

/** A packet with a new-format header (RFC 4880 §4.2.2). */
export function packet(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  let length: Uint8Array;
  if (n < 192) length = Uint8Array.of(n);
  else if (n < 8384) length = Uint8Array.of(((n - 192) >>> 8) + 192, (n - 192) & 0xff);
  else length = concatBytes(Uint8Array.of(0xff), u32be(n));
  return concatBytes(Uint8Array.of(0xc0 | tag), length, body);
}

export const TAG = { secretKey: 5, secretSubkey: 7 } as const;

/** v4 fingerprint: SHA-1 over 0x99, the 2-byte body length and the public key body (RFC 4880 §12.2), upper-case hex. */
export function v4Fingerprint(publicBody: Uint8Array): string {
  const header = Uint8Array.of(0x99, publicBody.length >>> 8, publicBody.length & 0xff);
  return bytesToHex(sha1(concatBytes(header, publicBody))).toUpperCase();
}
