import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeTx, hasWitness, isCoinbaseInput, parseTx, serializeTx, txidFromHex, txidHex } from '../../chain/tx.ts';
import { bytesToHex, concatBytes, hexToBytes } from '../../chain/bytes.ts';
import { sha256d } from '../../chain/hash.ts';
import type { Tx } from '../../chain/types.ts';

// A mainnet P2WPKH spend, with txid, wtxid, weight 442 and vsize 111 as asserted in rust-bitcoin's
// `segwit_transaction` test (rust-bitcoin/rust-bitcoin bitcoin/src/blockdata/transaction.rs).
const SEGWIT_HEX =
  '02000000000101595895ea20179de87052b4046dfe6fd515860505d6511a9004cf12a1f93cac7c0100000000ffffffff01deb807000000000017a9140f3444e271620c736808aa7b33e370bd87cb5a078702483045022100fb60dad8df4af2841adc0346638c16d0b8035f5e3f3753b88db122e70c79f9370220756e6633b17fd2710e626347d28d60b0a2d6cbb41de51740644b9fb3ba7751040121028fa937ca8cba2197a37c007176ed8941055d3bcb8627d085e94553e62f057dcc00000000';
const SEGWIT_TXID = 'f5864806e3565c34d1b41e716f72609d00b55ea5eac5b924c9719a842ef42206';
const SEGWIT_WTXID = '80b7d8a82d5d5bf92905b06f2014dd699e03837ca172e3a59d51426ebbe3e7f5';

// A mainnet 1-in-2-out segwit spend (P2WPKH and P2WSH outputs), listed under this txid in
// jonathanbier/forkmonitor app/services/bitcoin_client_mock.rb.
const SEGWIT2_HEX =
  '01000000000101dff2c176773d6a5b9224d995be2005bb4618d68ab8127add5a9ee3fd60122d610100000000ffffffff02c84d0000000000001600149e630165fc1367e0287ea1ad8ebb5ee81fc74fcb801a06000000000022002066cb77f4d2677d50261595f02a2b1ffdd189a29c0e4b333f555d942303b688f1024830450221009930fb47853913da4f43c77581bc3666a774a7855f63d2ff993a8d0a21e57ff702201fc96cc0f7a43a2989da3ef5df25cd2150461cb1f8c12bf30ff8a8a7427f7771012103fc47d30e4208fcba86b114cf4461b56beb902c52f30ecf7d4e3cc66125038a5500000000';
const SEGWIT2_TXID = 'd1e9013ff211fd1ac99e350eae3c3a5102d1f58a02256059098e0efe87595a03';

// Block 170: the first bitcoin payment, Satoshi to Hal Finney (legacy P2PK spend), as quoted with
// its txid in many test suites (e.g. a rust `test_txid` and a Java importer test in the search corpus).
const LEGACY_HEX =
  '0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f656b412a3ac00000000';
const LEGACY_TXID = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';

// A mainnet P2PKH spend with an OP_RETURN output; txid and wtxid from rust-bitcoin's `txid` test.
const LEGACY2_HEX =
  '01000000010c7196428403d8b0c88fcb3ee8d64f56f55c8973c9ab7dd106bb4f3527f5888d000000006a4730440220503a696f55f2c00eee2ac5e65b17767cd88ed04866b5637d3c1d5d996a70656d02202c9aff698f343abb6d176704beda63fcdec503133ea4f6a5216b7f925fa9910c0121024d89b5a13d6521388969209df27a8469bd565aff10e8d42cef931fad5121bfb8ffffffff02b825b404000000001976a914ef79e7ee9fff98bcfd08473d2b76b02a48f8c69088ac0000000000000000296a2732363030393438363937313732333132373633313032313332353630353838373931323132373000000000';
const LEGACY2_TXID = '971ed48a62c143bbd9c87f4bafa2ef213cfa106c6e140f111931d0be307468dd';

// The genesis coinbase (from the genesis block hex in pybitcoinkernel's tests).
const GENESIS_COINBASE_HEX =
  '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000';

describe('real transactions', () => {
  it('parses and re-serialises a mainnet segwit transaction byte for byte, with its known ids and sizes', () => {
    const bytes = hexToBytes(SEGWIT_HEX);
    const tx = parseTx(bytes);
    expect(tx.version).toBe(2);
    expect(tx.inputs).toHaveLength(1);
    expect(txidHex(tx.inputs[0].prevTxid)).toBe('7cac3cf9a112cf04901a51d605058615d56ffe6d04b45270e89d1720ea955859');
    expect(tx.inputs[0].prevVout).toBe(1);
    expect(tx.inputs[0].witness).toHaveLength(2);
    expect(tx.outputs).toHaveLength(1);
    expect(tx.locktime).toBe(0);
    expect(hasWitness(tx)).toBe(true);
    expect(bytesToHex(serializeTx(tx))).toBe(SEGWIT_HEX);

    const enc = encodeTx(tx);
    expect(bytesToHex(enc.raw)).toBe(SEGWIT_HEX);
    expect(txidHex(enc.txid)).toBe(SEGWIT_TXID);
    expect(txidHex(enc.wtxid)).toBe(SEGWIT_WTXID);
    expect(enc.size).toBe(bytes.length);
    expect(enc.weight).toBe(442);
    expect(enc.vsize).toBe(111);
  });

  it('strips the witness for the legacy serialisation, whose sha256d is the txid', () => {
    const tx = parseTx(hexToBytes(SEGWIT_HEX));
    const legacy = serializeTx(tx, false);
    expect(txidHex(sha256d(legacy))).toBe(SEGWIT_TXID);
    // weight = base × 3 + total
    expect(legacy.length * 3 + hexToBytes(SEGWIT_HEX).length).toBe(442);
    const stripped = parseTx(legacy);
    expect(hasWitness(stripped)).toBe(false);
    expect(stripped.outputs).toEqual(tx.outputs);
  });

  it('round-trips a second mainnet segwit transaction with its known txid', () => {
    const tx = parseTx(hexToBytes(SEGWIT2_HEX));
    expect(bytesToHex(serializeTx(tx))).toBe(SEGWIT2_HEX);
    const enc = encodeTx(tx);
    expect(txidHex(enc.txid)).toBe(SEGWIT2_TXID);
    expect(txidHex(enc.wtxid)).not.toBe(SEGWIT2_TXID);
    expect(tx.outputs.map((o) => o.value)).toEqual([19912, 400000]);
  });

  it('parses and re-serialises the block 170 legacy transaction', () => {
    const bytes = hexToBytes(LEGACY_HEX);
    const tx = parseTx(bytes);
    expect(hasWitness(tx)).toBe(false);
    expect(tx.outputs.map((o) => o.value)).toEqual([10 * 1e8, 40 * 1e8]);
    expect(bytesToHex(serializeTx(tx))).toBe(LEGACY_HEX);
    const enc = encodeTx(tx);
    expect(txidHex(enc.txid)).toBe(LEGACY_TXID);
    expect(enc.wtxid).toEqual(enc.txid);
    expect(enc.size).toBe(bytes.length);
    expect(enc.weight).toBe(bytes.length * 4);
    expect(enc.vsize).toBe(bytes.length);
  });

  it('gives a legacy transaction wtxid = txid', () => {
    const enc = encodeTx(parseTx(hexToBytes(LEGACY2_HEX)));
    expect(txidHex(enc.txid)).toBe(LEGACY2_TXID);
    expect(txidHex(enc.wtxid)).toBe(LEGACY2_TXID);
    expect(bytesToHex(enc.raw)).toBe(LEGACY2_HEX);
  });
});

describe('txid hex and coinbase inputs', () => {
  it('shows txids byte-reversed and parses them back', () => {
    const txid = txidFromHex(LEGACY_TXID);
    expect(txid[0]).toBe(0x16);
    expect(txid[31]).toBe(0xf4);
    expect(txidHex(txid)).toBe(LEGACY_TXID);
  });

  it('rejects bad txid hex with a clear RangeError', () => {
    expect(() => txidFromHex('zz')).toThrow(new RangeError('Invalid hex string'));
    expect(() => txidFromHex('abc')).toThrow(new RangeError('Invalid hex string'));
    expect(() => txidFromHex('00'.repeat(31))).toThrow(new RangeError('invalid txid length'));
    expect(() => txidFromHex('00'.repeat(33))).toThrow(new RangeError('invalid txid length'));
  });

  it('recognises a coinbase input and nothing else', () => {
    const coinbase = parseTx(hexToBytes(GENESIS_COINBASE_HEX));
    expect(isCoinbaseInput(coinbase.inputs[0])).toBe(true);
    expect(isCoinbaseInput(parseTx(hexToBytes(LEGACY_HEX)).inputs[0])).toBe(false);
    const zeroButVout0 = { ...coinbase.inputs[0], prevVout: 0 };
    expect(isCoinbaseInput(zeroButVout0)).toBe(false);
    const vout1sButTxid = { ...coinbase.inputs[0], prevTxid: Uint8Array.from({ length: 32 }, (_, i) => (i === 5 ? 1 : 0)) };
    expect(isCoinbaseInput(vout1sButTxid)).toBe(false);
  });
});

describe('parseTx rejects malformed bytes', () => {
  const segwit = hexToBytes(SEGWIT_HEX);

  it('reports truncation with the byte position', () => {
    expect(() => parseTx(segwit.subarray(0, 20))).toThrow(/^input count 1 at byte 6 exceeds the 13 bytes left$/);
    expect(() => parseTx(segwit.subarray(0, segwit.length - 2))).toThrow(/^unexpected end of data at byte 189 \(wanted 4 more\)$/);
    expect(() => parseTx(new Uint8Array(0))).toThrow(RangeError);
  });

  it('refuses trailing data', () => {
    const extra = new Uint8Array(segwit.length + 1);
    extra.set(segwit);
    expect(() => parseTx(extra)).toThrow(/^trailing data after transaction at byte 193$/);
  });

  it('refuses a witness flag when no input has witness data', () => {
    // The same transaction in BIP144 form, but its one input's witness stack is empty (a 0x00 byte).
    const legacy = serializeTx(parseTx(segwit), false);
    const end = legacy.length - 4;
    const bad = concatBytes(legacy.subarray(0, 4), Uint8Array.of(0x00, 0x01), legacy.subarray(4, end), Uint8Array.of(0x00), legacy.subarray(end));
    expect(() => parseTx(bad)).toThrow(/^superfluous witness flag/);
  });

  it('refuses unknown witness flags and non-canonical sizes', () => {
    const flag2 = Uint8Array.from(segwit);
    flag2[5] = 0x02;
    expect(() => parseTx(flag2)).toThrow(/^unknown witness flag 0x02 at byte 5$/);
    // One input, its scriptSig length written as fd 00 00 instead of 00.
    const legacy = hexToBytes(LEGACY2_HEX);
    const nonCanonical = hexToBytes('0100000001' + bytesToHex(legacy.subarray(5, 41)) + 'fd0000' + '00000000' + '00' + '00000000');
    expect(() => parseTx(nonCanonical)).toThrow(/^non-canonical CompactSize at byte 41$/);
  });

  it('refuses counts the remaining bytes cannot hold, before allocating', () => {
    // version, then "2^32 - 1 inputs" in five bytes.
    expect(() => parseTx(hexToBytes('01000000feffffffff00'))).toThrow(/^input count 4294967295 at byte 4 exceeds/);
    // 2^53 - 1 outputs after one input.
    const oneInput = '01' + '00'.repeat(36) + '00' + 'ffffffff';
    expect(() => parseTx(hexToBytes('01000000' + oneInput + 'ffffffffffffff1f00'))).toThrow(/^output count \d+ at byte 46 exceeds/);
    // A scriptSig claiming 0xffffffff bytes.
    expect(() => parseTx(hexToBytes('0100000001' + '00'.repeat(36) + 'feffffffff'))).toThrow(/^scriptSig length 4294967295/);
  });

  it('reads "00 00" after the version as an empty transaction, as Bitcoin Core does', () => {
    const bytes = hexToBytes('01000000' + '0000' + '00000000');
    const tx = parseTx(bytes);
    expect(tx).toEqual({ version: 1, inputs: [], outputs: [], locktime: 0 });
    expect(bytesToHex(serializeTx(tx))).toBe(bytesToHex(bytes));
  });
});

describe('serializeTx validates what it writes', () => {
  const tx = parseTx(hexToBytes(LEGACY_HEX));
  it('refuses bad field values', () => {
    expect(() => serializeTx({ ...tx, locktime: -1 })).toThrow(RangeError);
    expect(() => serializeTx({ ...tx, outputs: [{ value: 1.5, script: new Uint8Array(0) }] })).toThrow(/output value/);
    expect(() => serializeTx({ ...tx, inputs: [{ ...tx.inputs[0], prevTxid: new Uint8Array(31) }] })).toThrow(/prevTxid must be 32 bytes/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const txIn = (withWitness: boolean) =>
  fc.record({
    prevTxid: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    prevVout: u32,
    scriptSig: bytes(120),
    sequence: u32,
    witness: withWitness ? fc.array(bytes(80), { maxLength: 4 }) : fc.constant([] as Uint8Array[]),
  });
const txOut = fc.record({ value: fc.maxSafeNat(), script: bytes(60) });
// At least one input: a legacy transaction with none is ambiguous with the segwit marker (also in Core).
const arbTx = (withWitness: boolean): fc.Arbitrary<Tx> =>
  fc.record({
    version: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    inputs: fc.array(txIn(withWitness), { minLength: 1, maxLength: 4 }),
    outputs: fc.array(txOut, { maxLength: 4 }),
    locktime: u32,
  });
const anyTx = fc.oneof(arbTx(false), arbTx(true));

describe('properties', () => {
  it('parseTx(serializeTx(tx)) deep-equals tx, with and without witness data', () => {
    fc.assert(
      fc.property(anyTx, (tx) => {
        expect(parseTx(serializeTx(tx))).toEqual(tx);
      }),
      { numRuns: 300 },
    );
  });

  it('the legacy serialisation parses back to the transaction without witnesses', () => {
    fc.assert(
      fc.property(arbTx(true), (tx) => {
        const stripped = { ...tx, inputs: tx.inputs.map((i) => ({ ...i, witness: [] })) };
        expect(parseTx(serializeTx(tx, false))).toEqual(stripped);
      }),
      { numRuns: 150 },
    );
  });

  it('encodeTx agrees with serialisation lengths and hashes', () => {
    fc.assert(
      fc.property(anyTx, (tx) => {
        const enc = encodeTx(tx);
        const full = serializeTx(tx);
        const base = serializeTx(tx, false);
        expect(enc.raw).toEqual(full);
        expect(enc.size).toBe(full.length);
        expect(enc.weight).toBe(base.length * 3 + full.length);
        expect(enc.vsize).toBe(Math.ceil(enc.weight / 4));
        expect(enc.txid).toEqual(sha256d(base));
        expect(enc.wtxid).toEqual(sha256d(full));
        if (!hasWitness(tx)) expect(enc.wtxid).toEqual(enc.txid);
      }),
      { numRuns: 300 },
    );
  });

  it('witness data never changes the txid', () => {
    fc.assert(
      fc.property(arbTx(true), fc.array(fc.array(bytes(40), { maxLength: 3 }), { minLength: 4, maxLength: 4 }), (tx, stacks) => {
        const other = { ...tx, inputs: tx.inputs.map((i, k) => ({ ...i, witness: stacks[k] })) };
        expect(encodeTx(other).txid).toEqual(encodeTx(tx).txid);
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary bytes either throw a RangeError or are a transaction that re-serialises to exactly those bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (input) => {
        let tx: Tx;
        try {
          tx = parseTx(input);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
          return;
        }
        expect(serializeTx(tx)).toEqual(input);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated and truncated real transactions either throw a RangeError or round-trip exactly', () => {
    const samples = [SEGWIT_HEX, SEGWIT2_HEX, LEGACY_HEX].map(hexToBytes);
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        (sample, pos, value, cut) => {
          const mutated = Uint8Array.from(sample);
          mutated[pos % mutated.length] = value;
          const input = mutated.subarray(0, mutated.length - (cut % 8));
          try {
            expect(serializeTx(parseTx(input))).toEqual(input);
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
