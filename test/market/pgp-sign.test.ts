// Signing with the world clock, verification with reasons, encryption to a vendor key, lookalike keys.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { ed25519Fingerprint, ed25519PrimaryPublicKey, generateKey, type GeneratedKey } from '../../market/pgp/keys.ts';
import { clearSign, detachedSign } from '../../market/pgp/sign.ts';
import { verifyClearSigned, verifyDetached } from '../../market/pgp/verify.ts';
import { decryptWith, encryptTo } from '../../market/pgp/encrypt.ts';
import { lookalikeKey, lookalikePair, shortIdScanner, DEFAULT_WINDOW_SECONDS } from '../../market/pgp/lookalike.ts';

const KEY_DATE = new Date('2020-02-01T00:00:00Z');
const SIGN_DATE = new Date('2020-06-01T08:30:00Z');
const MIRRORS = [
  'SilkWay Market: official mirrors, valid until 2020-07-01',
  '',
  '- silkway3xq7mirror1.onion',
  '- silkway7kd2mirror2.onion',
  '-- do not trust any other address --',
  'From the admins.',
  '',
].join('\n');

let market: GeneratedKey;
let phish: GeneratedKey;

beforeAll(async () => {
  market = await generateKey({ seed: 'test/market', name: 'SilkWay Market', email: 'admin@silkway.onion', created: KEY_DATE });
  phish = await generateKey({ seed: 'test/phish', name: 'SilkWay Market', email: 'admin@silkway.onion', created: KEY_DATE });
});

describe('clearSign + verifyClearSigned', () => {
  it('verifies a signed mirror list and reports who signed it and when', async () => {
    const signed = await clearSign(MIRRORS, market.privateArmored, SIGN_DATE);
    expect(signed.startsWith('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n')).toBe(true);
    expect(signed).toContain('\n- - silkway3xq7mirror1.onion\n'); // dash-escaped (RFC 4880 §7.1)
    const v = await verifyClearSigned(signed, market.publicArmored);
    expect(v).toMatchObject({ valid: true, reason: 'ok', text: MIRRORS, fingerprint: market.fingerprint, keyId: market.keyId });
    expect(v.signedAt?.toISOString()).toBe(SIGN_DATE.toISOString());
    expect(v.userIds).toEqual(['SilkWay Market <admin@silkway.onion>']);
  });

  it('signs deterministically (no salt notation, world-clock date)', async () => {
    const a = await clearSign(MIRRORS, market.privateArmored, SIGN_DATE);
    const b = await clearSign(MIRRORS, market.privateArmored, SIGN_DATE);
    expect(b).toBe(a);
    const message = await openpgp.readCleartextMessage({ cleartextMessage: a });
    const [result] = (await openpgp.verify({ message, verificationKeys: await openpgp.readKey({ armoredKey: market.publicArmored }) })).signatures;
    expect((await result.signature).packets[0].rawNotations).toEqual([]);
  });

  it('fails as "altered" when the text is changed after signing', async () => {
    const signed = await clearSign(MIRRORS, market.privateArmored, SIGN_DATE);
    const tampered = signed.replace('silkway3xq7mirror1', 'silkwayphishmirror1');
    expect(tampered).not.toBe(signed);
    const v = await verifyClearSigned(tampered, market.publicArmored);
    expect(v).toMatchObject({ valid: false, reason: 'altered', keyId: market.keyId });
    expect(v.text).toContain('silkwayphishmirror1');
  });

  it('fails as "wrong-key" against another key, naming the signing key ID', async () => {
    const byPhish = await clearSign(MIRRORS, phish.privateArmored, SIGN_DATE);
    const v = await verifyClearSigned(byPhish, market.publicArmored);
    expect(v).toMatchObject({ valid: false, reason: 'wrong-key', keyId: phish.keyId, fingerprint: market.fingerprint });
    expect(v.detail).toContain(phish.keyId);
  });

  it('fails as "bad-message" or "bad-key" on unreadable input, without throwing', async () => {
    const signed = await clearSign(MIRRORS, market.privateArmored, SIGN_DATE);
    expect((await verifyClearSigned('hello', market.publicArmored)).reason).toBe('bad-message');
    const broken = signed.replace(/-----BEGIN PGP SIGNATURE-----[\s\S]*$/, '-----BEGIN PGP SIGNATURE-----\n\n!!!!\n-----END PGP SIGNATURE-----\n');
    expect((await verifyClearSigned(broken, market.publicArmored)).reason).toBe('bad-message');
    const badKey = await verifyClearSigned(signed, 'not a key');
    expect(badKey).toMatchObject({ valid: false, reason: 'bad-key', text: MIRRORS });
    expect(badKey.detail).toMatch(/not an armored OpenPGP key/);
    const garbledKey = market.publicArmored.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect((await verifyClearSigned(signed, garbledKey)).reason).toBe('bad-key');
  });

  it('any change to a signed line is detected', async () => {
    const lines = fc.array(fc.stringMatching(/^[A-Za-z0-9.:,/ -]{1,40}$/).map((l) => l.trim()).filter((l) => l.length > 0), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(lines, fc.nat(), async (ls, pick) => {
        const text = ls.join('\n');
        const signed = await clearSign(text, market.privateArmored, SIGN_DATE);
        const ok = await verifyClearSigned(signed, market.publicArmored);
        expect(ok.valid).toBe(true);
        expect(ok.text).toBe(text);
        const i = pick % ls.length;
        const changed = [...ls];
        changed[i] = changed[i] + 'X';
        const forged = resign(signed, ls, changed);
        const bad = await verifyClearSigned(forged, market.publicArmored);
        expect(bad.valid).toBe(false);
        expect(bad.reason).toBe('altered');
      }),
      { numRuns: 25 },
    );
  });

  it('refuses to sign before the key existed', async () => {
    await expect(clearSign('x', market.privateArmored, new Date('2019-01-01T00:00:00Z'))).rejects.toThrow(/before the key was created/);
    await expect(clearSign('x', market.publicArmored, SIGN_DATE)).rejects.toThrow(RangeError);
  });
});

/** The signed message with its text lines replaced (signature block kept), as a tamperer would. */
function resign(signed: string, from: string[], to: string[]): string {
  const escape = (l: string) => (l.startsWith('-') ? `- ${l}` : l);
  const head = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n';
  expect(signed.startsWith(head + from.map(escape).join('\n') + '\n-----BEGIN PGP SIGNATURE-----')).toBe(true);
  return head + to.map(escape).join('\n') + signed.slice(head.length + from.map(escape).join('\n').length);
}

describe('detachedSign + verifyDetached', () => {
  it('verifies text and bytes, and detects changes', async () => {
    const sig = await detachedSign(MIRRORS, market.privateArmored, SIGN_DATE);
    expect(sig).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    expect(await detachedSign(MIRRORS, market.privateArmored, SIGN_DATE)).toBe(sig);
    expect((await verifyDetached(MIRRORS, sig, market.publicArmored)).valid).toBe(true);
    expect((await verifyDetached(MIRRORS.replace('mirror2', 'mirror3'), sig, market.publicArmored)).reason).toBe('altered');
    expect((await verifyDetached(MIRRORS, sig, phish.publicArmored)).reason).toBe('wrong-key');

    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    const bsig = await detachedSign(bytes, market.privateArmored, SIGN_DATE);
    const ok = await verifyDetached(bytes, bsig, market.publicArmored);
    expect(ok).toMatchObject({ valid: true, text: null, keyId: market.keyId });
    expect((await verifyDetached(Uint8Array.from([0, 1, 2, 250, 254]), bsig, market.publicArmored)).reason).toBe('altered');
    expect((await verifyDetached(bytes, 'nope', market.publicArmored)).reason).toBe('bad-message');
  });
});

describe('encryptTo + decryptWith', () => {
  it('round-trips an order address, only for the recipient', async () => {
    const address = 'J. Doe\nFlat 4, 12 Example Road\nLondon';
    const armored = await encryptTo(market.publicArmored, address);
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(armored).not.toContain('Example Road');
    expect(await decryptWith(market.privateArmored, armored)).toBe(address);
    await expect(decryptWith(phish.privateArmored, armored)).rejects.toThrow(/not encrypted to this key/);
    const msg = await openpgp.readMessage({ armoredMessage: armored });
    const subkeyId = (await openpgp.readKey({ armoredKey: market.publicArmored })).subkeys[0].getKeyID().toHex();
    expect(msg.getEncryptionKeyIDs().map((id) => id.toHex())).toEqual([subkeyId]);
  });

  it('explains what is wrong with the input', async () => {
    await expect(encryptTo('garbage', 'x')).rejects.toThrow(/not an armored OpenPGP key/);
    await expect(encryptTo(market.publicArmored, '   ')).rejects.toThrow(/no text/);
    await expect(encryptTo(market.publicArmored, 'x'.repeat(20_000))).rejects.toThrow(/longer than/);
    await expect(decryptWith(market.privateArmored, 'garbage')).rejects.toThrow(/not an armored OpenPGP message/);
    await expect(decryptWith(market.publicArmored, 'garbage')).rejects.toThrow(/private key could not be read/);
  });
});

describe('lookalike keys', () => {
  it('shortIdScanner agrees with the v4 fingerprint', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 0xffffffff }), (seed, t) => {
        const scan = shortIdScanner(ed25519PrimaryPublicKey(seed));
        const fpr = ed25519Fingerprint(seed, new Date(t * 1000));
        expect(scan(t).toString(16).toUpperCase().padStart(8, '0')).toBe(fpr.slice(-8));
      }),
      { numRuns: 200 },
    );
  });

  it('lookalikePair: same short key ID, different key, deterministic, dates within the window', async () => {
    const genuine = { seed: 'test/vendor-7', name: 'DrGreen', email: 'drgreen@silkway.onion', created: KEY_DATE };
    const clone = { seed: 'test/clone-7', name: 'DrGreen', email: 'drgreen@silkway.onion', created: new Date('2020-05-01T00:00:00Z') };
    const pair = await lookalikePair(genuine, clone);
    expect(pair.lookalike.shortId).toBe(pair.genuine.shortId);
    expect(pair.lookalike.keyId).not.toBe(pair.genuine.keyId);
    expect(pair.lookalike.fingerprint).not.toBe(pair.genuine.fingerprint);
    for (const [key, asked] of [[pair.genuine, genuine.created], [pair.lookalike, clone.created]] as const) {
      expect(key.created.getTime()).toBeLessThanOrEqual(asked.getTime());
      expect(key.created.getTime()).toBeGreaterThan(asked.getTime() - DEFAULT_WINDOW_SECONDS * 1000);
    }
    const again = await lookalikePair(genuine, clone);
    expect(again.genuine.publicArmored).toBe(pair.genuine.publicArmored);
    expect(again.lookalike.publicArmored).toBe(pair.lookalike.publicArmored);
    // The genuine key is an ordinary generateKey result at the shifted date.
    expect((await generateKey({ ...genuine, created: pair.genuine.created })).fingerprint).toBe(pair.genuine.fingerprint);

    // The exercise: the clone's signature names a key whose short ID matches, yet fails against the genuine key.
    const signed = await clearSign('Our new mirror: drgreenphish.onion', pair.lookalike.privateArmored, new Date('2020-05-02T00:00:00Z'));
    const v = await verifyClearSigned(signed, pair.genuine.publicArmored);
    expect(v.reason).toBe('wrong-key');
    expect(v.keyId!.slice(-8)).toBe(pair.genuine.shortId);
  });

  it('lookalikeKey matches a shorter suffix of an arbitrary key and refuses 8 digits', async () => {
    const { lookalike } = await lookalikeKey(market.fingerprint, { seed: 'test/clone-m', name: 'SilkWay Market', created: SIGN_DATE });
    expect(lookalike.fingerprint.slice(-4)).toBe(market.fingerprint.slice(-4));
    expect(lookalike.fingerprint).not.toBe(market.fingerprint);
    await expect(lookalikeKey(market.fingerprint, { seed: 's', name: 'n', created: SIGN_DATE }, { hexDigits: 8 })).rejects.toThrow(/lookalikePair/);
    await expect(lookalikePair({ seed: 'a', name: 'a', created: KEY_DATE, kind: 'rsa' }, { seed: 'b', name: 'b', created: KEY_DATE })).rejects.toThrow(/Ed25519/);
  });
});
