// How the Esplora API refuses: malformed input is a 400 with electrs's one-line reason, unknown
// things a 404, unknown paths electrs's "endpoint does not exist", and nothing ever a 5xx or a stack.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { buildApiWorld, type ApiWorld } from './api.fixture.ts';
import { scriptToAddress } from '../../chain/address.ts';
import { p2pkhScript } from '../../chain/script.ts';

let w: ApiWorld;
let txid: string;
let blockHash: string;

beforeAll(async () => {
  w = await buildApiWorld({ hotTxs: 300, mempoolTxs: 5 });
  txid = w.hotBook.confirmedTxids[0];
  blockHash = (await w.get('/api/blocks/tip/hash')).body;
});

const UNKNOWN = 'ab'.repeat(32);

describe('malformed input → 400 with a reason', () => {
  const cases: [string, () => string, string][] = [
    ['tx id not hex', () => '/api/tx/xyz', 'Invalid hex string'],
    ['tx id too short', () => `/api/tx/${'a'.repeat(63)}`, 'Invalid hex string'],
    ['tx id too long', () => `/api/tx/${'a'.repeat(66)}/status`, 'Invalid hex string'],
    ['tx id with a non-hex character', () => `/api/tx/${'g'.repeat(64)}/hex`, 'Invalid hex string'],
    ['block hash', () => '/api/block/invalid_hash/txs/0', 'Invalid hex string'],
    ['block hash for header', () => '/api/block/00/header', 'Invalid hex string'],
    ['height not a number', () => '/api/block-height/x', 'Invalid number'],
    ['negative height', () => '/api/block-height/-1', 'Invalid number'],
    ['height beyond u32', () => '/api/block-height/99999999999', 'Invalid number'],
    ['blocks start height', () => '/api/blocks/tip', 'Invalid number'],
    ['vout not a number', () => `/api/tx/${txid}/outspend/x`, 'Invalid number'],
    ['vout beyond u32', () => `/api/tx/${txid}/outspend/4294967296`, 'Invalid number'],
    ['tx index not a number', () => `/api/block/${blockHash}/txid/one`, 'Invalid number'],
    ['page not a number', () => `/api/block/${blockHash}/txs/abc`, 'Invalid number'],
    ['page not a multiple of 25', () => `/api/block/${blockHash}/txs/1`, 'start index must be a multiple of 25'],
    ['page past the end', () => `/api/block/${blockHash}/txs/2500`, 'start index out of range'],
    ['last seen txid', () => `/api/address/${w.hot.address}/txs/chain/zz`, 'Invalid hex string'],
    ['scripthash', () => '/api/scripthash/xyz', 'Invalid scripthash'],
    ['scripthash of wrong length', () => `/api/scripthash/${'a'.repeat(62)}/utxo`, 'Invalid scripthash'],
    ['address on another network', () => '/api/address/tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'Address on invalid network'],
    ['testnet base58 address', () => `/api/address/${scriptToAddress(p2pkhScript(new Uint8Array(20).fill(7)), 'testnet')}/utxo`, 'Address on invalid network'],
  ];
  for (const [name, url, reason] of cases) {
    it(name, async () => {
      const r = await w.get(url());
      expect(r).toMatchObject({ status: 400, type: 'text/plain', body: reason });
    });
  }

  it('explains why an address is invalid, after the words clients look for', async () => {
    for (const bad of ['nope', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'bc1QW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']) {
      const r = await w.get(`/api/address/${bad}/txs`);
      expect(r.status).toBe(400);
      expect(r.body).toMatch(/^Invalid Bitcoin address \(.+\)$/);
    }
  });
});

describe('unknown things → 404', () => {
  it('answers unknown blocks and transactions with electrs texts', async () => {
    for (const suffix of ['', '/status', '/header', '/raw', '/txids', '/txs', '/txs/25', '/txid/0']) {
      expect(await w.get(`/api/block/${UNKNOWN}${suffix}`), suffix).toMatchObject({ status: 404, body: 'Block not found' });
    }
    for (const suffix of ['', '/status', '/hex', '/raw', '/outspends', '/outspend/0']) {
      expect(await w.get(`/api/tx/${UNKNOWN}${suffix}`), suffix).toMatchObject({ status: 404, body: 'Transaction not found' });
    }
    for (const suffix of ['/merkle-proof', '/merkleblock-proof']) {
      expect(await w.get(`/api/tx/${UNKNOWN}${suffix}`)).toMatchObject({ status: 404, body: 'Transaction not found or is unconfirmed' });
    }
    expect(await w.get(`/api/tx/${txid}/outspend/77`)).toMatchObject({ status: 404, body: 'Transaction has no output 77' });
  });

  it("answers paths it does not serve as electrs does", async () => {
    expect(await w.get('/api/nope')).toMatchObject({ status: 404, type: 'text/plain', body: 'endpoint does not exist "/api/nope"' });
    expect((await w.get('/api/blocks/tip/height/')).status).toBe(404);
    expect((await w.get(`/api/tx/${txid}/nope`)).status).toBe(404);
    expect((await w.app.inject({ method: 'DELETE', url: `/api/tx/${txid}` })).statusCode).toBe(404);
  });
});

describe('robustness', () => {
  it('never answers 5xx, a stack trace or more than one line, whatever the path', async () => {
    const segment = fc.oneof(
      fc.constantFrom('tx', 'block', 'blocks', 'address', 'scripthash', 'txs', 'chain', 'mempool', 'utxo', 'outspend', 'status', 'hex', 'raw', 'tip', 'height', 'block-height', 'txid', 'fee-estimates', 'address-prefix', '0', '25', '-1', txid, blockHash, w.hot.address),
      fc.string({ maxLength: 70 }).map(encodeURIComponent),
      fc.stringMatching(/^[0-9a-f]{60,68}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (parts) => {
        const r = await w.get(`/api/${parts.join('/')}`);
        expect(r.status).toBeLessThan(500);
        if (r.status !== 200) {
          expect(r.type).toBe('text/plain');
          expect(r.body).not.toMatch(/\n|    at /);
          expect(r.body.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
