// The lab's OpenPGP: real, deterministic keys for world actors, signing with the world clock,
// verification with reasons, encryption to vendor keys, and lookalike keys for the short-key-ID
// exercise. See docs/pgp.md.
export { generateKey, ed25519Fingerprint, type GeneratedKey, type KeyKind, type KeyOptions } from './keys.ts';
export { clearSign, detachedSign } from './sign.ts';
export { verifyClearSigned, verifyDetached, type Verification, type VerifyReason } from './verify.ts';
export { encryptTo, decryptWith, MAX_PLAINTEXT_LENGTH } from './encrypt.ts';
export { readKeyInfo, type KeyInfo, type SubkeyInfo } from './inspect.ts';
export { groupFingerprint, longKeyId, normalizeFingerprint, shortKeyId } from './fingerprint.ts';
export { lookalikePair, lookalikeKey, DEFAULT_WINDOW_SECONDS, type LookalikeOptions, type LookalikePair } from './lookalike.ts';
export { MAX_ARMORED_LENGTH } from './read.ts';
