// Key material from a world seed. HKDF-SHA256 (RFC 5869) with a fixed salt and one label per use,
// so a vendor's primary key, its encryption subkey and its lookalike variants never share bytes.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

const SALT = utf8ToBytes('onion-range/pgp/v1');

/** Seed bytes as given: a string is taken as its UTF-8 bytes. */
export function seedBytes(seed: Uint8Array | string): Uint8Array {
  if (typeof seed === 'string') {
    if (seed.length === 0) throw new RangeError('seed must not be empty');
    return utf8ToBytes(seed);
  }
  if (!(seed instanceof Uint8Array)) throw new TypeError('seed must be a Uint8Array or a string');
  if (seed.length === 0) throw new RangeError('seed must not be empty');
  return seed;
}

/** `length` bytes (≤ 8160) for `label` under `seed`. */
export function deriveBytes(seed: Uint8Array, label: string, length: number): Uint8Array {
  return hkdf(sha256, seed, SALT, utf8ToBytes(label), length);
}
