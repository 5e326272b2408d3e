// What the sites know of the public chain: the world's "now" (the tip's time: a world is set in
// 2020, and live blocks move it on), the BTC price at that moment, and payments to an order's
// deposit address — read from the ledger's public tables, as a market's own node would see them.
import type { Db } from '../../../chain/store/open.ts';
import { getMeta } from '../../../chain/store/open.ts';
import { reverseHex } from '../../../chain/bytes.ts';
import type { Network } from '../../../chain/types.ts';
import { usdToSats } from '../../../sim/calibration/btc-usd.ts';

export interface TipInfo {
  height: number;
  /** Display order (as explorers show it). */
  hash: string;
  time: number;
}

export interface AddressPayment {
  txid: string;
  vout: number;
  value: number;
  /** null while in the mempool. */
  height: number | null;
  confirmations: number;
}

export class ChainView {
  private readonly st;
  readonly network: Network;
  private readonly startTime: number;

  constructor(db: Db) {
    const settings = JSON.parse(getMeta(db, 'settings') ?? '{}') as { network?: Network; startTime?: number };
    this.network = settings.network ?? 'mainnet';
    this.startTime = settings.startTime ?? 0;
    this.st = {
      tip: db.prepare('SELECT height, hash, time FROM blocks ORDER BY height DESC LIMIT 1'),
      blockAtOrBefore: db.prepare('SELECT height, hash, time FROM blocks WHERE time <= ? ORDER BY height DESC LIMIT 1'),
      addressUsed: db.prepare('SELECT 1 FROM addresses WHERE address = ? LIMIT 1'),
      payments: db.prepare(
        `SELECT t.txid, o.vout, o.value, t.block_height AS height
         FROM addresses a JOIN outputs o ON o.address_id = a.id JOIN txs t ON t.id = o.tx_id
         WHERE a.address = ? ORDER BY t.id`,
      ),
    };
  }

  tip(): TipInfo | null {
    const r = this.st.tip.get() as { height: number; hash: Uint8Array; time: number } | undefined;
    return r ? { height: r.height, hash: reverseHex(new Uint8Array(r.hash)), time: r.time } : null;
  }

  /** The last block mined at or before `time` (for a canary's "latest block" line). */
  blockAtOrBefore(time: number): TipInfo | null {
    const r = this.st.blockAtOrBefore.get(time) as { height: number; hash: Uint8Array; time: number } | undefined;
    return r ? { height: r.height, hash: reverseHex(new Uint8Array(r.hash)), time: r.time } : null;
  }

  /** The world's present: the tip's timestamp (unix seconds). */
  now(): number {
    return this.tip()?.time ?? this.startTime;
  }

  /** USD → satoshis at the BTC price of the world's present hour, as a market's rate ticker would quote it. */
  usdToSats(usd: number, at = this.now()): number {
    return usdToSats(usd, Math.floor(at / 3600) * 3600);
  }

  /** Whether any transaction output ever paid this address. */
  addressUsed(address: string): boolean {
    return this.st.addressUsed.get(address) !== undefined;
  }

  /** Outputs paying `address`, oldest first, with confirmations at the current tip. */
  paymentsTo(address: string): AddressPayment[] {
    const tip = this.tip()?.height ?? 0;
    return (this.st.payments.all(address) as { txid: Uint8Array; vout: number; value: number; height: number | null }[]).map((r) => ({
      txid: reverseHex(new Uint8Array(r.txid)),
      vout: r.vout,
      value: r.value,
      height: r.height,
      confirmations: r.height === null ? 0 : Math.max(0, tip - r.height + 1),
    }));
  }
}
