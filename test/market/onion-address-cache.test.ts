// normalizeOnion remembers addresses it has found valid, so the onion browser's proxied requests do
// not decode the ed25519 point again; an invalid address is refused with the same error every time.
import { describe, expect, it, vi } from 'vitest';
import { Rng } from '../../chain/rng.ts';
import { OnionAddressError, deriveOnion, isValidOnion, normalizeOnion } from '../../market/onion/index.ts';

/** Counts the ed25519 point decodings the onion code does (the expensive step the cache saves). */
const decodes = vi.hoisted(() => ({ n: 0 }));
vi.mock('@noble/curves/ed25519.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('@noble/curves/ed25519.js')>();
  const P = orig.ed25519.Point;
  // The class's other statics through the prototype chain; fromBytes counted, then the real one.
  const Point = Object.create(P, {
    fromBytes: {
      value: (...args: Parameters<typeof P.fromBytes>) => {
        decodes.n++;
        return P.fromBytes(...args);
      },
    },
  }) as typeof P;
  return { ...orig, ed25519: { ...orig.ed25519, Point } };
});

function errorOf(f: () => unknown): { problem: string; message: string } | null {
  try {
    f();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(OnionAddressError);
    return { problem: (e as OnionAddressError).problem, message: (e as Error).message };
  }
}

describe('normalizeOnion cache', () => {
  it('decodes a valid address\'s key once, whatever its spelling', () => {
    const address = deriveOnion(Rng.fromSeed('onion-cache').fork('a'));
    const before = decodes.n;
    expect(normalizeOnion(`${address.toUpperCase()}.onion`)).toBe(address);
    const first = decodes.n;
    expect(first).toBeGreaterThan(before);
    expect(normalizeOnion(address)).toBe(address);
    expect(normalizeOnion(`${address}.ONION`)).toBe(address);
    expect(isValidOnion(address)).toBe(true);
    expect(decodes.n).toBe(first);
  });

  it('refuses an invalid address the same way every time', () => {
    const address = deriveOnion(Rng.fromSeed('onion-cache').fork('b'));
    // Same length, alphabet, version and a wrong checksum; then the 16-character v2 form.
    const mistyped = (address[0] === 'a' ? 'b' : 'a') + address.slice(1);
    for (const bad of [mistyped, address.slice(0, 16), `${address}x`]) {
      const first = errorOf(() => normalizeOnion(bad));
      expect(first).not.toBeNull();
      expect(errorOf(() => normalizeOnion(bad))).toEqual(first);
      expect(isValidOnion(bad)).toBe(false);
    }
  });
});
