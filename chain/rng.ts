// The world's one source of randomness: xoroshiro128+ (pure-rand), seeded from the world seed.
// Streams are forked by label (SHA-256 of parent state and label), so adding an actor or a step
// in one part of a world does not shift the random numbers every other part draws.
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256, sha256Parts } from './hash.ts';

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

function stateFromBytes(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const state: number[] = [view.getInt32(0), view.getInt32(4), view.getInt32(8), view.getInt32(12)];
  // xoroshiro must not start from the all-zero state.
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[3] = 1;
  return state;
}

export class Rng {
  private readonly gen: Generator;
  private readonly seedBytes: Uint8Array;

  private constructor(seedBytes: Uint8Array) {
    this.seedBytes = seedBytes;
    this.gen = xoroshiro128plusFromState(stateFromBytes(seedBytes));
  }

  /** A world's root stream. Any integer or string seed works; the same seed gives the same stream. */
  static fromSeed(seed: number | string): Rng {
    return new Rng(sha256(utf8ToBytes(`onion-range/seed/${String(seed)}`)));
  }

  /** An independent stream named by label; depends only on this stream's seed, not on how much of it was drawn. */
  fork(label: string): Rng {
    return new Rng(sha256Parts(this.seedBytes, utf8ToBytes(`/${label}`)));
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits. */
  float(): number {
    const hi = this.u32() >>> 5; // 27 bits
    const lo = this.u32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!(max >= min)) throw new RangeError(`int(${min}, ${max}): max must be >= min`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)];
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      out[i] = v & 0xff;
      if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Lognormal with the given median and log-space sigma. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean (e.g. block intervals). */
  exponential(mean: number): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return -Math.log(u) * mean;
  }

  /** Poisson-distributed count (Knuth for small means, normal approximation above 50). */
  poisson(mean: number): number {
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }
}
