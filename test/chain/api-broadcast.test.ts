// POST /tx: the hex body goes to the ledger's mempool; refusals come back as bitcoind's RPC errors
// relayed by electrs, with a 400.
import { describe, it, expect, beforeAll } from 'vitest';
import Fastify from 'fastify';
import { buildApiWorld, type ApiWorld, type Outpoint } from './api.fixture.ts';
import { esploraApi } from '../../chain/api/index.ts';
import { encodeTx, txidHex } from '../../chain/tx.ts';
import { bytesToHex } from '../../chain/bytes.ts';
import type { Tx } from '../../chain/types.ts';
import type { EsploraMempoolInfo, EsploraTx } from '../../chain/esplora-types.ts';

let w: ApiWorld;

beforeAll(async () => {
  w = await buildApiWorld({ hotTxs: 200, mempoolTxs: 3 });
});

function payment(from: Outpoint, value: number, script: Uint8Array): Tx {
  return {
    version: 2,
    inputs: [{ prevTxid: from.txid, prevVout: from.vout, scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [new Uint8Array(71).fill(1), new Uint8Array(33).fill(2)] }],
    outputs: [{ value, script }],
    locktime: 0,
  };
}

const post = (payload: string | undefined, contentType?: string) =>
  w.app.inject({ method: 'POST', url: '/api/tx', payload, headers: contentType ? { 'content-type': contentType } : {} });

describe('POST /tx', () => {
  it('accepts a valid transaction, answers its txid, and shows it in the mempool', async () => {
    const before = JSON.parse((await w.get('/api/mempool')).body) as EsploraMempoolInfo;
    const tx = payment(w.tail, w.tail.value - 1_000, w.change.script);
    const enc = encodeTx(tx);
    const r = await post(bytesToHex(enc.raw), 'text/plain');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.body).toBe(txidHex(enc.txid));
    const shown = await w.json<EsploraTx>(`/api/tx/${r.body}`);
    expect(shown).toMatchObject({ txid: r.body, fee: 1_000, status: { confirmed: false } });
    const after = await w.json<EsploraMempoolInfo>('/api/mempool');
    expect(after.count).toBe(before.count + 1);
    expect(after.total_fee).toBe(before.total_fee + 1_000);
    expect((await w.json<{ txid: string }[]>('/api/mempool/recent'))[0].txid).toBe(r.body);

    // bitcoind answers a transaction it already holds with its txid again.
    const again = await post(bytesToHex(enc.raw));
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(r.body);

    // Spending the same output differently is a conflict.
    const conflict = await post(bytesToHex(encodeTx(payment(w.tail, w.tail.value - 2_000, w.change.script)).raw), 'application/x-www-form-urlencoded');
    expect(conflict.statusCode).toBe(400);
    expect(conflict.body).toMatch(/^sendrawtransaction RPC error: \{"code":-26,"message":".+"\}$/);
  });

  it('takes hex whatever the content type, as curl -d sends it, and trims a trailing newline', async () => {
    const source = { txid: new Uint8Array(32).fill(9), vout: 0, value: 10_000 };
    const hex = bytesToHex(encodeTx(payment(source, 9_000, w.change.script)).raw);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', 'application/json', undefined]) {
      const r = await post(`${hex}\n`, type);
      expect(r.statusCode, type).toBe(400);
      // Reaches the ledger, which refuses the unknown input: bitcoind's missing-inputs code.
      expect(JSON.parse(r.body.replace('sendrawtransaction RPC error: ', ''))).toMatchObject({ code: -25 });
    }
  });

  it('refuses what is not a transaction with the decode-failure code', async () => {
    for (const body of ['zz', '', '0100', 'deadbeef'.repeat(3), undefined]) {
      const r = await post(body, 'text/plain');
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toBe('text/plain');
      expect(JSON.parse(r.body.replace('sendrawtransaction RPC error: ', ''))).toMatchObject({ code: -22 });
    }
  });

  it('refuses a body over electrs\'s 1,000,000-byte limit with 413', async () => {
    const r = await post('00'.repeat(500_001), 'text/plain');
    expect(r.statusCode).toBe(413);
    expect(r.body).toBe('Request body too large');
  });

  it('keeps the legacy GET /broadcast?tx= form', async () => {
    const r = await w.get('/api/broadcast?tx=zz');
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/^sendrawtransaction RPC error: /);
    expect(await w.get('/api/broadcast')).toMatchObject({ status: 400, body: 'Missing tx' });
  });

  it('answers 503 when the server was started without a way to broadcast', async () => {
    const app = Fastify();
    await app.register(esploraApi, { prefix: '/api', reader: w.reader });
    const r = await app.inject({ method: 'POST', url: '/api/tx', payload: '00', headers: { 'content-type': 'text/plain' } });
    expect(r.statusCode).toBe(503);
    expect(r.body).toBe('Transaction broadcast is disabled on this server');
    await app.close();
  });
});
