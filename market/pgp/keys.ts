// Real OpenPGP v4 keys, deterministic per seed: an Ed25519 (legacy EdDSA) primary key that certifies
// and signs, plus a Curve25519 ECDH subkey that encrypts — the layout `gpg --quick-gen-key` makes —
// or the same with 2048-bit RSA. The key material is derived from the seed (derive.ts), written
// as secret-key packets (packets.ts), parsed by openpgp.js and given its user ID and self-signatures
// by openpgp.reformatKey, dated at the key's creation time with signature salting off (config.ts).
// Nothing reads the wall clock or a random source, so the same options give byte-identical keys.
import * as openpgp from 'openpgp';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { PGP_CONFIG } from './config.ts';
import { deriveBytes, seedBytes } from './derive.ts';
import { longKeyId, shortKeyId } from './fingerprint.ts';
import {
  TAG,
  keyTimestamp,
  packet,
  publicBodyCv25519,
  publicBodyEd25519,
  publicBodyRsa,
  secretBody,
  v4Fingerprint,
} from './packets.ts';
import { rsaParams } from './rsa.ts';

export type KeyKind = 'ed25519' | 'rsa';

export interface KeyOptions {
  /** World-derived seed (e.g. `rng.fork('pgp/vendor/42').bytes(32)`); a string is used as its UTF-8 bytes. */
  seed: Uint8Array | string;
  /** The user ID's name part, e.g. a vendor handle. */
  name: string;
  email?: string;
  /** Creation time from the world's timeline (whole seconds are kept); also the date of the self-signatures. */
  created: Date;
  /** Default 'ed25519' (fast); 'rsa' is RSA-2048 (about a second per key). */
  kind?: KeyKind;
}

export interface GeneratedKey {
  publicArmored: string;
  /** Unprotected (no passphrase): world actors sign with it; trainees only ever see public keys. */
  privateArmored: string;
  /** 40 upper-case hex digits. */
  fingerprint: string;
  /** Long key ID: 16 upper-case hex digits. */
  keyId: string;
  /** Short key ID: 8 upper-case hex digits. */
  shortId: string;
  /** The user ID as written in the key, e.g. "Vendor <vendor@example.onion>". */
  userId: string;
  created: Date;
  kind: KeyKind;
}

const NAME_MAX = 100;
const EMAIL_RE = /^[^\s<>@"]+@[^\s<>@"]+$/;

function checkUserId(name: string, email: string | undefined): void {
  if (typeof name !== 'string' || name.trim() === '') throw new RangeError('name must be a non-empty string');
  if (name.length > NAME_MAX) throw new RangeError(`name must be at most ${NAME_MAX} characters`);
  if (/[<>\u0000-\u001f\u007f]/.test(name)) throw new RangeError('name must not contain "<", ">" or control characters');
  if (email !== undefined && !EMAIL_RE.test(email)) throw new RangeError('email must look like local@domain');
}

/** Public key of the Ed25519 primary key a seed gives: what the fingerprint of an ed25519 key depends on besides its creation time. */
export function ed25519PrimaryPublicKey(seed: Uint8Array | string): Uint8Array {
  return ed25519.getPublicKey(deriveBytes(seedBytes(seed), 'ed25519/primary', 32));
}

/** Unencrypted secret primary key + secret subkey packets, without user ID or signatures. */
export function secretKeyPackets(seed: Uint8Array | string, created: Date, kind: KeyKind = 'ed25519'): Uint8Array {
  const s = seedBytes(seed);
  const t = keyTimestamp(created);
  if (kind === 'ed25519') {
    const primarySeed = deriveBytes(s, 'ed25519/primary', 32);
    const primary = secretBody(publicBodyEd25519(t, ed25519.getPublicKey(primarySeed)), [primarySeed]);
    const k = deriveBytes(s, 'cv25519/subkey', 32);
    k[0] &= 248; // clamp (RFC 7748 §5); OpenPGP stores the clamped scalar big-endian
    k[31] = (k[31] & 127) | 64;
    const sub = secretBody(publicBodyCv25519(t, x25519.getPublicKey(k)), [k.slice().reverse()]);
    return concatBytes(packet(TAG.secretKey, primary), packet(TAG.secretSubkey, sub));
  }
  if (kind === 'rsa') {
    const p = rsaParams(s, 'rsa/primary');
    const q = rsaParams(s, 'rsa/subkey');
    const primary = secretBody(publicBodyRsa(t, p.n, p.e), [p.d, p.p, p.q, p.u]);
    const sub = secretBody(publicBodyRsa(t, q.n, q.e), [q.d, q.p, q.q, q.u]);
    return concatBytes(packet(TAG.secretKey, primary), packet(TAG.secretSubkey, sub));
  }
  throw new RangeError(`kind must be 'ed25519' or 'rsa', not ${JSON.stringify(kind)}`);
}

/** v4 fingerprint of the Ed25519 primary key `seed` gives at `created`, without building the whole key. */
export function ed25519Fingerprint(seed: Uint8Array | string, created: Date): string {
  return v4Fingerprint(publicBodyEd25519(keyTimestamp(created), ed25519PrimaryPublicKey(seed)));
}

/** A real OpenPGP key pair, the same bytes every time for the same options. */
export async function generateKey(opts: KeyOptions): Promise<GeneratedKey> {
  const { name, email, kind = 'ed25519' } = opts;
  checkUserId(name, email);
  if (!(opts.created instanceof Date)) throw new TypeError('created must be a Date from the world timeline');
  const created = new Date(keyTimestamp(opts.created) * 1000);
  const binaryKey = secretKeyPackets(opts.seed, created, kind);
  const bare = await openpgp.readPrivateKey({ binaryKey, config: PGP_CONFIG });
  const userIDs = email === undefined ? [{ name }] : [{ name, email }];
  const { privateKey, publicKey } = await openpgp.reformatKey({
    privateKey: bare,
    userIDs,
    date: created,
    format: 'armored',
    config: PGP_CONFIG,
  });
  const fingerprint = bare.getFingerprint().toUpperCase();
  return {
    publicArmored: publicKey,
    privateArmored: privateKey,
    fingerprint,
    keyId: longKeyId(fingerprint),
    shortId: shortKeyId(fingerprint),
    userId: email === undefined ? name : `${name} <${email}>`,
    created,
    kind,
  };
}
