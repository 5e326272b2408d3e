// How people write key identities. A v4 fingerprint is 40 hex digits; the "long" key ID is its
// last 16 and the "short" key ID its last 8: short IDs are cheap to collide (see docs/pgp.md).

const FINGERPRINT_RE = /^[0-9A-F]{40}$/;

/** Upper-case 40-hex fingerprint from any common spelling: spaces, "0x" prefix, lower case. */
export function normalizeFingerprint(input: string): string {
  const hex = input.replace(/^\s*0x/i, '').replace(/\s+/g, '').toUpperCase();
  if (!FINGERPRINT_RE.test(hex)) throw new RangeError('a v4 fingerprint is 40 hexadecimal digits');
  return hex;
}

/** GnuPG's grouped form: ten groups of four, with a double space in the middle. */
export function groupFingerprint(fingerprint: string): string {
  const fpr = normalizeFingerprint(fingerprint);
  const groups = fpr.match(/.{4}/g)!;
  return `${groups.slice(0, 5).join(' ')}  ${groups.slice(5).join(' ')}`;
}

/** Long key ID: the last 16 hex digits of a v4 fingerprint. */
export function longKeyId(fingerprint: string): string {
  return normalizeFingerprint(fingerprint).slice(-16);
}

/** Short key ID: the last 8 hex digits of a v4 fingerprint, as `gpg --keyid-format short` prints it. */
export function shortKeyId(fingerprint: string): string {
  return normalizeFingerprint(fingerprint).slice(-8);
}
