// Pieces every service shares: hand-built multi-wallet transactions (CoinJoins, sweeps across
// invoice wallets), BIP 69 ordering, finding a coin a sealed block credited, and the KYC-exchange
// account through which a service buys or sells coins.
import type { Engine, Sent } from '../engine.ts';
import type { SimWallet, Receiver } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { TxTruth } from '../truth/writer.ts';
import type { Exchange, Account } from '../actors/exchange.ts';
import type { Rng } from '../../chain/rng.ts';
import type { AddressKind, Tx, TxOut } from '../../chain/types.ts';
import { SEQUENCE_FINAL } from '../../chain/types.ts';
import { inputFor, type WalletUtxo } from '../../chain/wallet.ts';
import { estimateInputVsize, outputSize } from '../../chain/signature-shape.ts';
import { encodeTx } from '../../chain/tx.ts';
import { bytesToHex, compactSizeLength, equalBytes } from '../../chain/bytes.ts';

/** A coin and the wallet that owns it. */
export interface OwnedCoin {
  wallet: SimWallet;
  coin: WalletUtxo;
}

/** An output of a hand-built transaction: a world receiver, or a bare script (OP_RETURN) nobody is credited for. */
export interface HandOutput {
  to: Receiver | null;
  value: number;
  script?: Uint8Array;
}

export interface HandTxOptions {
  version?: number;
  locktime?: number;
  sequence?: number;
  /** Order inputs and outputs as BIP 69 says (Samourai's TX0 and Whirlpool mixes do). */
  bip69?: boolean;
  onConfirmed?: (sent: Sent) => void;
}

/**
 * Virtual size of a transaction spending coins of these kinds into outputs of these serialised
 * sizes (outputBytes / scriptOutputBytes), with signatures at their longest so fees never fall short.
 */
export function estimateVsize(inputKinds: readonly AddressKind[], outputBytes: readonly number[]): number {
  const segwit = inputKinds.some((k) => k !== 'p2pkh');
  let v = 8 + (segwit ? 0.5 : 0) + compactSizeLength(inputKinds.length) + compactSizeLength(outputBytes.length);
  for (const k of inputKinds) v += estimateInputVsize(k);
  for (const n of outputBytes) v += n;
  return Math.ceil(v);
}

/** Serialised size of an output paying an address of this kind. */
export function outputBytes(kind: AddressKind): number {
  return { p2pkh: 34, 'p2sh-p2wpkh': 32, p2wpkh: 31, p2wsh: 43, p2tr: 43 }[kind];
}

/** Serialised size of an output with this script. */
export function scriptOutputBytes(script: Uint8Array): number {
  return outputSize(script);
}

/**
 * Takes `coins` out of their wallets, builds the transaction and hands it to the engine. The fee
 * is whatever the inputs leave over the outputs; a negative one is a bug in the caller.
 */
export function submitHandTx(engine: Engine, coins: OwnedCoin[], outputs: HandOutput[], truth: TxTruth, rng: Rng, opts: HandTxOptions = {}): Sent {
  if (coins.length === 0) throw new RangeError('a transaction needs at least one input');
  if (outputs.length === 0) throw new RangeError('a transaction needs at least one output');
  let ins = coins.slice();
  let outs = outputs.map((o) => ({ ...o, script: o.script ?? o.to!.script }));
  if (opts.bip69) {
    ins = ins.sort((a, b) => compareTxidDisplay(a.coin.txid, b.coin.txid) || a.coin.vout - b.coin.vout);
    outs = outs.sort((a, b) => a.value - b.value || compareBytes(a.script, b.script));
  }
  const valueIn = ins.reduce((s, c) => s + c.coin.value, 0);
  const valueOut = outs.reduce((s, o) => s + o.value, 0);
  if (valueOut > valueIn) throw new RangeError(`hand-built ${truth.intent} pays ${valueOut} sat from ${valueIn} sat of inputs`);
  const byWallet = new Map<SimWallet, WalletUtxo[]>();
  for (const c of ins) {
    const list = byWallet.get(c.wallet);
    if (list) list.push(c.coin);
    else byWallet.set(c.wallet, [c.coin]);
  }
  for (const [w, list] of byWallet) w.take(list);
  const sequence = opts.sequence ?? SEQUENCE_FINAL;
  const tx: Tx = {
    version: opts.version ?? 1,
    locktime: opts.locktime ?? 0,
    inputs: ins.map((c) => inputFor(c.coin, rng, sequence)),
    outputs: outs.map((o): TxOut => ({ value: o.value, script: o.script })),
  };
  return engine.submit(tx, encodeTx(tx), outs.map((o) => o.to), truth, valueIn - valueOut, opts.onConfirmed);
}

/** BIP 69 compares previous txids as displayed (reversed byte order). */
function compareTxidDisplay(a: Uint8Array, b: Uint8Array): number {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The coin a sealed transaction credited to `wallet` at `vout`, if the wallet still holds it. */
export function findCoin(wallet: SimWallet, txid: Uint8Array, vout: number): WalletUtxo | undefined {
  return wallet.utxos.find((u) => u.vout === vout && equalBytes(u.txid, txid));
}

/** True while the wallet still holds the coin and it is confirmed (spendable in the block being assembled). */
export function isLive(wallet: SimWallet, coin: WalletUtxo, height: number): boolean {
  return coin.height !== null && coin.height <= height && wallet.utxos.includes(coin);
}

export function coinKey(txid: Uint8Array, vout: number): string {
  return `${bytesToHex(txid)}:${vout}`;
}

/** Splits `total` into `n` unrelated-looking parts (none below `min`), summing exactly to `total`. */
export function splitAmount(total: number, n: number, rng: Rng, min = 1): number[] {
  if (n <= 1 || total < n * min * 2) return [total];
  const weights = Array.from({ length: n }, () => rng.lognormal(1, 0.6));
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = total - n * min;
  const parts = weights.map((w) => min + Math.floor((free * w) / sum));
  parts[rng.int(0, n - 1)] += total - parts.reduce((a, b) => a + b, 0);
  return parts;
}

/**
 * A service's account at a KYC exchange (opened under a straw man's name, as such services do),
 * through which it buys coins (withdrawals to itself) and sells them (deposits).
 */
export interface ExchangeLink {
  exchange: Exchange;
  account: Account;
}

export function openExchangeLink(world: World, entityId: number, rng: Rng): ExchangeLink | null {
  if (world.exchangeList.length === 0) return null;
  const kyc = world.exchangeList.filter((x) => x.options.kyc);
  const exchange = rng.pick(kyc.length ? kyc : world.exchangeList);
  const account = exchange.openAccount(entityId, rng, world.names.person(rng, exchange.options.country));
  return { exchange, account };
}

/** Buys `value` at the linked exchange, withdrawn to `to` in its next batch. */
export function buyFromExchange(link: ExchangeLink, to: Receiver, value: number, entityId: number, onSent?: (s: Sent) => void): void {
  link.exchange.withdraw(to, value, { intent: 'exchange_withdrawal', entityId }, onSent);
}
