// What the PGP tool's templates show, computed from the pgp library's results. Everything here is
// plain data; the templates escape it.
import { groupFingerprint, shortKeyId } from '../pgp/fingerprint.ts';
import type { KeyInfo } from '../pgp/inspect.ts';
import type { Verification, VerifyReason } from '../pgp/verify.ts';

export interface KeyView {
  userIds: string[];
  fingerprint: string;
  fingerprintGrouped: string;
  keyId: string;
  shortId: string;
  algorithm: string;
  created: string;
  subkeys: { keyId: string; algorithm: string; created: string }[];
}

export interface VerifyView {
  valid: boolean;
  reason: VerifyReason;
  headline: string;
  detail: string;
  text: string | null;
  signedAt: string | null;
  signatureKeyId: string | null;
  signatureShortId: string | null;
  keyFingerprintGrouped: string | null;
  keyId: string | null;
  keyShortId: string | null;
  userIds: string[];
}

/** "2020-06-01 00:00:00 UTC": what `gpg --verify` shows, in UTC like the rest of the lab. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function keyView(info: KeyInfo): KeyView {
  return {
    userIds: info.userIds,
    fingerprint: info.fingerprint,
    fingerprintGrouped: groupFingerprint(info.fingerprint),
    keyId: info.keyId,
    shortId: info.shortId,
    algorithm: info.algorithm,
    created: formatUtc(info.created),
    subkeys: info.subkeys.map((s) => ({ keyId: s.keyId, algorithm: s.algorithm, created: formatUtc(s.created) })),
  };
}

const HEADLINES: Record<VerifyReason, string> = {
  ok: 'Good signature',
  'bad-message': 'Not verified: the signed message could not be read',
  'bad-key': 'Not verified: the public key could not be read',
  'no-signature': 'Not verified: there is no signature',
  'wrong-key': 'Not verified: signed by a different key',
  altered: 'BAD signature: the text was changed after signing',
  rejected: 'Not verified: the signature was rejected',
};

export function verifyView(v: Verification): VerifyView {
  return {
    valid: v.valid,
    reason: v.reason,
    headline: HEADLINES[v.reason],
    detail: v.detail,
    text: v.text,
    signedAt: v.signedAt ? formatUtc(v.signedAt) : null,
    signatureKeyId: v.keyId,
    signatureShortId: v.keyId ? v.keyId.slice(-8) : null,
    keyFingerprintGrouped: v.fingerprint ? groupFingerprint(v.fingerprint) : null,
    keyId: v.fingerprint ? v.fingerprint.slice(-16) : null,
    keyShortId: v.fingerprint ? shortKeyId(v.fingerprint) : null,
    userIds: v.userIds,
  };
}
