import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../chain/rng.ts';
import { SEQUENCE_FINAL, type AddressKind } from '../../chain/types.ts';
import {
  BTC_USD_SPAN,
  btcUsdAt,
  btcUsdCloseOn,
  btcUsdDailyCloses,
  satsToUsd,
  usdToSats,
} from '../../sim/calibration/btc-usd.ts';
import { CALIBRATION, type AddressEra, type Shares } from '../../sim/calibration/defaults.ts';
import { SOURCES } from '../../sim/calibration/sources.ts';
import {
  SEQUENCE_LOCKTIME_ONLY,
  SEQUENCE_RBF,
  addressEraAt,
  changePosition,
  exchangeBatchSize,
  feeRate,
  inputCount,
  isRoundAmount,
  listingsPerVendor,
  medianFeeRateAt,
  orderUsd,
  paymentOutputCount,
  pickAddressKind,
  pickDrugCategory,
  pickListingCategory,
  roundDownSats,
  spendFinality,
  wantsRoundAmount,
} from '../../sim/calibration/distributions.ts';

const utc = (iso: string): number => Date.parse(iso) / 1000;
const N = 10_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function frequencies<K extends string>(draw: () => K, n = N): Map<K, number> {
  const counts = new Map<K, number>();
  for (let i = 0; i < n; i++) {
    const k = draw();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return new Map([...counts].map(([k, c]) => [k, c / n]));
}

function expectSharesClose<K extends string>(seen: Map<K, number>, table: Shares<K>, tolerance: number): void {
  for (const k of Object.keys(table) as K[]) {
    expect(Math.abs((seen.get(k) ?? 0) - table[k]), `share of ${k}`).toBeLessThanOrEqual(tolerance);
  }
  for (const k of seen.keys()) expect(Object.keys(table)).toContain(k);
}

describe('BTC/USD table', () => {
  const closes = btcUsdDailyCloses();

  it('has one close for every UTC day of 2019-2021, in order', () => {
    expect(closes).toHaveLength(365 + 366 + 365);
    expect(closes[0].day).toBe('2019-01-01');
    expect(closes[closes.length - 1].day).toBe('2021-12-31');
    for (let i = 1; i < closes.length; i++) {
      expect(closes[i].closeTime - closes[i - 1].closeTime).toBe(86_400);
      expect(closes[i].day > closes[i - 1].day).toBe(true);
    }
    expect(closes[0].closeTime).toBe(utc('2019-01-02T00:00:00Z'));
  });

  it('holds positive prices with no implausible day-to-day jump', () => {
    for (const c of closes) expect(c.closeUsd).toBeGreaterThan(1000);
    // The largest real daily move in the period is 12 March 2020 (-46% in log terms); anything beyond
    // that would be a transcription error.
    for (let i = 1; i < closes.length; i++) {
      expect(Math.abs(Math.log(closes[i].closeUsd / closes[i - 1].closeUsd))).toBeLessThan(0.5);
    }
  });

  it('pins dated closes from the source file', () => {
    expect(btcUsdCloseOn('2019-01-01')).toBe(3843.52);
    expect(btcUsdCloseOn('2019-06-26')).toBe(13016.23);
    expect(btcUsdCloseOn('2020-02-29')).toBe(8599.51);
    expect(btcUsdCloseOn('2020-03-12')).toBe(4970.79);
    expect(btcUsdCloseOn('2020-12-16')).toBe(21310.6);
    expect(btcUsdCloseOn('2021-11-08')).toBe(67566.83);
    expect(btcUsdCloseOn('2021-12-31')).toBe(46306.45);
  });

  it('rejects days outside the table or not on the calendar', () => {
    expect(() => btcUsdCloseOn('2018-12-31')).toThrow(RangeError);
    expect(() => btcUsdCloseOn('2022-01-01')).toThrow(RangeError);
    expect(() => btcUsdCloseOn('2020-02-30')).toThrow(RangeError);
    expect(() => btcUsdCloseOn('20200212')).toThrow(RangeError);
  });

  it('puts early February 2020 (the Almaty course) between USD 9,300 and 9,500', () => {
    for (const t of ['2020-02-02T00:00:00Z', '2020-02-02T12:00:00Z', '2020-02-03T00:00:00Z']) {
      const p = btcUsdAt(utc(t));
      expect(p).toBeGreaterThanOrEqual(9300);
      expect(p).toBeLessThanOrEqual(9500);
    }
  });

  it('shows the mid-March 2020 crash below USD 5,000', () => {
    expect(btcUsdAt(utc('2020-03-13T00:00:00Z'))).toBeLessThan(5000);
    expect(btcUsdAt(utc('2020-03-11T00:00:00Z'))).toBeGreaterThan(7500);
  });

  it('crosses USD 20,000 in December 2020 and not before', () => {
    const before = closes.filter((c) => c.day < '2020-12-16');
    expect(Math.max(...before.map((c) => c.closeUsd))).toBeLessThan(20_000);
    const crossing = closes.find((c) => c.closeUsd >= 20_000);
    expect(crossing?.day).toBe('2020-12-16');
  });

  it('interpolates linearly between closes and clamps outside the span', () => {
    const a = btcUsdCloseOn('2020-03-11');
    const b = btcUsdCloseOn('2020-03-12');
    expect(btcUsdAt(utc('2020-03-12T12:00:00Z'))).toBeCloseTo((a + b) / 2, 9);
    expect(btcUsdAt(utc('2020-03-12T06:00:00Z'))).toBeCloseTo(a + (b - a) / 4, 9);
    expect(btcUsdAt(BTC_USD_SPAN.first - 5 * 86_400)).toBe(3843.52);
    expect(btcUsdAt(BTC_USD_SPAN.last + 86_400)).toBe(46306.45);
    expect(() => btcUsdAt(Number.NaN)).toThrow(RangeError);
  });

  it('stays between its neighbouring closes everywhere', () => {
    fc.assert(
      fc.property(fc.integer({ min: BTC_USD_SPAN.first, max: BTC_USD_SPAN.last - 1 }), (t) => {
        const i = Math.floor((t - BTC_USD_SPAN.first) / 86_400);
        const lo = Math.min(closes[i].closeUsd, closes[i + 1].closeUsd);
        const hi = Math.max(closes[i].closeUsd, closes[i + 1].closeUsd);
        const p = btcUsdAt(t);
        return p >= lo - 1e-9 && p <= hi + 1e-9;
      }),
    );
  });

  it('converts USD to satoshis and back within one satoshi', () => {
    expect(usdToSats(9392.88, utc('2020-02-02T00:00:00Z'))).toBe(100_000_000);
    expect(satsToUsd(50_000_000, utc('2020-03-13T00:00:00Z'))).toBeCloseTo(2485.395, 6);
    fc.assert(
      fc.property(
        fc.integer({ min: BTC_USD_SPAN.first, max: BTC_USD_SPAN.last }),
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        (t, usd) => {
          const back = satsToUsd(usdToSats(usd, t), t);
          return Math.abs(back - usd) <= btcUsdAt(t) / 1e8;
        },
      ),
    );
    expect(() => usdToSats(-1, BTC_USD_SPAN.first)).toThrow(RangeError);
    expect(() => usdToSats(Number.POSITIVE_INFINITY, BTC_USD_SPAN.first)).toThrow(RangeError);
    expect(() => satsToUsd(Number.NaN, BTC_USD_SPAN.first)).toThrow(RangeError);
  });
});

describe('calibration defaults', () => {
  const shareTables: [string, Record<string, number>][] = [
    ['vendors.opsecShares', CALIBRATION.vendors.opsecShares],
    ['change.orderShares', CALIBRATION.change.orderShares],
    ...(['escrow', 'klad'] as const).flatMap((m): [string, Record<string, number>][] => [
      [`${m}.categoryShares`, CALIBRATION.markets[m].categoryShares],
      [`${m}.drugShares`, CALIBRATION.markets[m].drugShares],
      [`${m}.buyerFunding`, CALIBRATION.markets[m].buyerFunding],
    ]),
    ...(['low', 'medium', 'high'] as const).map((l): [string, Record<string, number>] => [
      `withdrawal.${l}.routes`,
      CALIBRATION.vendors.withdrawal[l].routes,
    ]),
    ...(Object.keys(CALIBRATION.addresses.mix) as AddressEra[]).map((e): [string, Record<string, number>] => [
      `addresses.mix.${e}`,
      CALIBRATION.addresses.mix[e],
    ]),
  ];

  it('has every share table sum to 1 with no negative share', () => {
    for (const [name, table] of shareTables) {
      const values = Object.values(table);
      expect(values.every((v) => v >= 0), name).toBe(true);
      expect(values.reduce((a, b) => a + b, 0), name).toBeCloseTo(1, 9);
    }
  });

  it('keeps the brief-level ranges', () => {
    for (const m of ['escrow', 'klad'] as const) {
      const c = CALIBRATION.markets[m].commission;
      expect(c.min).toBeGreaterThanOrEqual(0.02);
      expect(c.max).toBeLessThanOrEqual(0.06);
      expect(c.min).toBeLessThanOrEqual(c.max);
      expect(CALIBRATION.markets[m].feedbackPositiveShare).toBeGreaterThanOrEqual(0.95);
      expect(CALIBRATION.markets[m].feedbackPositiveShare).toBeLessThanOrEqual(0.98);
    }
    expect(CALIBRATION.markets.escrow.categoryShares.drugs).toBeCloseTo(2 / 3, 1);
    expect(CALIBRATION.mixer.fee.min).toBeGreaterThanOrEqual(0.01);
    expect(CALIBRATION.mixer.fee.max).toBeLessThanOrEqual(0.03);
    expect(CALIBRATION.whirlpool.pools.map((p) => p.denominationBtc)).toEqual([0.001, 0.01, 0.05, 0.5]);
  });

  it('allows no P2TR output before Taproot activated (14 November 2021)', () => {
    for (const era of ['2019', '2020', '2021'] as const) expect(CALIBRATION.addresses.mix[era].p2tr).toBe(0);
    expect(addressEraAt(utc('2021-11-13T23:59:59Z'))).toBe('2021');
    expect(addressEraAt(utc('2021-11-14T00:00:00Z'))).toBe('taproot');
    expect(addressEraAt(utc('2020-02-10T00:00:00Z'))).toBe('2020');
    expect(addressEraAt(utc('2015-01-01T00:00:00Z'))).toBe('2019');
  });

  it('cites only sources that exist, and the docs list every source', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const defaults = readFileSync(join(here, '../../sim/calibration/defaults.ts'), 'utf8');
    const docs = readFileSync(join(here, '../../docs/calibration.md'), 'utf8');
    const comments = defaults
      .split('\n')
      .filter((line) => line.trim().startsWith('//'))
      .join('\n');
    // Source ids are camelCase words ending in a year (christin2013) or listed names without one.
    const cited = new Set(comments.match(/\b[a-z][A-Za-z]*\d{4}\b/g) ?? []);
    for (const id of Object.keys(SOURCES)) if (comments.includes(id)) cited.add(id);
    expect(cited.size).toBeGreaterThan(20);
    for (const id of cited) expect(Object.keys(SOURCES), `cited id ${id}`).toContain(id);
    for (const [id, s] of Object.entries(SOURCES)) {
      expect(docs, `docs/calibration.md lists ${id}`).toContain(`\`${id}\``);
      expect(s.title.length, id).toBeGreaterThan(10);
      expect(s.where.length, id).toBeGreaterThan(10);
    }
  });

  it('keeps fee anchors in date order with positive medians', () => {
    const anchors = CALIBRATION.fees.medianAnchors;
    for (let i = 1; i < anchors.length; i++) expect(anchors[i][0] > anchors[i - 1][0]).toBe(true);
    for (const [, rate] of anchors) expect(rate).toBeGreaterThanOrEqual(CALIBRATION.fees.minSatVb);
  });
});

describe('calibrated distributions over 10,000 draws', () => {
  it('give a median order between USD 60 and 90, inside the bounds', () => {
    const rng = Rng.fromSeed('calibration/orders');
    const xs = Array.from({ length: N }, () => orderUsd(rng));
    const m = median(xs);
    expect(m).toBeGreaterThanOrEqual(60);
    expect(m).toBeLessThanOrEqual(90);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(CALIBRATION.orders.minUsd);
    expect(Math.max(...xs)).toBeLessThanOrEqual(CALIBRATION.orders.maxUsd);
    // Most retail orders are under USD 100 (unodcWaly2020); a heavy tail lifts the mean above it.
    expect(xs.filter((x) => x <= 100).length / N).toBeGreaterThan(0.55);
    expect(xs.reduce((a, b) => a + b, 0) / N).toBeGreaterThan(100);
  });

  it('give a skewed listings-per-vendor count with a median of 4 to 8', () => {
    const rng = Rng.fromSeed('calibration/listings');
    const xs = Array.from({ length: N }, () => listingsPerVendor(rng));
    const m = median(xs);
    expect(m).toBeGreaterThanOrEqual(4);
    expect(m).toBeLessThanOrEqual(8);
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= CALIBRATION.vendors.listingsPerVendor.max)).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    expect(mean).toBeGreaterThan(1.8 * m);
  });

  it('hand out address types within 3 points of each era table', () => {
    for (const era of Object.keys(CALIBRATION.addresses.mix) as AddressEra[]) {
      const rng = Rng.fromSeed(`calibration/address/${era}`);
      const seen = frequencies<AddressKind>(() => pickAddressKind(rng, era));
      expectSharesClose(seen, CALIBRATION.addresses.mix[era], 0.03);
      if (era !== 'taproot') expect(seen.get('p2tr') ?? 0).toBe(0);
    }
    expect(() => pickAddressKind(Rng.fromSeed(1), 'nope' as AddressEra)).toThrow(RangeError);
  });

  it('hand out listing and drug categories within 3 points of each market table', () => {
    for (const market of ['escrow', 'klad'] as const) {
      const rng = Rng.fromSeed(`calibration/categories/${market}`);
      expectSharesClose(frequencies(() => pickListingCategory(rng, market)), CALIBRATION.markets[market].categoryShares, 0.03);
      expectSharesClose(frequencies(() => pickDrugCategory(rng, market)), CALIBRATION.markets[market].drugShares, 0.03);
    }
  });

  it('draw fee rates around the dated median and never below 1 sat/vB', () => {
    const t = utc('2020-02-10T12:00:00Z');
    const m = medianFeeRateAt(t);
    expect(m).toBeGreaterThan(10);
    expect(m).toBeLessThan(15);
    const rng = Rng.fromSeed('calibration/fees');
    const xs = Array.from({ length: N }, () => feeRate(rng, t));
    expect(Math.abs(median(xs) - m) / m).toBeLessThan(0.08);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1);
    expect(medianFeeRateAt(utc('2020-05-20T00:00:00Z'))).toBeCloseTo(100, 9);
    expect(medianFeeRateAt(utc('2010-01-01T00:00:00Z'))).toBeCloseTo(3, 9);
    expect(medianFeeRateAt(utc('2030-01-01T00:00:00Z'))).toBeCloseTo(3, 9);
  });

  it('shape ordinary spends: mostly one input, mostly payee plus change', () => {
    const rng = Rng.fromSeed('calibration/shape');
    const ins = frequencies(() => String(inputCount(rng)));
    const outs = frequencies(() => String(paymentOutputCount(rng)));
    expect(Math.abs((ins.get('1') ?? 0) - 0.6)).toBeLessThan(0.03);
    expect(Math.abs((outs.get('2') ?? 0) - 0.78)).toBeLessThan(0.03);
  });

  it('batch exchange withdrawals around 20 payments per transaction', () => {
    const rng = Rng.fromSeed('calibration/batches');
    const xs = Array.from({ length: N }, () => exchangeBatchSize(rng));
    const mean = xs.reduce((a, b) => a + b, 0) / N;
    expect(mean).toBeGreaterThan(15);
    expect(mean).toBeLessThan(25);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
  });

  it('set locktime and nSequence as the calibrated wallet habits say', () => {
    const rng = Rng.fromSeed('calibration/finality');
    const tip = 617_000;
    let rbf = 0;
    let locked = 0;
    let v2 = 0;
    for (let i = 0; i < N; i++) {
      const f = spendFinality(rng, tip);
      if (f.sequence === SEQUENCE_RBF) rbf++;
      if (f.locktime !== 0) {
        locked++;
        expect(f.locktime).toBeLessThanOrEqual(tip);
        expect(f.locktime).toBeGreaterThan(tip - CALIBRATION.finality.antiFeeSnipingMaxBlocksBack);
        // A locktime is only enforced when some input is not final.
        expect(f.sequence).not.toBe(SEQUENCE_FINAL);
        expect(f.version).toBe(2);
      } else {
        expect([SEQUENCE_FINAL, SEQUENCE_RBF]).toContain(f.sequence);
      }
      if (f.sequence === SEQUENCE_LOCKTIME_ONLY) expect(f.locktime).not.toBe(0);
      if (f.version === 2) v2++;
    }
    expect(Math.abs(rbf / N - CALIBRATION.finality.rbfShare)).toBeLessThan(0.02);
    expect(Math.abs(locked / N - CALIBRATION.finality.antiFeeSnipingShare)).toBeLessThan(0.02);
    expect(Math.abs(v2 / N - CALIBRATION.finality.version2Share)).toBeLessThan(0.03);
    expect(() => spendFinality(rng, -1)).toThrow(RangeError);
  });

  it('are deterministic for a seed', () => {
    const a = Rng.fromSeed('same');
    const b = Rng.fromSeed('same');
    for (let i = 0; i < 100; i++) {
      expect(orderUsd(a)).toBe(orderUsd(b));
      expect(pickAddressKind(a, '2020')).toBe(pickAddressKind(b, '2020'));
      expect(feeRate(a, 1_580_000_000)).toBe(feeRate(b, 1_580_000_000));
    }
  });
});

describe('round amounts and change position', () => {
  it('call an amount round when it is a multiple of 0.001 BTC by default', () => {
    expect(isRoundAmount(100_000)).toBe(true);
    expect(isRoundAmount(2_500_000)).toBe(true);
    expect(isRoundAmount(100_001)).toBe(false);
    expect(isRoundAmount(0)).toBe(false);
    expect(isRoundAmount(1_230, 1)).toBe(true);
    expect(isRoundAmount(1_234, 1)).toBe(false);
    expect(() => isRoundAmount(1_000, 1.5)).toThrow(RangeError);
    fc.assert(
      fc.property(fc.integer({ min: 100_000, max: 2_100_000_000_000_000 }), (sats) => {
        const r = roundDownSats(sats);
        return isRoundAmount(r) && r <= sats && sats - r < 100_000;
      }),
    );
  });

  it('choose round amounts at the calibrated share', () => {
    const rng = Rng.fromSeed('calibration/round');
    let round = 0;
    for (let i = 0; i < N; i++) if (wantsRoundAmount(rng)) round++;
    expect(Math.abs(round / N - CALIBRATION.amounts.roundOutputShare)).toBeLessThan(0.01);
  });

  it('place change last, first, anywhere, or leave it to BIP 69 sorting', () => {
    const rng = Rng.fromSeed('calibration/change');
    expect(changePosition(rng, 'last', 3)).toBe(2);
    expect(changePosition(rng, 'first', 3)).toBe(0);
    expect(changePosition(rng, 'bip69', 3)).toBe('bip69');
    const seen = new Set<number | 'bip69'>();
    for (let i = 0; i < 200; i++) seen.add(changePosition(rng, 'random', 3));
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(() => changePosition(rng, 'last', 0)).toThrow(RangeError);
  });
});
