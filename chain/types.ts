// The ledger's data model. Hashes are kept in internal byte order (as serialised on the wire);
// only display (txid, block hash hex) reverses them.

export type Network = 'mainnet' | 'testnet' | 'regtest';

/** Output script kinds the lab produces, named as Esplora names them in `scriptpubkey_type`. */
export type ScriptType =
  | 'p2pkh'
  | 'p2sh'
  | 'v0_p2wpkh'
  | 'v0_p2wsh'
  | 'v1_p2tr'
  | 'op_return'
  | 'multisig'
  | 'provably_unspendable'
  | 'empty'
  | 'unknown';

/** The address kinds a wallet can hold. `p2sh-p2wpkh` is segwit wrapped in P2SH (addresses start with 3). */
export type AddressKind = 'p2pkh' | 'p2sh-p2wpkh' | 'p2wpkh' | 'p2wsh' | 'p2tr';

export interface TxIn {
  /** Previous transaction id, internal byte order (32 bytes). */
  prevTxid: Uint8Array;
  prevVout: number;
  scriptSig: Uint8Array;
  sequence: number;
  /** Witness stack items; empty for a non-witness input. */
  witness: Uint8Array[];
}

export interface TxOut {
  /** Satoshis. Every amount fits in a double (max 2.1e15 < 2^53). */
  value: number;
  script: Uint8Array;
}

export interface Tx {
  version: number;
  inputs: TxIn[];
  outputs: TxOut[];
  locktime: number;
}

export interface BlockHeader {
  version: number;
  /** Internal byte order. */
  prevHash: Uint8Array;
  /** Internal byte order. */
  merkleRoot: Uint8Array;
  /** Unix seconds. */
  time: number;
  bits: number;
  nonce: number;
}

export const COIN = 100_000_000;
export const COINBASE_MATURITY = 100;
export const SEQUENCE_FINAL = 0xffffffff;
