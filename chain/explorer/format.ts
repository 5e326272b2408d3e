// View helpers for the explorer's pages: pure functions from ledger numbers to display strings.
// Amounts stay integers (satoshis) until the last step so no float rounding ever shows a wrong digit.
import { COIN } from '../types.ts';

const SAT_DIGITS = 8;

/** Satoshis as BTC with all 8 decimals, e.g. 150000000 → "1.50000000"; negative amounts keep their sign. */
export function formatBtc(sat: number): string {
  if (!Number.isSafeInteger(sat)) throw new RangeError(`amount ${sat} is not a whole number of satoshis`);
  const sign = sat < 0 ? '-' : '';
  const abs = Math.abs(sat);
  const whole = Math.floor(abs / COIN);
  const frac = String(abs % COIN).padStart(SAT_DIGITS, '0');
  return `${sign}${groupThousands(whole)}.${frac}`;
}

/**
 * BTC split for display: the significant part and the trailing zeros (shown fainter, as mempool.space does),
 * so "1.50000000" reads as "1.5" at a glance while every digit stays on the page.
 */
export function btcParts(sat: number): { significant: string; zeros: string } {
  const text = formatBtc(sat);
  const m = /^(.*?\.\d*?[1-9]|.*?\.)(0*)$/.exec(text);
  if (!m) return { significant: text, zeros: '' };
  return { significant: m[1], zeros: m[2] };
}

/** Satoshis with thousands separators, e.g. 123456 → "123,456 sat". */
export function formatSat(sat: number): string {
  return `${sat < 0 ? '-' : ''}${groupThousands(Math.abs(sat))} sat`;
}

export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Long hex kept readable in narrow places: head…tail. Short strings are returned whole. */
export function truncateMiddle(s: string, head = 8, tail = 8): string {
  if (s.length <= head + tail + 1) return s;
  return `${s.slice(0, head)}…${s.slice(-tail)}`;
}

/**
 * Splits a hash for the CSS middle truncation: the head may be cut with an ellipsis by the browser,
 * the tail always stays visible. Both parts stay in the DOM, so selecting and copying yields the whole hash.
 */
export function splitForTruncation(s: string, tail = 8): { head: string; tail: string } {
  if (s.length <= tail * 2) return { head: s, tail: '' };
  return { head: s.slice(0, -tail), tail: s.slice(-tail) };
}

/** Unix seconds as "2024-01-02 03:04:05 UTC". */
export function formatUtc(unix: number): string {
  return `${isoUtc(unix).replace('T', ' ').replace(/\.000Z$|Z$/, '')} UTC`;
}

/** Unix seconds as an ISO 8601 instant for `<time datetime>`. */
export function isoUtc(unix: number): string {
  if (!Number.isFinite(unix)) throw new RangeError(`time ${unix} is not a number of seconds`);
  return new Date(unix * 1000).toISOString().replace('.000Z', 'Z');
}

/** How long ago `then` was, seen from `now` (both unix seconds), in the largest sensible unit. */
export function formatAge(then: number, now: number): string {
  const d = now - then;
  if (d < 0) return 'in the future';
  if (d < 60) return `${d} s ago`;
  if (d < 3600) return `${Math.floor(d / 60)} min ago`;
  if (d < 86400) {
    const h = Math.floor(d / 3600);
    const m = Math.floor((d % 3600) / 60);
    return m ? `${h} h ${m} min ago` : `${h} h ago`;
  }
  const days = Math.floor(d / 86400);
  if (days < 365) return `${days} day${days === 1 ? '' : 's'} ago`;
  const years = Math.floor(days / 365);
  return `${years} year${years === 1 ? '' : 's'} ago`;
}

/** Bytes in the units block explorers use: "250 B", "1.23 kB", "1.50 MB" (decimal units). */
export function formatBytes(n: number, unit = 'B'): string {
  if (n < 1000) return `${groupThousands(n)} ${unit}`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(2)} k${unit}`;
  return `${(n / 1_000_000).toFixed(2)} M${unit}`;
}

/** Virtual size from weight (BIP 141): weight / 4, rounded up. */
export function vsizeOf(weight: number): number {
  return Math.ceil(weight / 4);
}

/** Fee per virtual byte. */
export function feeRate(fee: number, vsize: number): number {
  return vsize > 0 ? fee / vsize : 0;
}

/** "12.3 sat/vB" with one decimal below 10 and none above 100, as fee rates are usually read. */
export function formatFeeRate(rate: number): string {
  const digits = rate < 10 ? 2 : rate < 100 ? 1 : 0;
  return `${rate.toFixed(digits)} sat/vB`;
}

/** Difficulty with grouped digits when large and significant digits when tiny (regtest is ~4.66e-10). */
export function formatDifficulty(d: number): string {
  if (d >= 1000) return groupThousands(Math.round(d));
  if (d >= 1) return d.toFixed(2);
  return d.toPrecision(4);
}

/** Compact target as the 8 hex digits Bitcoin Core prints, e.g. "1d00ffff". */
export function bitsHex(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

/** Confirmations of a tx in block `height` with the chain tip at `tipHeight`; 0 in the mempool. */
export function confirmations(height: number | undefined, tipHeight: number): number {
  return height === undefined ? 0 : Math.max(0, tipHeight - height + 1);
}

const SCRIPT_TYPE_LABELS: Record<string, string> = {
  p2pkh: 'P2PKH',
  p2sh: 'P2SH',
  v0_p2wpkh: 'P2WPKH',
  v0_p2wsh: 'P2WSH',
  v1_p2tr: 'P2TR',
  op_return: 'OP_RETURN',
  multisig: 'bare multisig',
  p2pk: 'P2PK',
  provably_unspendable: 'unspendable',
  empty: 'empty script',
  unknown: 'non-standard',
};

/** Esplora's scriptpubkey_type as people say it, e.g. v0_p2wpkh → "P2WPKH". */
export function scriptTypeLabel(type: string): string {
  return SCRIPT_TYPE_LABELS[type] ?? type;
}

/** Minimal shapes of the Esplora tx fields the markers read. */
export interface MarkerInput {
  is_coinbase: boolean;
  sequence: number;
  witness?: string[];
  prevout?: { scriptpubkey_type: string } | null;
}
export interface MarkerTx {
  vin: MarkerInput[];
  vout: { scriptpubkey_type: string }[];
}

/** BIP 125: a tx signals replaceability when any input's sequence is below 0xfffffffe. */
export function signalsRbf(tx: MarkerTx): boolean {
  return tx.vin.some((i) => !i.is_coinbase && i.sequence < 0xfffffffe);
}

/** A tx is segwit when it carries witness data (BIP 144 serialisation). */
export function isSegwit(tx: MarkerTx): boolean {
  return tx.vin.some((i) => (i.witness?.length ?? 0) > 0);
}

/** Taproot in use: spends a v1 output, or creates one. */
export function taprootUse(tx: MarkerTx): { spends: boolean; creates: boolean } {
  return {
    spends: tx.vin.some((i) => i.prevout?.scriptpubkey_type === 'v1_p2tr'),
    creates: tx.vout.some((o) => o.scriptpubkey_type === 'v1_p2tr'),
  };
}

export interface HistogramBar {
  /** Lower fee-rate bound of the bucket, sat/vB. */
  feeRate: number;
  label: string;
  vsize: number;
  vsizeLabel: string;
  /** Bar length as a share of the largest bucket, 0..100. */
  percent: number;
}

/**
 * Esplora's mempool fee_histogram — [feerate, vsize] pairs, highest rate first, each bucket holding the
 * vsize paying at least that rate and less than the previous bucket's — as bars for a chart.
 */
export function histogramBars(histogram: readonly (readonly [number, number])[]): HistogramBar[] {
  const max = histogram.reduce((m, [, v]) => Math.max(m, v), 0);
  return histogram.map(([rate, vsize]) => ({
    feeRate: rate,
    label: `≥ ${formatFeeRate(rate)}`,
    vsize,
    vsizeLabel: formatBytes(vsize, 'vB'),
    percent: max > 0 ? Math.max(0.5, Math.round((vsize / max) * 1000) / 10) : 0,
  }));
}

/** Locktime as people read it: none, a block height, or a time (BIP 65's 500,000,000 threshold). */
export function locktimeLabel(locktime: number): string {
  if (locktime === 0) return '0 (none)';
  if (locktime < 500_000_000) return `${locktime} (block height ${groupThousands(locktime)})`;
  return `${locktime} (${formatUtc(locktime)})`;
}

/**
 * The readable text inside a hex blob — a coinbase's pool tag, an OP_RETURN note: runs of at least
 * `minRun` printable ASCII characters, joined with a space. Empty when there is none.
 */
export function printableText(hex: string, minRun = 4): string {
  const runs: string[] = [];
  let run = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16);
    if (c >= 0x20 && c < 0x7f) run += String.fromCharCode(c);
    else {
      if (run.trim().length >= minRun) runs.push(run.trim());
      run = '';
    }
  }
  if (run.trim().length >= minRun) runs.push(run.trim());
  return runs.join(' ');
}

/** The data an OP_RETURN output carries (hex after OP_RETURN and its push opcode); null for other scripts. */
export function opReturnData(scriptHex: string): string | null {
  if (!scriptHex.startsWith('6a')) return null;
  const rest = scriptHex.slice(2);
  if (rest === '') return '';
  const op = parseInt(rest.slice(0, 2), 16);
  if (op >= 1 && op <= 0x4b) return rest.slice(2);
  if (op === 0x4c) return rest.slice(4);
  if (op === 0x4d) return rest.slice(6);
  return rest;
}
