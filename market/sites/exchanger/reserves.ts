// An exchanger's reserves as its site shows them: the BTC its own hot and deposit wallets hold on
// the chain now (unspent outputs to the wallets' addresses), and fiat reserves the operator
// claims (lab figures drawn from the world seed: no fiat exists in the world).
import type { Db } from '../../../chain/store/open.ts';
import { Rng } from '../../../chain/rng.ts';
import { FIATS, PER_USD, type Fiat } from './rates.ts';

export class Reserves {
  private readonly st;

  constructor(private readonly db: Db) {
    const hasTruth = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gt_addresses'").get() !== undefined;
    this.st = hasTruth
      ? db.prepare('SELECT COALESCE(SUM(o.value), 0) AS v FROM gt_addresses g JOIN outputs o ON o.address_id = g.address_id WHERE g.wallet_id = ? AND o.spent_tx_id IS NULL')
      : null;
  }

  /** Satoshis unspent in the wallets. */
  btcSats(walletIds: readonly number[]): number {
    if (!this.st) return 0;
    let total = 0;
    for (const id of walletIds) total += (this.st.get(id) as { v: number }).v;
    return total;
  }
}

/** What the operator says it holds in each currency (round numbers, stable per exchanger and day). */
export function fiatReserves(seed: string, exchanger: string, day: string): Record<Fiat, number> {
  const rng = Rng.fromSeed(seed).fork('darkweb/exchanger-reserves').fork(`${exchanger}/${day}`);
  const out = {} as Record<Fiat, number>;
  for (const c of FIATS) out[c] = Math.round((rng.int(8, 60) * 1_000 * PER_USD[c]) / 1_000) * 1_000;
  return out;
}
