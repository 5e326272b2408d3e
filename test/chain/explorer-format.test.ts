import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bitsHex,
  btcParts,
  confirmations,
  formatAge,
  formatBtc,
  formatBytes,
  formatDifficulty,
  formatFeeRate,
  formatSat,
  formatUtc,
  histogramBars,
  isSegwit,
  isoUtc,
  locktimeLabel,
  opReturnData,
  printableText,
  scriptTypeLabel,
  signalsRbf,
  splitForTruncation,
  taprootUse,
  truncateMiddle,
  vsizeOf,
} from '../../chain/explorer/format.ts';
import { MAX_MONEY } from '../../chain/ledger.ts';

describe('amounts', () => {
  it('shows satoshis as BTC with all eight decimals', () => {
    expect(formatBtc(0)).toBe('0.00000000');
    expect(formatBtc(1)).toBe('0.00000001');
    expect(formatBtc(150_000_000)).toBe('1.50000000');
    expect(formatBtc(-2_500)).toBe('-0.00002500');
    expect(formatBtc(MAX_MONEY)).toBe('21,000,000.00000000');
    expect(formatSat(123_456_789)).toBe('123,456,789 sat');
  });

  it('never loses a satoshi: the text parses back to the same integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MONEY, max: MAX_MONEY }), (sat) => {
        const text = formatBtc(sat).replace(/,/g, '');
        const [whole, frac] = text.replace('-', '').split('.');
        const back = (Number(whole) * 100_000_000 + Number(frac)) * (text.startsWith('-') ? -1 : 1);
        expect(back).toBe(sat);
      }),
    );
  });

  it('splits off trailing zeros without changing the digits', () => {
    expect(btcParts(150_000_000)).toEqual({ significant: '1.5', zeros: '0000000' });
    expect(btcParts(0)).toEqual({ significant: '0.', zeros: '00000000' });
    expect(btcParts(12_345_678)).toEqual({ significant: '0.12345678', zeros: '' });
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MONEY, max: MAX_MONEY }), (sat) => {
        const { significant, zeros } = btcParts(sat);
        expect(significant + zeros).toBe(formatBtc(sat));
        expect(zeros).toMatch(/^0*$/);
      }),
    );
  });

  it('rejects amounts that are not whole satoshis', () => {
    expect(() => formatBtc(0.5)).toThrow(RangeError);
  });
});

describe('hashes', () => {
  const txid = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b';
  it('truncates in the middle, keeping both ends', () => {
    expect(truncateMiddle(txid)).toBe('4a5e1e4b…fdeda33b');
    expect(truncateMiddle('short')).toBe('short');
  });
  it('splits for CSS truncation so that the parts rejoin to the whole', () => {
    expect(splitForTruncation(txid)).toEqual({ head: txid.slice(0, 56), tail: 'fdeda33b' });
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (s) => {
        const { head, tail } = splitForTruncation(s);
        expect(head + tail).toBe(s);
      }),
    );
  });
});

describe('times', () => {
  it('formats the genesis block time in UTC', () => {
    expect(formatUtc(1231006505)).toBe('2009-01-03 18:15:05 UTC');
    expect(isoUtc(1231006505)).toBe('2009-01-03T18:15:05Z');
  });
  it('says how long ago', () => {
    expect(formatAge(1000, 1030)).toBe('30 s ago');
    expect(formatAge(1000, 1000 + 600)).toBe('10 min ago');
    expect(formatAge(0, 3 * 3600 + 120)).toBe('3 h 2 min ago');
    expect(formatAge(0, 86400)).toBe('1 day ago');
    expect(formatAge(0, 800 * 86400)).toBe('2 years ago');
    expect(formatAge(100, 50)).toBe('in the future');
  });
  it('reads locktimes as heights below 500,000,000 and as times above', () => {
    expect(locktimeLabel(0)).toBe('0 (none)');
    expect(locktimeLabel(617000)).toBe('617000 (block height 617,000)');
    expect(locktimeLabel(1231006505)).toBe('1231006505 (2009-01-03 18:15:05 UTC)');
  });
});

describe('sizes, fee rates, difficulty', () => {
  it('derives vsize from weight, rounding up (BIP 141)', () => {
    expect(vsizeOf(561)).toBe(141);
    expect(vsizeOf(564)).toBe(141);
    expect(vsizeOf(565)).toBe(142);
  });
  it('formats sizes, fee rates, bits and difficulty', () => {
    expect(formatBytes(250)).toBe('250 B');
    expect(formatBytes(1234)).toBe('1.23 kB');
    expect(formatBytes(1_500_000, 'vB')).toBe('1.50 MvB');
    expect(formatFeeRate(4.256)).toBe('4.26 sat/vB');
    expect(formatFeeRate(42.56)).toBe('42.6 sat/vB');
    expect(formatFeeRate(425.6)).toBe('426 sat/vB');
    expect(bitsHex(0x1d00ffff)).toBe('1d00ffff');
    expect(bitsHex(0x207fffff)).toBe('207fffff');
    expect(formatDifficulty(14343235769273.65)).toBe('14,343,235,769,274');
    expect(formatDifficulty(1)).toBe('1.00');
    expect(formatDifficulty(4.656542373906925e-10)).toBe('4.657e-10');
  });
  it('counts confirmations from the tip', () => {
    expect(confirmations(100, 100)).toBe(1);
    expect(confirmations(90, 100)).toBe(11);
    expect(confirmations(undefined, 100)).toBe(0);
  });
});

describe('transaction markers', () => {
  const p2tr = { scriptpubkey_type: 'v1_p2tr' };
  const p2wpkh = { scriptpubkey_type: 'v0_p2wpkh' };
  it('sees BIP 125 replaceability only below 0xfffffffe', () => {
    const tx = (sequence: number) => ({ vin: [{ is_coinbase: false, sequence }], vout: [] });
    expect(signalsRbf(tx(0xfffffffd))).toBe(true);
    expect(signalsRbf(tx(0xfffffffe))).toBe(false);
    expect(signalsRbf(tx(0xffffffff))).toBe(false);
    expect(signalsRbf({ vin: [{ is_coinbase: true, sequence: 0 }], vout: [] })).toBe(false);
  });
  it('marks segwit by witness data and taproot by spent or created v1 outputs', () => {
    expect(isSegwit({ vin: [{ is_coinbase: false, sequence: 0, witness: ['00'] }], vout: [] })).toBe(true);
    expect(isSegwit({ vin: [{ is_coinbase: false, sequence: 0 }], vout: [] })).toBe(false);
    expect(taprootUse({ vin: [{ is_coinbase: false, sequence: 0, prevout: p2tr }], vout: [p2wpkh] })).toEqual({ spends: true, creates: false });
    expect(taprootUse({ vin: [{ is_coinbase: false, sequence: 0, prevout: p2wpkh }], vout: [p2tr] })).toEqual({ spends: false, creates: true });
  });
  it('names script types as people say them', () => {
    expect(scriptTypeLabel('v0_p2wpkh')).toBe('P2WPKH');
    expect(scriptTypeLabel('v1_p2tr')).toBe('P2TR');
    expect(scriptTypeLabel('something_new')).toBe('something_new');
  });
});

describe('script data', () => {
  it('reads OP_RETURN payloads and the text inside them', () => {
    const hello = Buffer.from('hello world').toString('hex');
    expect(opReturnData(`6a0b${hello}`)).toBe(hello);
    expect(opReturnData(`6a4c0b${hello}`)).toBe(hello);
    expect(opReturnData('6a')).toBe('');
    expect(opReturnData('0014' + '00'.repeat(20))).toBeNull();
    expect(printableText(hello)).toBe('hello world');
  });
  it("finds a coinbase's pool tag among binary bytes", () => {
    // BIP 34 height push, then a tag, then an extranonce.
    const sig = '03e8690907' + Buffer.from('/Harborlight Pool/').toString('hex') + '00ff00ff';
    expect(printableText(sig)).toBe('/Harborlight Pool/');
  });
});

describe('fee histogram', () => {
  it('scales bars to the largest bucket', () => {
    const bars = histogramBars([
      [50.5, 100_000],
      [10, 400_000],
      [1, 50_000],
    ]);
    expect(bars.map((b) => b.percent)).toEqual([25, 100, 12.5]);
    expect(bars[0].label).toBe('≥ 50.5 sat/vB');
    expect(bars[1].vsizeLabel).toBe('400.00 kvB');
    expect(histogramBars([])).toEqual([]);
  });
  it('keeps every bar between a visible sliver and full width', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 1, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 5_000_000 })), { minLength: 1, maxLength: 30 }), (hist) => {
        for (const b of histogramBars(hist)) {
          expect(b.percent).toBeGreaterThanOrEqual(0.5);
          expect(b.percent).toBeLessThanOrEqual(100);
        }
      }),
    );
  });
});
