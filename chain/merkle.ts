// Bitcoin's transaction merkle tree: sha256d over pairs of 32-byte hashes in internal byte order,
// an odd last node paired with itself, one leaf being its own root.
import { equalBytes } from './bytes.ts';
import { sha256 } from './hash.ts';

const pair = new Uint8Array(64);

function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  pair.set(left, 0);
  pair.set(right, 32);
  return sha256(sha256(pair));
}

function checkHashes(hashes: Uint8Array[]): void {
  if (hashes.length === 0) throw new RangeError('merkle tree of no hashes');
  for (const h of hashes) if (h.length !== 32) throw new RangeError(`merkle leaves must be 32 bytes, got ${h.length}`);
}

function nextLevel(level: Uint8Array[]): Uint8Array[] {
  const next: Uint8Array[] = new Array(Math.ceil(level.length / 2));
  for (let i = 0; i < level.length; i += 2) {
    next[i >> 1] = hashPair(level[i], level[i + 1] ?? level[i]);
  }
  return next;
}

/** Merkle root of txids (or wtxids), internal byte order in and out. */
export function merkleRoot(hashes: Uint8Array[]): Uint8Array {
  checkHashes(hashes);
  let level = hashes;
  while (level.length > 1) level = nextLevel(level);
  return Uint8Array.from(level[0]);
}

/**
 * Sibling hashes from the leaf at `index` up to the root, bottom-up, as Electrum's
 * blockchain.transaction.get_merkle and Esplora's /tx/:txid/merkle-proof list them (electrs builds
 * both with the same function). Internal byte order: the JSON APIs show each one byte-reversed, like a txid.
 */
export function merkleProof(hashes: Uint8Array[], index: number): Uint8Array[] {
  checkHashes(hashes);
  if (!Number.isInteger(index) || index < 0 || index >= hashes.length) {
    throw new RangeError(`merkle proof index ${index} outside 0..${hashes.length - 1}`);
  }
  const proof: Uint8Array[] = [];
  let level = hashes;
  let i = index;
  while (level.length > 1) {
    const sibling = i ^ 1;
    proof.push(Uint8Array.from(level[sibling] ?? level[i]));
    level = nextLevel(level);
    i >>= 1;
  }
  return proof;
}

/** True when `leaf` at position `index` hashes up through `proof` to `root`. Never throws on bad input. */
export function verifyMerkleProof(leaf: Uint8Array, proof: Uint8Array[], index: number, root: Uint8Array): boolean {
  if (leaf.length !== 32 || root.length !== 32) return false;
  if (!Number.isInteger(index) || index < 0 || proof.length > 52) return false;
  // A position needs no more levels than the proof has; a larger index would silently alias.
  if (index >= 2 ** proof.length) return false;
  let h = leaf;
  let i = index;
  for (const sibling of proof) {
    if (sibling.length !== 32) return false;
    h = i & 1 ? hashPair(sibling, h) : hashPair(h, sibling);
    i = Math.floor(i / 2);
  }
  return equalBytes(h, root);
}
