// Lookalike keys for the "short key IDs are not safe" exercise: a phishing clone's key whose short
// key ID (last 8 hex digits of the v4 fingerprint) equals the genuine vendor's, as in the 2014
// "Evil 32" collisions. A v4 fingerprint is SHA-1 over the public key packet, which contains the
// creation time, so every second of creation time is a fresh 32-bit short ID for the same key
// material. For an Ed25519 key the hashed packet is 54 bytes: one SHA-1 block whose second
// 32-bit word is exactly the timestamp, so a candidate costs one SHA-1 compression.
//
// Hitting a given 32-bit ID takes ~2^32 compressions (about 12 CPU-minutes here: too slow for
// world generation). lookalikePair instead lets both creation times move within a window and
// meets in the middle: 2^16 genuine times × 2^16 clone times per clone key ≈ one expected
// collision, found in milliseconds. lookalikeKey matches a shorter suffix of an arbitrary
// existing key. Measurements and trade-offs: docs/pgp.md.
import { concatBytes } from '@noble/hashes/utils.js';
import { deriveBytes, seedBytes } from './derive.ts';
import { normalizeFingerprint } from './fingerprint.ts';
import { generateKey, ed25519PrimaryPublicKey, type GeneratedKey, type KeyOptions } from './keys.ts';
import { keyTimestamp, publicBodyEd25519 } from './packets.ts';

/** Default creation-time window: 2^16 s ≈ 18.2 h before the requested time. */
export const DEFAULT_WINDOW_SECONDS = 65536;
const MAX_WINDOW_SECONDS = 1 << 22;
const DEFAULT_MAX_VARIANTS = 64;

/**
 * For one Ed25519 public key: timestamp → short key ID (last 32 bits of the v4 fingerprint) as an
 * unsigned integer. A single-block SHA-1 with the timestamp in message word 1.
 */
export function shortIdScanner(publicKey32: Uint8Array): (timestamp: number) => number {
  const body = publicBodyEd25519(0, publicKey32);
  const hashed = concatBytes(Uint8Array.of(0x99, body.length >>> 8, body.length & 0xff), body);
  if (hashed.length !== 54) throw new RangeError('an Ed25519 v4 key packet hashes as 54 bytes');
  const block = new Uint8Array(64);
  block.set(hashed);
  block[54] = 0x80;
  block[62] = (54 * 8) >>> 8;
  block[63] = (54 * 8) & 0xff;
  const view = new DataView(block.buffer);
  const w = new Int32Array(80);
  for (let i = 0; i < 16; i++) w[i] = view.getInt32(i * 4);
  return (timestamp: number): number => {
    w[1] = timestamp | 0; // bytes 4..7 of "99 len len 04 time..." are the creation time
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    // SHA-1 initial state (FIPS 180-4 §5.3.1)
    let a = 0x67452301, b = 0xefcdab89 | 0, c = 0x98badcfe | 0, d = 0x10325476, e = 0xc3d2e1f0 | 0, t = 0;
    for (let i = 0; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 20; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 40; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + (0x8f1bbcdc | 0) + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    for (let i = 60; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (0xca62c1d6 | 0) + w[i]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    return (e + (0xc3d2e1f0 | 0)) >>> 0;
  };
}

export interface LookalikeOptions {
  /** How far before the requested creation time a key may be dated, in seconds. Default 65536 (≈ 18 h). */
  windowSeconds?: number;
  /** Clone key materials to try before giving up. Default 64 (each fails with probability ≈ e^-1 for lookalikePair). */
  maxVariants?: number;
}

export interface LookalikePair {
  /** The vendor's key: `genuine` options, but created up to `windowSeconds` earlier. */
  genuine: GeneratedKey;
  /** The clone's key: same short key ID, different long key ID and fingerprint. */
  lookalike: GeneratedKey;
  /** SHA-1 compressions spent. */
  hashes: number;
}

function ed25519Only(opts: KeyOptions, who: string): void {
  if ((opts.kind ?? 'ed25519') !== 'ed25519') throw new RangeError(`${who}: lookalike keys are Ed25519 keys`);
}

function window(opts: LookalikeOptions): { size: number; variants: number } {
  const size = opts.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const variants = opts.maxVariants ?? DEFAULT_MAX_VARIANTS;
  if (!Number.isInteger(size) || size < 1 || size > MAX_WINDOW_SECONDS) throw new RangeError(`windowSeconds must be an integer in 1..${MAX_WINDOW_SECONDS}`);
  if (!Number.isInteger(variants) || variants < 1) throw new RangeError('maxVariants must be a positive integer');
  return { size, variants };
}

/** The clone's key material for attempt `variant`: a fresh seed derived from the clone's seed. */
function variantSeed(clone: KeyOptions, variant: number): Uint8Array {
  return deriveBytes(seedBytes(clone.seed), `lookalike/${variant}`, 32);
}

/** Latest timestamp first, so keys end up as close to the requested dates as possible. */
function newestFirst(created: Date, size: number): { latest: number; count: number } {
  const latest = keyTimestamp(created);
  return { latest, count: Math.min(size, latest + 1) };
}

/**
 * A vendor key and a phishing clone's key with the same 32-bit short key ID, both deterministic
 * in their options. The two creation times are what moves: each lands at most `windowSeconds`
 * before the one requested.
 */
export async function lookalikePair(genuine: KeyOptions, clone: KeyOptions, opts: LookalikeOptions = {}): Promise<LookalikePair> {
  ed25519Only(genuine, 'genuine');
  ed25519Only(clone, 'clone');
  const { size, variants } = window(opts);
  const g = newestFirst(genuine.created, size);
  const genuineShortId = shortIdScanner(ed25519PrimaryPublicKey(genuine.seed));
  const byShortId = new Map<number, number>();
  for (let i = 0; i < g.count; i++) {
    const t = g.latest - i;
    const id = genuineShortId(t);
    if (!byShortId.has(id)) byShortId.set(id, t);
  }
  let hashes = g.count;
  const c = newestFirst(clone.created, size);
  for (let v = 0; v < variants; v++) {
    const seed = variantSeed(clone, v);
    const cloneShortId = shortIdScanner(ed25519PrimaryPublicKey(seed));
    for (let i = 0; i < c.count; i++) {
      const t = c.latest - i;
      const gt = byShortId.get(cloneShortId(t));
      if (gt === undefined) continue;
      hashes += i + 1;
      const genuineKey = await generateKey({ ...genuine, created: new Date(gt * 1000) });
      const lookalike = await generateKey({ ...clone, seed, created: new Date(t * 1000) });
      return { genuine: genuineKey, lookalike, hashes };
    }
    hashes += c.count;
  }
  throw new RangeError(`no short key ID collision within ${variants} clone keys; widen windowSeconds or raise maxVariants`);
}

/**
 * A clone key for an existing key (no control over its creation time) whose fingerprint ends in
 * the same `hexDigits` digits (default 4, at most 6: matching all 8 needs ~2^32 hashes). For pages
 * that show a truncated ID ("…26E2"); for true 8-digit short-ID collisions use lookalikePair.
 */
export async function lookalikeKey(
  targetFingerprint: string,
  clone: KeyOptions,
  opts: LookalikeOptions & { hexDigits?: number } = {},
): Promise<{ lookalike: GeneratedKey; hashes: number }> {
  ed25519Only(clone, 'clone');
  const hexDigits = opts.hexDigits ?? 4;
  if (!Number.isInteger(hexDigits) || hexDigits < 1 || hexDigits > 6) {
    throw new RangeError('hexDigits must be 1..6; an 8-digit short ID collision with a fixed key takes ~2^32 SHA-1 hashes, use lookalikePair');
  }
  const fpr = normalizeFingerprint(targetFingerprint);
  const bits = hexDigits * 4;
  const mask = 2 ** bits - 1;
  const want = parseInt(fpr.slice(-hexDigits), 16);
  // With a small window and few digits the default variant budget may be short; scale it so the expected number of hits is ≥ 20.
  const { size, variants } = window(opts);
  const budget = opts.maxVariants ?? Math.max(variants, Math.ceil((20 * 2 ** bits) / size));
  const c = newestFirst(clone.created, size);
  let hashes = 0;
  for (let v = 0; v < budget; v++) {
    const seed = variantSeed(clone, v);
    const cloneShortId = shortIdScanner(ed25519PrimaryPublicKey(seed));
    for (let i = 0; i < c.count; i++) {
      const t = c.latest - i;
      if ((cloneShortId(t) & mask) !== want) continue;
      const lookalike = await generateKey({ ...clone, seed, created: new Date(t * 1000) });
      if (lookalike.fingerprint === fpr) continue; // the target itself, if the clone options happen to reproduce it
      return { lookalike, hashes: hashes + i + 1 };
    }
    hashes += c.count;
  }
  throw new RangeError(`no key ending in ${fpr.slice(-hexDigits)} within ${budget} clone keys; widen windowSeconds`);
}
