// Address prefixes per network, as Bitcoin Core's chainparams define them.
import type { Network } from './types.ts';

export interface NetworkParams {
  name: Network;
  /** Base58Check version byte of P2PKH addresses (1…, m…/n…). */
  pubKeyHashPrefix: number;
  /** Base58Check version byte of P2SH addresses (3…, 2…). */
  scriptHashPrefix: number;
  /** Human-readable part of segwit addresses (BIP173). */
  bech32Hrp: string;
}

export const NETWORKS: Record<Network, NetworkParams> = {
  mainnet: { name: 'mainnet', pubKeyHashPrefix: 0x00, scriptHashPrefix: 0x05, bech32Hrp: 'bc' },
  testnet: { name: 'testnet', pubKeyHashPrefix: 0x6f, scriptHashPrefix: 0xc4, bech32Hrp: 'tb' },
  // Regtest shares testnet's Base58 prefixes; only its bech32 HRP differs.
  regtest: { name: 'regtest', pubKeyHashPrefix: 0x6f, scriptHashPrefix: 0xc4, bech32Hrp: 'bcrt' },
};

export function isNetwork(value: unknown): value is Network {
  return value === 'mainnet' || value === 'testnet' || value === 'regtest';
}
