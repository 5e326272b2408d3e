// Checking a signature against a key the way a careful buyer (or investigator) does, with the
// reason spelled out when it fails: unreadable message or key, a key other than the signer's
// (a phishing clone's signature, or the wrong vendor's key), or text altered after signing.
import * as openpgp from 'openpgp';
import { PGP_CONFIG } from './config.ts';
import { longKeyId } from './fingerprint.ts';
import { firstLine, readArmoredSignature, readCleartext, readPublicKey } from './read.ts';

export type VerifyReason =
  | 'ok'
  /** The message (or signature) is not readable armor. */
  | 'bad-message'
  /** The key is not a readable OpenPGP key. */
  | 'bad-key'
  /** The message carries no signature at all. */
  | 'no-signature'
  /** The signature was made by a key other than the one supplied. */
  | 'wrong-key'
  /** Right key, but the signed text (or data) was changed after signing. */
  | 'altered'
  /** Right key and intact data, but OpenPGP rules reject it (expired, signed before the key existed, weak hash...). */
  | 'rejected';

export interface Verification {
  valid: boolean;
  reason: VerifyReason;
  /** One line for a person: what was found. */
  detail: string;
  /** The text the message claims was signed (null if unreadable). Only trust it when `valid`. */
  text: string | null;
  /** Full fingerprint of the supplied key's primary key (null if unreadable). */
  fingerprint: string | null;
  /** Long key ID of the key that made the signature, as the signature names it (null if none). */
  keyId: string | null;
  /** When the signature says it was made (null if none). */
  signedAt: Date | null;
  /** The supplied key's user IDs, e.g. ["Vendor <vendor@market.onion>"]. */
  userIds: string[];
}

interface Parsed {
  key: openpgp.PublicKey | null;
  keyError: string | null;
}

async function parseKey(publicArmored: string): Promise<Parsed> {
  try {
    return { key: await readPublicKey(publicArmored), keyError: null };
  } catch (err) {
    return { key: null, keyError: firstLine(err) };
  }
}

function failure(reason: VerifyReason, detail: string, partial: Partial<Verification>): Verification {
  return { valid: false, reason, detail, text: null, fingerprint: null, keyId: null, signedAt: null, userIds: [], ...partial };
}

/** Judges the signatures openpgp.verify returned against one supplied key. */
async function judge(signatures: openpgp.VerifyMessageResult['signatures'], key: openpgp.PublicKey, text: string | null): Promise<Verification> {
  const fingerprint = key.getFingerprint().toUpperCase();
  const userIds = key.getUserIDs();
  const base = { text, fingerprint, userIds };
  if (signatures.length === 0) return failure('no-signature', 'the message carries no signature', base);
  const ownIds = new Set(key.getKeyIDs().map((id) => id.toHex()));
  const mine = signatures.find((s) => ownIds.has(s.keyID.toHex()));
  if (!mine) {
    const named = signatures[0].keyID.toHex().toUpperCase();
    let signedAt: Date | null = null;
    try {
      signedAt = (await signatures[0].signature).packets[0]?.created ?? null;
    } catch {
      // an unreadable signature packet still names its issuer; the date is optional here
    }
    return failure('wrong-key', `signed by key ID ${named}, which is not this key (${longKeyId(fingerprint)}) or one of its subkeys`, {
      ...base,
      keyId: named,
      signedAt,
    });
  }
  const keyId = mine.keyID.toHex().toUpperCase();
  const signedAt = (await mine.signature).packets[0]?.created ?? null;
  try {
    await mine.verified;
  } catch (err) {
    const why = firstLine(err);
    const altered = /digest did not match|verification failed/i.test(why);
    return failure(altered ? 'altered' : 'rejected', altered ? 'the signature does not match the text: it was changed after signing' : `signature rejected: ${why}`, {
      ...base,
      keyId,
      signedAt,
    });
  }
  return { valid: true, reason: 'ok', detail: `good signature from key ${keyId}`, text, fingerprint, keyId, signedAt, userIds };
}

/** Verifies a cleartext-signed message against an armored public key. Never throws for bad input: the result says why. */
export async function verifyClearSigned(message: string, publicArmored: string): Promise<Verification> {
  const { key, keyError } = await parseKey(publicArmored);
  let cleartext: openpgp.CleartextMessage;
  try {
    cleartext = await readCleartext(message);
  } catch (err) {
    return failure('bad-message', firstLine(err), key ? { fingerprint: key.getFingerprint().toUpperCase(), userIds: key.getUserIDs() } : {});
  }
  const text = cleartext.getText();
  if (!key) return failure('bad-key', keyError!, { text });
  const result = await openpgp.verify({ message: cleartext, verificationKeys: key, config: PGP_CONFIG });
  return judge(result.signatures, key, text);
}

/** Verifies an armored detached signature over `data` (a string is checked as text, bytes as binary). */
export async function verifyDetached(data: string | Uint8Array, signatureArmored: string, publicArmored: string): Promise<Verification> {
  const { key, keyError } = await parseKey(publicArmored);
  let signature: openpgp.Signature;
  try {
    signature = await readArmoredSignature(signatureArmored);
  } catch (err) {
    return failure('bad-message', firstLine(err), key ? { fingerprint: key.getFingerprint().toUpperCase(), userIds: key.getUserIDs() } : {});
  }
  const text = typeof data === 'string' ? data : null;
  if (!key) return failure('bad-key', keyError!, { text });
  const message = typeof data === 'string' ? await openpgp.createMessage({ text: data }) : await openpgp.createMessage({ binary: data });
  const result = await openpgp.verify({ message, signature, verificationKeys: key, config: PGP_CONFIG });
  return judge(result.signatures, key, text);
}
