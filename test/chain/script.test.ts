import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '../../chain/bytes.ts';
import {
  classifyScript,
  multisigScript,
  opReturnScript,
  opcodeName,
  p2pkScript,
  p2pkhScript,
  p2shScript,
  p2trScript,
  p2wpkhScript,
  p2wshScript,
  pushData,
  pushNumber,
  scriptToAsm,
  witnessProgramOf,
} from '../../chain/script.ts';

const h = hexToBytes;
const hash20 = h('751e76e8199196d454941c45d1b3a323f1433bd6');
const hash32 = h('1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262');

describe('pushData', () => {
  it('uses the shortest push, as BIP62 minimal push requires', () => {
    expect(bytesToHex(pushData(new Uint8Array(0)))).toBe('00');
    expect(bytesToHex(pushData(Uint8Array.of(1)))).toBe('51');
    expect(bytesToHex(pushData(Uint8Array.of(16)))).toBe('60');
    expect(bytesToHex(pushData(Uint8Array.of(0x81)))).toBe('4f');
    expect(bytesToHex(pushData(Uint8Array.of(0)))).toBe('0100');
    expect(bytesToHex(pushData(Uint8Array.of(17)))).toBe('0111');
    expect(bytesToHex(pushData(new Uint8Array(75).fill(0xab)))).toBe('4b' + 'ab'.repeat(75));
    expect(bytesToHex(pushData(new Uint8Array(76).fill(0xab)))).toBe('4c4c' + 'ab'.repeat(76));
    expect(bytesToHex(pushData(new Uint8Array(255)).subarray(0, 2))).toBe('4cff');
    expect(bytesToHex(pushData(new Uint8Array(256)).subarray(0, 3))).toBe('4d0001');
    expect(bytesToHex(pushData(new Uint8Array(65536)).subarray(0, 5))).toBe('4e00000100');
  });

  it('carries the data after the header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 600 }), (data) => {
        const push = pushData(data);
        expect(bytesToHex(push.subarray(push.length - data.length))).toBe(bytesToHex(data));
        expect(push.length - data.length).toBe(data.length <= 75 ? 1 : data.length <= 255 ? 2 : 3);
      }),
    );
  });
});

describe('pushNumber', () => {
  it('encodes BIP34 coinbase heights as CScriptNum pushes', () => {
    // 0x096e90 = 618128; 0x096e10 = 618000.
    expect(bytesToHex(pushNumber(618128))).toBe('03906e09');
    expect(bytesToHex(pushNumber(618000))).toBe('03106e09');
    expect(bytesToHex(pushNumber(227836))).toBe('03fc7903');
  });

  it('uses small-number opcodes and sign bytes like CScript() << n', () => {
    expect(bytesToHex(pushNumber(0))).toBe('00');
    expect(bytesToHex(pushNumber(-1))).toBe('4f');
    expect(bytesToHex(pushNumber(1))).toBe('51');
    expect(bytesToHex(pushNumber(16))).toBe('60');
    expect(bytesToHex(pushNumber(17))).toBe('0111');
    expect(bytesToHex(pushNumber(127))).toBe('017f');
    expect(bytesToHex(pushNumber(128))).toBe('028000');
    expect(bytesToHex(pushNumber(255))).toBe('02ff00');
    expect(bytesToHex(pushNumber(256))).toBe('020001');
    expect(bytesToHex(pushNumber(-2))).toBe('0182');
    expect(bytesToHex(pushNumber(-255))).toBe('02ff80');
    expect(bytesToHex(pushNumber(0x7fffffff))).toBe('04ffffff7f');
    expect(bytesToHex(pushNumber(0x80000000))).toBe('050000008000');
  });
});

describe('script templates', () => {
  it('builds the standard output scripts', () => {
    expect(bytesToHex(p2pkhScript(hash20))).toBe('76a914751e76e8199196d454941c45d1b3a323f1433bd688ac');
    expect(bytesToHex(p2shScript(hash20))).toBe('a914751e76e8199196d454941c45d1b3a323f1433bd687');
    expect(bytesToHex(p2wpkhScript(hash20))).toBe('0014751e76e8199196d454941c45d1b3a323f1433bd6');
    expect(bytesToHex(p2wshScript(hash32))).toBe('0020' + bytesToHex(hash32));
    expect(bytesToHex(p2trScript(hash32))).toBe('5120' + bytesToHex(hash32));
    expect(bytesToHex(opReturnScript(h('deadbeef')))).toBe('6a04deadbeef');
    expect(bytesToHex(opReturnScript(new Uint8Array(0)))).toBe('6a');
    expect(bytesToHex(opReturnScript(new Uint8Array(80)).subarray(0, 3))).toBe('6a4c50');
  });

  it('builds the multisig script of a real P2WSH 2-of-3 (tx 5df912fd…)', () => {
    const keys = [
      '0375e00eb72e29da82b89367947f29ef34afb75e8654f6ea368e0acdfd92976b7c',
      '03a1b26313f430c4b15bb1fdce663207659d8cac749a0e53d70eff01874496feff',
      '03c96d495bfdd5ba4145e3e046fee45e84a8a48ad05bd8dbb395c011a32cf9f880',
    ].map(h);
    expect(bytesToHex(multisigScript(2, keys))).toBe(
      '52210375e00eb72e29da82b89367947f29ef34afb75e8654f6ea368e0acdfd92976b7c2103a1b26313f430c4b15bb1fdce663207659d8cac749a0e53d70eff01874496feff2103c96d495bfdd5ba4145e3e046fee45e84a8a48ad05bd8dbb395c011a32cf9f88053ae',
    );
  });

  it('rejects wrong lengths and impossible multisig parameters with a reason', () => {
    expect(() => p2pkhScript(new Uint8Array(19))).toThrow(/20 bytes, got 19/);
    expect(() => p2wshScript(hash20)).toThrow(RangeError);
    expect(() => p2trScript(new Uint8Array(33))).toThrow(RangeError);
    const key = new Uint8Array(33).fill(2);
    expect(() => multisigScript(3, [key, key])).toThrow(/m <= n/);
    expect(() => multisigScript(0, [key])).toThrow(RangeError);
    expect(() => multisigScript(1, Array(17).fill(key))).toThrow(RangeError);
    expect(() => multisigScript(1, [new Uint8Array(32)])).toThrow(/33 or 65/);
  });
});

describe('classifyScript (Esplora scriptpubkey_type)', () => {
  const key33 = h('02' + '11'.repeat(32));

  it('names the standard templates', () => {
    expect(classifyScript(p2pkhScript(hash20))).toBe('p2pkh');
    expect(classifyScript(p2shScript(hash20))).toBe('p2sh');
    expect(classifyScript(p2wpkhScript(hash20))).toBe('v0_p2wpkh');
    expect(classifyScript(p2wshScript(hash32))).toBe('v0_p2wsh');
    expect(classifyScript(p2trScript(hash32))).toBe('v1_p2tr');
    expect(classifyScript(opReturnScript(h('00')))).toBe('op_return');
    expect(classifyScript(Uint8Array.of(0x6a))).toBe('op_return');
    expect(classifyScript(new Uint8Array(0))).toBe('empty');
  });

  it('is strict about template bytes', () => {
    expect(classifyScript(h('76a91402306a7c23f3e8010de41e9e591348bb83f11daa88ad'))).toBe('unknown');
    expect(classifyScript(h('a314acc91e6fef5c7f24e5c8b3f11a664aa8f1352ffd87'))).toBe('unknown');
    expect(classifyScript(h('0015' + '00'.repeat(21)))).toBe('unknown');
    // Witness v1 with a 20-byte program and v2: valid segwit outputs, but Esplora names neither.
    expect(classifyScript(h('5114' + '00'.repeat(20)))).toBe('unknown');
    expect(classifyScript(h('5210751e76e8199196d454941c45d1b3a323'))).toBe('unknown');
  });

  it('reports bare multisig as mempool/electrs does (n up to 15, keys unchecked)', () => {
    expect(classifyScript(multisigScript(1, [key33]))).toBe('multisig');
    expect(classifyScript(multisigScript(2, [key33, key33, key33]))).toBe('multisig');
    expect(classifyScript(multisigScript(15, Array(15).fill(key33)))).toBe('multisig');
    expect(classifyScript(multisigScript(1, Array(16).fill(key33)))).toBe('unknown');
    // Shorter than a 1-of-1 with a compressed key.
    expect(classifyScript(h('51' + '20' + '00'.repeat(32) + '51ae'))).toBe('unknown');
  });

  it('reports scripts starting with a script-aborting opcode as provably_unspendable', () => {
    for (const op of [0x50, 0x62, 0x65, 0x66, 0x7e, 0x81, 0x83, 0x86, 0x89, 0x8a, 0x8d, 0x8e, 0x95, 0x99, 0xba, 0xc0, 0xfe, 0xff]) {
      expect(classifyScript(Uint8Array.of(op, 0x51)), `opcode 0x${op.toString(16)}`).toBe('provably_unspendable');
    }
    for (const op of [0x61, 0x63, 0x82, 0x87, 0xa9, 0xac, 0xb0, 0xb1, 0xb9]) {
      expect(classifyScript(Uint8Array.of(op, 0x51)), `opcode 0x${op.toString(16)}`).toBe('unknown');
    }
  });

  it('has no p2pk type: bare pay-to-pubkey reports unknown', () => {
    expect(classifyScript(p2pkScript(key33))).toBe('unknown');
  });

  it('finds witness programs as BIP141 defines them', () => {
    expect(witnessProgramOf(h('6002751e'))).toEqual({ version: 16, program: h('751e') });
    expect(witnessProgramOf(h('0001ff'))).toBeNull();
    expect(witnessProgramOf(h('4f02751e'))).toBeNull();
    expect(witnessProgramOf(h('0029' + '00'.repeat(41)))).toBeNull();
  });
});

describe('scriptToAsm (rust-bitcoin format, as Esplora shows it)', () => {
  it('formats the standard templates', () => {
    expect(scriptToAsm(h('76a914162c5ea71c0b23f5b9022ef047c4a86470a5b07088ac'))).toBe(
      'OP_DUP OP_HASH160 OP_PUSHBYTES_20 162c5ea71c0b23f5b9022ef047c4a86470a5b070 OP_EQUALVERIFY OP_CHECKSIG',
    );
    expect(scriptToAsm(h('0014751e76e8199196d454941c45d1b3a323f1433bd6'))).toBe(
      'OP_0 OP_PUSHBYTES_20 751e76e8199196d454941c45d1b3a323f1433bd6',
    );
    expect(scriptToAsm(h('512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'))).toBe(
      'OP_PUSHNUM_1 OP_PUSHBYTES_32 79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
    );
    expect(scriptToAsm(h('a914162c5ea71c0b23f5b9022ef047c4a86470a5b07087'))).toBe(
      'OP_HASH160 OP_PUSHBYTES_20 162c5ea71c0b23f5b9022ef047c4a86470a5b070 OP_EQUAL',
    );
    expect(scriptToAsm(h('6a0b68656c6c6f20776f726c64'))).toBe('OP_RETURN OP_PUSHBYTES_11 68656c6c6f20776f726c64');
    expect(scriptToAsm(h('6a'))).toBe('OP_RETURN');
    expect(scriptToAsm(new Uint8Array(0))).toBe('');
  });

  it("matches rust-bitcoin's own script_asm test vectors", () => {
    expect(scriptToAsm(h('6363636363686868686800'))).toBe(
      'OP_IF OP_IF OP_IF OP_IF OP_IF OP_ENDIF OP_ENDIF OP_ENDIF OP_ENDIF OP_ENDIF OP_0',
    );
    expect(scriptToAsm(h('2102715e91d37d239dea832f1460e91e368115d8ca6cc23a7da966795abad9e3b699ac'))).toBe(
      'OP_PUSHBYTES_33 02715e91d37d239dea832f1460e91e368115d8ca6cc23a7da966795abad9e3b699 OP_CHECKSIG',
    );
    expect(scriptToAsm(h('00a1b2'))).toBe('OP_0 OP_LESSTHANOREQUAL OP_CSV');
    expect(scriptToAsm(h('03aabbcc'))).toBe('OP_PUSHBYTES_3 aabbcc');
    expect(scriptToAsm(h('4c02abcd'))).toBe('OP_PUSHDATA1 abcd');
    expect(scriptToAsm(h('4d02001234'))).toBe('OP_PUSHDATA2 1234');
    expect(scriptToAsm(h('4e020000005678'))).toBe('OP_PUSHDATA4 5678');
    expect(scriptToAsm(h('6c766b00936b6c766b94'))).toBe(
      'OP_FROMALTSTACK OP_DUP OP_TOALTSTACK OP_0 OP_ADD OP_TOALTSTACK OP_FROMALTSTACK OP_DUP OP_TOALTSTACK OP_SUB',
    );
  });

  it('renders truncated pushes like rust-bitcoin (tx 6d7ed991… cases)', () => {
    expect(scriptToAsm(h('01'))).toBe('OP_PUSHBYTES_1 <push past end>');
    expect(scriptToAsm(h('0201'))).toBe('OP_PUSHBYTES_2 <push past end>');
    expect(scriptToAsm(h('4c'))).toBe('<unexpected end>');
    expect(scriptToAsm(h('4c0201'))).toBe('OP_PUSHDATA1 <push past end>');
    expect(scriptToAsm(h('4d'))).toBe('<unexpected end>');
    expect(scriptToAsm(h('4dffff01'))).toBe('OP_PUSHDATA2 <push past end>');
    expect(scriptToAsm(h('4effffffff01'))).toBe('OP_PUSHDATA4 <push past end>');
    // The length error is appended without a separator.
    expect(scriptToAsm(h('764d01'))).toBe('OP_DUP<unexpected end>');
    expect(scriptToAsm(h('4c00'))).toBe('OP_PUSHDATA1');
  });

  it('names every opcode as rust-bitcoin does', () => {
    const expected: Record<number, string> = {
      0x00: 'OP_0', 0x01: 'OP_PUSHBYTES_1', 0x4b: 'OP_PUSHBYTES_75', 0x4f: 'OP_PUSHNUM_NEG1', 0x50: 'OP_RESERVED',
      0x51: 'OP_PUSHNUM_1', 0x60: 'OP_PUSHNUM_16', 0x61: 'OP_NOP', 0x62: 'OP_VER', 0x6a: 'OP_RETURN',
      0x6d: 'OP_2DROP', 0x82: 'OP_SIZE', 0x89: 'OP_RESERVED1', 0x92: 'OP_0NOTEQUAL', 0xa9: 'OP_HASH160',
      0xab: 'OP_CODESEPARATOR', 0xae: 'OP_CHECKMULTISIG', 0xaf: 'OP_CHECKMULTISIGVERIFY', 0xb0: 'OP_NOP1',
      0xb1: 'OP_CLTV', 0xb2: 'OP_CSV', 0xb3: 'OP_NOP4', 0xb9: 'OP_NOP10', 0xba: 'OP_CHECKSIGADD',
      0xbb: 'OP_RETURN_187', 0xfe: 'OP_RETURN_254', 0xff: 'OP_INVALIDOPCODE',
    };
    for (const [op, name] of Object.entries(expected)) expect(opcodeName(Number(op))).toBe(name);
    const names = new Set(Array.from({ length: 256 }, (_, op) => opcodeName(op)));
    expect(names.size).toBe(256);
  });

  it('never throws and shows every pushed byte of arbitrary scripts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (script) => {
        const asm = scriptToAsm(script);
        expect(typeof asm).toBe('string');
        if (script.length > 0 && !asm.includes('<')) {
          // A complete parse: re-encoding the tokens gives back the script.
          expect(bytesToHex(reassemble(asm))).toBe(bytesToHex(script));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('shows pushData output as one push token', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 600 }), (data) => {
        const asm = scriptToAsm(pushData(data));
        expect(asm.split(' ')).toHaveLength(2);
        expect(asm.endsWith(' ' + bytesToHex(data))).toBe(true);
      }),
    );
  });
});

// Inverse of scriptToAsm for complete parses: each token names one opcode, followed by its data.
function reassemble(asm: string): Uint8Array {
  const byName = new Map(Array.from({ length: 256 }, (_, op) => [opcodeName(op), op] as const));
  const out: number[] = [];
  const tokens = asm.split(' ');
  for (let i = 0; i < tokens.length; i++) {
    const op = byName.get(tokens[i]);
    if (op === undefined) throw new Error(`unknown token ${tokens[i]}`);
    out.push(op);
    const width = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
    let len = op >= 1 && op <= 75 ? op : 0;
    if (width > 0) {
      // The length bytes are not shown; a zero-length PUSHDATA shows no data token.
      const next = tokens[i + 1];
      len = next !== undefined && /^([0-9a-f]{2})+$/.test(next) && !byName.has(next) ? next.length / 2 : 0;
      for (let b = 0; b < width; b++) out.push((len >>> (8 * b)) & 0xff);
    }
    if (len > 0) {
      out.push(...hexToBytes(tokens[++i]));
    }
  }
  return Uint8Array.from(out);
}
