// A demo ledger extended with what the Esplora contract tests need to see: one "hot" address with
// thousands of confirmed transactions (some of which spend its own outputs), P2WSH and
// P2SH-P2WSH spends, and a mempool holding an unconfirmed chain. The fixture keeps its own
// bookkeeping of what it wrote, so tests compare the API against numbers it did not compute.
import Fastify, { type FastifyInstance } from 'fastify';
import { buildDemoChain } from '../../chain/demo.ts';
import type { Ledger } from '../../chain/ledger.ts';
import { ChainReader } from '../../chain/store/reader.ts';
import { esploraApi } from '../../chain/api/index.ts';
import { encodeTx, txidHex } from '../../chain/tx.ts';
import { hash160, sha256 } from '../../chain/hash.ts';
import { multisigScript, p2shScript, p2wpkhScript, p2wshScript, pushData } from '../../chain/script.ts';
import { scriptToAddress, scripthashOf } from '../../chain/address.ts';
import type { Tx, TxOut } from '../../chain/types.ts';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export interface Outpoint {
  txid: Uint8Array;
  vout: number;
  value: number;
}

export interface FixtureAddress {
  script: Uint8Array;
  address: string;
  scripthash: string;
}

export interface ApiWorld {
  ledger: Ledger;
  reader: ChainReader;
  app: FastifyInstance;
  hot: FixtureAddress;
  change: FixtureAddress;
  /** What the fixture wrote for the hot address. */
  hotBook: {
    confirmedTxids: string[];
    mempoolTxids: string[];
    fundedConfirmed: { n: number; sum: number };
    fundedMempool: { n: number; sum: number };
    spentConfirmed: { n: number; sum: number };
    spentMempool: { n: number; sum: number };
  };
  /** Confirmed tx spending a P2WSH and a P2SH-P2WSH output with the witness script below. */
  wshSpend: { txid: string; witnessScript: Uint8Array; redeemScript: Uint8Array };
  /** Unspent output at the end of the mempool chain, for broadcast tests. */
  tail: Outpoint;
  /** Inject a GET and return status, content type and body. */
  get(url: string): Promise<{ status: number; type: string | undefined; body: string; headers: Record<string, unknown> }>;
  json<T = unknown>(url: string): Promise<T>;
}

const DUMMY_SIG = new Uint8Array(72).fill(0x30);
const DUMMY_PUB = Uint8Array.of(0x02, ...new Uint8Array(32).fill(0x11));

function fixtureAddress(script: Uint8Array): FixtureAddress {
  return { script, address: scriptToAddress(script, 'mainnet')!, scripthash: scripthashOf(script) };
}

function spend(inputs: { out: Outpoint; scriptSig?: Uint8Array; witness?: Uint8Array[] }[], outputs: TxOut[]): Tx {
  return {
    version: 2,
    inputs: inputs.map((i) => ({
      prevTxid: i.out.txid,
      prevVout: i.out.vout,
      scriptSig: i.scriptSig ?? new Uint8Array(0),
      sequence: 0xfffffffd,
      witness: i.witness ?? [DUMMY_SIG, DUMMY_PUB],
    })),
    outputs,
    locktime: 0,
  };
}

export async function buildApiWorld(opts: { hotTxs?: number; perBlock?: number; mempoolTxs?: number } = {}): Promise<ApiWorld> {
  const hotTxs = opts.hotTxs ?? 5_100;
  const perBlock = opts.perBlock ?? 700;
  const mempoolTxs = opts.mempoolTxs ?? 60;
  const ledger = buildDemoChain(':memory:', { seed: 'api-contract', blocks: 110 });
  const db = ledger.db;
  const hot = fixtureAddress(p2wpkhScript(hash160(utf8ToBytes('hot wallet'))));
  const change = fixtureAddress(p2wpkhScript(hash160(utf8ToBytes('change wallet'))));
  const miner = p2wpkhScript(hash160(utf8ToBytes('fixture miner')));

  const src = db
    .prepare(
      `SELECT t.txid, o.vout, o.value FROM outputs o JOIN txs t ON t.id = o.tx_id
       WHERE o.spent_tx_id IS NULL AND t.block_pos > 0 ORDER BY o.value DESC LIMIT 1`,
    )
    .get() as { txid: Uint8Array; vout: number; value: number };
  if (src.value < hotTxs * 6_000) throw new Error(`fixture needs a larger funding output than ${src.value} sat`);

  const book: ApiWorld['hotBook'] = {
    confirmedTxids: [],
    mempoolTxids: [],
    fundedConfirmed: { n: 0, sum: 0 },
    fundedMempool: { n: 0, sum: 0 },
    spentConfirmed: { n: 0, sum: 0 },
    spentMempool: { n: 0, sum: 0 },
  };
  let prev: Outpoint = { txid: new Uint8Array(src.txid), vout: src.vout, value: src.value };
  const hotUnspent: Outpoint[] = [];

  // Thousands of payments to the hot address, chained through one change output; every 20th also
  // spends one of the hot address's earlier outputs.
  ledger.beginBulk();
  let block: Tx[] = [];
  for (let i = 0; i < hotTxs; i++) {
    const inputs = [{ out: prev }];
    let spentHot: Outpoint | undefined;
    if (i % 20 === 19 && hotUnspent.length > 0) {
      spentHot = hotUnspent.shift()!;
      inputs.push({ out: spentHot });
    }
    const valueIn = inputs.reduce((s, x) => s + x.out.value, 0);
    const hotValue = 1_000 + ((i * 7_919) % 4_000);
    const fee = 150 + (i % 90) * 3;
    const changeFirst = i % 10 === 3;
    const hotOut = { value: hotValue, script: hot.script };
    const changeOut = { value: valueIn - hotValue - fee, script: change.script };
    const tx = spend(inputs, changeFirst ? [changeOut, hotOut] : [hotOut, changeOut]);
    const txid = encodeTx(tx).txid;
    hotUnspent.push({ txid, vout: changeFirst ? 1 : 0, value: hotValue });
    prev = { txid, vout: changeFirst ? 0 : 1, value: changeOut.value };
    book.confirmedTxids.push(txidHex(txid));
    book.fundedConfirmed.n++;
    book.fundedConfirmed.sum += hotValue;
    if (spentHot) {
      book.spentConfirmed.n++;
      book.spentConfirmed.sum += spentHot.value;
    }
    block.push(tx);
    if (block.length === perBlock || i === hotTxs - 1) {
      ledger.appendBlock(block, { payTo: miner, tag: '/fixture/' });
      block = [];
    }
  }

  // P2WSH and P2SH-P2WSH: created in one block, spent in the next with a 1-of-1 multisig witness script.
  const witnessScript = multisigScript(1, [DUMMY_PUB]);
  const wsh = p2wshScript(sha256(witnessScript));
  const shWsh = p2shScript(hash160(wsh));
  const fund = spend([{ out: prev }], [
    { value: 50_000, script: wsh },
    { value: 60_000, script: shWsh },
    { value: prev.value - 110_000 - 400, script: change.script },
  ]);
  const fundId = encodeTx(fund).txid;
  ledger.appendBlock([fund], { payTo: miner });
  prev = { txid: fundId, vout: 2, value: prev.value - 110_400 };
  const wshTx = spend(
    [
      { out: { txid: fundId, vout: 0, value: 50_000 }, witness: [new Uint8Array(0), DUMMY_SIG, witnessScript] },
      { out: { txid: fundId, vout: 1, value: 60_000 }, scriptSig: pushData(wsh), witness: [new Uint8Array(0), DUMMY_SIG, witnessScript] },
    ],
    [{ value: 109_000, script: change.script }],
  );
  ledger.appendBlock([wshTx], { payTo: miner });
  ledger.endBulk();

  // The mempool: an unconfirmed chain paying the hot address, then one spend of two confirmed hot outputs.
  const tip = ledger.tip()!;
  for (let i = 0; i < mempoolTxs; i++) {
    const hotValue = 2_000 + i;
    const fee = 200 + i * 11;
    const tx = spend([{ out: prev }], [
      { value: hotValue, script: hot.script },
      { value: prev.value - hotValue - fee, script: change.script },
    ]);
    const { txid } = ledger.submitTx(tx, tip.time + 1 + i);
    book.mempoolTxids.push(txidHex(txid));
    book.fundedMempool.n++;
    book.fundedMempool.sum += hotValue;
    prev = { txid, vout: 1, value: prev.value - hotValue - fee };
  }
  const a = hotUnspent.shift()!;
  const b = hotUnspent.shift()!;
  const sweep = spend([{ out: a }, { out: b }], [{ value: a.value + b.value - 500, script: change.script }]);
  book.mempoolTxids.push(txidHex(ledger.submitTx(sweep, tip.time + 1 + mempoolTxs).txid));
  book.spentMempool = { n: 2, sum: a.value + b.value };

  const reader = new ChainReader(db, 'mainnet');
  const app = Fastify({ logger: false });
  await app.register(esploraApi, {
    prefix: '/api',
    reader,
    submitTx: (raw) => ({ txid: txidHex(ledger.submitTx(raw, tip.time + 1000).txid) }),
  });
  await app.ready();

  const get: ApiWorld['get'] = async (url) => {
    const r = await app.inject({ method: 'GET', url });
    return { status: r.statusCode, type: r.headers['content-type'] as string | undefined, body: r.body, headers: r.headers };
  };
  const json = async <T,>(url: string): Promise<T> => {
    const r = await get(url);
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.body}`);
    if (r.type !== 'application/json') throw new Error(`GET ${url}: content-type ${r.type}`);
    return JSON.parse(r.body) as T;
  };

  return {
    ledger,
    reader,
    app,
    hot,
    change,
    hotBook: book,
    wshSpend: { txid: txidHex(encodeTx(wshTx).txid), witnessScript, redeemScript: wsh },
    tail: prev,
    get,
    json,
  };
}
