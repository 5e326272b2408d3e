// The OpenPGP keys of the darkweb: one per market (its signing key for mirror lists and canaries)
// and one per vendor, each a pure function of the world seed and the actor's ref
// (market/pgp generateKey, Ed25519), created on the actor's own date from the world. A key costs
// about 3 ms, so keys are made on first use and kept; `warm` makes the rest in the background,
// one at a time between requests, without holding up the server's start.
import { Rng } from '../../../chain/rng.ts';
import { generateKey, groupFingerprint, type GeneratedKey } from '../../pgp/index.ts';
import type { MarketInfo, VendorInfo } from './data.ts';

export interface KeySpec {
  /** The actor's ref: 'market:silkway', 'market:silkway/vendor:3'. */
  ref: string;
  /** User ID name. */
  name: string;
  email?: string;
  created: Date;
}

/** When a vendor's key was made: on the day it joined (YYYY-MM-DD), at a time of day drawn from its ref. */
export function vendorKeyCreated(seed: string, vendor: Pick<VendorInfo, 'ref' | 'joined'>): Date {
  const day = Date.parse(`${vendor.joined}T00:00:00Z`);
  if (!Number.isFinite(day)) throw new RangeError(`vendor ${vendor.ref} has no valid join date (${JSON.stringify(vendor.joined)})`);
  const seconds = Rng.fromSeed(seed).fork('darkweb/pgp-created').fork(vendor.ref).int(6 * 3600, 23 * 3600);
  return new Date(day + seconds * 1000);
}

/** A market's key predates its first vendor by a month or two. */
export function marketKeyCreated(seed: string, market: Pick<MarketInfo, 'ref'>, vendors: readonly Pick<VendorInfo, 'joined'>[], fallbackDay: string): Date {
  const first = vendors.map((v) => v.joined).sort()[0] ?? fallbackDay;
  const rng = Rng.fromSeed(seed).fork('darkweb/pgp-created').fork(market.ref);
  const day = Date.parse(`${first}T00:00:00Z`) - rng.int(30, 75) * 86400_000;
  return new Date(day + rng.int(0, 86399) * 1000);
}

export class PgpKeyRing {
  private readonly cache = new Map<string, Promise<GeneratedKey>>();
  private warming = false;
  private stopped = false;

  constructor(private readonly seed: string) {
    if (typeof seed !== 'string' || seed === '') throw new TypeError('a key ring needs the world seed');
  }

  /** 32 seed bytes for an actor's key: the world seed forked by the actor's ref. */
  seedFor(ref: string): Uint8Array {
    return Rng.fromSeed(this.seed).fork('darkweb/pgp').fork(ref).bytes(32);
  }

  /** The actor's key, generated on first use and cached (the same spec must be used for a ref every time). */
  key(spec: KeySpec): Promise<GeneratedKey> {
    let p = this.cache.get(spec.ref);
    if (!p) {
      p = generateKey({ seed: this.seedFor(spec.ref), name: spec.name, email: spec.email, created: spec.created });
      this.cache.set(spec.ref, p);
      // A failed generation is not cached: the next request tries again and sees the error.
      p.catch(() => this.cache.delete(spec.ref));
    }
    return p;
  }

  has(ref: string): boolean {
    return this.cache.has(ref);
  }

  get size(): number {
    return this.cache.size;
  }

  /** Generates the keys of `specs` one by one, yielding to the event loop between keys. Resolves when done or stopped. */
  async warm(specs: Iterable<KeySpec>): Promise<number> {
    if (this.warming) return 0;
    this.warming = true;
    let made = 0;
    try {
      for (const spec of specs) {
        if (this.stopped) break;
        if (this.cache.has(spec.ref)) continue;
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.stopped) break;
        await this.key(spec).catch(() => undefined);
        made++;
      }
    } finally {
      this.warming = false;
    }
    return made;
  }

  /** Stops a running warm-up (the server is closing). */
  stop(): void {
    this.stopped = true;
  }
}

/** What the pgp-key partial shows. */
export interface KeyView {
  userId: string;
  fingerprint: string;
  fingerprintGrouped: string;
  keyId: string;
  shortId: string;
  createdUnix: number;
  armored: string;
}

export function keyView(key: GeneratedKey): KeyView {
  return {
    userId: key.userId,
    fingerprint: key.fingerprint,
    fingerprintGrouped: groupFingerprint(key.fingerprint),
    keyId: key.keyId,
    shortId: key.shortId,
    createdUnix: Math.floor(key.created.getTime() / 1000),
    armored: key.publicArmored,
  };
}
