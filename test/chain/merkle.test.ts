import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../chain/merkle.ts';
import { concatBytes, hexToBytes } from '../../chain/bytes.ts';
import { sha256d } from '../../chain/hash.ts';
import { txidFromHex, txidHex } from '../../chain/tx.ts';

// Block 100,000's four txids and merkle root as `getblock` shows them (display order), quoted in
// bitcoin.stackexchange.com/questions/90259 and in a bitcointalk getblock dump (merkleroot field).
// Note: the root is f3e94742…c3282295ffec960994b2c0d5ac2a25a95766, not …c2822739f1ba… as once misquoted.
const BLOCK_100K_TXIDS = [
  '8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87',
  'fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4',
  '6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4',
  'e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d',
];
const BLOCK_100K_ROOT = 'f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766';

// Block 170's header (from a test suite in the search corpus) and its two txids: the coinbase and
// Satoshi's payment to Hal Finney. Bytes 36..68 of the header are the root in internal order.
const BLOCK_170_HEADER =
  '0100000055bd840a78798ad0da853f68974f3d183e2bd1db6a842c1feecf222a00000000ff104ccb05421ab93e63f8c3ce5c2c2e9dbb37de2764b3a3175c8166562cac7d51b96a49ffff001d283e9e70';
const BLOCK_170_TXIDS = [
  'b1fea52486ce0c62bb442b530a3f0132b826c74e473d1f2c220bfa78111c5082',
  'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16',
];

const h = (k: number) => sha256d(Uint8Array.of(k));
const pairHash = (a: Uint8Array, b: Uint8Array) => sha256d(concatBytes(a, b));

describe('merkleRoot', () => {
  it('computes block 100,000 from its txids (internal order in, internal order out)', () => {
    const root = merkleRoot(BLOCK_100K_TXIDS.map(txidFromHex));
    expect(txidHex(root)).toBe(BLOCK_100K_ROOT);
  });

  it('computes block 170 from its two txids, matching the header bytes', () => {
    const root = merkleRoot(BLOCK_170_TXIDS.map(txidFromHex));
    expect(root).toEqual(hexToBytes(BLOCK_170_HEADER).subarray(36, 68));
  });

  it('returns a single hash as the root', () => {
    const only = h(1);
    const root = merkleRoot([only]);
    expect(root).toEqual(only);
    root[0] ^= 0xff;
    expect(only).toEqual(h(1)); // a copy, not the caller's array
  });

  it('pairs an odd last hash with itself', () => {
    const [a, b, c] = [h(1), h(2), h(3)];
    expect(merkleRoot([a, b, c])).toEqual(pairHash(pairHash(a, b), pairHash(c, c)));
    expect(merkleRoot([a, b, c, c])).toEqual(merkleRoot([a, b, c])); // the CVE-2012-2459 ambiguity, faithfully
  });

  it('refuses no hashes and hashes that are not 32 bytes', () => {
    expect(() => merkleRoot([])).toThrow(RangeError);
    expect(() => merkleRoot([new Uint8Array(31)])).toThrow(/32 bytes/);
  });
});

describe('merkleProof', () => {
  const leaves = BLOCK_100K_TXIDS.map(txidFromHex);
  const root = txidFromHex(BLOCK_100K_ROOT);

  it('lists siblings bottom-up, as electrs builds Esplora merkle-proof and Electrum get_merkle', () => {
    expect(merkleProof(leaves, 0)).toEqual([leaves[1], pairHash(leaves[2], leaves[3])]);
    expect(merkleProof(leaves, 3)).toEqual([leaves[2], pairHash(leaves[0], leaves[1])]);
    for (let i = 0; i < 4; i++) expect(verifyMerkleProof(leaves[i], merkleProof(leaves, i), i, root)).toBe(true);
  });

  it('uses the node itself as the sibling of an odd last node', () => {
    const [a, b, c] = [h(1), h(2), h(3)];
    expect(merkleProof([a, b, c], 2)).toEqual([c, pairHash(a, b)]);
  });

  it('is empty for a one-transaction block', () => {
    expect(merkleProof([h(9)], 0)).toEqual([]);
    expect(verifyMerkleProof(h(9), [], 0, h(9))).toBe(true);
  });

  it('refuses an index outside the list', () => {
    expect(() => merkleProof(leaves, 4)).toThrow(RangeError);
    expect(() => merkleProof(leaves, -1)).toThrow(RangeError);
  });
});

describe('verifyMerkleProof', () => {
  const leaves = BLOCK_100K_TXIDS.map(txidFromHex);
  const root = txidFromHex(BLOCK_100K_ROOT);
  const proof = merkleProof(leaves, 1);

  it('rejects a wrong leaf, index, root or sibling', () => {
    expect(verifyMerkleProof(leaves[0], proof, 1, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], proof, 0, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], proof, 1, leaves[0])).toBe(false);
    expect(verifyMerkleProof(leaves[1], [proof[0], leaves[0]], 1, root)).toBe(false);
  });

  it('returns false, never throws, on malformed input', () => {
    expect(verifyMerkleProof(new Uint8Array(31), proof, 1, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], [new Uint8Array(31), proof[1]], 1, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], proof, 1.5, root)).toBe(false);
    expect(verifyMerkleProof(leaves[1], proof, 5, root)).toBe(false); // needs a third level
  });
});

describe('properties', () => {
  const hashList = fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 70 });

  it('every proof of every leaf verifies against the root', () => {
    fc.assert(
      fc.property(hashList, fc.nat(), (hashes, k) => {
        const index = k % hashes.length;
        const root = merkleRoot(hashes);
        const proof = merkleProof(hashes, index);
        expect(proof).toHaveLength(Math.ceil(Math.log2(hashes.length)));
        expect(verifyMerkleProof(hashes[index], proof, index, root)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a proof with one flipped bit does not verify', () => {
    fc.assert(
      fc.property(hashList, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (hashes, k, which, bit) => {
        fc.pre(hashes.length > 1);
        const index = k % hashes.length;
        const root = merkleRoot(hashes);
        const proof = merkleProof(hashes, index);
        const level = which % proof.length;
        const tampered = proof.map((p) => Uint8Array.from(p));
        tampered[level][bit >> 3] ^= 1 << (bit & 7);
        expect(verifyMerkleProof(hashes[index], tampered, index, root)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
