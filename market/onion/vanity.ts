// Phishing lookalikes of an onion address. Real phishers run a vanity generator (mkp224o and the
// like) for days to find a key whose address starts like the market's, since users check only the
// first few characters; 5–8 matching characters are within reach, more is not. Some also match
// the last characters. In a lab no one needs the secret key, so we set the leading key bits
// directly and draw the rest from the world's Rng until the checksum gives the wanted ending and
// the key is a point Tor accepts. The result is indistinguishable from a brute-forced one.
import type { Rng } from '../../chain/rng.ts';
import { PUBKEY_LENGTH, ed25519KeyProblem, encodeOnion, normalizeOnion, parseOnion } from './address.ts';

export const MIN_PREFIX_CHARS = 1;
/** Beyond about 10 characters no brute-force search finishes; a longer match would be implausible. */
export const MAX_PREFIX_CHARS = 10;
/** The last 4 characters are the version (always "d"), 12 checksum bits, nothing more. */
export const MAX_SUFFIX_CHARS = 4;
/** Candidates to try before giving up; a 4-character ending needs about 65,000 on average. */
const MAX_ATTEMPTS = 5_000_000;

/**
 * A valid v3 address (56 characters, no ".onion") whose first `prefixChars` characters, and last
 * `suffixChars` characters, equal the target's, and which is not the target. Deterministic in the
 * Rng's state.
 */
export function lookalikeOnion(target: string, rng: Rng, prefixChars = 6, suffixChars = 0): string {
  if (!Number.isInteger(prefixChars) || prefixChars < MIN_PREFIX_CHARS || prefixChars > MAX_PREFIX_CHARS) {
    throw new RangeError(`prefixChars must be a whole number from ${MIN_PREFIX_CHARS} to ${MAX_PREFIX_CHARS}, got ${prefixChars}`);
  }
  if (!Number.isInteger(suffixChars) || suffixChars < 0 || suffixChars > MAX_SUFFIX_CHARS) {
    throw new RangeError(`suffixChars must be a whole number from 0 to ${MAX_SUFFIX_CHARS}, got ${suffixChars}`);
  }
  const canonical = normalizeOnion(target);
  const targetKey = parseOnion(canonical).publicKey;
  const suffix = suffixChars > 0 ? canonical.slice(-suffixChars) : '';

  // Base32 reads the bytes most significant bit first: the first n characters are the top 5n bits.
  const prefixBits = prefixChars * 5;
  const wholeBytes = Math.floor(prefixBits / 8);
  const spareBits = prefixBits % 8;
  const keepMask = (0xff << (8 - spareBits)) & 0xff;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const key = rng.bytes(PUBKEY_LENGTH);
    key.set(targetKey.subarray(0, wholeBytes), 0);
    if (spareBits > 0) key[wholeBytes] = (targetKey[wholeBytes] & keepMask) | (key[wholeBytes] & ~keepMask & 0xff);
    // The cheap test (one SHA3) first; the point check costs a scalar multiplication.
    const address = encodeOnion(key);
    if (suffix && !address.endsWith(suffix)) continue;
    if (address === canonical) continue;
    if (ed25519KeyProblem(key) !== null) continue;
    return address;
  }
  throw new Error(`no lookalike of ${canonical} found in ${MAX_ATTEMPTS} attempts`);
}
