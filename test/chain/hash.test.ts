import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sha256, nobleSha256, sha256d, hash160, ripemd160, taggedHash } from '../../chain/hash.ts';
import { bytesToHex, hexToBytes } from '../../chain/bytes.ts';
import { utf8ToBytes } from '@noble/hashes/utils.js';

describe('hash functions', () => {
  it('match the NIST SHA-256 vectors', () => {
    expect(bytesToHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(bytesToHex(sha256(utf8ToBytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(bytesToHex(sha256(utf8ToBytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('native and @noble/hashes SHA-256 agree on any input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (data) => bytesToHex(sha256(data)) === bytesToHex(nobleSha256(data))));
  });

  it('computes RIPEMD-160, HASH160 and double SHA-256 as Bitcoin does', () => {
    expect(bytesToHex(ripemd160(new Uint8Array(0)))).toBe('9c1185a5c5e9fc54612808977ee8f548b2258d31');
    // BIP173's example key and its witness program.
    const pub = hexToBytes('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    expect(bytesToHex(hash160(pub))).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
    expect(bytesToHex(sha256d(utf8ToBytes('hello')))).toBe('9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50');
  });

  it('computes BIP340 tagged hashes', () => {
    const msg = utf8ToBytes('x');
    const tag = sha256(utf8ToBytes('TapTweak'));
    const expected = sha256(new Uint8Array([...tag, ...tag, ...msg]));
    expect(bytesToHex(taggedHash('TapTweak', msg))).toBe(bytesToHex(expected));
  });
});
