// The hash functions Bitcoin's formats are built from.
// @noble/hashes is the reference; SHA-256, which a world computes millions of times (txids,
// merkle trees, HASH160), runs through Node's native one-shot crypto.hash when it is there:
// it is 2–3× faster and leaves no garbage per call. test/chain/hash.test.ts holds both to the
// NIST vectors and to each other.
import { hash as nodeHash, createHash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export { ripemd160, nobleSha256 };

const native = typeof nodeHash === 'function';

export function sha256(data: Uint8Array): Uint8Array {
  if (!native) return nobleSha256(data);
  const b = nodeHash('sha256', data, 'buffer') as unknown as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** SHA-256 of the concatenation of `parts`, without concatenating them. */
export function sha256Parts(...parts: Uint8Array[]): Uint8Array {
  if (!native) {
    const h = nobleSha256.create();
    for (const p of parts) h.update(p);
    return h.digest();
  }
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const b = h.digest();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

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
  const h = nobleSha256.create().update(tagHash).update(tagHash);
  for (const m of msgs) h.update(m);
  return h.digest();
}
