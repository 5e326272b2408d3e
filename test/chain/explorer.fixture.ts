// A demo ledger plus what the explorer's pages need to show: a reused "hot" address with three
// pages of history (payments in and spends out), a block of more than 25 transactions, a payment
// chain P → T → S across three blocks, an OP_RETURN note, and a mempool of RBF-signalling payments.
// The fixture keeps its own record of what it wrote, so tests compare pages against numbers the
// explorer did not compute.
import Fastify, { type FastifyInstance } from 'fastify';
import { buildDemoChain } from '../../chain/demo.ts';
import type { Ledger } from '../../chain/ledger.ts';
import { ChainReader } from '../../chain/store/reader.ts';
import { esploraApi } from '../../chain/api/index.ts';
import { explorerPlugin } from '../../chain/explorer/index.ts';
import { encodeTx, txidHex, txidFromHex } from '../../chain/tx.ts';
import { hash160 } from '../../chain/hash.ts';
import { opReturnScript, p2wpkhScript } from '../../chain/script.ts';
import { scriptToAddress } from '../../chain/address.ts';
import type { Tx, TxOut } from '../../chain/types.ts';
import { utf8ToBytes } from '@noble/hashes/utils.js';

interface Coin {
  txid: Uint8Array;
  vout: number;
  value: number;
}

export interface ExplorerWorld {
  ledger: Ledger;
  reader: ChainReader;
  hotAddress: string;
  /** Confirmed txs touching the hot address, oldest first, with their net effect on it. */
  hotHistory: { txid: string; net: number }[];
  hotMempool: string[];
  hotBalance: number;
  /** P (block k) → T (block k+1) → S (block k+2): T spends P:0, S spends T:0. */
  chain: { p: string; t: string; s: string; pHeight: number; tHeight: number; sHeight: number };
  opReturnTxid: string;
  opReturnNote: string;
  /** A block of 31 transactions (coinbase + 30). */
  bigBlock: { hash: string; height: number; txids: string[] };
  firstBlockHash: string;
  /** A fixed "now" one hour after the tip, for ages. */
  now: number;
}

const DUMMY_SIG = new Uint8Array(72).fill(0x30);
const DUMMY_PUB = Uint8Array.of(0x02, ...new Uint8Array(32).fill(0x22));

function addressScript(label: string): { script: Uint8Array; address: string } {
  const script = p2wpkhScript(hash160(utf8ToBytes(label)));
  return { script, address: scriptToAddress(script, 'mainnet')! };
}

function spend(coins: Coin[], outputs: TxOut[], sequence = 0xfffffffe): Tx {
  return {
    version: 2,
    inputs: coins.map((c) => ({ prevTxid: c.txid, prevVout: c.vout, scriptSig: new Uint8Array(0), sequence, witness: [DUMMY_SIG, DUMMY_PUB] })),
    outputs,
    locktime: 0,
  };
}

/** The largest unspent non-coinbase output of the demo chain, found through the reader's public API. */
function largestCoin(reader: ChainReader): Coin {
  let best: Coin | null = null;
  for (const block of reader.blocks() ?? []) {
    for (let start = 0; start < block.tx_count; start += 25) {
      for (const tx of reader.blockTxs(block.id, start) ?? []) {
        if (tx.vin.some((i) => i.is_coinbase)) continue;
        const spends = reader.outspends(tx.txid) ?? [];
        tx.vout.forEach((o, vout) => {
          if (!spends[vout]?.spent && (best === null || o.value > best.value)) best = { txid: txidFromHex(tx.txid), vout, value: o.value };
        });
      }
    }
  }
  if (!best) throw new Error('demo chain has no spendable output');
  return best;
}

export function buildExplorerWorld(): ExplorerWorld {
  const ledger = buildDemoChain(':memory:', { seed: 'explorer-tests', blocks: 120 });
  const reader = new ChainReader(ledger.db, 'mainnet');
  const firstBlockHash = reader.blockHashAtHeight(reader.firstHeight()!)!;
  const hot = addressScript('explorer hot wallet');
  const change = addressScript('explorer change');
  const miner = p2wpkhScript(hash160(utf8ToBytes('explorer miner')));

  let funding = largestCoin(reader);
  const hotHistory: { txid: string; net: number }[] = [];
  const hotUnspent: Coin[] = [];
  let hotBalance = 0;

  // 60 txs touching the hot address in blocks of 30, 25 and 5: every 7th also spends an earlier hot output.
  ledger.beginBulk();
  const sizes = [30, 25, 5];
  let bigBlock: ExplorerWorld['bigBlock'] | null = null;
  let n = 0;
  for (const size of sizes) {
    const txs: Tx[] = [];
    for (let k = 0; k < size; k++, n++) {
      const coins = [funding];
      let net = 0;
      if (n % 7 === 6 && hotUnspent.length > 0) {
        const h = hotUnspent.shift()!;
        coins.push(h);
        net -= h.value;
      }
      const valueIn = coins.reduce((s, c) => s + c.value, 0);
      const pay = 10_000 + n * 1_111;
      const fee = 300 + n * 7;
      const tx = spend(coins, [
        { value: pay, script: hot.script },
        { value: valueIn - pay - fee, script: change.script },
      ]);
      const txid = encodeTx(tx).txid;
      net += pay;
      hotBalance += net;
      hotUnspent.push({ txid, vout: 0, value: pay });
      hotHistory.push({ txid: txidHex(txid), net });
      funding = { txid, vout: 1, value: valueIn - pay - fee };
      txs.push(tx);
    }
    const appended = ledger.appendBlock(txs, { payTo: miner, tag: '/explorer-tests/' });
    if (size === 30) bigBlock = { hash: txidHex(appended.hash), height: appended.height, txids: appended.txids.map((t) => txidHex(t)) };
  }

  // P → T → S, one block each; T also carries an OP_RETURN note.
  const opReturnNote = 'case 4711: ransom note <b>paid</b>';
  const payee = addressScript('explorer payee');
  const p = spend([funding], [
    { value: 500_000, script: payee.script },
    { value: funding.value - 500_000 - 1_000, script: change.script },
  ]);
  const pId = encodeTx(p).txid;
  const pBlock = ledger.appendBlock([p], { payTo: miner });
  const t = spend([{ txid: pId, vout: 0, value: 500_000 }], [
    { value: 400_000, script: addressScript('explorer second hop').script },
    { value: 0, script: opReturnScript(utf8ToBytes(opReturnNote)) },
    { value: 99_000, script: payee.script },
  ]);
  const tId = encodeTx(t).txid;
  const tBlock = ledger.appendBlock([t], { payTo: miner });
  const s = spend([{ txid: tId, vout: 0, value: 400_000 }], [{ value: 399_000, script: addressScript('explorer third hop').script }]);
  const sBlock = ledger.appendBlock([s], { payTo: miner });
  funding = { txid: pId, vout: 1, value: funding.value - 501_000 };
  ledger.endBulk();

  // The mempool: three RBF-signalling payments to the hot address at rising fee rates.
  const tip = ledger.tip()!;
  const hotMempool: string[] = [];
  for (let i = 0; i < 3; i++) {
    const pay = 7_000 + i;
    const fee = 2_000 * (i + 1);
    const tx = spend([funding], [
      { value: pay, script: hot.script },
      { value: funding.value - pay - fee, script: change.script },
    ], 0xfffffffd);
    const { txid } = ledger.submitTx(tx, tip.time + 60 * (i + 1));
    hotMempool.push(txidHex(txid));
    funding = { txid, vout: 1, value: funding.value - pay - fee };
  }

  return {
    ledger,
    reader,
    hotAddress: hot.address,
    hotHistory,
    hotMempool,
    hotBalance,
    chain: { p: txidHex(pId), t: txidHex(tId), s: txidHex(encodeTx(s).txid), pHeight: pBlock.height, tHeight: tBlock.height, sHeight: sBlock.height },
    opReturnTxid: txidHex(tId),
    opReturnNote,
    bigBlock: bigBlock!,
    firstBlockHash,
    now: tip.time + 3600,
  };
}

/** A fastify app with the lab's layout: Esplora API at /api, explorer at /explorer, a stub lab home at /. */
export async function buildExplorerApp(world: ExplorerWorld): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(esploraApi, { prefix: '/api', reader: world.reader });
  await app.register(explorerPlugin, { prefix: '/explorer', reader: world.reader, network: 'mainnet', now: () => world.now });
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><title>Lab home</title><h1>Lab home</h1>'));
  await app.ready();
  return app;
}
