// View models: Esplora-shaped ledger data turned into what the templates print. Pure functions,
// so every number a trainee sees is computed here, once, where tests can reach it.
import type { EsploraBlock, EsploraOutspend, EsploraTx, EsploraUtxo, EsploraVout, EsploraMempoolInfo } from '../esplora-types.ts';
import {
  bitsHex,
  confirmations,
  feeRate,
  formatBytes,
  formatDifficulty,
  formatFeeRate,
  histogramBars,
  isSegwit,
  locktimeLabel,
  opReturnData,
  printableText,
  signalsRbf,
  taprootUse,
  vsizeOf,
  type HistogramBar,
} from './format.ts';

/** Who an input spends from or an output pays: an address, or a description of a script without one. */
export interface Party {
  address?: string;
  text: string;
}

export interface CardIo extends Party {
  value?: number;
  /** The page's own address: highlighted. */
  mine?: boolean;
}

/** One transaction as a compact inputs → outputs row (block and address pages). */
export interface TxCard {
  txid: string;
  coinbase: boolean;
  confirmed: boolean;
  height?: number;
  blockHash?: string;
  time?: number;
  showBlock: boolean;
  fee: number;
  rate: string;
  vsizeLabel: string;
  ins: CardIo[];
  insMore: number;
  outs: CardIo[];
  outsMore: number;
  hasEffect: boolean;
  /** Net satoshis the tx moved into (positive) or out of (negative) the page's address. */
  effect: number;
  mineClass: string;
}

export const CARD_IO_LIMIT = 5;

export function partyOf(out: EsploraVout | null): Party {
  if (!out) return { text: 'unknown output' };
  if (out.scriptpubkey_address) return { address: out.scriptpubkey_address, text: out.scriptpubkey_address };
  switch (out.scriptpubkey_type) {
    case 'op_return':
      return { text: 'OP_RETURN (data, no address)' };
    case 'multisig':
      return { text: 'bare multisig script' };
    case 'p2pk':
      return { text: 'pay-to-public-key script' };
    case 'empty':
      return { text: 'empty script' };
    default:
      return { text: 'script without an address' };
  }
}

/** Net effect of a transaction on one address: what its outputs pay the address minus what its inputs take from it. */
export function netEffect(tx: EsploraTx, address: string): number {
  let net = 0;
  for (const o of tx.vout) if (o.scriptpubkey_address === address) net += o.value;
  for (const i of tx.vin) if (i.prevout?.scriptpubkey_address === address) net -= i.prevout.value;
  return net;
}

/**
 * A compact card. With `address`, the rows touching that address come first (so a 200-output payout
 * still shows the trainee's address) and the card carries the tx's net effect on it.
 */
export function txCard(tx: EsploraTx, opts: { address?: string; showBlock: boolean; limit?: number }): TxCard {
  const limit = opts.limit ?? CARD_IO_LIMIT;
  const isMine = (a: string | undefined) => opts.address !== undefined && a === opts.address;
  const coinbase = tx.vin.some((i) => i.is_coinbase);
  const mineFirst = <T extends { mine: boolean }>(rows: T[]) => (opts.address ? [...rows].sort((a, b) => Number(b.mine) - Number(a.mine)) : rows);
  const insAll = mineFirst(
    tx.vin.map((i) => ({
      row: i.is_coinbase ? { text: 'coinbase (new coins)' } : { ...partyOf(i.prevout), value: i.prevout?.value, mine: isMine(i.prevout?.scriptpubkey_address) },
      mine: isMine(i.prevout?.scriptpubkey_address),
    })),
  );
  const outsAll = mineFirst(
    tx.vout.map((o) => ({ row: { ...partyOf(o), value: o.value, mine: isMine(o.scriptpubkey_address) }, mine: isMine(o.scriptpubkey_address) })),
  );
  const vsize = vsizeOf(tx.weight);
  const effect = opts.address ? netEffect(tx, opts.address) : 0;
  return {
    txid: tx.txid,
    coinbase,
    confirmed: tx.status.confirmed,
    height: tx.status.block_height,
    blockHash: tx.status.block_hash,
    time: tx.status.block_time,
    showBlock: opts.showBlock,
    fee: tx.fee,
    rate: formatFeeRate(feeRate(tx.fee, vsize)),
    vsizeLabel: `${vsize.toLocaleString('en-US')} vB`,
    ins: insAll.slice(0, limit).map((r) => r.row),
    insMore: Math.max(0, insAll.length - limit),
    outs: outsAll.slice(0, limit).map((r) => r.row),
    outsMore: Math.max(0, outsAll.length - limit),
    hasEffect: opts.address !== undefined,
    effect,
    mineClass: opts.address === undefined ? '' : effect >= 0 ? 'mine-in' : 'mine-out',
  };
}

export interface InputView extends Party {
  index: number;
  coinbase: boolean;
  coinbaseHex?: string;
  coinbaseText?: string;
  prevTxid: string;
  prevVout: number;
  value: number;
  scriptType: string;
  sequenceHex: string;
  witnessItems: number;
}

export interface OutputView extends Party {
  index: number;
  value: number;
  scriptType: string;
  dataText?: string;
  unspendable: boolean;
  spent: boolean;
  spendTxid?: string;
  spendVin?: number;
  spendConfirmed: boolean;
}

export interface TxView {
  txid: string;
  confirmed: boolean;
  height?: number;
  blockHash?: string;
  blockTime?: number;
  confirmations: number;
  coinbase: boolean;
  rbf: boolean;
  segwit: boolean;
  taprootSpends: boolean;
  taprootCreates: boolean;
  fee: number;
  feeRateLabel: string;
  size: number;
  vsize: number;
  weight: number;
  version: number;
  locktime: number;
  locktimeLabel: string;
  totalIn: number;
  totalOut: number;
  inputCount: number;
  outputCount: number;
}

export function txView(tx: EsploraTx, tipHeight: number): TxView {
  const vsize = vsizeOf(tx.weight);
  const taproot = taprootUse(tx);
  const coinbase = tx.vin.some((i) => i.is_coinbase);
  return {
    txid: tx.txid,
    confirmed: tx.status.confirmed,
    height: tx.status.block_height,
    blockHash: tx.status.block_hash,
    blockTime: tx.status.block_time,
    confirmations: confirmations(tx.status.block_height, tipHeight),
    coinbase,
    rbf: signalsRbf(tx),
    segwit: isSegwit(tx),
    taprootSpends: taproot.spends,
    taprootCreates: taproot.creates,
    fee: tx.fee,
    feeRateLabel: formatFeeRate(feeRate(tx.fee, vsize)),
    size: tx.size,
    vsize,
    weight: tx.weight,
    version: tx.version,
    locktime: tx.locktime,
    locktimeLabel: locktimeLabel(tx.locktime),
    totalIn: tx.vin.reduce((s, i) => s + (i.prevout?.value ?? 0), 0),
    totalOut: tx.vout.reduce((s, o) => s + o.value, 0),
    inputCount: tx.vin.length,
    outputCount: tx.vout.length,
  };
}

export function inputViews(tx: EsploraTx): InputView[] {
  return tx.vin.map((i, index) => ({
    ...(i.is_coinbase ? { text: 'coinbase' } : partyOf(i.prevout)),
    index,
    coinbase: i.is_coinbase,
    ...(i.is_coinbase ? { coinbaseHex: i.scriptsig, coinbaseText: printableText(i.scriptsig) } : {}),
    prevTxid: i.txid,
    prevVout: i.vout,
    value: i.prevout?.value ?? 0,
    scriptType: i.prevout?.scriptpubkey_type ?? '',
    sequenceHex: (i.sequence >>> 0).toString(16).padStart(8, '0'),
    witnessItems: i.witness?.length ?? 0,
  }));
}

export function outputViews(tx: EsploraTx, outspends: EsploraOutspend[]): OutputView[] {
  return tx.vout.map((o, index) => {
    const spend = outspends[index];
    const data = opReturnData(o.scriptpubkey);
    const text = data === null ? '' : printableText(data, 1);
    return {
      ...partyOf(o),
      index,
      value: o.value,
      scriptType: o.scriptpubkey_type,
      ...(data !== null ? { dataText: text || (data.length > 80 ? `${data.slice(0, 80)}…` : data) || '(empty)' } : {}),
      unspendable: o.scriptpubkey_type === 'op_return' || o.scriptpubkey_type === 'provably_unspendable',
      spent: spend?.spent === true && spend.txid !== undefined,
      spendTxid: spend?.txid,
      spendVin: spend?.vin,
      spendConfirmed: spend?.status?.confirmed === true,
    };
  });
}

export interface BlockView {
  hash: string;
  height: number;
  prevHash: string;
  prevHeight: number;
  /** False for the first stored block: its parent is outside the lab's ledger. */
  prevStored: boolean;
  isFirst: boolean;
  isTip: boolean;
  nextHash: string | null;
  nextHeight: number;
  merkleRoot: string;
  time: number;
  medianTime: number;
  bits: string;
  difficulty: string;
  nonce: number;
  version: number;
  versionHex: string;
  size: number;
  sizeLabel: string;
  weight: number;
  txCount: number;
  totalFees: number;
  subsidy: number;
  confirmations: number;
}

export function blockView(
  b: EsploraBlock,
  ctx: { firstHeight: number; tipHeight: number; nextHash: string | null; subsidy: number; totalFees: number },
): BlockView {
  const isFirst = b.height === ctx.firstHeight;
  return {
    hash: b.id,
    height: b.height,
    prevHash: b.previousblockhash ?? '0'.repeat(64),
    prevHeight: b.height - 1,
    prevStored: !isFirst && b.previousblockhash !== null,
    isFirst,
    isTip: b.height === ctx.tipHeight,
    nextHash: ctx.nextHash,
    nextHeight: b.height + 1,
    merkleRoot: b.merkle_root,
    time: b.timestamp,
    medianTime: b.mediantime,
    bits: bitsHex(b.bits),
    difficulty: formatDifficulty(b.difficulty),
    nonce: b.nonce,
    version: b.version,
    versionHex: (b.version >>> 0).toString(16).padStart(8, '0'),
    size: b.size,
    sizeLabel: b.size >= 1000 ? formatBytes(b.size) : '',
    weight: b.weight,
    txCount: b.tx_count,
    totalFees: ctx.totalFees,
    subsidy: ctx.subsidy,
    confirmations: confirmations(b.height, ctx.tipHeight),
  };
}

/** A block's fees from its coinbase: the coinbase claims subsidy + fees, so fees = outputs − subsidy. */
export function feesFromCoinbase(coinbase: EsploraTx, subsidy: number): number {
  return Math.max(0, coinbase.vout.reduce((s, o) => s + o.value, 0) - subsidy);
}

export interface MempoolView {
  count: number;
  vsizeLabel: string;
  totalFee: number;
  bars: HistogramBar[];
}

export function mempoolView(m: EsploraMempoolInfo): MempoolView {
  return { count: m.count, vsizeLabel: formatBytes(m.vsize, 'vB'), totalFee: m.total_fee, bars: histogramBars(m.fee_histogram) };
}

export interface UtxoView {
  txid: string;
  vout: number;
  value: number;
  confirmed: boolean;
  height?: number;
  blockHash?: string;
}

export function utxoViews(utxos: EsploraUtxo[]): UtxoView[] {
  return utxos.map((u) => ({
    txid: u.txid,
    vout: u.vout,
    value: u.value,
    confirmed: u.status.confirmed,
    height: u.status.block_height,
    blockHash: u.status.block_hash,
  }));
}

/** When an address was seen: a confirmed tx's block, or the mempool. */
export interface SeenAt {
  txid: string;
  pending: boolean;
  time?: number;
  height?: number;
  blockHash?: string;
}

export function seenAt(tx: EsploraTx): SeenAt {
  return {
    txid: tx.txid,
    pending: !tx.status.confirmed,
    time: tx.status.block_time,
    height: tx.status.block_height,
    blockHash: tx.status.block_hash,
  };
}

export interface Pager {
  prev: string | null;
  next: string | null;
  prevLabel: string;
  nextLabel: string;
  label: string;
}
