// Deterministic OpenPGP keys: same seed → same bytes, real v4 packets openpgp.js accepts and validates.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { createHash } from 'node:crypto';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ed25519Fingerprint, generateKey, secretKeyPackets } from '../../market/pgp/keys.ts';
import { readKeyInfo } from '../../market/pgp/inspect.ts';
import { groupFingerprint, longKeyId, normalizeFingerprint, shortKeyId } from '../../market/pgp/fingerprint.ts';
import { mpi, v4Fingerprint } from '../../market/pgp/packets.ts';

const CREATED = new Date('2020-01-01T00:00:00Z');
const vendor = (seed: string | Uint8Array, over: Partial<Parameters<typeof generateKey>[0]> = {}) =>
  generateKey({ seed, name: 'Pinned Vendor', email: 'pinned@market.onion', created: CREATED, ...over });

/** openpgp.js checks that each secret key's private parameters match its public ones. */
async function expectConsistentSecretKeys(privateArmored: string) {
  const key = await openpgp.readPrivateKey({ armoredKey: privateArmored });
  expect(key.isDecrypted()).toBe(true);
  await expect((key.keyPacket as openpgp.SecretKeyPacket).validate()).resolves.toBeUndefined();
  expect(key.subkeys).toHaveLength(1);
  await expect((key.subkeys[0].keyPacket as openpgp.SecretSubkeyPacket).validate()).resolves.toBeUndefined();
  return key;
}

describe('mpi (RFC 4880 §3.2)', () => {
  it('encodes the RFC examples', () => {
    expect(bytesToHex(mpi(Uint8Array.of(1)))).toBe('000101');
    expect(bytesToHex(mpi(Uint8Array.of(0x01, 0xff)))).toBe('000901ff');
  });
  it('drops leading zero bytes and counts bits from the first set bit', () => {
    expect(bytesToHex(mpi(Uint8Array.of(0, 0, 0x40, 0)))).toBe('000f4000');
    expect(bytesToHex(mpi(new Uint8Array(3)))).toBe('0000');
  });
});

describe('generateKey', () => {
  it('is byte-identical for the same options (pinned fingerprint)', async () => {
    const a = await vendor('onion-range/test/pin');
    const b = await vendor('onion-range/test/pin');
    expect(a.publicArmored).toBe(b.publicArmored);
    expect(a.privateArmored).toBe(b.privateArmored);
    // Pinned: a change here changes every vendor key of every world.
    expect(a.fingerprint).toBe('BFB2E8548662BB62C872301E7215EC7305696CE4');
    expect(a.keyId).toBe('7215EC7305696CE4');
    expect(a.shortId).toBe('05696CE4');
    expect(a.userId).toBe('Pinned Vendor <pinned@market.onion>');
    expect(a.created.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('gives different keys for different seeds and different creation times', async () => {
    const a = await vendor('seed-a');
    const b = await vendor('seed-b');
    const later = await vendor('seed-a', { created: new Date('2020-01-01T00:00:01Z') });
    expect(new Set([a.fingerprint, b.fingerprint, later.fingerprint]).size).toBe(3);
    expect(a.publicArmored).not.toBe(b.publicArmored);
  });

  it('treats a string seed as its UTF-8 bytes', async () => {
    const a = await vendor('vendor/ü');
    const b = await vendor(new TextEncoder().encode('vendor/ü'));
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('keeps whole seconds of the creation time', async () => {
    const a = await vendor('ms', { created: new Date('2020-05-05T10:00:00.999Z') });
    expect(a.created.toISOString()).toBe('2020-05-05T10:00:00.000Z');
    expect(a.fingerprint).toBe((await vendor('ms', { created: new Date('2020-05-05T10:00:00Z') })).fingerprint);
  });

  it('user ID does not change the fingerprint (it is not part of the key packet)', async () => {
    const a = await vendor('uid');
    const b = await vendor('uid', { name: 'Someone Else', email: undefined });
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.userId).toBe('Someone Else');
  });

  it('makes an Ed25519 signing primary with a cv25519 encryption subkey whose secrets match', async () => {
    const k = await vendor('layout');
    const key = await expectConsistentSecretKeys(k.privateArmored);
    const info = await readKeyInfo(k.publicArmored);
    expect(info).toMatchObject({ fingerprint: k.fingerprint, keyId: k.keyId, shortId: k.shortId, algorithm: 'ed25519' });
    expect(info.userIds).toEqual(['Pinned Vendor <pinned@market.onion>']);
    expect(info.subkeys.map((s) => s.algorithm)).toEqual(['cv25519']);
    expect(info.created.toISOString()).toBe(CREATED.toISOString());
    await expect(key.getSigningKey()).resolves.toBe(key);
    const enc = await key.getEncryptionKey();
    expect(enc.getKeyID().toHex()).toBe(key.subkeys[0].getKeyID().toHex());
  });

  it('computes the v4 fingerprint of its own packets the way openpgp.js does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), async (seed, t) => {
        const created = new Date(t * 1000);
        const key = await openpgp.readPrivateKey({ binaryKey: secretKeyPackets(seed, created) });
        expect(ed25519Fingerprint(seed, created)).toBe(key.getFingerprint().toUpperCase());
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic for arbitrary seeds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), async (seed) => {
        const a = await vendor(seed);
        const b = await vendor(seed);
        expect(b.privateArmored).toBe(a.privateArmored);
        expect(a.fingerprint).toMatch(/^[0-9A-F]{40}$/);
        expect(a.fingerprint.endsWith(a.keyId) && a.keyId.endsWith(a.shortId)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('makes deterministic RSA-2048 keys on request', async () => {
    const a = await vendor('onion-range/test/pin', { kind: 'rsa', email: undefined });
    const b = await vendor('onion-range/test/pin', { kind: 'rsa', email: undefined });
    expect(b.privateArmored).toBe(a.privateArmored);
    expect(a.fingerprint).toBe('6F8BE6F05753F0B96C7EA8BDE5F425C8CABA664C');
    await expectConsistentSecretKeys(a.privateArmored);
    const info = await readKeyInfo(a.publicArmored);
    expect(info.algorithm).toBe('rsa2048');
    expect(info.subkeys.map((s) => s.algorithm)).toEqual(['rsa2048']);
  });

  it('rejects bad options with a one-line reason', async () => {
    await expect(vendor('x', { name: '' })).rejects.toThrow(RangeError);
    await expect(vendor('x', { name: 'Evil <evil@x>' })).rejects.toThrow(/must not contain/);
    await expect(vendor('x', { name: 'a\nb' })).rejects.toThrow(RangeError);
    await expect(vendor('x', { email: 'not an email' })).rejects.toThrow(/email/);
    await expect(vendor('')).rejects.toThrow(/seed/);
    await expect(vendor(new Uint8Array(0))).rejects.toThrow(/seed/);
    await expect(vendor('x', { created: new Date(NaN) })).rejects.toThrow(/valid Date/);
    await expect(vendor('x', { created: new Date('1969-12-31T00:00:00Z') })).rejects.toThrow(/1970/);
    await expect(vendor('x', { created: '2020-01-01' as unknown as Date })).rejects.toThrow(TypeError);
    await expect(vendor('x', { kind: 'dsa' as 'rsa' })).rejects.toThrow(/kind/);
  });
});

describe('fingerprint helpers', () => {
  const fpr = 'BFB2E8548662BB62C872301E7215EC7305696CE4';
  it("groups like gpg --fingerprint", () => {
    expect(groupFingerprint(fpr)).toBe('BFB2 E854 8662 BB62 C872  301E 7215 EC73 0569 6CE4');
  });
  it('normalizes common spellings and takes ID suffixes', () => {
    expect(normalizeFingerprint(' 0xbfb2 e854 8662 bb62 c872  301e 7215 ec73 0569 6ce4 ')).toBe(fpr);
    expect(longKeyId(fpr)).toBe('7215EC7305696CE4');
    expect(shortKeyId(fpr)).toBe('05696CE4');
    expect(() => normalizeFingerprint('05696CE4')).toThrow(RangeError);
  });
  it('v4Fingerprint is SHA-1 over 0x99, the 2-byte body length and the body', () => {
    const body = Uint8Array.of(4, 1, 2, 3);
    const expected = createHash('sha1').update(Uint8Array.of(0x99, 0x00, 0x04, 4, 1, 2, 3)).digest('hex').toUpperCase();
    expect(v4Fingerprint(body)).toBe(expected);
  });
});
