// The hash functions Bitcoin's formats are built from, all from @noble/hashes.
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export { sha256, ripemd160 };

export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** RIPEMD-160(SHA-256(x)): the 20-byte hash inside P2PKH, P2SH and P2WPKH scripts. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}

const tagCache = new Map<string, Uint8Array>();

/** BIP340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || msg). */
export function taggedHash(tag: string, ...msgs: Uint8Array[]): Uint8Array {
  let tagHash = tagCache.get(tag);
  if (!tagHash) {
    tagHash = sha256(utf8ToBytes(tag));
    tagCache.set(tag, tagHash);
  }
  const h = sha256.create().update(tagHash).update(tagHash);
  for (const m of msgs) h.update(m);
  return h.digest();
}
