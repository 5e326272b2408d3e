// Compatibility with an independent Bitcoin library: bitcoinjs-lib (a devDependency used only
// here) decodes what the API serves — transaction hex, raw blocks, output scripts — and must
// arrive at the same ids, sizes, values and addresses as the API's JSON.
import { describe, it, expect, beforeAll } from 'vitest';
import * as bitcoin from 'bitcoinjs-lib';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { buildApiWorld, type ApiWorld } from './api.fixture.ts';
import type { EsploraBlock, EsploraTx } from '../../chain/esplora-types.ts';
import { bytesToHex, reverseHex } from '../../chain/bytes.ts';

let w: ApiWorld;

// bitcoinjs needs an elliptic-curve backend to recognise taproot outputs; @noble/curves provides one.
const { Point } = secp256k1;
function liftX(x: Uint8Array) {
  try {
    return Point.fromBytes(Uint8Array.of(2, ...x));
  } catch {
    return null;
  }
}
bitcoin.initEccLib({
  isXOnlyPoint: (p: Uint8Array) => p.length === 32 && liftX(p) !== null,
  xOnlyPointAddTweak: (p: Uint8Array, tweak: Uint8Array) => {
    const P = liftX(p);
    const t = BigInt(`0x${bytesToHex(tweak)}`);
    if (!P || t >= Point.CURVE().n) return null;
    const Q = t === 0n ? P : P.add(Point.BASE.multiply(t));
    if (Q.equals(Point.ZERO)) return null;
    const c = Q.toBytes(true);
    return { parity: c[0] === 3 ? 1 : 0, xOnlyPubkey: c.slice(1) };
  },
});

beforeAll(async () => {
  w = await buildApiWorld({ hotTxs: 400, mempoolTxs: 4 });
});

function checkTx(hex: string, json: EsploraTx): void {
  const tx = bitcoin.Transaction.fromHex(hex);
  expect(tx.getId()).toBe(json.txid);
  expect(tx.byteLength()).toBe(json.size);
  expect(tx.weight()).toBe(json.weight);
  expect(tx.version >>> 0).toBe(json.version);
  expect(tx.locktime).toBe(json.locktime);
  expect(tx.ins).toHaveLength(json.vin.length);
  tx.ins.forEach((input, i) => {
    const vin = json.vin[i];
    expect(reverseHex(input.hash)).toBe(vin.txid);
    expect(input.index).toBe(vin.vout);
    expect(input.sequence).toBe(vin.sequence);
    expect(bytesToHex(input.script)).toBe(vin.scriptsig);
    expect(input.witness.map((x) => bytesToHex(x))).toEqual(vin.witness ?? []);
    expect(vin.is_coinbase).toBe(i === 0 && tx.isCoinbase());
  });
  expect(tx.outs).toHaveLength(json.vout.length);
  tx.outs.forEach((out, i) => {
    const vout = json.vout[i];
    expect(out.value).toBe(BigInt(vout.value));
    expect(bytesToHex(out.script)).toBe(vout.scriptpubkey);
    let address: string | undefined;
    try {
      address = bitcoin.address.fromOutputScript(out.script, bitcoin.networks.bitcoin);
    } catch {
      address = undefined;
    }
    expect(address, vout.scriptpubkey_type).toBe(vout.scriptpubkey_address);
  });
}

describe('bitcoinjs-lib reads what the API serves', () => {
  it('decodes /tx/:txid/hex of every transaction in recent blocks and the mempool to the same facts', async () => {
    const blocks = await w.json<EsploraBlock[]>('/api/blocks');
    const txids: string[] = [...w.hotBook.mempoolTxids, w.wshSpend.txid];
    for (const b of blocks) txids.push(...(await w.json<string[]>(`/api/block/${b.id}/txids`)).slice(0, 60));
    const kinds = new Set<string>();
    for (const txid of txids) {
      const json = await w.json<EsploraTx>(`/api/tx/${txid}`);
      checkTx((await w.get(`/api/tx/${txid}/hex`)).body, json);
      for (const o of json.vout) kinds.add(o.scriptpubkey_type);
    }
    // The sample covers every output kind the lab produces.
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['op_return', 'p2pkh', 'p2sh', 'v0_p2wpkh', 'v0_p2wsh']));
  });

  it('decodes the first page of the last 30 blocks too, including taproot outputs', async () => {
    const tip = Number((await w.get('/api/blocks/tip/height')).body);
    let taproot = 0;
    for (let h = tip; h > tip - 30; h--) {
      const hash = (await w.get(`/api/block-height/${h}`)).body;
      for (const json of await w.json<EsploraTx[]>(`/api/block/${hash}/txs`)) {
        checkTx((await w.get(`/api/tx/${json.txid}/hex`)).body, json);
        taproot += json.vout.filter((o) => o.scriptpubkey_type === 'v1_p2tr').length;
      }
    }
    expect(taproot).toBeGreaterThan(0);
  });

  it('parses /block/:hash/raw into a block with the same id, transactions and valid merkle and witness commitments', async () => {
    const blocks = await w.json<EsploraBlock[]>('/api/blocks');
    for (const b of blocks) {
      const raw = await w.app.inject({ method: 'GET', url: `/api/block/${b.id}/raw` });
      const block = bitcoin.Block.fromBuffer(new Uint8Array(raw.rawPayload));
      expect(block.getId()).toBe(b.id);
      expect(block.byteLength()).toBe(b.size);
      expect(block.weight()).toBe(b.weight);
      expect(block.timestamp).toBe(b.timestamp);
      expect(block.bits).toBe(b.bits);
      expect(block.nonce).toBe(b.nonce);
      expect(reverseHex(block.merkleRoot!)).toBe(b.merkle_root);
      expect(block.transactions!.map((t) => t.getId())).toEqual(await w.json<string[]>(`/api/block/${b.id}/txids`));
      expect(block.checkTxRoots()).toBe(true);
      expect(bytesToHex(new Uint8Array(raw.rawPayload).subarray(0, 80))).toBe((await w.get(`/api/block/${b.id}/header`)).body);
    }
  });
});
