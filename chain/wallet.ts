// A single-signature wallet that builds real-format payments: coin selection, fee by vsize,
// change to a fresh address. The world simulator layers behaviour (fingerprints) on top.
import type { AddressKind, Network, Tx, TxOut } from './types.ts';
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
}

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
  receive(): { key: DerivedKey; script: Uint8Array; address: string } {
    const key = this.keys.next();
    const { script } = outputFor(this.kind, key);
    return { key, script, address: scriptToAddress(script, this.network) ?? '' };
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
    const target = outputs.reduce((s, o) => s + o.value, 0);
    const candidates = this.utxos.filter((u) => spendable(u, opts.spendHeight)).sort((a, b) => b.value - a.value);
    const change = opts.changeKey ? { key: opts.changeKey, script: outputFor(this.kind, opts.changeKey).script } : null;
    const baseVsize = 10.5 + compactSizeLength(outputs.length + 1) + outputs.reduce((s, o) => s + outputSize(o.script), 0);
    const changeVsize = outputSize(outputFor(this.kind, this.keys.at(0)).script);
    const chosen: WalletUtxo[] = [];
    let inValue = 0;
    let inVsize = 0;
    let fee = 0;
    for (const u of candidates) {
      chosen.push(u);
      inValue += u.value;
      inVsize += estimateInputVsize(u.kind);
      fee = Math.ceil((baseVsize + inVsize + changeVsize) * opts.feeRate);
      if (inValue >= target + fee) break;
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
    const sequence = opts.sequence ?? SEQUENCE_FINAL;
    const tx: Tx = {
      version: 2,
      locktime: opts.locktime ?? 0,
      outputs: txOutputs,
      inputs: chosen.map((u) => ({ prevTxid: u.txid, prevVout: u.vout, sequence, ...spendData(u.kind, u.key, rng) })),
    };
    const enc = encodeTx(tx);
    const spent = new Set(chosen);
    for (let i = this.utxos.length - 1; i >= 0; i--) if (spent.has(this.utxos[i])) this.utxos.splice(i, 1);
    if (changeKey) {
      this.utxos.push({ txid: enc.txid, vout: changeVout, value: changeValue, key: changeKey, kind: this.kind, height: null, coinbase: false });
    }
    return { tx, enc, fee: inValue - target - changeValue, changeVout };
  }

  /** Marks every unconfirmed coin confirmed at `height` (after the block holding them is appended). */
  confirmPending(height: number): void {
    for (const u of this.utxos) if (u.height === null) u.height = height;
  }
}

function spendable(u: WalletUtxo, spendHeight?: number): boolean {
  if (spendHeight === undefined) return true;
  if (u.height === null) return false;
  if (u.coinbase) return spendHeight - u.height >= 100;
  return u.height <= spendHeight;
}
