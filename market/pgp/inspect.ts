// What a key says about itself, in the words GnuPG uses: fingerprint, long and short key IDs,
// user IDs, algorithm ("ed25519", "cv25519", "rsa4096"), creation date.
import type * as openpgp from 'openpgp';
import { longKeyId, shortKeyId } from './fingerprint.ts';
import { readPublicKey } from './read.ts';

export interface SubkeyInfo {
  fingerprint: string;
  keyId: string;
  algorithm: string;
  created: Date;
}

export interface KeyInfo {
  fingerprint: string;
  keyId: string;
  shortId: string;
  userIds: string[];
  algorithm: string;
  created: Date;
  subkeys: SubkeyInfo[];
}

const CURVE_NAMES: Record<string, string> = {
  ed25519Legacy: 'ed25519',
  curve25519Legacy: 'cv25519',
  nistP256: 'nistp256',
  nistP384: 'nistp384',
  nistP521: 'nistp521',
  secp256k1: 'secp256k1',
  brainpoolP256r1: 'brainpoolP256r1',
  brainpoolP384r1: 'brainpoolP384r1',
  brainpoolP512r1: 'brainpoolP512r1',
};

const BITS_PREFIX: Record<string, string> = {
  rsaEncryptSign: 'rsa',
  rsaEncrypt: 'rsa',
  rsaSign: 'rsa',
  dsa: 'dsa',
  elgamal: 'elg',
};

/** GnuPG's short algorithm name for a key packet. */
export function algorithmName(info: openpgp.AlgorithmInfo): string {
  if (info.bits !== undefined && BITS_PREFIX[info.algorithm]) return `${BITS_PREFIX[info.algorithm]}${info.bits}`;
  if (info.curve !== undefined) return CURVE_NAMES[info.curve] ?? info.curve;
  return String(info.algorithm);
}

/** Reads an armored public (or private) v4 key; RangeError with a one-line reason if it is not one. */
export async function readKeyInfo(armored: string): Promise<KeyInfo> {
  const key = await readPublicKey(armored);
  if (key.keyPacket.version !== 4) {
    throw new RangeError(`this is a version ${key.keyPacket.version} key; the lab tool reads version 4 keys (the kind GnuPG 2.2 makes)`);
  }
  const fingerprint = key.getFingerprint().toUpperCase();
  return {
    fingerprint,
    keyId: longKeyId(fingerprint),
    shortId: shortKeyId(fingerprint),
    userIds: key.getUserIDs(),
    algorithm: algorithmName(key.getAlgorithmInfo()),
    created: key.getCreationTime(),
    subkeys: key.getSubkeys().map((sub) => {
      const fpr = sub.getFingerprint().toUpperCase();
      return { fingerprint: fpr, keyId: sub.getKeyID().toHex().toUpperCase(), algorithm: algorithmName(sub.getAlgorithmInfo()), created: sub.getCreationTime() };
    }),
  };
}
