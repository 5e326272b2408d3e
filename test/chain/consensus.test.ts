import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  GENESIS_TIME,
  bitsToTarget,
  blockSubsidy,
  dateForHeight,
  difficultyFromBits,
  eraBits,
  heightForDate,
  medianTimePast,
  nextBlockTime,
  targetToBits,
} from '../../chain/consensus.ts';
import { Rng } from '../../chain/rng.ts';

describe('blockSubsidy', () => {
  it('halves every 210,000 blocks', () => {
    expect(blockSubsidy(0)).toBe(5_000_000_000);
    expect(blockSubsidy(209_999)).toBe(5_000_000_000);
    expect(blockSubsidy(210_000)).toBe(2_500_000_000);
    expect(blockSubsidy(629_999)).toBe(1_250_000_000);
    expect(blockSubsidy(630_000)).toBe(625_000_000);
    expect(blockSubsidy(840_000)).toBe(312_500_000);
  });

  it('reaches zero and stays there (at the 33rd halving by rounding, the 64th by rule)', () => {
    expect(blockSubsidy(32 * 210_000)).toBe(1);
    expect(blockSubsidy(33 * 210_000)).toBe(0);
    expect(blockSubsidy(64 * 210_000)).toBe(0);
    expect(blockSubsidy(1e9)).toBe(0);
  });

  it('adds up to the known total supply of 20,999,999.9769 BTC', () => {
    let total = 0;
    for (let era = 0; era < 64; era++) total += blockSubsidy(era * 210_000) * 210_000;
    expect(total).toBe(2_099_999_997_690_000);
  });

  it('refuses negative and fractional heights', () => {
    expect(() => blockSubsidy(-1)).toThrow(RangeError);
    expect(() => blockSubsidy(0.5)).toThrow(RangeError);
  });
});

describe('compact targets', () => {
  // Bitcoin Core src/test/arith_uint256_tests.cpp (bignum_SetCompact).
  it("expands and compresses like Core's SetCompact / GetCompact", () => {
    const cases: [number, bigint, number][] = [
      [0x00000000, 0n, 0],
      [0x00123456, 0n, 0],
      [0x01003456, 0n, 0],
      [0x02000056, 0n, 0],
      [0x03000000, 0n, 0],
      [0x04000000, 0n, 0],
      [0x01123456, 0x12n, 0x01120000],
      [0x02123456, 0x1234n, 0x02123400],
      [0x03123456, 0x123456n, 0x03123456],
      [0x04123456, 0x12345600n, 0x04123456],
      [0x05009234, 0x92340000n, 0x05009234],
      [0x20123456, 0x123456n << 232n, 0x20123456],
    ];
    for (const [bits, target, compact] of cases) {
      expect(bitsToTarget(bits)).toBe(target);
      expect(targetToBits(target)).toBe(compact);
    }
    expect(targetToBits(0x80n)).toBe(0x02008000); // never sets the sign bit
  });

  it('rejects negative and overflowing compact forms', () => {
    expect(() => bitsToTarget(0x04923456)).toThrow(/negative/);
    expect(() => bitsToTarget(0xff123456)).toThrow(/overflow/);
    expect(() => targetToBits(-1n)).toThrow(RangeError);
    expect(() => targetToBits(1n << 256n)).toThrow(RangeError);
  });

  it('decodes real mainnet bits', () => {
    expect(bitsToTarget(0x1d00ffff)).toBe(0xffffn << 208n);
    // Mastering Bitcoin's block 277,316 example: 0x1903a30c → 0x03a30c × 2^176.
    expect(bitsToTarget(0x1903a30c)).toBe(0x03a30cn << 176n);
    expect(bitsToTarget(0x1903a30c).toString(16).padStart(64, '0')).toBe('0000000000000003a30c00000000000000000000000000000000000000000000');
  });

  it('round-trips every canonical compact value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 0x20 }), fc.integer({ min: 0x008000, max: 0x7fffff }), (size, mantissa) => {
        const bits = ((size << 24) | mantissa) >>> 0;
        expect(targetToBits(bitsToTarget(bits))).toBe(bits);
      }),
    );
  });
});

describe('difficultyFromBits', () => {
  it("matches Core's GetDifficulty for known blocks", () => {
    expect(difficultyFromBits(0x1d00ffff)).toBe(1);
    // Block 100,000 (bits 1b04864c): "difficulty": 14484.1623612254 in its getblock JSON.
    expect(difficultyFromBits(0x1b04864c).toPrecision(15)).toBe('14484.1623612254');
    // Blocks 631,076 and 632,858 (bits 171297f6): "difficulty": 15138043247082.88.
    expect(Number(difficultyFromBits(0x171297f6).toPrecision(16))).toBe(15138043247082.88);
    // Testnet block 000…4497b (bits 0x1a06d450): 2456598.4399242126 in rust-bitcoin's segwit_block_test.
    expect(difficultyFromBits(0x1a06d450)).toBe(2456598.4399242126);
  });
});

describe('eraBits', () => {
  it('gives the real bits of real blocks in anchor periods', () => {
    expect(eraBits(603_351)).toBe(0x171620d1); // block 603,351's own header
    expect(eraBits(630_000)).toBe(0x17117a39); // the halving block
    expect(eraBits(631_076)).toBe(0x171297f6);
    expect(eraBits(632_858)).toBe(0x171297f6);
    expect(eraBits(840_000)).toBe(0x17034219);
  });

  it('is constant within each 2016-block period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (height) => {
        const start = height - (height % 2016);
        expect(eraBits(height)).toBe(eraBits(start));
        expect(eraBits(start + 2015)).toBe(eraBits(start));
      }),
    );
  });

  it('interpolates between anchors and holds beyond them', () => {
    for (let period = 612_864; period < 628_992; period += 2016) {
      const t = bitsToTarget(eraBits(period));
      expect(t < bitsToTarget(0x171620d1)).toBe(true);
      expect(t > bitsToTarget(0x17117a39)).toBe(true);
      expect(bitsToTarget(eraBits(period + 2016)) <= t).toBe(true);
    }
    expect(eraBits(0)).toBe(eraBits(504_000));
    expect(eraBits(2_000_000)).toBe(0x17034219);
  });

  it('gives a February 2020 world a difficulty of that era (13–16 T)', () => {
    const d = difficultyFromBits(eraBits(heightForDate(Date.UTC(2020, 1, 1) / 1000)));
    expect(d).toBeGreaterThan(13e12);
    expect(d).toBeLessThan(16e12);
  });
});

describe('timestamps', () => {
  it('takes the median of the last 11 times, the upper middle for an even count', () => {
    expect(medianTimePast([5])).toBe(5);
    expect(medianTimePast([3, 1, 2])).toBe(2);
    expect(medianTimePast([4, 1, 3, 2])).toBe(3);
    const times = [1000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(medianTimePast(times)).toBe(6); // the leading 1000 is the 12th-last and ignored
    expect(() => medianTimePast([])).toThrow(RangeError);
  });

  it('never stamps a block at or below the median time past, and averages the mean spacing', () => {
    const rng = Rng.fromSeed('consensus-test');
    const times = [1_580_000_000];
    let backwards = 0;
    for (let i = 0; i < 5000; i++) {
      const t = nextBlockTime(rng, times.slice(-11));
      expect(t).toBeGreaterThan(medianTimePast(times.slice(-11)));
      expect(Number.isInteger(t)).toBe(true);
      if (t < times[times.length - 1]) backwards++;
      times.push(t);
    }
    const mean = (times[times.length - 1] - times[0]) / 5000;
    expect(mean).toBeGreaterThan(570);
    expect(mean).toBeLessThan(630);
    // Mainnet has blocks stamped before their parent; so should a synthetic chain, but rarely.
    expect(backwards).toBeGreaterThan(0);
    expect(backwards).toBeLessThan(250);
  });

  it('is deterministic for a seed and respects a custom spacing', () => {
    const run = (seed: string, spacing: number) => {
      const rng = Rng.fromSeed(seed);
      const times = [1_580_000_000];
      for (let i = 0; i < 200; i++) times.push(nextBlockTime(rng, times.slice(-11), spacing));
      return times;
    };
    expect(run('a', 600)).toEqual(run('a', 600));
    expect(run('a', 600)).not.toEqual(run('b', 600));
    const fast = run('c', 60);
    expect((fast[200] - fast[0]) / 200).toBeLessThan(120);
    expect(() => nextBlockTime(Rng.fromSeed(1), [1], 0)).toThrow(RangeError);
  });
});

describe('height and date', () => {
  it('hits the real anchors exactly', () => {
    expect(heightForDate(GENESIS_TIME)).toBe(0);
    expect(dateForHeight(0)).toBe(1231006505);
    expect(heightForDate(1589225023)).toBe(630_000); // third halving, 2020-05-11
    expect(dateForHeight(630_000)).toBe(1589225023);
    expect(dateForHeight(840_000)).toBe(1713571767); // fourth halving, 2024-04-20
    expect(dateForHeight(100_000)).toBe(1293623863);
  });

  it('places 1 February 2020 between the real blocks around it', () => {
    // Interpolated between block 602,784 (2019-11-07) and block 630,000 (2020-05-11).
    const h = heightForDate(Date.UTC(2020, 1, 1) / 1000);
    expect(h).toBeGreaterThan(614_000);
    expect(h).toBeLessThan(617_000);
  });

  it('is monotonic and inverts within a block', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 5000 }), (height, step) => {
        expect(dateForHeight(height + step)).toBeGreaterThan(dateForHeight(height));
        expect(Math.abs(heightForDate(dateForHeight(height)) - height)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('extrapolates at 600 s a block past the last anchor and refuses dates before genesis', () => {
    expect(dateForHeight(840_100) - dateForHeight(840_000)).toBe(60_000);
    expect(() => heightForDate(GENESIS_TIME - 1)).toThrow(/before the genesis block/);
    expect(() => dateForHeight(-1)).toThrow(RangeError);
  });
});
