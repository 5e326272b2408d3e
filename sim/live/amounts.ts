// Amounts as trainees type and read them: BTC with up to 8 decimals, exact (no floating point).
import { COIN } from '../../chain/types.ts';
import { LiveError } from './errors.ts';

const BTC_PATTERN = /^(\d{1,8})(?:\.(\d{0,8}))?$|^\.(\d{1,8})$/;

/** '0.015' → 1_500_000 sats; refuses anything that is not a plain positive decimal of at most 8 places. */
export function parseBtc(text: string): number {
  const s = text.trim();
  const m = BTC_PATTERN.exec(s);
  if (!m) throw new LiveError('invalid-amount', 'amount must be a number of BTC with at most 8 decimals, e.g. 0.015');
  const whole = m[1] ?? '0';
  const frac = (m[2] ?? m[3] ?? '').padEnd(8, '0');
  const sats = Number(whole) * COIN + Number(frac);
  if (!Number.isSafeInteger(sats) || sats <= 0) throw new LiveError('invalid-amount', 'amount must be more than 0 BTC');
  return sats;
}

/** 1_500_000 → '0.01500000' (sign kept for negative deltas). */
export function formatBtc(sats: number): string {
  const sign = sats < 0 ? '-' : '';
  const a = Math.abs(sats);
  return `${sign}${Math.floor(a / COIN)}.${String(a % COIN).padStart(8, '0')}`;
}
