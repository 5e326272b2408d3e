// Parsing armored keys and messages pasted by people (or by world code), with one-line reasons
// instead of openpgp.js's internal error texts.
import * as openpgp from 'openpgp';
import { PGP_CONFIG } from './config.ts';

/** Large enough for any real key with a few certifications; keeps a pasted blob from tying up the server. */
export const MAX_ARMORED_LENGTH = 64 * 1024;

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

function checkArmoredInput(what: string, armored: unknown): string {
  if (typeof armored !== 'string') throw new TypeError(`${what} must be a string`);
  if (armored.trim() === '') throw new RangeError(`${what} is empty`);
  if (armored.length > MAX_ARMORED_LENGTH) throw new RangeError(`${what} is longer than ${MAX_ARMORED_LENGTH} characters`);
  return armored;
}

/** A public key, or the public half of a pasted private key. */
export async function readPublicKey(armored: string): Promise<openpgp.PublicKey> {
  checkArmoredInput('the public key', armored);
  if (!armored.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----') && !armored.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) {
    throw new RangeError('the key is not an armored OpenPGP key (expected "-----BEGIN PGP PUBLIC KEY BLOCK-----")');
  }
  try {
    const key = await openpgp.readKey({ armoredKey: armored, config: PGP_CONFIG });
    return key.isPrivate() ? key.toPublic() : (key as openpgp.PublicKey);
  } catch (err) {
    throw new RangeError(`the key could not be read: ${firstLine(err)}`);
  }
}

export async function readPrivateKey(armored: string): Promise<openpgp.PrivateKey> {
  checkArmoredInput('the private key', armored);
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored, config: PGP_CONFIG });
  } catch (err) {
    throw new RangeError(`the private key could not be read: ${firstLine(err)}`);
  }
  if (!key.isDecrypted()) throw new RangeError('the private key is passphrase-protected; lab keys are stored unprotected');
  return key;
}

export async function readCleartext(armored: string): Promise<openpgp.CleartextMessage> {
  checkArmoredInput('the signed message', armored);
  if (!armored.includes('-----BEGIN PGP SIGNED MESSAGE-----')) {
    throw new RangeError('the message is not clear-signed (expected "-----BEGIN PGP SIGNED MESSAGE-----")');
  }
  try {
    return await openpgp.readCleartextMessage({ cleartextMessage: armored, config: PGP_CONFIG });
  } catch (err) {
    throw new RangeError(`the signed message could not be read: ${firstLine(err)}`);
  }
}

export async function readArmoredSignature(armored: string): Promise<openpgp.Signature> {
  checkArmoredInput('the signature', armored);
  try {
    return await openpgp.readSignature({ armoredSignature: armored, config: PGP_CONFIG });
  } catch (err) {
    throw new RangeError(`the signature could not be read: ${firstLine(err)}`);
  }
}

export async function readEncryptedMessage(armored: string): Promise<openpgp.Message<string>> {
  checkArmoredInput('the encrypted message', armored);
  if (!armored.includes('-----BEGIN PGP MESSAGE-----')) {
    throw new RangeError('the message is not an armored OpenPGP message (expected "-----BEGIN PGP MESSAGE-----")');
  }
  try {
    return await openpgp.readMessage({ armoredMessage: armored, config: PGP_CONFIG });
  } catch (err) {
    throw new RangeError(`the encrypted message could not be read: ${firstLine(err)}`);
  }
}

export { firstLine };
