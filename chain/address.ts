// Addresses ⇄ output scripts: Base58Check for P2PKH/P2SH, bech32 (BIP173) for witness v0 and
// bech32m (BIP350) for witness v1+, with every codec from @scure/base.
import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from './hash.ts';
import { bytesToHex } from './bytes.ts';
import { NETWORKS, type NetworkParams } from './network.ts';
import { classifyScript, isP2pkh, isP2sh, p2pkhScript, p2shScript, witnessProgramOf, witnessProgramScript } from './script.ts';
import type { Network, ScriptType } from './types.ts';

const base58check = createBase58check(sha256);

/** Why an address string was rejected; the message is one line, fit for a 400 response. */
export class AddressError extends Error {
  override name = 'AddressError';
}

export interface DecodedAddress {
  /** Base58 addresses with testnet prefixes report 'testnet'; regtest shares those prefixes. */
  network: Network;
  type: ScriptType;
  /** The 20-byte hash (P2PKH/P2SH) or the witness program. */
  program: Uint8Array;
  script: Uint8Array;
  /** The string's encoding family: Base58Check, or bech32/bech32m (segwit, case-insensitive). */
  kind: 'base58' | 'bech32';
}

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32_MAX_LENGTH = 90;
const MAX_ADDRESS_LENGTH = 100;

/** Quotes user input for a one-line message: escaped, and cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 20 ? text.slice(0, 20) + '…' : text);
}

const NETWORK_LIST = Object.values(NETWORKS);

function networkByHrp(hrp: string): NetworkParams | undefined {
  return NETWORK_LIST.find((n) => n.bech32Hrp === hrp);
}

/** The address Esplora shows for an output script, or null when the script has none (rust-bitcoin's rules). */
export function scriptToAddress(script: Uint8Array, network: Network = 'mainnet'): string | null {
  const params = NETWORKS[network];
  if (!params) throw new TypeError(`unknown network ${JSON.stringify(network)}`);
  if (isP2pkh(script)) return base58WithVersion(params.pubKeyHashPrefix, script.subarray(3, 23));
  if (isP2sh(script)) return base58WithVersion(params.scriptHashPrefix, script.subarray(2, 22));
  const wp = witnessProgramOf(script);
  if (!wp) return null;
  if (wp.version === 0 && wp.program.length !== 20 && wp.program.length !== 32) return null;
  const coder = wp.version === 0 ? bech32 : bech32m;
  return coder.encode(params.bech32Hrp, [wp.version, ...coder.toWords(wp.program)]);
}

function base58WithVersion(version: number, hash: Uint8Array): string {
  const payload = new Uint8Array(21);
  payload[0] = version;
  payload.set(hash, 1);
  return base58check.encode(payload);
}

/** Parses any mainnet, testnet or regtest address; throws AddressError with the reason. */
export function decodeAddress(address: string): DecodedAddress {
  if (typeof address !== 'string') throw new AddressError('address must be a string');
  if (address.length === 0) throw new AddressError('empty address');
  // Base58 decoding is quadratic; no address of any kind is this long.
  if (address.length > MAX_ADDRESS_LENGTH) throw new AddressError(`address too long (${address.length} characters)`);
  const sep = address.lastIndexOf('1');
  const hrp = sep > 0 ? address.slice(0, sep).toLowerCase() : '';
  const params = networkByHrp(hrp);
  if (params) return decodeSegwit(address, params);
  if (looksLikeBech32(address, sep)) {
    throw new AddressError(`unknown address prefix ${quote(address.slice(0, sep))}`);
  }
  return decodeBase58(address);
}

function looksLikeBech32(address: string, sep: number): boolean {
  if (sep < 1 || address.length - sep - 1 < 6) return false;
  const data = address.slice(sep + 1).toLowerCase();
  for (const c of data) if (!BECH32_CHARSET.includes(c)) return false;
  // Base58 has no '0' and no lowercase 'l'; a bech32 data part with one of them cannot be base58.
  for (const c of address) if (!BASE58_ALPHABET.includes(c)) return true;
  return false;
}

function decodeSegwit(address: string, params: NetworkParams): DecodedAddress {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    throw new AddressError('mixed case in bech32 address');
  }
  if (address.length > BECH32_MAX_LENGTH) {
    throw new AddressError(`bech32 address too long (${address.length} > ${BECH32_MAX_LENGTH} characters)`);
  }
  const lower = address.toLowerCase();
  const sep = lower.lastIndexOf('1');
  const data = lower.slice(sep + 1);
  for (const c of data) {
    if (!BECH32_CHARSET.includes(c)) throw new AddressError(`invalid bech32 character ${quote(c)}`);
  }
  if (data.length < 6) throw new AddressError('bech32 checksum too short');
  // At most one of the two checksums can match: their constants differ (BIP350).
  const asBech32 = bech32.decodeUnsafe(lower, BECH32_MAX_LENGTH);
  const asBech32m = asBech32 ? undefined : bech32m.decodeUnsafe(lower, BECH32_MAX_LENGTH);
  const decoded = asBech32 ?? asBech32m;
  if (!decoded) throw new AddressError('bad bech32 checksum');
  const words = decoded.words;
  if (words.length === 0) throw new AddressError('empty data section');
  const version = words[0];
  if (version > 16) throw new AddressError(`invalid witness version ${version}`);
  if (version === 0 && !asBech32) throw new AddressError('witness v0 address must use bech32, not bech32m');
  if (version > 0 && !asBech32m) throw new AddressError(`witness v${version} address must use bech32m, not bech32`);
  const program = bech32.fromWordsUnsafe(words.slice(1));
  if (!program) throw new AddressError('invalid padding in bech32 data');
  if (program.length < 2 || program.length > 40) {
    throw new AddressError(`bad witness program length ${program.length} (must be 2..40 bytes)`);
  }
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw new AddressError(`bad witness v0 program length ${program.length} (must be 20 or 32 bytes)`);
  }
  const script = witnessProgramScript(version, program);
  return { network: params.name, type: classifyScript(script), program, script, kind: 'bech32' };
}

function decodeBase58(address: string): DecodedAddress {
  for (const c of address) {
    if (!BASE58_ALPHABET.includes(c)) throw new AddressError(`invalid base58 character ${quote(c)}`);
  }
  let payload: Uint8Array;
  try {
    payload = base58check.decode(address);
  } catch {
    throw new AddressError('bad base58 checksum');
  }
  if (payload.length !== 21) throw new AddressError(`bad base58 payload length ${payload.length} (must be 21 bytes)`);
  const version = payload[0];
  const hash = payload.slice(1);
  for (const params of NETWORK_LIST) {
    if (version === params.pubKeyHashPrefix) {
      return { network: params.name, type: 'p2pkh', program: hash, script: p2pkhScript(hash), kind: 'base58' };
    }
    if (version === params.scriptHashPrefix) {
      return { network: params.name, type: 'p2sh', program: hash, script: p2shScript(hash), kind: 'base58' };
    }
  }
  throw new AddressError(`unknown address version byte 0x${version.toString(16).padStart(2, '0')}`);
}

function isForNetwork(decoded: DecodedAddress, network: Network): boolean {
  if (decoded.network === network) return true;
  // Base58 prefixes cannot tell testnet from regtest; bech32 HRPs can.
  return decoded.kind === 'base58' && decoded.network === 'testnet' && network === 'regtest';
}

/** The output script an address pays to; throws AddressError if invalid or for another network. */
export function addressToScript(address: string, network: Network = 'mainnet'): Uint8Array {
  if (!NETWORKS[network]) throw new TypeError(`unknown network ${JSON.stringify(network)}`);
  const decoded = decodeAddress(address);
  if (!isForNetwork(decoded, network)) {
    throw new AddressError(`wrong network: address is for ${decoded.network}, expected ${network}`);
  }
  return decoded.script;
}

/** True if the address parses; with a network, also that it belongs to that network. */
export function isValidAddress(address: string, network?: Network): boolean {
  try {
    const decoded = decodeAddress(address);
    return network === undefined || isForNetwork(decoded, network);
  } catch (e) {
    if (e instanceof AddressError) return false;
    throw e;
  }
}

/** Esplora's `/scripthash/:hash` key: SHA-256 of the script in natural byte order, hex. */
export function scripthashOf(script: Uint8Array): string {
  return bytesToHex(sha256(script));
}

/** The Electrum protocol's script hash: the same SHA-256, byte-reversed. */
export function electrumScripthashOf(script: Uint8Array): string {
  return bytesToHex(sha256(script).reverse());
}
