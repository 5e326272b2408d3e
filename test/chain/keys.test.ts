import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { secp256k1, schnorr } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { bytesToHex, compactSizeLength, equalBytes, hexToBytes } from '../../chain/bytes.ts';
import { hash160, sha256 } from '../../chain/hash.ts';
import { KeyDeriver, compressPoint, multisigOutput, outputFor, walkPoints, type DerivedKey } from '../../chain/keys.ts';
import { scriptToAddress } from '../../chain/address.ts';
import { classifyScript, multisigScript, pushData } from '../../chain/script.ts';
import {
  estimateInputVsize,
  estimateInputWeight,
  fakeDerSignature,
  fakeSchnorrSignature,
  isStrictDerSignature,
  multisigSpendData,
  outputSize,
  spendData,
} from '../../chain/signature-shape.ts';
import { Rng } from '../../chain/rng.ts';
import type { AddressKind } from '../../chain/types.ts';

const h = hexToBytes;
const Point = secp256k1.Point;
const N = Point.Fn.ORDER;
const KINDS: AddressKind[] = ['p2pkh', 'p2sh-p2wpkh', 'p2wpkh', 'p2wsh', 'p2tr'];

/** A DerivedKey for a known public key, to check templates against published vectors. */
function keyFromPubkey(hex: string): DerivedKey {
  const pubkey = h(hex);
  return { wallet: 0, index: 0, pubkey, xOnly: pubkey.subarray(1), hash160: hash160(pubkey) };
}

function takeKeys(deriver: KeyDeriver, wallet: number, count: number): DerivedKey[] {
  const cursor = deriver.wallet(wallet);
  return Array.from({ length: count }, () => cursor.next());
}

describe('KeyDeriver lattice', () => {
  const deriver = new KeyDeriver('world-7');

  it('derives k(w, i) = SHA-256(tag || seed) + w·2^40 + i mod n', () => {
    const root = bytesToNumberBE(sha256(new TextEncoder().encode('onion-range/keys' + 'world-7'))) % N;
    for (const [w, i] of [[0, 0], [0, 1], [1, 0], [5, 123], [1000, 65]]) {
      const expected = (root + BigInt(w) * 2n ** 40n + BigInt(i)) % N;
      expect(bytesToNumberBE(deriver.secretKey(w, i))).toBe(expected);
    }
  });

  it('each public key is getPublicKey of its lattice secret and on the curve', () => {
    const keys = [...takeKeys(deriver, 0, 130), ...takeKeys(deriver, 3, 70), deriver.key(9, 1_000_000)];
    for (const key of keys) {
      const expected = secp256k1.getPublicKey(deriver.secretKey(key.wallet, key.index), true);
      expect(bytesToHex(key.pubkey)).toBe(bytesToHex(expected));
      expect(() => Point.fromBytes(key.pubkey).assertValidity()).not.toThrow();
      expect(key.pubkey.length).toBe(33);
      expect(bytesToHex(key.xOnly)).toBe(bytesToHex(key.pubkey.subarray(1)));
      expect(bytesToHex(key.hash160)).toBe(bytesToHex(hash160(key.pubkey)));
    }
  });

  it('cursor order equals random access, for any wallet and length', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), fc.integer({ min: 1, max: 200 }), fc.nat(), (w, count, pick) => {
        const keys = takeKeys(deriver, w, count);
        keys.forEach((k, i) => {
          expect(k.wallet).toBe(w);
          expect(k.index).toBe(i);
        });
        const i = pick % count;
        expect(bytesToHex(deriver.key(w, i).pubkey)).toBe(bytesToHex(keys[i].pubkey));
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic and depends on the world seed', () => {
    const again = new KeyDeriver('world-7');
    const bytesSeed = new KeyDeriver(new TextEncoder().encode('world-7'));
    const other = new KeyDeriver('world-8');
    expect(bytesToHex(again.wallet(2).next().pubkey)).toBe(bytesToHex(deriver.key(2, 0).pubkey));
    expect(bytesToHex(bytesSeed.key(2, 5).pubkey)).toBe(bytesToHex(deriver.key(2, 5).pubkey));
    expect(bytesToHex(other.key(2, 5).pubkey)).not.toBe(bytesToHex(deriver.key(2, 5).pubkey));
  });

  it('wallet bases built in order (one addition each) equal bases built by multiplication', () => {
    const sequential = new KeyDeriver('world-7');
    for (let w = 0; w < 40; w++) sequential.wallet(w);
    const fresh = new KeyDeriver('world-7');
    for (const w of [0, 1, 17, 39]) {
      expect(sequential.basePoint(w)).toEqual(fresh.basePoint(w));
      expect(bytesToHex(compressPoint(sequential.basePoint(w)))).toBe(bytesToHex(fresh.key(w, 0).pubkey));
    }
  });

  it('at(i) matches next() inside and outside the current batch', () => {
    const cursor = deriver.wallet(11);
    const seen = Array.from({ length: 20 }, () => cursor.next());
    expect(cursor.issued).toBe(20);
    for (const i of [0, 7, 8, 19]) expect(bytesToHex(cursor.at(i).pubkey)).toBe(bytesToHex(seen[i].pubkey));
    expect(bytesToHex(cursor.at(500).pubkey)).toBe(bytesToHex(deriver.key(11, 500).pubkey));
    expect(bytesToHex(cursor.next().pubkey)).toBe(bytesToHex(deriver.key(11, 20).pubkey));
  });

  it('every x-only key lifts to a curve point (lift_x succeeds)', () => {
    for (const key of takeKeys(deriver, 42, 300)) {
      const lifted = schnorr.utils.lift_x(bytesToNumberBE(key.xOnly));
      expect(lifted.x).toBe(bytesToNumberBE(key.xOnly));
    }
  });

  it('rejects indices and wallets outside the lattice', () => {
    expect(() => deriver.key(0, 2 ** 40)).toThrow(RangeError);
    expect(() => deriver.key(0, -1)).toThrow(RangeError);
    expect(() => deriver.key(0, 1.5)).toThrow(RangeError);
    expect(() => deriver.wallet(-1)).toThrow(RangeError);
  });
});

describe('walkPoints', () => {
  const G = Point.BASE;
  const affine = (p: typeof G) => ({ x: p.toAffine().x, y: p.toAffine().y });

  it('returns start + j·G and start + count·G', () => {
    const start = affine(G.multiply(1234567n));
    const { points, next } = walkPoints(start, 64);
    expect(points).toHaveLength(64);
    points.forEach((p, j) => expect(p).toEqual(affine(G.multiply(1234567n + BigInt(j)))));
    expect(next).toEqual(affine(G.multiply(1234567n + 64n)));
  });

  it('still works when start = j·G makes an affine denominator zero', () => {
    for (const [k, count] of [[3n, 4], [64n, 64], [1n, 1]] as const) {
      const { points, next } = walkPoints(affine(G.multiply(k)), count);
      points.forEach((p, j) => expect(p).toEqual(affine(G.multiply(k + BigInt(j)))));
      expect(next).toEqual(affine(G.multiply(k + BigInt(count))));
    }
  });

  it('refuses to walk through the point at infinity (start = -j·G)', () => {
    expect(() => walkPoints(affine(G.multiply(N - 2n)), 4)).toThrow(/infinity/);
    expect(() => walkPoints(affine(G.multiply(N - 64n)), 64)).toThrow(/infinity/);
  });
});

describe('outputFor and multisigOutput', () => {
  it('match published address vectors', () => {
    expect(scriptToAddress(outputFor('p2pkh', keyFromPubkey('0250863ad64a87ae8a2fe83c1af1a8403cb53f53e486d8511dad8a04887e5b2352')).script)).toBe(
      '1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs',
    );
    // rust-bitcoin's vectors, taken from mainnet transactions.
    const wrapped = outputFor('p2sh-p2wpkh', keyFromPubkey('026c468be64d22761c30cd2f12cbc7de255d592d7904b1bab07236897cc4c2e766'));
    expect(scriptToAddress(wrapped.script)).toBe('3QBRmWNqqBGme9er7fMkGqtZtp4gjMFxhE');
    expect(classifyScript(wrapped.redeemScript!)).toBe('v0_p2wpkh');
    expect(scriptToAddress(outputFor('p2wpkh', keyFromPubkey('033bc8c83c52df5712229a2f72206d90192366c36428cb0c12b6af98324d97bfbc')).script)).toBe(
      'bc1qvzvkjn4q3nszqxrv3nraga2r822xjty3ykvkuw',
    );
    // BIP350's P2TR vector is the generator's x coordinate: the key of secret 1.
    const g = keyFromPubkey('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    expect(scriptToAddress(outputFor('p2tr', g).script)).toBe('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0');
  });

  it('sorts multisig keys as BIP67 does (tx 5df912fd… 2-of-3)', () => {
    const keys = [
      '03c96d495bfdd5ba4145e3e046fee45e84a8a48ad05bd8dbb395c011a32cf9f880',
      '0375e00eb72e29da82b89367947f29ef34afb75e8654f6ea368e0acdfd92976b7c',
      '03a1b26313f430c4b15bb1fdce663207659d8cac749a0e53d70eff01874496feff',
    ].map(keyFromPubkey);
    const out = multisigOutput(2, keys);
    expect(scriptToAddress(out.script)).toBe('bc1qwqdg6squsna38e46795at95yu9atm8azzmyvckulcc7kytlcckxswvvzej');
    expect(bytesToHex(out.witnessScript).startsWith('52210375e00e')).toBe(true);
  });

  it('gives each kind its script type', () => {
    const key = new KeyDeriver('types').key(0, 0);
    expect(classifyScript(outputFor('p2pkh', key).script)).toBe('p2pkh');
    expect(classifyScript(outputFor('p2sh-p2wpkh', key).script)).toBe('p2sh');
    expect(classifyScript(outputFor('p2wpkh', key).script)).toBe('v0_p2wpkh');
    expect(classifyScript(outputFor('p2wsh', key).script)).toBe('v0_p2wsh');
    expect(classifyScript(outputFor('p2tr', key).script)).toBe('v1_p2tr');
    const p2wsh = outputFor('p2wsh', key);
    expect(bytesToHex(p2wsh.script.subarray(2))).toBe(bytesToHex(sha256(p2wsh.witnessScript!)));
  });
});

// --- signature-shape -------------------------------------------------------------------------

/** DER parse by noble: r and s as integers, or throws. */
function parseDer(sigWithHashType: Uint8Array) {
  return secp256k1.Signature.fromBytes(sigWithHashType.subarray(0, -1), 'der');
}

describe('fakeDerSignature', () => {
  it('is strict DER (BIP66) and low-S (BIP62/146) every time', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (seed, sighash, lowR) => {
        const sig = fakeDerSignature(Rng.fromSeed(seed), sighash, { lowR });
        expect(isStrictDerSignature(sig)).toBe(true);
        const parsed = parseDer(sig);
        expect(parsed.hasHighS()).toBe(false);
        expect(parsed.r > 0n && parsed.r < N).toBe(true);
        expect(parsed.s > 0n).toBe(true);
        expect(sig[sig.length - 1]).toBe(sighash);
        if (lowR) expect(sig[3]).toBeLessThanOrEqual(32);
      }),
      { numRuns: 3000 },
    );
  });

  it('has the length distribution of real signatures', () => {
    const rng = Rng.fromSeed('der-lengths');
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const len = fakeDerSignature(rng).length;
      counts.set(len, (counts.get(len) ?? 0) + 1);
    }
    expect([...counts.keys()].every((len) => len >= 69 && len <= 72)).toBe(true);
    expect(counts.get(72)! / 20_000).toBeGreaterThan(0.45);
    expect(counts.get(71)! / 20_000).toBeGreaterThan(0.45);
    expect(counts.get(70) ?? 0).toBeGreaterThan(0);
    const lowR = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const len = fakeDerSignature(rng, 1, { lowR: true }).length;
      lowR.set(len, (lowR.get(len) ?? 0) + 1);
    }
    expect(lowR.get(72) ?? 0).toBe(0);
    expect(lowR.get(71)! / 5000).toBeGreaterThan(0.95);
  });

  it('is deterministic per Rng stream', () => {
    expect(bytesToHex(fakeDerSignature(Rng.fromSeed(1)))).toBe(bytesToHex(fakeDerSignature(Rng.fromSeed(1))));
    expect(bytesToHex(fakeDerSignature(Rng.fromSeed(1)))).not.toBe(bytesToHex(fakeDerSignature(Rng.fromSeed(2))));
  });

  it('isStrictDerSignature rejects what BIP66 rejects', () => {
    const good = fakeDerSignature(Rng.fromSeed('bip66'));
    expect(isStrictDerSignature(good)).toBe(true);
    const badHeader = Uint8Array.from(good);
    badHeader[0] = 0x31;
    expect(isStrictDerSignature(badHeader)).toBe(false);
    const badLength = Uint8Array.from(good);
    badLength[1]++;
    expect(isStrictDerSignature(badLength)).toBe(false);
    // r = 0x00 0x01: a superfluous leading zero.
    expect(isStrictDerSignature(h('3007020200010201 0101'.replace(/ /g, '')))).toBe(false);
    // r negative (top bit set without a 0x00 pad).
    expect(isStrictDerSignature(h('300602018102010101'))).toBe(false);
    expect(isStrictDerSignature(h('300602010102010101'))).toBe(true);
  });
});

describe('fakeSchnorrSignature', () => {
  it('is 64 bytes with r < p and s < n (65 with an explicit sighash)', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const sig = fakeSchnorrSignature(Rng.fromSeed(seed));
        expect(sig.length).toBe(64);
        expect(bytesToNumberBE(sig.subarray(0, 32)) < Point.Fp.ORDER).toBe(true);
        expect(bytesToNumberBE(sig.subarray(32)) < N).toBe(true);
      }),
    );
    const typed = fakeSchnorrSignature(Rng.fromSeed('t'), 0x83);
    expect(typed.length).toBe(65);
    expect(typed[64]).toBe(0x83);
  });
});

/** Serialized weight of one input: non-witness bytes ×4 plus its witness. */
function actualInputWeight(scriptSig: Uint8Array, witness: Uint8Array[]): number {
  const base = 36 + compactSizeLength(scriptSig.length) + scriptSig.length + 4;
  const wit = witness.length === 0 ? 0 : compactSizeLength(witness.length) + witness.reduce((s, w) => s + compactSizeLength(w.length) + w.length, 0);
  return base * 4 + wit;
}

describe('spendData', () => {
  const deriver = new KeyDeriver('spends');

  it('lays out scriptSig and witness per kind', () => {
    const key = deriver.key(1, 2);
    const rng = Rng.fromSeed('layout');
    const p2pkh = spendData('p2pkh', key, rng);
    expect(p2pkh.witness).toEqual([]);
    const sigLen = p2pkh.scriptSig[0];
    expect(isStrictDerSignature(p2pkh.scriptSig.subarray(1, 1 + sigLen))).toBe(true);
    expect(bytesToHex(p2pkh.scriptSig.subarray(1 + sigLen))).toBe(bytesToHex(pushData(key.pubkey)));

    const wrapped = spendData('p2sh-p2wpkh', key, rng);
    expect(bytesToHex(wrapped.scriptSig)).toBe(bytesToHex(pushData(outputFor('p2sh-p2wpkh', key).redeemScript!)));
    expect(wrapped.scriptSig.length).toBe(23);
    expect(wrapped.witness).toHaveLength(2);
    expect(equalBytes(wrapped.witness[1], key.pubkey)).toBe(true);

    const native = spendData('p2wpkh', key, rng);
    expect(native.scriptSig.length).toBe(0);
    expect(isStrictDerSignature(native.witness[0])).toBe(true);
    expect(equalBytes(native.witness[1], key.pubkey)).toBe(true);

    const wsh = spendData('p2wsh', key, rng);
    expect(equalBytes(wsh.witness[1], outputFor('p2wsh', key).witnessScript!)).toBe(true);

    const tr = spendData('p2tr', key, rng);
    expect(tr.scriptSig.length).toBe(0);
    expect(tr.witness.map((w) => w.length)).toEqual([64]);
  });

  it('multisig spends carry the dummy, m signatures and the witness script', () => {
    const keys = [deriver.key(2, 0), deriver.key(2, 1), deriver.key(2, 2)];
    const { witnessScript } = multisigOutput(2, keys);
    const spend = multisigSpendData(2, witnessScript, Rng.fromSeed('ms'));
    expect(spend.scriptSig.length).toBe(0);
    expect(spend.witness).toHaveLength(4);
    expect(spend.witness[0].length).toBe(0);
    expect(spend.witness.slice(1, 3).every(isStrictDerSignature)).toBe(true);
    expect(equalBytes(spend.witness[3], witnessScript)).toBe(true);
  });

  it('estimateInputVsize covers the real size and is within a vbyte of it', () => {
    const rng = Rng.fromSeed('sizes');
    for (const kind of KINDS) {
      const estimate = estimateInputWeight(kind);
      for (let i = 0; i < 300; i++) {
        const { scriptSig, witness } = spendData(kind, deriver.key(3, i), rng);
        const actual = actualInputWeight(scriptSig, witness);
        expect(actual, kind).toBeLessThanOrEqual(estimate);
        // The estimate assumes a 72-byte signature; real ones are 71 (half the time) or rarely 70/69,
        // i.e. at most 3 bytes shorter: 3 WU in a witness, 12 WU in p2pkh's scriptSig.
        expect(estimate - actual, kind).toBeLessThanOrEqual(kind === 'p2pkh' ? 12 : 4);
      }
    }
    for (const [m, n] of [[1, 1], [2, 3], [3, 5], [15, 15]] as const) {
      const keys = Array.from({ length: n }, (_, j) => deriver.key(4, j));
      const { witnessScript } = multisigOutput(m, keys);
      const { scriptSig, witness } = multisigSpendData(m, witnessScript, rng);
      const actual = actualInputWeight(scriptSig, witness);
      const estimate = estimateInputWeight({ multisig: [m, n] });
      expect(actual).toBeLessThanOrEqual(estimate);
      expect(estimate - actual).toBeLessThanOrEqual(2 * m);
    }
  });

  it('estimates the well-known input sizes', () => {
    expect(estimateInputVsize('p2pkh')).toBe(148);
    expect(estimateInputVsize('p2sh-p2wpkh')).toBe(91);
    expect(estimateInputVsize('p2wpkh')).toBe(68);
    expect(estimateInputVsize('p2tr')).toBe(57.5);
    expect(estimateInputVsize({ multisig: [2, 3] })).toBe(104.5);
  });

  it('outputSize counts value, length prefix and script', () => {
    const key = deriver.key(5, 0);
    expect(outputSize(outputFor('p2pkh', key).script)).toBe(34);
    expect(outputSize(outputFor('p2sh-p2wpkh', key).script)).toBe(32);
    expect(outputSize(outputFor('p2wpkh', key).script)).toBe(31);
    expect(outputSize(outputFor('p2wsh', key).script)).toBe(43);
    expect(outputSize(outputFor('p2tr', key).script)).toBe(43);
    expect(outputSize(multisigScript(1, [key.pubkey]))).toBe(8 + 1 + 37);
  });
});
