import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../chain/rng.ts';
import { OnionAddressError, deriveOnion, isValidOnion, lookalikeOnion } from '../../market/onion/index.ts';

const DUCKDUCKGO = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad';

describe('phishing lookalike onion addresses', () => {
  it('share the first 5–8 characters with the target, are valid, and differ from it', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 5, max: 8 }), (seed, prefix) => {
        const rng = Rng.fromSeed(seed);
        const target = deriveOnion(rng.fork('market'));
        const fake = lookalikeOnion(target, rng.fork('phisher'), prefix);
        expect(fake.slice(0, prefix)).toBe(target.slice(0, prefix));
        expect(isValidOnion(fake)).toBe(true);
        expect(fake).not.toBe(target);
      }),
      { numRuns: 40 },
    );
  });

  it('can match the ending too, as careful phishers do', () => {
    for (const suffix of [2, 3, 4]) {
      const fake = lookalikeOnion(DUCKDUCKGO, Rng.fromSeed(`suffix/${suffix}`), 7, suffix);
      expect(fake.slice(0, 7)).toBe('duckduc');
      expect(fake.slice(-suffix)).toBe(DUCKDUCKGO.slice(-suffix));
      expect(isValidOnion(fake)).toBe(true);
      expect(fake).not.toBe(DUCKDUCKGO);
    }
  });

  it('are deterministic in the Rng and take the target in any spelling', () => {
    const a = lookalikeOnion(`${DUCKDUCKGO.toUpperCase()}.onion`, Rng.fromSeed('phish'), 8, 2);
    const b = lookalikeOnion(DUCKDUCKGO, Rng.fromSeed('phish'), 8, 2);
    expect(a).toBe(b);
    expect(lookalikeOnion(DUCKDUCKGO, Rng.fromSeed('phish-2'), 8, 2)).not.toBe(a);
  });

  it('refuse implausible requests and invalid targets', () => {
    const rng = Rng.fromSeed(1);
    expect(() => lookalikeOnion(DUCKDUCKGO, rng, 0)).toThrow(RangeError);
    expect(() => lookalikeOnion(DUCKDUCKGO, rng, 11)).toThrow(/prefixChars/);
    expect(() => lookalikeOnion(DUCKDUCKGO, rng, 6, 5)).toThrow(/suffixChars/);
    expect(() => lookalikeOnion(DUCKDUCKGO, rng, 5.5)).toThrow(RangeError);
    expect(() => lookalikeOnion('expyuzz4wqqyqhjn', rng)).toThrow(OnionAddressError);
  });
});
