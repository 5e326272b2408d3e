// Mainnet consensus numbers a synthetic chain needs to look real: subsidy, compact targets and
// difficulty, plausible `bits` for an era, block timestamps and a rough height <-> date mapping.
import type { Rng } from './rng.ts';

export const HALVING_INTERVAL = 210_000;
export const RETARGET_INTERVAL = 2016;
const INITIAL_SUBSIDY = 50 * 100_000_000;

/** Block subsidy in satoshis: 50 BTC halved every 210,000 blocks, zero from the 64th halving on (as Core). */
export function blockSubsidy(height: number): number {
  if (!Number.isInteger(height) || height < 0) throw new RangeError(`block height must be a non-negative integer, got ${height}`);
  const halvings = Math.floor(height / HALVING_INTERVAL);
  if (halvings >= 64) return 0;
  // Core shifts an int64 right; dividing by a power of two and flooring is the same and stays exact.
  return Math.floor(INITIAL_SUBSIDY / 2 ** halvings);
}

// ---------------------------------------------------------------------------------------------
// Compact targets ("bits"), as Bitcoin Core's arith_uint256::SetCompact / GetCompact.

/** Expands compact `bits` into the 256-bit target. Throws on the negative or overflowing forms Core rejects. */
export function bitsToTarget(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new RangeError(`bits must be a 32-bit unsigned integer, got ${bits}`);
  const size = bits >>> 24;
  const word = bits & 0x007fffff;
  if (word !== 0 && bits & 0x00800000) throw new RangeError(`bits 0x${bits.toString(16)} encode a negative target`);
  const target = size <= 3 ? BigInt(word >>> (8 * (3 - size))) : BigInt(word) << BigInt(8 * (size - 3));
  if (target >> 256n !== 0n) throw new RangeError(`bits 0x${bits.toString(16)} overflow 256 bits`);
  return target;
}

/** Compresses a target to compact `bits` (truncating to 3 significant bytes, as Core does). */
export function targetToBits(target: bigint): number {
  if (target < 0n || target >> 256n !== 0n) throw new RangeError('target must be in 0..2^256-1');
  let size = 0;
  for (let t = target; t > 0n; t >>= 8n) size++;
  let compact = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  // The 0x00800000 bit is a sign bit; move the mantissa down a byte rather than set it.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((size << 24) | compact) >>> 0;
}

/** Difficulty relative to 0x1d00ffff, computed exactly as Bitcoin Core's GetDifficulty (double arithmetic). */
export function difficultyFromBits(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256.0;
    shift++;
  }
  while (shift > 29) {
    diff /= 256.0;
    shift--;
  }
  return diff;
}

// ---------------------------------------------------------------------------------------------
// Era bits. Real mainnet (retarget height, bits) pairs; each height is the first block of a 2016-block
// period and the bits held for that whole period. Periods between anchors get a target interpolated
// linearly in BigInt arithmetic (deterministic on every platform), so they are plausible, not historical.
// Sources:
//  - 504000..584640: breadwallet-core BRChainParams checkpoints (height, hash, timestamp, bits).
//  - 602784, 735840, 764064, 780192: 80-byte headers in horizontalsystems/bitcoin-kit-android
//    MainNet.checkpoint and bitcoin-kit-ios MainNet-last.checkpoint (PoW re-checked: hash < target).
//  - 647136: bitcoin-kit-ios MainNet-last.checkpoint at commit 097bec16 (PoW re-checked).
//  - 628992: header of block 630,000 (hash 000…024bead8df69990852c202db0e0097c1a12ea637d7e96d,
//    bits 387021369 = 0x17117a39) from a rust-bitcoin-based test in the search corpus; hash re-derived.
//  - 631008: header of block 631,008 (ChainX genesis config) and getblock JSON for 631,076 and 632,858
//    (difficulty 15138043247082.88).
//  - 669312: a breadwallet-core fork's checkpoint list (time 1612578303).
//  - 838656: bits of block 840,000 (0000…0320283a032748cef8227873ff4872689bf23f1cda83a5), which lies
//    in the period 838,656–840,671.
const ERA_BITS: ReadonlyArray<readonly [number, number]> = [
  [504_000, 0x177e578c],
  [524_160, 0x17415a49],
  [544_320, 0x1725c191],
  [564_480, 0x172e5b50],
  [584_640, 0x171f0d9b],
  [602_784, 0x171620d1],
  [628_992, 0x17117a39],
  [631_008, 0x171297f6],
  [647_136, 0x17103a12],
  [669_312, 0x170d21b9],
  [735_840, 0x170901ba],
  [764_064, 0x17079e15],
  [780_192, 0x17067681],
  [838_656, 0x17034219],
];

/**
 * Plausible mainnet `bits` for a height: constant within each 2016-block period, the real value at
 * the anchor periods above, interpolated between them, held before the first and after the last.
 */
export function eraBits(height: number): number {
  if (!Number.isInteger(height) || height < 0) throw new RangeError(`block height must be a non-negative integer, got ${height}`);
  const period = height - (height % RETARGET_INTERVAL);
  const first = ERA_BITS[0];
  const last = ERA_BITS[ERA_BITS.length - 1];
  if (period <= first[0]) return first[1];
  if (period >= last[0]) return last[1];
  let i = 1;
  while (ERA_BITS[i][0] <= period) i++;
  const [h0, b0] = ERA_BITS[i - 1];
  const [h1, b1] = ERA_BITS[i];
  if (period === h0) return b0;
  const t0 = bitsToTarget(b0);
  const t1 = bitsToTarget(b1);
  const target = t0 + ((t1 - t0) * BigInt(period - h0)) / BigInt(h1 - h0);
  return targetToBits(target);
}

// ---------------------------------------------------------------------------------------------
// Timestamps.

/** Median of the last 11 block times (fewer near genesis), the upper middle for an even count, as Core. */
export function medianTimePast(prevTimes: number[]): number {
  if (prevTimes.length === 0) throw new RangeError('median time past of no blocks');
  const recent = prevTimes.slice(-11).sort((a, b) => a - b);
  return recent[Math.floor(recent.length / 2)];
}

/**
 * The next block's timestamp: the previous one plus an exponential gap, plus now and then a miner's
 * clock error of a minute or two either way — so a block can be stamped before its parent, as on
 * mainnet — but never at or below the median time past. Draws the same number of values every call.
 */
export function nextBlockTime(rng: Rng, prevTimes: number[], meanSpacing = 600): number {
  if (!(meanSpacing > 0)) throw new RangeError(`mean block spacing must be positive, got ${meanSpacing}`);
  const mtp = medianTimePast(prevTimes);
  const prev = prevTimes[prevTimes.length - 1];
  const gap = rng.exponential(meanSpacing);
  const skewed = rng.bool(0.15);
  const skew = rng.normal() * 90;
  const t = Math.round(prev + gap + (skewed ? skew : 0));
  return Math.max(t, mtp + 1);
}

// ---------------------------------------------------------------------------------------------
// Height <-> date, interpolated between real mainnet blocks (height, timestamp). Sources: genesis and
// block 100,000 (getblock JSON), halvings 210k/420k/630k/840k (block headers), 504000..584640 and
// 669312 (breadwallet checkpoints), 602784/647136/735840/764064/780192 (bitcoin-kit headers, see
// above), 631008 (ChainX genesis header), 700000 and 800000 (a checkpoint table with hashes
// 000…0590fc0f3eba193a278534220b2b37e9849e1a770ca959 and 000…02a7c4c1e48d76c5a37902165a270156b7a8d72728a054).
const DATE_ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [0, 1231006505],
  [100_000, 1293623863],
  [210_000, 1354116278],
  [420_000, 1468082773],
  [504_000, 1515827554],
  [524_160, 1527168053],
  [544_320, 1538639362],
  [564_480, 1551026038],
  [584_640, 1562663868],
  [602_784, 1573169436],
  [630_000, 1589225023],
  [631_008, 1589940416],
  [647_136, 1599482920],
  [669_312, 1612578303],
  [700_000, 1631006505],
  [735_840, 1652226078],
  [764_064, 1668986059],
  [780_192, 1678484890],
  [800_000, 1690568305],
  [840_000, 1713571767],
];
export const GENESIS_TIME = DATE_ANCHORS[0][1];
const TARGET_SPACING = 600;

/** Rough mainnet height at a unix time; past the last anchor, one block per 600 s. */
export function heightForDate(unixSeconds: number): number {
  if (!Number.isFinite(unixSeconds)) throw new RangeError(`not a time: ${unixSeconds}`);
  if (unixSeconds < GENESIS_TIME) throw new RangeError('date is before the genesis block (2009-01-03)');
  for (let i = 1; i < DATE_ANCHORS.length; i++) {
    const [h1, t1] = DATE_ANCHORS[i];
    if (unixSeconds <= t1) {
      const [h0, t0] = DATE_ANCHORS[i - 1];
      return Math.round(h0 + ((unixSeconds - t0) * (h1 - h0)) / (t1 - t0));
    }
  }
  const [hn, tn] = DATE_ANCHORS[DATE_ANCHORS.length - 1];
  return Math.round(hn + (unixSeconds - tn) / TARGET_SPACING);
}

/** Rough mainnet unix time of a height; the inverse of heightForDate. */
export function dateForHeight(height: number): number {
  if (!Number.isFinite(height) || height < 0) throw new RangeError(`block height must be non-negative, got ${height}`);
  for (let i = 1; i < DATE_ANCHORS.length; i++) {
    const [h1, t1] = DATE_ANCHORS[i];
    if (height <= h1) {
      const [h0, t0] = DATE_ANCHORS[i - 1];
      return Math.round(t0 + ((height - h0) * (t1 - t0)) / (h1 - h0));
    }
  }
  const [hn, tn] = DATE_ANCHORS[DATE_ANCHORS.length - 1];
  return Math.round(tn + (height - hn) * TARGET_SPACING);
}
