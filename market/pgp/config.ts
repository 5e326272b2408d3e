// The openpgp.js settings every lab call uses.
import type { Config } from 'openpgp';

/**
 * openpgp.js adds a random "salt@notations.openpgpjs.org" notation to every v4 signature by default
 * (a fault-attack hardening for EdDSA). World artefacts must be byte-identical per seed, and EdDSA
 * and RSA PKCS#1 v1.5 signatures are otherwise deterministic, so the lab turns it off.
 */
export const PGP_CONFIG: Partial<Config> = {
  nonDeterministicSignaturesViaNotation: false,
};
