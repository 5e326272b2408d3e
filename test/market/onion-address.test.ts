import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base32nopad } from '@scure/base';
import { Rng } from '../../chain/rng.ts';
import {
  BASE32_ALPHABET,
  OnionAddressError,
  deriveOnion,
  deriveOnionIdentity,
  isValidOnion,
  normalizeOnion,
  onionChecksum,
  onionFromPublicKey,
  parseOnion,
} from '../../market/onion/index.ts';

/** The reason parseOnion gives, or null when it accepts the address. */
function refusal(address: string): { problem: string; message: string } | null {
  try {
    parseOnion(address);
    return null;
  } catch (e) {
    if (!(e instanceof OnionAddressError)) throw e;
    return { problem: e.problem, message: e.message };
  }
}

/** An address for any 32 bytes and version byte, with a correct checksum: to reach the later checks. */
function forge(pub: Uint8Array, version = 3): string {
  const data = new Uint8Array([...utf8ToBytes('.onion checksum'), ...pub, version]);
  const checksum = sha3_256(data).slice(0, 2);
  return base32nopad.encode(new Uint8Array([...pub, ...checksum, version])).toLowerCase();
}

describe('Tor v3 onion addresses: vectors from tor and the spec', () => {
  // tor: src/test/test_hs_common.c test_build_address, built by src/test/hs_build_address.py from
  // the public key of RFC 8032's first Ed25519 test vector.
  const rfc8032Key = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const torVector = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid';

  it('builds the address tor builds for the RFC 8032 key, and parses it back', () => {
    expect(onionFromPublicKey(hexToBytes(rfc8032Key))).toBe(torVector);
    const parsed = parseOnion(`${torVector}.onion`);
    expect(bytesToHex(parsed.publicKey)).toBe(rfc8032Key);
    expect(parsed.version).toBe(3);
  });

  it('accepts the example addresses of rend-spec-v3 and re-encodes them unchanged', () => {
    for (const example of [
      'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd',
      'sp3k262uwy4r2k3ycr5awluarykdpag6a7y33jxop4cs2lu5uz5sseqd',
      'xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd',
    ]) {
      expect(refusal(`${example}.onion`)).toBeNull();
      expect(onionFromPublicKey(parseOnion(example).publicKey)).toBe(example);
    }
  });

  it('refuses what test_validate_address refuses, for the same reasons', () => {
    expect(refusal('blah')).toEqual({ problem: 'length', message: expect.stringContaining('this one has 4') });
    const tooLong = 'p3xnclpu4mu22dwaurjtsybyqk4xfjmcfz6z62yl24uwmhjatiwnlnadb';
    expect(refusal(tooLong)).toEqual({ problem: 'length', message: expect.stringContaining('this one has 57') });
    // "Invalid checksum (taken from prop224)" and a second one.
    expect(refusal('l5satjgud6gucryazcyvyvhuxhr74u6ygigiuyixe3a6ysis67ororad')?.problem).toBe('checksum');
    expect(refusal('btojiu7nu5y5iwut64eufevogqdw4wmqzugnoluw232r4t3ecsfv37ad')?.problem).toBe('checksum');
    expect(refusal('?'.repeat(56))).toEqual({ problem: 'base32', message: expect.stringContaining("'?' at position 1") });
    expect(isValidOnion(torVector)).toBe(true);
  });

  it('says v2 addresses are no longer supported', () => {
    // The Tor Project's retired v2 address.
    const v2 = refusal('expyuzz4wqqyqhjn.onion');
    expect(v2?.problem).toBe('v2');
    expect(v2?.message).toContain('v2 onion addresses are no longer supported');
  });

  it('points at mistyped digits', () => {
    const typo = torVector.slice(0, 10) + '0' + torVector.slice(11);
    expect(refusal(typo)).toEqual({ problem: 'base32', message: expect.stringMatching(/'0' at position 11.*never appear/) });
  });

  it('refuses a version byte other than 3, even with a matching checksum', () => {
    const v4 = forge(hexToBytes(rfc8032Key), 4);
    expect(v4).toHaveLength(56);
    expect(refusal(v4)).toEqual({ problem: 'version', message: expect.stringContaining('0x04') });
  });

  it('refuses keys Tor refuses: off the curve, non-canonical, identity, small order, torsion component', () => {
    // The key bytes of the second invalid-checksum vector are not a curve point at all.
    const offCurve = base32nopad.decode('btojiu7nu5y5iwut64eufevogqdw4wmqzugnoluw232r4t3ecsfv37ad'.toUpperCase()).slice(0, 32);
    const identity = new Uint8Array(32);
    identity[0] = 1;
    // y = p + 1: the identity spelled with an out-of-range coordinate.
    const nonCanonical = hexToBytes('ee' + 'ff'.repeat(30) + '7f');
    // (0, -1): the point of order 2.
    const orderTwo = hexToBytes('ec' + 'ff'.repeat(30) + '7f');
    const withTorsion = ed25519.Point.BASE.add(ed25519.Point.fromBytes(orderTwo)).toBytes();
    for (const [key, why] of [
      [offCurve, 'not a point'],
      [nonCanonical, 'not a point'],
      [identity, 'identity'],
      [orderTwo, 'torsion'],
      [withTorsion, 'torsion'],
    ] as const) {
      const address = forge(key);
      expect(refusal(address)).toEqual({ problem: 'key', message: expect.stringContaining(why) });
      expect(() => onionFromPublicKey(key)).toThrow(OnionAddressError);
    }
  });

  it('reads hostnames in any case, with or without .onion, and normalizes them', () => {
    expect(normalizeOnion(`${torVector.toUpperCase()}.ONION`)).toBe(torVector);
    expect(normalizeOnion(torVector)).toBe(torVector);
    expect(() => normalizeOnion(`${torVector}.onion.onion`)).toThrow(OnionAddressError);
    expect(() => onionFromPublicKey(new Uint8Array(31))).toThrow(TypeError);
  });

  it('computes the checksum as SHA3-256 over ".onion checksum" | key | version', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 255 }), (key, version) => {
        const reference = sha3_256(new Uint8Array([...utf8ToBytes('.onion checksum'), ...key, version])).slice(0, 2);
        expect(bytesToHex(onionChecksum(key, version))).toBe(bytesToHex(reference));
      }),
    );
  });
});

describe('derived onion addresses', () => {
  it('are Tor service identities: the address of the ed25519 key of a seeded secret', () => {
    const identity = deriveOnionIdentity(Rng.fromSeed('market/silkway'));
    expect(bytesToHex(identity.publicKey)).toBe(bytesToHex(ed25519.getPublicKey(identity.secretSeed)));
    expect(identity.address).toBe(onionFromPublicKey(identity.publicKey));
    expect(deriveOnion(Rng.fromSeed('market/silkway'))).toBe(identity.address);
  });

  it('parse back, and the same seed gives the same address', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const address = deriveOnion(Rng.fromSeed(seed));
        expect(address).toMatch(/^[a-z2-7]{55}d$/);
        expect(refusal(address)).toBeNull();
        expect(onionFromPublicKey(parseOnion(address).publicKey)).toBe(address);
        expect(deriveOnion(Rng.fromSeed(seed))).toBe(address);
      }),
      { numRuns: 60 },
    );
  });

  it('differ between streams', () => {
    const rng = Rng.fromSeed(7);
    const addresses = new Set(Array.from({ length: 20 }, (_, i) => deriveOnion(rng.fork(`site/${i}`))));
    expect(addresses.size).toBe(20);
  });

  it('are refused after any single-character change', () => {
    const others = [...BASE32_ALPHABET, '0', '1', '8', '9', '-', '.', 'é'];
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 55 }), fc.constantFrom(...others), (seed, at, c) => {
        const address = deriveOnion(Rng.fromSeed(seed));
        fc.pre(address[at] !== c);
        const changed = address.slice(0, at) + c + address.slice(at + 1);
        expect(refusal(changed)).not.toBeNull();
        expect(isValidOnion(changed)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
