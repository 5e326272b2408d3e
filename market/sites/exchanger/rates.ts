// What an obmennik quotes: BTC against the currencies its customers pay and get paid in, from the
// world's BTC/USD price at the tip (the market rate of that hour), with the exchanger's fee on
// each side. Fiat cross rates are lab constants close to early 2020's (the worlds are set then);
// they only shape the numbers on the page, nothing on the chain depends on them.
import type { ChainView } from '../kit/chain.ts';

export type Fiat = 'RUB' | 'KZT' | 'USD';
export const FIATS: readonly Fiat[] = ['RUB', 'KZT', 'USD'];

/** Units of each currency per US dollar (approximately February 2020). */
export const PER_USD: Readonly<Record<Fiat, number>> = { USD: 1, RUB: 64, KZT: 380 };

export interface Quote {
  currency: Fiat;
  /** Mid-market price of 1 BTC in this currency. */
  mid: number;
  /** What a customer pays for 1 BTC (buying from the exchanger). */
  buy: number;
  /** What a customer gets for 1 BTC (selling to the exchanger). */
  sell: number;
}

export interface RateSheet {
  usdPerBtc: number;
  /** The hour the price is from (unix seconds). */
  at: number;
  fee: number;
  quotes: Quote[];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The world's BTC price in USD for the hour of `at`. */
export function usdPerBtc(chain: ChainView, at = chain.now()): number {
  const sats = chain.usdToSats(100_000, at);
  return sats > 0 ? round2((100_000 * 1e8) / sats) : 0;
}

export function rateSheet(chain: ChainView, fee: number, at = chain.now()): RateSheet {
  if (!(fee >= 0 && fee < 0.5)) throw new RangeError(`an exchanger fee is a fraction below 0.5, got ${fee}`);
  const usd = usdPerBtc(chain, at);
  return {
    usdPerBtc: usd,
    at: Math.floor(at / 3600) * 3600,
    fee,
    quotes: FIATS.map((currency) => {
      const mid = usd * PER_USD[currency];
      return { currency, mid: round2(mid), buy: round2(mid * (1 + fee)), sell: round2(mid * (1 - fee)) };
    }),
  };
}

export function quoteFor(sheet: RateSheet, currency: Fiat): Quote {
  const q = sheet.quotes.find((x) => x.currency === currency);
  if (!q) throw new RangeError(`no quote for ${currency}`);
  return q;
}
