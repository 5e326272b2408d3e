// Encrypting an order's delivery address to a vendor key, and the vendor reading it. Encryption
// draws real randomness (session key, ECDH ephemeral): it is a trainee's action, never part of
// world generation, so it need not be reproducible.
import * as openpgp from 'openpgp';
import { PGP_CONFIG } from './config.ts';
import { firstLine, readEncryptedMessage, readPrivateKey, readPublicKey } from './read.ts';

export const MAX_PLAINTEXT_LENGTH = 16 * 1024;
/** `gpg --throw-keyids` hides the recipient behind an all-zero key ID. */
const WILDCARD_KEY_ID = '0000000000000000';

/** An armored "-----BEGIN PGP MESSAGE-----" only the key's owner can read (SEIPD v1 with MDC, which GnuPG 2.2 reads). */
export async function encryptTo(publicArmored: string, text: string): Promise<string> {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.trim() === '') throw new RangeError('there is no text to encrypt');
  if (text.length > MAX_PLAINTEXT_LENGTH) throw new RangeError(`the text is longer than ${MAX_PLAINTEXT_LENGTH} characters`);
  const key = await readPublicKey(publicArmored);
  try {
    await key.getEncryptionKey(undefined, undefined, undefined, { ...openpgp.config, ...PGP_CONFIG });
  } catch {
    throw new RangeError('this key has no valid encryption key (no usable encryption subkey)');
  }
  const message = await openpgp.createMessage({ text });
  try {
    return await openpgp.encrypt({ message, encryptionKeys: key, config: PGP_CONFIG });
  } catch (err) {
    throw new RangeError(`encryption failed: ${firstLine(err)}`);
  }
}

/** The text of a message encrypted to this private key; RangeError if it was encrypted to another key or is damaged. */
export async function decryptWith(privateArmored: string, armoredMessage: string): Promise<string> {
  const key = await readPrivateKey(privateArmored);
  const message = await readEncryptedMessage(armoredMessage);
  const recipients = new Set(message.getEncryptionKeyIDs().map((id) => id.toHex()));
  const anonymous = recipients.has(WILDCARD_KEY_ID);
  if (!anonymous && !key.getKeyIDs().some((id) => recipients.has(id.toHex()))) {
    const named = [...recipients].map((h) => h.toUpperCase()).join(', ') || 'none';
    throw new RangeError(`the message was not encrypted to this key (recipients: ${named})`);
  }
  try {
    const { data } = await openpgp.decrypt({ message, decryptionKeys: key, config: PGP_CONFIG });
    return data;
  } catch (err) {
    throw new RangeError(`decryption failed: ${firstLine(err)}`);
  }
}
