// The JSON shapes of Blockstream's Esplora REST API (electrs `src/rest.rs`), as the lab serves them.
// Field order here is the order the objects are built in, which is the order electrs serialises
// them (serde keeps declaration order); objects electrs builds with `json!` come out with sorted
// keys, and are declared sorted here. Optional fields are absent, not null, where electrs skips them.
import type { ScriptType } from './types.ts';

/** Confirmation status of a transaction; `block_*` only when confirmed. */
export interface EsploraTxStatus {
  confirmed: boolean;
  block_height?: number;
  /** Block hash, display (reversed) hex. */
  block_hash?: string;
  /** Block header time, unix seconds. */
  block_time?: number;
}

export interface EsploraVout {
  /** Output script, hex. */
  scriptpubkey: string;
  scriptpubkey_asm: string;
  scriptpubkey_type: ScriptType | 'p2pk';
  /** Absent when the script has no address (OP_RETURN, bare multisig, ...). */
  scriptpubkey_address?: string;
  /** Satoshis. */
  value: number;
}

export interface EsploraVin {
  /** Previous txid; all zeros for a coinbase input. */
  txid: string;
  /** Previous output index; 4294967295 for a coinbase input. */
  vout: number;
  /** The output this input spends; null for a coinbase input. */
  prevout: EsploraVout | null;
  scriptsig: string;
  scriptsig_asm: string;
  /** Witness stack items as hex; absent when the input has no witness. */
  witness?: string[];
  is_coinbase: boolean;
  sequence: number;
  /** P2SH spends: the redeem script (last scriptSig push) as asm. */
  inner_redeemscript_asm?: string;
  /** P2WSH and P2SH-P2WSH spends: the witness script (last witness item) as asm. */
  inner_witnessscript_asm?: string;
}

export interface EsploraTx {
  txid: string;
  version: number;
  locktime: number;
  vin: EsploraVin[];
  vout: EsploraVout[];
  /** Serialised size in bytes, witness included. */
  size: number;
  /** Weight units (BIP141). */
  weight: number;
  /** Satoshis; 0 for a coinbase. */
  fee: number;
  status: EsploraTxStatus;
}

export interface EsploraBlock {
  /** Block hash, display hex. */
  id: string;
  height: number;
  version: number;
  /** Header time, unix seconds. */
  timestamp: number;
  tx_count: number;
  size: number;
  weight: number;
  merkle_root: string;
  /** Null only for a genesis block; the lab's first stored block still names its (unstored) parent. */
  previousblockhash: string | null;
  /** Median time past of this block and the ten before it. */
  mediantime: number;
  nonce: number;
  /** Compact target as an integer (not hex), as electrs serialises it. */
  bits: number;
  difficulty: number;
}

export interface EsploraBlockStatus {
  in_best_chain: boolean;
  height: number | null;
  /** Hash of the next block in the best chain; null at the tip. */
  next_best: string | null;
}

export interface EsploraScriptStats {
  funded_txo_count: number;
  funded_txo_sum: number;
  spent_txo_count: number;
  spent_txo_sum: number;
  tx_count: number;
}

export interface EsploraAddress {
  address: string;
  chain_stats: EsploraScriptStats;
  mempool_stats: EsploraScriptStats;
}

/** Built with `json!` in electrs, so its keys come out sorted: `scripthash` last. */
export interface EsploraScripthash {
  chain_stats: EsploraScriptStats;
  mempool_stats: EsploraScriptStats;
  /** sha256(scriptPubKey), hex in hash byte order (NOT reversed, unlike Electrum's protocol). */
  scripthash: string;
}

export interface EsploraUtxo {
  txid: string;
  vout: number;
  status: EsploraTxStatus;
  value: number;
}

/** Spending status of one output; `txid`, `vin` and `status` only when spent. */
export interface EsploraOutspend {
  spent: boolean;
  txid?: string;
  vin?: number;
  status?: EsploraTxStatus;
}

/** Electrum's `blockchain.transaction.get_merkle` format: siblings from the leaf up, display hex. */
export interface EsploraMerkleProof {
  block_height: number;
  merkle: string[];
  pos: number;
}

/** `[feerate sat/vB, vsize]`: vsize paying at least this rate and less than the previous entry's. */
export type FeeHistogramBin = [number, number];

export interface EsploraMempoolInfo {
  count: number;
  vsize: number;
  total_fee: number;
  fee_histogram: FeeHistogramBin[];
}

/** One entry of GET /mempool/recent. `value` is the sum of the transaction's inputs. */
export interface EsploraMempoolRecent {
  txid: string;
  fee: number;
  vsize: number;
  value: number;
}

/** Confirmation target in blocks (as a string key) → fee rate in sat/vB. */
export type EsploraFeeEstimates = Record<string, number>;
