// Output script templates, push encoding, classification and ASM text, byte-compatible with
// Bitcoin Core (templates, minimal pushes), mempool/electrs (`scriptpubkey_type`) and
// rust-bitcoin (`*_asm` strings in Esplora's JSON).
import { bytesToHex } from './bytes.ts';
import type { ScriptType } from './types.ts';

export const OP_0 = 0x00;
export const OP_PUSHDATA1 = 0x4c;
export const OP_PUSHDATA2 = 0x4d;
export const OP_PUSHDATA4 = 0x4e;
export const OP_1NEGATE = 0x4f;
export const OP_1 = 0x51;
export const OP_16 = 0x60;
export const OP_RETURN = 0x6a;
export const OP_DUP = 0x76;
export const OP_EQUAL = 0x87;
export const OP_EQUALVERIFY = 0x88;
export const OP_HASH160 = 0xa9;
export const OP_CHECKSIG = 0xac;
export const OP_CHECKMULTISIG = 0xae;

function expectLength(what: string, data: Uint8Array, ...lengths: number[]): void {
  if (!(data instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (!lengths.includes(data.length)) {
    throw new RangeError(`${what} must be ${lengths.join(' or ')} bytes, got ${data.length}`);
  }
}

/** The shortest push of `data` (BIP62 minimal push): OP_0, OP_1..OP_16, OP_1NEGATE, direct, PUSHDATA1/2/4. */
export function pushData(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n === 0) return Uint8Array.of(OP_0);
  if (n === 1 && data[0] >= 1 && data[0] <= 16) return Uint8Array.of(OP_1 - 1 + data[0]);
  if (n === 1 && data[0] === 0x81) return Uint8Array.of(OP_1NEGATE);
  let header: number[];
  if (n <= 75) header = [n];
  else if (n <= 0xff) header = [OP_PUSHDATA1, n];
  else if (n <= 0xffff) header = [OP_PUSHDATA2, n & 0xff, n >>> 8];
  else header = [OP_PUSHDATA4, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** CScriptNum serialisation: little-endian magnitude with the sign in the top bit of the last byte. */
export function scriptNumBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n)) throw new RangeError(`script number must be a safe integer, got ${n}`);
  if (n === 0) return new Uint8Array(0);
  const negative = n < 0;
  let abs = Math.abs(n);
  const bytes: number[] = [];
  while (abs > 0) {
    bytes.push(abs % 256);
    abs = Math.floor(abs / 256);
  }
  if (bytes[bytes.length - 1] & 0x80) bytes.push(negative ? 0x80 : 0x00);
  else if (negative) bytes[bytes.length - 1] |= 0x80;
  return Uint8Array.from(bytes);
}

/** Pushes a number as Bitcoin Core's `CScript() << n` does (BIP34 coinbase heights: 618000 → 03 90 6e 09). */
export function pushNumber(n: number): Uint8Array {
  if (n === 0) return Uint8Array.of(OP_0);
  if (n === -1) return Uint8Array.of(OP_1NEGATE);
  if (n >= 1 && n <= 16) return Uint8Array.of(OP_1 - 1 + n);
  const bytes = scriptNumBytes(n);
  const out = new Uint8Array(1 + bytes.length);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

export function p2pkhScript(hash160: Uint8Array): Uint8Array {
  expectLength('P2PKH key hash', hash160, 20);
  const s = new Uint8Array(25);
  s.set([OP_DUP, OP_HASH160, 20]);
  s.set(hash160, 3);
  s[23] = OP_EQUALVERIFY;
  s[24] = OP_CHECKSIG;
  return s;
}

export function p2shScript(hash160: Uint8Array): Uint8Array {
  expectLength('P2SH script hash', hash160, 20);
  const s = new Uint8Array(23);
  s.set([OP_HASH160, 20]);
  s.set(hash160, 2);
  s[22] = OP_EQUAL;
  return s;
}

function witnessScript(version: number, program: Uint8Array): Uint8Array {
  const s = new Uint8Array(2 + program.length);
  s[0] = version === 0 ? OP_0 : OP_1 - 1 + version;
  s[1] = program.length;
  s.set(program, 2);
  return s;
}

export function p2wpkhScript(hash160: Uint8Array): Uint8Array {
  expectLength('P2WPKH key hash', hash160, 20);
  return witnessScript(0, hash160);
}

export function p2wshScript(sha256: Uint8Array): Uint8Array {
  expectLength('P2WSH script hash', sha256, 32);
  return witnessScript(0, sha256);
}

export function p2trScript(xOnlyKey: Uint8Array): Uint8Array {
  expectLength('P2TR output key', xOnlyKey, 32);
  return witnessScript(1, xOnlyKey);
}

/** Any segwit output: version 0..16 and a 2..40 byte program (BIP141). */
export function witnessProgramScript(version: number, program: Uint8Array): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 16) {
    throw new RangeError(`witness version must be 0..16, got ${version}`);
  }
  if (program.length < 2 || program.length > 40) {
    throw new RangeError(`witness program must be 2..40 bytes, got ${program.length}`);
  }
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw new RangeError(`witness v0 program must be 20 or 32 bytes, got ${program.length}`);
  }
  return witnessScript(version, program);
}

/** <pubkey> OP_CHECKSIG: bare pay-to-pubkey, also the single-key witness script of P2WSH. */
export function p2pkScript(pubkey: Uint8Array): Uint8Array {
  expectLength('P2PK public key', pubkey, 33, 65);
  const s = new Uint8Array(pubkey.length + 2);
  s[0] = pubkey.length;
  s.set(pubkey, 1);
  s[pubkey.length + 1] = OP_CHECKSIG;
  return s;
}

/** OP_RETURN followed by one minimal push of `data`; empty data gives a bare OP_RETURN. */
export function opReturnScript(data: Uint8Array): Uint8Array {
  if (data.length === 0) return Uint8Array.of(OP_RETURN);
  const push = pushData(data);
  const s = new Uint8Array(1 + push.length);
  s[0] = OP_RETURN;
  s.set(push, 1);
  return s;
}

/** OP_m <pubkey>… OP_n OP_CHECKMULTISIG, keys in the order given (sort them first for BIP67). */
export function multisigScript(m: number, pubkeys: Uint8Array[]): Uint8Array {
  const n = pubkeys.length;
  if (!Number.isInteger(m) || m < 1 || m > n || n > 16) {
    throw new RangeError(`multisig needs 1 <= m <= n <= 16, got m=${m}, n=${n}`);
  }
  let size = 3;
  for (const pk of pubkeys) {
    expectLength('multisig public key', pk, 33, 65);
    size += 1 + pk.length;
  }
  const s = new Uint8Array(size);
  let pos = 0;
  s[pos++] = OP_1 - 1 + m;
  for (const pk of pubkeys) {
    s[pos++] = pk.length;
    s.set(pk, pos);
    pos += pk.length;
  }
  s[pos++] = OP_1 - 1 + n;
  s[pos] = OP_CHECKMULTISIG;
  return s;
}

// --- classification ---------------------------------------------------------------------------

export function isP2pkh(s: Uint8Array): boolean {
  return s.length === 25 && s[0] === OP_DUP && s[1] === OP_HASH160 && s[2] === 20 && s[23] === OP_EQUALVERIFY && s[24] === OP_CHECKSIG;
}

export function isP2sh(s: Uint8Array): boolean {
  return s.length === 23 && s[0] === OP_HASH160 && s[1] === 20 && s[22] === OP_EQUAL;
}

export function isP2wpkh(s: Uint8Array): boolean {
  return s.length === 22 && s[0] === OP_0 && s[1] === 20;
}

export function isP2wsh(s: Uint8Array): boolean {
  return s.length === 34 && s[0] === OP_0 && s[1] === 32;
}

export function isP2tr(s: Uint8Array): boolean {
  return s.length === 34 && s[0] === OP_1 && s[1] === 32;
}

/** BIP141 witness program: a version opcode (OP_0, OP_1..OP_16) then one direct push of 2..40 bytes. */
export function witnessProgramOf(s: Uint8Array): { version: number; program: Uint8Array } | null {
  if (s.length < 4 || s.length > 42) return null;
  const v = s[0];
  if (v !== OP_0 && (v < OP_1 || v > OP_16)) return null;
  if (s[1] < 2 || s[1] > 40 || s[1] !== s.length - 2) return null;
  return { version: v === OP_0 ? 0 : v - OP_1 + 1, program: s.subarray(2) };
}

// Opcodes that end a legacy script when executed or merely present (rust-bitcoin's ReturnOp and
// IllegalOp classes in the Legacy context): a script starting with one can never be spent.
function abortsLegacyScript(op: number): boolean {
  return (
    op === 0x50 || op === 0x62 || op === 0x65 || op === 0x66 || op === OP_RETURN ||
    (op >= 0x7e && op <= 0x81) || (op >= 0x83 && op <= 0x86) || op === 0x89 || op === 0x8a ||
    op === 0x8d || op === 0x8e || (op >= 0x95 && op <= 0x99) || op >= 0xba
  );
}

/** mempool/electrs's bare-multisig test: OP_m … OP_n OP_CHECKMULTISIG with 1 <= m <= n <= 15 (keys unchecked). */
function looksLikeBareMultisig(s: Uint8Array): boolean {
  const len = s.length;
  if (len < 37 || s[len - 1] !== OP_CHECKMULTISIG) return false;
  const n = s[len - 2];
  return n >= OP_1 && n <= 0x5f && s[0] >= OP_1 && s[0] <= n;
}

/**
 * Esplora's `scriptpubkey_type`, in mempool/electrs's order of tests. Bare P2PK (which electrs
 * calls `p2pk`) has no member in ScriptType and reports as `unknown`.
 */
export function classifyScript(script: Uint8Array): ScriptType {
  if (script.length === 0) return 'empty';
  if (script[0] === OP_RETURN) return 'op_return';
  if (isP2pkh(script)) return 'p2pkh';
  if (isP2sh(script)) return 'p2sh';
  if (isP2wpkh(script)) return 'v0_p2wpkh';
  if (isP2wsh(script)) return 'v0_p2wsh';
  if (isP2tr(script)) return 'v1_p2tr';
  if (abortsLegacyScript(script[0])) return 'provably_unspendable';
  if (looksLikeBareMultisig(script)) return 'multisig';
  return 'unknown';
}

// --- ASM --------------------------------------------------------------------------------------

const NAMED_OPCODES: Record<number, string> = {
  0x4c: 'PUSHDATA1', 0x4d: 'PUSHDATA2', 0x4e: 'PUSHDATA4', 0x4f: 'PUSHNUM_NEG1', 0x50: 'RESERVED',
  0x61: 'NOP', 0x62: 'VER', 0x63: 'IF', 0x64: 'NOTIF', 0x65: 'VERIF', 0x66: 'VERNOTIF', 0x67: 'ELSE',
  0x68: 'ENDIF', 0x69: 'VERIFY', 0x6a: 'RETURN', 0x6b: 'TOALTSTACK', 0x6c: 'FROMALTSTACK',
  0x6d: '2DROP', 0x6e: '2DUP', 0x6f: '3DUP', 0x70: '2OVER', 0x71: '2ROT', 0x72: '2SWAP', 0x73: 'IFDUP',
  0x74: 'DEPTH', 0x75: 'DROP', 0x76: 'DUP', 0x77: 'NIP', 0x78: 'OVER', 0x79: 'PICK', 0x7a: 'ROLL',
  0x7b: 'ROT', 0x7c: 'SWAP', 0x7d: 'TUCK', 0x7e: 'CAT', 0x7f: 'SUBSTR', 0x80: 'LEFT', 0x81: 'RIGHT',
  0x82: 'SIZE', 0x83: 'INVERT', 0x84: 'AND', 0x85: 'OR', 0x86: 'XOR', 0x87: 'EQUAL', 0x88: 'EQUALVERIFY',
  0x89: 'RESERVED1', 0x8a: 'RESERVED2', 0x8b: '1ADD', 0x8c: '1SUB', 0x8d: '2MUL', 0x8e: '2DIV',
  0x8f: 'NEGATE', 0x90: 'ABS', 0x91: 'NOT', 0x92: '0NOTEQUAL', 0x93: 'ADD', 0x94: 'SUB', 0x95: 'MUL',
  0x96: 'DIV', 0x97: 'MOD', 0x98: 'LSHIFT', 0x99: 'RSHIFT', 0x9a: 'BOOLAND', 0x9b: 'BOOLOR',
  0x9c: 'NUMEQUAL', 0x9d: 'NUMEQUALVERIFY', 0x9e: 'NUMNOTEQUAL', 0x9f: 'LESSTHAN', 0xa0: 'GREATERTHAN',
  0xa1: 'LESSTHANOREQUAL', 0xa2: 'GREATERTHANOREQUAL', 0xa3: 'MIN', 0xa4: 'MAX', 0xa5: 'WITHIN',
  0xa6: 'RIPEMD160', 0xa7: 'SHA1', 0xa8: 'SHA256', 0xa9: 'HASH160', 0xaa: 'HASH256',
  0xab: 'CODESEPARATOR', 0xac: 'CHECKSIG', 0xad: 'CHECKSIGVERIFY', 0xae: 'CHECKMULTISIG',
  0xaf: 'CHECKMULTISIGVERIFY', 0xb1: 'CLTV', 0xb2: 'CSV', 0xba: 'CHECKSIGADD', 0xff: 'INVALIDOPCODE',
};

/** rust-bitcoin's opcode names, indexed by byte (OP_0 is written by the ASM loop itself). */
const OPCODE_NAMES: readonly string[] = Array.from({ length: 256 }, (_, op) => {
  if (op <= 75) return `OP_PUSHBYTES_${op}`;
  if (op >= OP_1 && op <= OP_16) return `OP_PUSHNUM_${op - OP_1 + 1}`;
  if (op === 0xb0 || (op >= 0xb3 && op <= 0xb9)) return `OP_NOP${op - 0xb0 + 1}`;
  const named = NAMED_OPCODES[op];
  return named ? `OP_${named}` : `OP_RETURN_${op}`;
});

export function opcodeName(op: number): string {
  return op === OP_0 ? 'OP_0' : OPCODE_NAMES[op & 0xff];
}

/**
 * The script as rust-bitcoin formats it, which is what Esplora shows in `scriptpubkey_asm`,
 * `scriptsig_asm` and `inner_*script_asm`. Never throws: a truncated push ends the text with
 * `<push past end>`, a truncated PUSHDATA length with `<unexpected end>` (appended without a
 * space, as rust-bitcoin does).
 */
export function scriptToAsm(script: Uint8Array): string {
  const parts: string[] = [];
  let pos = 0;
  const len = script.length;
  while (pos < len) {
    const op = script[pos++];
    let dataLen = 0;
    if (op <= 75) {
      dataLen = op;
    } else if (op === OP_PUSHDATA1 || op === OP_PUSHDATA2 || op === OP_PUSHDATA4) {
      const width = op === OP_PUSHDATA1 ? 1 : op === OP_PUSHDATA2 ? 2 : 4;
      if (pos + width > len) return parts.join(' ') + '<unexpected end>';
      for (let i = width - 1; i >= 0; i--) dataLen = dataLen * 256 + script[pos + i];
      pos += width;
    }
    let token = opcodeName(op);
    if (dataLen > 0) {
      if (dataLen > len - pos) {
        parts.push(token + ' <push past end>');
        break;
      }
      token += ' ' + bytesToHex(script.subarray(pos, pos + dataLen));
      pos += dataLen;
    }
    parts.push(token);
  }
  return parts.join(' ');
}
