// What the wallet page shows, as plain data for its template (which escapes it).
import { formatBtc, type Balance, type HistoryEntry } from '../../sim/live/index.ts';

export interface HistoryRow {
  txid: string;
  short: string;
  pending: boolean;
  height: number | null;
  when: string;
  amount: string;
  incoming: boolean;
  label: string;
}

export interface BalanceView {
  confirmed: string;
  unconfirmed: string;
  total: string;
  hasPending: boolean;
}

/** "2020-02-03 14:05 UTC" in the world's own time. */
export function worldTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function balanceView(b: Balance): BalanceView {
  return {
    confirmed: formatBtc(b.confirmed),
    unconfirmed: `${b.unconfirmed > 0 ? '+' : ''}${formatBtc(b.unconfirmed)}`,
    total: formatBtc(b.total),
    hasPending: b.unconfirmed !== 0,
  };
}

const LABELS: Record<string, string> = {
  lab_allowance: 'Allowance from the lab',
  order_payment: 'Order payment',
};

export function historyRows(entries: HistoryEntry[]): HistoryRow[] {
  return entries.map((e) => ({
    txid: e.txid,
    short: `${e.txid.slice(0, 10)}…${e.txid.slice(-6)}`,
    pending: e.height === null,
    height: e.height,
    when: worldTime(e.time),
    amount: `${e.delta > 0 ? '+' : ''}${formatBtc(e.delta)}`,
    incoming: e.delta > 0,
    label: e.intent && LABELS[e.intent] ? `${LABELS[e.intent]}${e.orderId ? ` · ${e.orderId}` : ''}` : e.delta > 0 ? 'Received' : 'Sent',
  }));
}
