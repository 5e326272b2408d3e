import { describe, it, expect } from 'vitest';
import Fastify from 'fastify';
import { Ledger } from '../../chain/ledger.ts';
import { ChainReader } from '../../chain/store/reader.ts';
import { esploraApi } from '../../chain/api/index.ts';
import { KeyDeriver } from '../../chain/keys.ts';
import { Wallet } from '../../chain/wallet.ts';
import { Rng } from '../../chain/rng.ts';
import { blockSubsidy } from '../../chain/consensus.ts';
import { bytesToHex } from '../../chain/bytes.ts';
import { serializeTx, txidHex } from '../../chain/tx.ts';
import { scriptToAddress } from '../../chain/address.ts';

describe('cached address responses', () => {
  it('change as soon as a transaction enters the mempool or a block is mined', async () => {
    const ledger = Ledger.create(':memory:', { network: 'mainnet', startHeight: 630_000, startTime: 1_589_000_000, seed: 'cache' });
    const deriver = new KeyDeriver('cache');
    const miner = new Wallet(deriver, 0, 'p2wpkh');
    const payee = new Wallet(deriver, 1, 'p2wpkh');
    for (let i = 0; i < 101; i++) {
      const r = miner.receive();
      const b = ledger.appendBlock([], { payTo: r.script });
      miner.credit({ txid: b.txids[0], vout: 0, value: blockSubsidy(b.height), key: r.key, kind: 'p2wpkh', height: b.height, coinbase: true });
    }
    const reader = new ChainReader(ledger.db, 'mainnet');
    const app = Fastify();
    await app.register(esploraApi, { prefix: '/api', reader, submitTx: (raw) => ({ txid: txidHex(ledger.submitTx(raw, 1).txid) }) });
    const to = payee.receive();
    const address = scriptToAddress(to.script)!;
    const stats = async () => (await app.inject(`/api/address/${address}`)).json();

    expect((await stats()).mempool_stats.funded_txo_count).toBe(0);
    const p = miner.pay([{ value: 250_000, script: to.script }], Rng.fromSeed('cache'), { feeRate: 3, spendHeight: 631_000 });
    const posted = await app.inject({ method: 'POST', url: '/api/tx', payload: bytesToHex(serializeTx(p.tx)) });
    expect(posted.statusCode).toBe(200);
    const pending = await stats();
    expect(pending.mempool_stats.funded_txo_count).toBe(1);
    expect(pending.mempool_stats.funded_txo_sum).toBe(250_000);
    expect((await app.inject(`/api/address/${address}/txs`)).json()).toHaveLength(1);

    ledger.mineBlock({ payTo: miner.receive().script });
    const mined = await stats();
    expect(mined.mempool_stats.funded_txo_count).toBe(0);
    expect(mined.chain_stats.funded_txo_sum).toBe(250_000);
    expect((await app.inject(`/api/address/${address}/txs`)).json()[0].status.confirmed).toBe(true);
    await app.close();
  });
});
