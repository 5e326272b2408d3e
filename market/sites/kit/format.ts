// How the sites write numbers, money and dates in each language. Dates are the world's (UTC).
import type { Lang } from './i18n.ts';

const LOCALE: Record<Lang, string> = { en: 'en-US', ru: 'ru-RU' };
const usdFormat: Record<Lang, Intl.NumberFormat> = {
  en: new Intl.NumberFormat(LOCALE.en, { style: 'currency', currency: 'USD' }),
  ru: new Intl.NumberFormat(LOCALE.ru, { style: 'currency', currency: 'USD' }),
};
const numFormat: Record<Lang, Intl.NumberFormat> = {
  en: new Intl.NumberFormat(LOCALE.en),
  ru: new Intl.NumberFormat(LOCALE.ru),
};
const pctFormat: Record<Lang, Intl.NumberFormat> = {
  en: new Intl.NumberFormat(LOCALE.en, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  ru: new Intl.NumberFormat(LOCALE.ru, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
};

/**
 * Intl formatting costs microseconds a call and a results page makes hundreds of calls for a few
 * distinct values (prices, counts), so results are remembered (bounded).
 */
function memo(format: (lang: Lang, n: number) => string): (lang: Lang, n: number) => string {
  const seen: Record<Lang, Map<number, string>> = { en: new Map(), ru: new Map() };
  return (lang, n) => {
    const m = seen[lang];
    let s = m.get(n);
    if (s === undefined) {
      s = format(lang, n);
      if (m.size >= 20_000) m.clear();
      m.set(n, s);
    }
    return s;
  };
}

export const formatUsd: (lang: Lang, usd: number) => string = memo((lang, usd) => (Number.isFinite(usd) ? usdFormat[lang].format(usd) : ''));

export const formatNumber: (lang: Lang, n: number) => string = memo((lang, n) => (Number.isFinite(n) ? numFormat[lang].format(n) : ''));

/** A share (0.971) as a percentage ('97.1%' / '97,1 %'). */
export function formatPercent(lang: Lang, share: number): string {
  return Number.isFinite(share) ? pctFormat[lang].format(share) : '';
}

/** Satoshis as BTC with all eight decimals, as wallets and markets show amounts to pay. */
export function formatBtc(sats: number): string {
  if (!Number.isSafeInteger(sats)) return '';
  const sign = sats < 0 ? '-' : '';
  const abs = Math.abs(sats);
  return `${sign}${Math.floor(abs / 1e8)}.${String(abs % 1e8).padStart(8, '0')}`;
}

/** Unix seconds → 'YYYY-MM-DD' (UTC). */
export function formatDate(unix: number): string {
  if (!Number.isFinite(unix)) return '';
  return new Date(unix * 1000).toISOString().slice(0, 10);
}

/** Unix seconds → 'YYYY-MM-DD HH:MM UTC'. */
export function formatDateTime(unix: number): string {
  if (!Number.isFinite(unix)) return '';
  const iso = new Date(unix * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Unix seconds at 00:00 UTC of the day that contains `unix`. */
export function dayStart(unix: number): number {
  return Math.floor(unix / 86400) * 86400;
}
