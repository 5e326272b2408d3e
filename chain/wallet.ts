// A single-signature wallet that builds real-format payments: coin selection, fee by vsize,
// change to a fresh address. The world simulator layers behaviour (fingerprints) on top.
import type { AddressKind, Network, Tx, TxIn, TxOut } from './types.ts';
import { SEQUENCE_FINAL } from './types.ts';
import { KeyDeriver, outputFor, type DerivedKey, type WalletKeys } from './keys.ts';
import { spendData, estimateInputVsize, outputSize } from './signature-shape.ts';
import { encodeTx, type EncodedTx } from './tx.ts';
import { scriptToAddress } from './address.ts';
import { compactSizeLength } from './bytes.ts';
import type { Rng } from './rng.ts';

export interface WalletUtxo {
  txid: Uint8Array;
  vout: number;
  value: number;
  key: DerivedKey;
  kind: AddressKind;
  /** Height of the block that created it, or null while unconfirmed. */
  height: number | null;
  coinbase: boolean;
}

export interface Payment {
  tx: Tx;
  enc: EncodedTx;
  fee: number;
  /** Index of the change output, or -1 when there is none. */
  changeVout: number;
}

export interface PayOptions {
  /** sat/vB */
  feeRate: number;
  /** Spend coins created at or below this height only (coinbase maturity is checked too). */
  spendHeight?: number;
  /** Put the change output at a random position rather than last. */
  shuffleOutputs?: boolean;
  sequence?: number;
  locktime?: number;
  /** Reuse this address for change instead of a fresh one. */
  changeKey?: DerivedKey;
  /** Spend exactly these coins (all of them) instead of choosing. */
  coins?: WalletUtxo[];
  /** No change: the last output receives everything left after the other outputs and the fee. */
  sweep?: boolean;
}

/** Serialised output size (value + script length + script) by kind, for fee estimates. */
const OUTPUT_SIZE: Record<AddressKind, number> = { p2pkh: 34, 'p2sh-p2wpkh': 32, p2wpkh: 31, p2wsh: 43, p2tr: 43 };

/** Outputs below this are uneconomic; a smaller change goes to the fee instead. */
export const DUST_LIMIT = 546;

export class InsufficientFunds extends Error {
  constructor(need: number, have: number) {
    super(`insufficient funds: need ${need} sat, spendable ${have} sat`);
    this.name = 'InsufficientFunds';
  }
}

export class Wallet {
  readonly utxos: WalletUtxo[] = [];
  private readonly keys: WalletKeys;

  constructor(
    deriver: KeyDeriver,
    readonly id: number,
    readonly kind: AddressKind,
    readonly network: Network = 'mainnet',
  ) {
    this.keys = deriver.wallet(id);
  }

  /** A fresh receiving key and its output script. */
  receive(): { key: DerivedKey; script: Uint8Array } {
    const key = this.keys.next();
    return { key, script: outputFor(this.kind, key).script };
  }

  /** The output script of one of this wallet's keys (to reuse an address). */
  scriptFor(key: DerivedKey): Uint8Array {
    return outputFor(this.kind, key).script;
  }

  addressOf(script: Uint8Array): string {
    return scriptToAddress(script, this.network) ?? '';
  }

  /** Spendable coins, for callers that choose coins themselves. */
  spendable(spendHeight?: number): WalletUtxo[] {
    return this.utxos.filter((u) => spendable(u, spendHeight));
  }

  /** Removes coins from the wallet (they are being spent by a transaction built elsewhere, e.g. a CoinJoin). */
  take(coins: WalletUtxo[]): void {
    const spent = new Set(coins);
    for (let i = this.utxos.length - 1; i >= 0; i--) if (spent.has(this.utxos[i])) this.utxos.splice(i, 1);
  }

  credit(utxo: WalletUtxo): void {
    this.utxos.push(utxo);
  }

  balance(spendHeight?: number): number {
    let sum = 0;
    for (const u of this.utxos) if (spendable(u, spendHeight)) sum += u.value;
    return sum;
  }

  /**
   * Builds and signs (with signature-shaped bytes) a payment to `outputs`, marks the spent coins
   * gone and credits the change as unconfirmed. Largest coins first, so wallets consolidate.
   */
  pay(outputs: TxOut[], rng: Rng, opts: PayOptions): Payment {
    if (opts.sweep) return this.sweep(outputs, rng, opts);
    const target = outputs.reduce((s, o) => s + o.value, 0);
    const candidates = opts.coins ?? this.utxos.filter((u) => spendable(u, opts.spendHeight)).sort((a, b) => b.value - a.value);
    const change = opts.changeKey ? { key: opts.changeKey, script: outputFor(this.kind, opts.changeKey).script } : null;
    const baseVsize = 10.5 + compactSizeLength(outputs.length + 1) + outputs.reduce((s, o) => s + outputSize(o.script), 0);
    const changeVsize = OUTPUT_SIZE[this.kind];
    const chosen: WalletUtxo[] = [];
    let inValue = 0;
    let inVsize = 0;
    let fee = 0;
    for (const u of candidates) {
      chosen.push(u);
      inValue += u.value;
      inVsize += estimateInputVsize(u.kind);
      fee = Math.ceil((baseVsize + inVsize + changeVsize) * opts.feeRate);
      if (!opts.coins && inValue >= target + fee) break;
    }
    if (chosen.length === 0 || inValue < target + fee) throw new InsufficientFunds(target + fee, inValue);
    let changeValue = inValue - target - fee;
    const txOutputs = outputs.slice();
    let changeVout = -1;
    let changeKey: DerivedKey | null = null;
    if (changeValue >= DUST_LIMIT) {
      const c = change ?? (() => {
        const key = this.keys.next();
        return { key, script: outputFor(this.kind, key).script };
      })();
      changeKey = c.key;
      changeVout = opts.shuffleOutputs ? rng.int(0, txOutputs.length) : txOutputs.length;
      txOutputs.splice(changeVout, 0, { value: changeValue, script: c.script });
    } else {
      changeValue = 0;
    }
    const { tx, enc } = this.sign(chosen, txOutputs, rng, opts);
    if (changeKey) {
      this.utxos.push({ txid: enc.txid, vout: changeVout, value: changeValue, key: changeKey, kind: this.kind, height: null, coinbase: false });
    }
    return { tx, enc, fee: inValue - target - changeValue, changeVout };
  }

  /** Spends the given (or all spendable) coins with no change: the last output takes the remainder. */
  private sweep(outputs: TxOut[], rng: Rng, opts: PayOptions): Payment {
    const coins = opts.coins ?? this.spendable(opts.spendHeight);
    if (coins.length === 0 || outputs.length === 0) throw new InsufficientFunds(1, 0);
    const inValue = coins.reduce((s, u) => s + u.value, 0);
    const vsize = 10.5 + compactSizeLength(outputs.length) + outputs.reduce((s, o) => s + outputSize(o.script), 0) + coins.reduce((s, u) => s + estimateInputVsize(u.kind), 0);
    const fee = Math.ceil(vsize * opts.feeRate);
    const fixed = outputs.slice(0, -1).reduce((s, o) => s + o.value, 0);
    const rest = inValue - fixed - fee;
    if (rest < DUST_LIMIT) throw new InsufficientFunds(fixed + fee + DUST_LIMIT, inValue);
    const txOutputs = [...outputs.slice(0, -1), { value: rest, script: outputs[outputs.length - 1].script }];
    const { tx, enc } = this.sign(coins, txOutputs, rng, opts);
    return { tx, enc, fee, changeVout: -1 };
  }

  private sign(coins: WalletUtxo[], outputs: TxOut[], rng: Rng, opts: PayOptions): { tx: Tx; enc: EncodedTx } {
    const sequence = opts.sequence ?? SEQUENCE_FINAL;
    const tx: Tx = {
      version: 2,
      locktime: opts.locktime ?? 0,
      outputs,
      inputs: coins.map((u) => inputFor(u, rng, sequence)),
    };
    this.take(coins);
    return { tx, enc: encodeTx(tx) };
  }

  /** Marks every unconfirmed coin confirmed at `height` (after the block holding them is appended). */
  confirmPending(height: number): void {
    for (const u of this.utxos) if (u.height === null) u.height = height;
  }
}

/** The input spending a coin, with the scriptSig/witness shape of its kind. */
export function inputFor(u: WalletUtxo, rng: Rng, sequence: number = SEQUENCE_FINAL): TxIn {
  return { prevTxid: u.txid, prevVout: u.vout, sequence, ...spendData(u.kind, u.key, rng) };
}

function spendable(u: WalletUtxo, spendHeight?: number): boolean {
  if (spendHeight === undefined) return true;
  if (u.height === null) return false;
  if (u.coinbase) return spendHeight - u.height >= 100;
  return u.height <= spendHeight;
}
