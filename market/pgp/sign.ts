// Signatures made by world actors (markets' mirror lists and canaries, vendors' announcements).
// EdDSA and RSA PKCS#1 v1.5 are deterministic and the signing date comes from the world clock,
// so a world signs the same bytes every time it is generated.
import * as openpgp from 'openpgp';
import { PGP_CONFIG } from './config.ts';
import { firstLine, readPrivateKey } from './read.ts';

function signingDate(date: Date, key: openpgp.PrivateKey): Date {
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new TypeError('date must be a valid Date from the world clock');
  // Signatures store whole seconds; the key's own creation time already is one.
  const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
  if (seconds < key.getCreationTime()) throw new RangeError('the signing date is before the key was created');
  return seconds;
}

async function signWith<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new RangeError(`signing failed: ${firstLine(err)}`);
  }
}

/** A cleartext-signed message ("-----BEGIN PGP SIGNED MESSAGE-----"), as markets publish mirror lists and canaries. */
export async function clearSign(text: string, privateArmored: string, date: Date): Promise<string> {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const key = await readPrivateKey(privateArmored);
  const when = signingDate(date, key);
  const message = await openpgp.createCleartextMessage({ text });
  const signed = await signWith(() => openpgp.sign({ message, signingKeys: key, date: when, config: PGP_CONFIG }));
  // openpgp.js writes the text lines with CRLF and the armor with LF; the signature covers the
  // CRLF-canonical text either way (RFC 4880 §7.1), so plain LF throughout verifies the same, in
  // GnuPG too, and is what `gpg --clearsign` writes on the systems the lab runs on.
  return signed.replace(/\r\n/g, '\n');
}

/**
 * An armored detached signature ("-----BEGIN PGP SIGNATURE-----"), e.g. mirrors.txt.asc next to mirrors.txt.
 * A string is signed as text (signature type 0x01: line endings canonicalised, as `gpg --textmode`),
 * bytes as binary (0x00).
 */
export async function detachedSign(data: string | Uint8Array, privateArmored: string, date: Date): Promise<string> {
  const key = await readPrivateKey(privateArmored);
  const when = signingDate(date, key);
  const message =
    typeof data === 'string'
      ? await openpgp.createMessage({ text: data, date: when })
      : data instanceof Uint8Array
        ? await openpgp.createMessage({ binary: data, date: when })
        : null;
  if (message === null) throw new TypeError('data must be a string or a Uint8Array');
  return signWith(() => openpgp.sign({ message, signingKeys: key, detached: true, date: when, config: PGP_CONFIG }));
}
