// Form fields the kit does not read: a BTC amount with up to eight decimals (kit amounts stop at
// cents) and a Bitcoin address of the lab's network.
import { isValidAddress } from '../../../chain/address.ts';
import type { Network } from '../../../chain/types.ts';
import { FormError, formValue } from '../kit/forms.ts';

/** A BTC amount as satoshis within [minSats, maxSats]: '0.05', '0,05', '1'. */
export function readBtcSats(body: unknown, name: string, label: string, minSats: number, maxSats: number): number {
  const value = formValue(body, name).trim().replace(',', '.');
  if (value === '') throw new FormError(label, 'form.required');
  const m = /^(\d{1,4})(?:\.(\d{1,8}))?$/.exec(value);
  if (!m) throw new FormError(label, 'xc.form.btc');
  const sats = Number(m[1]) * 1e8 + Number((m[2] ?? '').padEnd(8, '0'));
  if (sats < minSats || sats > maxSats) throw new FormError(label, 'form.range', { min: (minSats / 1e8).toFixed(8).replace(/0+$/, ''), max: (maxSats / 1e8).toFixed(8).replace(/\.?0+$/, '') });
  return sats;
}

/** A Bitcoin address valid on `network`. */
export function readBtcAddress(body: unknown, name: string, label: string, network: Network): string {
  const value = formValue(body, name).trim();
  if (value === '') throw new FormError(label, 'form.required');
  if (value.length > 100 || !isValidAddress(value, network)) throw new FormError(label, 'xc.form.address');
  return value;
}
