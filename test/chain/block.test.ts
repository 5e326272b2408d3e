import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  blockHash,
  buildCoinbase,
  encodeBip34Height,
  parseBip34Height,
  parseBlock,
  parseHeader,
  serializeBlock,
  serializeHeader,
  witnessCommitmentScript,
} from '../../chain/block.ts';
import { bytesToHex, concatBytes, hexToBytes } from '../../chain/bytes.ts';
import { sha256d } from '../../chain/hash.ts';
import { merkleRoot } from '../../chain/merkle.ts';
import { bitsToTarget } from '../../chain/consensus.ts';
import { encodeTx, isCoinbaseInput, parseTx, serializeTx, txidFromHex, txidHex } from '../../chain/tx.ts';

// The genesis block (header + coinbase), as in pybitcoinkernel's tests and countless others.
const GENESIS_BLOCK_HEX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c' +
  '01' +
  '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000';
const GENESIS_HASH = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
const GENESIS_TXID = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b';

// Mainnet block 603,351, an empty Slush Pool block with a segwit coinbase, stored raw in
// jonathanbier/forkmonitor app/services/bitcoin_client_mock.rb ("actually block 603351 (empty)").
const BLOCK_603351_HEX =
  '000040204cd87f8c0d91fbdf42f73748ea8324d191cc0a4f606806000000000000000000b45e927dc0db75bff9b0ddf83ac0d8166c79ae7622599e9ad6353f76522639c72dc5c95dd12016176defd081' +
  '01' +
  '010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff1903d734090d6506046c666bf5da0000319d102f736c7573682f0000000002807c814a000000001976a9147c154ed1dc59609e3d26abb2df2ea3d587cd8c4188ac0000000000000000266a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000000000000000000000000000000000000000000000000000';

// An AntPool coinbase at height 560,182 with a witness commitment and an RSK merge-mining output,
// listed under txid 74e243e5… in the same forkmonitor mock.
const ANTPOOL_COINBASE_HEX =
  '010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff5303368c081a4d696e656420627920416e74506f6f6c633e007902205c4c4eadfabe6d6dd1950c951397395896a26405b01c17c50070f4a287b029b377eae4148bc9133f04000000000000005201000079650000ffffffff03478b704b000000001976a914edf10a7fac6b32e24daa5305c723f3de58db1bc888ac0000000000000000266a24aa21a9ed8d4ee584d2bd2483c525df85654a2fcfa9125638dd6fe56405a0590b3da0347800000000000000002952534b424c4f434b3ac6695c75ffa1f93f9237c6997abd16c988a3b442545478f81fd49d9af1b2ce9a0120000000000000000000000000000000000000000000000000000000000000000000000000';
const ANTPOOL_COINBASE_TXID = '74e243e5425edfce9486e26aa6449e56c68351210e8edc1fe81ddcdc8d478085';

// Block 630,000 (the third halving): header fields from a rust-bitcoin-based test's mock header and
// the hash from a checkpoint table (both in the search corpus).
const BLOCK_630000 = {
  version: 536870912,
  prevHash: txidFromHex('0000000000000000000d656be18bb095db1b23bd797266b0ac3ba720b1962b1e'),
  merkleRoot: txidFromHex('b191f5f973b9040e81c4f75f99c7e43c92010ba8654718e3dd1a4800851d300d'),
  time: 1589225023,
  bits: 387021369,
  nonce: 2302182970,
};
const BLOCK_630000_HASH = '000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d';

const hashAsNumber = (hash: Uint8Array) => BigInt('0x' + txidHex(hash));

describe('headers', () => {
  it('parses the genesis header and hashes it to 000000000019d6…', () => {
    const header = hexToBytes(GENESIS_BLOCK_HEX).subarray(0, 80);
    const h = parseHeader(header);
    expect(h.version).toBe(1);
    expect(h.prevHash).toEqual(new Uint8Array(32));
    expect(txidHex(h.merkleRoot)).toBe(GENESIS_TXID);
    expect(h.time).toBe(1231006505);
    expect(h.bits).toBe(0x1d00ffff);
    expect(h.nonce).toBe(2083236893);
    expect(txidHex(blockHash(header))).toBe(GENESIS_HASH);
    expect(serializeHeader(h)).toEqual(header);
  });

  it('serialises the block 630,000 header to its known hash', () => {
    const bytes = serializeHeader(BLOCK_630000);
    expect(bytes).toHaveLength(80);
    expect(txidHex(blockHash(bytes))).toBe(BLOCK_630000_HASH);
    expect(parseHeader(bytes)).toEqual(BLOCK_630000);
  });

  it('reads versions as signed 32-bit, like Core and Esplora, and writes them back', () => {
    const h = { ...BLOCK_630000, version: -0x80000000 };
    const bytes = serializeHeader(h);
    expect(bytesToHex(bytes.subarray(0, 4))).toBe('00000080');
    expect(parseHeader(bytes).version).toBe(-0x80000000);
  });

  it('refuses headers that are not 80 bytes and fields that do not fit', () => {
    expect(() => parseHeader(new Uint8Array(79))).toThrow(/80 bytes, got 79/);
    expect(() => blockHash(new Uint8Array(81))).toThrow(RangeError);
    expect(() => serializeHeader({ ...BLOCK_630000, prevHash: new Uint8Array(31) })).toThrow(/prevHash/);
    expect(() => serializeHeader({ ...BLOCK_630000, nonce: 2 ** 32 })).toThrow(/nonce/);
  });
});

describe('blocks', () => {
  it('round-trips the genesis block; its coinbase txid is its merkle root', () => {
    const bytes = hexToBytes(GENESIS_BLOCK_HEX);
    const { header, txs } = parseBlock(bytes);
    expect(txs).toHaveLength(1);
    expect(isCoinbaseInput(txs[0].inputs[0])).toBe(true);
    const coinbase = encodeTx(txs[0]);
    expect(txidHex(coinbase.txid)).toBe(GENESIS_TXID);
    expect(merkleRoot([coinbase.txid])).toEqual(header.merkleRoot);
    expect(serializeBlock(header, [coinbase.raw])).toEqual(bytes);
  });

  it('round-trips mainnet block 603,351, whose header meets its own target', () => {
    const bytes = hexToBytes(BLOCK_603351_HEX);
    const { header, txs } = parseBlock(bytes);
    expect(header.bits).toBe(0x171620d1);
    expect(hashAsNumber(blockHash(bytes.subarray(0, 80))) <= bitsToTarget(header.bits)).toBe(true);
    const coinbase = encodeTx(txs[0]);
    expect(merkleRoot([coinbase.txid])).toEqual(header.merkleRoot);
    expect(parseBip34Height(txs[0].inputs[0].scriptSig)).toBe(603351);
    expect(serializeBlock(header, [coinbase.raw])).toEqual(bytes);
  });

  it('refuses truncated blocks, absurd counts and trailing bytes', () => {
    const bytes = hexToBytes(BLOCK_603351_HEX);
    expect(() => parseBlock(bytes.subarray(0, 60))).toThrow(/shorter than a header/);
    expect(() => parseBlock(bytes.subarray(0, bytes.length - 1))).toThrow(/^unexpected end of data/);
    expect(() => parseBlock(concatBytes(bytes, Uint8Array.of(0)))).toThrow(/^trailing data after block at byte \d+$/);
    const lying = Uint8Array.from(bytes);
    lying[80] = 0xfd;
    expect(() => parseBlock(lying)).toThrow(/^non-canonical CompactSize at byte 80$|exceeds/);
  });

  it('writes the transaction count as a CompactSize', () => {
    const header = parseHeader(hexToBytes(GENESIS_BLOCK_HEX).subarray(0, 80));
    const txs = Array.from({ length: 300 }, () => Uint8Array.of(7));
    const block = serializeBlock(header, txs);
    expect(bytesToHex(block.subarray(80, 83))).toBe('fd2c01');
    expect(block).toHaveLength(80 + 3 + 300);
  });
});

describe('BIP34 height', () => {
  it('matches real coinbases', () => {
    // 603,351 (Slush), 560,182 (AntPool): mainnet coinbases above; 100,000 on testnet3 and
    // 924,634 on testnet: the coinbases in rust-bitcoin's block and transaction tests.
    expect(bytesToHex(encodeBip34Height(603351))).toBe('03d73409');
    expect(bytesToHex(encodeBip34Height(560182))).toBe('03368c08');
    expect(bytesToHex(encodeBip34Height(100000))).toBe('03a08601');
    expect(bytesToHex(encodeBip34Height(924634))).toBe('03da1b0e');
    expect(bytesToHex(encodeBip34Height(630000))).toBe('03f09c09');
  });

  it("encodes like Core's CScript() << height at the edges", () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '51'],
      [16, '60'],
      [17, '0111'],
      [127, '017f'],
      [128, '028000'],
      [255, '02ff00'],
      [256, '020001'],
      [32767, '02ff7f'],
      [32768, '03008000'],
      [8388607, '03ffff7f'],
      [8388608, '0400008000'],
    ];
    for (const [height, hex] of cases) expect(bytesToHex(encodeBip34Height(height))).toBe(hex);
    expect(() => encodeBip34Height(-1)).toThrow(RangeError);
    expect(() => encodeBip34Height(1.5)).toThrow(RangeError);
  });

  it('parses back every height it encodes, and nothing non-minimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (height) => {
        expect(parseBip34Height(encodeBip34Height(height))).toBe(height);
      }),
    );
    expect(parseBip34Height(hexToBytes('020100'))).toBeNull(); // 1 as a push, not OP_1
    expect(parseBip34Height(hexToBytes('03008000'.slice(0, 6)))).toBeNull(); // truncated
    expect(parseBip34Height(hexToBytes('4c03d73409'))).toBeNull();
    expect(parseBip34Height(new Uint8Array(0))).toBeNull();
  });
});

describe('witness commitment', () => {
  it('commits to a coinbase-only block with sha256d(64 zero bytes), as in block 603,351', () => {
    const script = witnessCommitmentScript([sha256d(Uint8Array.of(1))]);
    expect(bytesToHex(script)).toBe('6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9');
    const coinbase = parseBlock(hexToBytes(BLOCK_603351_HEX)).txs[0];
    expect(coinbase.outputs[1].script).toEqual(script);
  });

  it('follows BIP141: coinbase wtxid as zeros, root ‖ 32-byte reserved value, double SHA-256', () => {
    const w = [1, 2, 3].map((k) => sha256d(Uint8Array.of(k)));
    const root = merkleRoot([new Uint8Array(32), w[1], w[2]]);
    const expected = concatBytes(hexToBytes('6a24aa21a9ed'), sha256d(concatBytes(root, new Uint8Array(32))));
    expect(witnessCommitmentScript(w)).toEqual(expected);
    expect(witnessCommitmentScript([sha256d(Uint8Array.of(9)), w[1], w[2]])).toEqual(expected);
  });
});

describe('buildCoinbase', () => {
  it("reproduces block 603,351's Slush Pool coinbase byte for byte", () => {
    const real = hexToBytes(BLOCK_603351_HEX).subarray(81);
    const coinbase = buildCoinbase({
      height: 603351,
      // Slush wrote its extranonce push and then '/slush/' as raw bytes; both go in as the tag here.
      tag: concatBytes(hexToBytes('0d6506046c666bf5da0000319d10'), new TextEncoder().encode('/slush/')),
      outputs: [{ value: 1_250_000_000, script: hexToBytes('76a9147c154ed1dc59609e3d26abb2df2ea3d587cd8c4188ac') }],
      witnessCommitment: witnessCommitmentScript([new Uint8Array(32)]),
      sequence: 0,
    });
    expect(serializeTx(coinbase)).toEqual(real);
  });

  it('puts the height first, then the tag, then the extra nonce as a push; sequence final, version 1', () => {
    const tag = new TextEncoder().encode('/Kestrel Pool/');
    const extraNonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const out = { value: 625_000_000, script: hexToBytes('0014' + '11'.repeat(20)) };
    const tx = buildCoinbase({ height: 618_000, tag, extraNonce, outputs: [out] });
    const scriptSig = tx.inputs[0].scriptSig;
    expect(bytesToHex(scriptSig)).toBe(bytesToHex(concatBytes(encodeBip34Height(618_000), tag, Uint8Array.of(8), extraNonce)));
    expect(parseBip34Height(scriptSig)).toBe(618_000);
    expect(isCoinbaseInput(tx.inputs[0])).toBe(true);
    expect(tx.inputs[0].sequence).toBe(0xffffffff);
    expect(tx.inputs[0].witness).toEqual([]);
    expect(tx.version).toBe(1);
    expect(tx.locktime).toBe(0);
    expect(tx.outputs).toEqual([out]);
    expect(parseTx(serializeTx(tx))).toEqual(tx);
  });

  it('appends the witness commitment last and gives the input the zero reserved value', () => {
    const commitment = witnessCommitmentScript([new Uint8Array(32), sha256d(Uint8Array.of(5))]);
    const pay = { value: 700_000_000, script: hexToBytes('0014' + '22'.repeat(20)) };
    const tx = buildCoinbase({ height: 620_000, outputs: [pay], witnessCommitment: commitment, version: 2 });
    expect(tx.version).toBe(2);
    expect(tx.outputs).toEqual([pay, { value: 0, script: commitment }]);
    expect(tx.inputs[0].witness).toEqual([new Uint8Array(32)]);
    const enc = encodeTx(tx);
    expect(enc.wtxid).not.toEqual(enc.txid);
  });

  it('keeps the scriptSig within consensus bounds', () => {
    const outputs = [{ value: 1, script: Uint8Array.of(0x51) }];
    expect(bytesToHex(buildCoinbase({ height: 5, outputs }).inputs[0].scriptSig)).toBe('5500');
    expect(() => buildCoinbase({ height: 618_000, outputs, tag: new Uint8Array(97) })).toThrow(/2 to 100/);
    expect(buildCoinbase({ height: 618_000, outputs, tag: new Uint8Array(96) }).inputs[0].scriptSig).toHaveLength(100);
    expect(() => buildCoinbase({ height: 618_000, outputs, witnessCommitment: new Uint8Array(38) })).toThrow(RangeError);
    expect(() => buildCoinbase({ height: 618_000, outputs: [] })).toThrow(RangeError);
  });

  it('leaves a real AntPool coinbase readable: height, txid', () => {
    const tx = parseTx(hexToBytes(ANTPOOL_COINBASE_HEX));
    expect(parseBip34Height(tx.inputs[0].scriptSig)).toBe(560182);
    expect(txidHex(encodeTx(tx).txid)).toBe(ANTPOOL_COINBASE_TXID);
  });
});
