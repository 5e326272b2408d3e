// Contract tests of the Esplora API (chain/api) against a real ledger: every route's shape and
// status, pagination edges, and cross-checks between routes that a wrong join or an off-by-one
// would break.
import { describe, it, expect, beforeAll } from 'vitest';
import { buildApiWorld, type ApiWorld } from './api.fixture.ts';
import type {
  EsploraAddress,
  EsploraBlock,
  EsploraBlockStatus,
  EsploraMempoolInfo,
  EsploraMempoolRecent,
  EsploraMerkleProof,
  EsploraOutspend,
  EsploraScripthash,
  EsploraTx,
  EsploraTxStatus,
  EsploraUtxo,
} from '../../chain/esplora-types.ts';
import { hexToBytes, bytesToHex, reverseHex, ByteReader, compactSizeLength } from '../../chain/bytes.ts';
import { sha256d } from '../../chain/hash.ts';
import { parseTx, encodeTx, txidHex } from '../../chain/tx.ts';
import { parseHeader, parseBlock } from '../../chain/block.ts';
import { merkleRoot, verifyMerkleProof } from '../../chain/merkle.ts';
import { scriptToAsm } from '../../chain/script.ts';

let w: ApiWorld;
let tip: number;
let tipHash: string;
/** The fixture block with the most transactions (several pages). */
let big: EsploraBlock;

beforeAll(async () => {
  w = await buildApiWorld();
  tip = Number((await w.get('/api/blocks/tip/height')).body);
  tipHash = (await w.get('/api/blocks/tip/hash')).body;
  let best: EsploraBlock | undefined;
  for (let h = tip; h > tip - 20; h--) {
    const b = await w.json<EsploraBlock>(`/api/block/${(await w.get(`/api/block-height/${h}`)).body}`);
    if (!best || b.tx_count > best.tx_count) best = b;
  }
  big = best!;
});

const BLOCK_KEYS = ['id', 'height', 'version', 'timestamp', 'tx_count', 'size', 'weight', 'merkle_root', 'previousblockhash', 'mediantime', 'nonce', 'bits', 'difficulty'];
const TX_KEYS = ['txid', 'version', 'locktime', 'vin', 'vout', 'size', 'weight', 'fee', 'status'];
const STATS_KEYS = ['funded_txo_count', 'funded_txo_sum', 'spent_txo_count', 'spent_txo_sum', 'tx_count'];

describe('blocks', () => {
  it('serves the tip as plain text, matching the ledger', async () => {
    const h = await w.get('/api/blocks/tip/height');
    expect(h.status).toBe(200);
    expect(h.type).toBe('text/plain');
    expect(h.body).toBe(String(w.ledger.tip()!.height));
    expect(tipHash).toBe(reverseHex(w.ledger.tip()!.hash));
    expect((await w.get(`/api/block-height/${tip}`)).body).toBe(tipHash);
  });

  it('lists 10 blocks newest first, linked by previousblockhash, in electrs field order', async () => {
    const blocks = await w.json<EsploraBlock[]>('/api/blocks');
    expect(blocks).toHaveLength(10);
    expect(blocks[0].id).toBe(tipHash);
    blocks.forEach((b, i) => {
      expect(Object.keys(b)).toEqual(BLOCK_KEYS);
      expect(b.height).toBe(tip - i);
      if (i > 0) expect(blocks[i - 1].previousblockhash).toBe(b.id);
    });
    const older = await w.json<EsploraBlock[]>(`/api/blocks/${tip - 10}`);
    expect(older[0].previousblockhash).toBe(older[1].id);
    expect(older[0].id).toBe(blocks[9].previousblockhash);
  });

  it('stops /blocks at the first stored block and answers 404 beyond either end', async () => {
    const first = w.reader.firstHeight()!;
    const atFirst = await w.json<EsploraBlock[]>(`/api/blocks/${first + 2}`);
    expect(atFirst.map((b) => b.height)).toEqual([first + 2, first + 1, first]);
    expect(await w.get(`/api/blocks/${tip + 1}`)).toMatchObject({ status: 404, body: 'Block not found' });
    expect(await w.get(`/api/blocks/${first - 1}`)).toMatchObject({ status: 404, body: 'Block not found' });
    expect(await w.get(`/api/block-height/${tip + 1}`)).toMatchObject({ status: 404, body: 'Block not found' });
  });

  it('describes a block consistently with its header, raw bytes and txids', async () => {
    const header = (await w.get(`/api/block/${big.id}/header`)).body;
    const headerBytes = hexToBytes(header);
    expect(headerBytes).toHaveLength(80);
    expect(reverseHex(sha256d(headerBytes))).toBe(big.id);
    const h = parseHeader(headerBytes);
    expect(big.merkle_root).toBe(reverseHex(h.merkleRoot));
    expect(big.timestamp).toBe(h.time);
    expect(big.bits).toBe(h.bits);
    expect(big.nonce).toBe(h.nonce);
    expect(big.difficulty).toBeGreaterThan(0);
    expect(big.mediantime).toBeLessThanOrEqual(big.timestamp);

    const txids = await w.json<string[]>(`/api/block/${big.id}/txids`);
    expect(txids).toHaveLength(big.tx_count);
    expect(reverseHex(merkleRoot(txids.map((t) => hexToBytes(t).reverse())))).toBe(big.merkle_root);

    const raw = await w.app.inject({ method: 'GET', url: `/api/block/${big.id}/raw` });
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.rawPayload.length).toBe(big.size);
    const parsed = parseBlock(new Uint8Array(raw.rawPayload));
    expect(parsed.txs.map((t) => txidHex(encodeTx(t).txid))).toEqual(txids);
    expect((80 + compactSizeLength(big.tx_count)) * 4 + parsed.txs.reduce((s, t) => s + encodeTx(t).weight, 0)).toBe(big.weight);
  });

  it('reports next_best along the chain and null at the tip', async () => {
    const prev = await w.json<EsploraBlockStatus>(`/api/block/${big.previousblockhash}/status`);
    expect(prev).toEqual({ in_best_chain: true, height: big.height - 1, next_best: big.id });
    expect(await w.json<EsploraBlockStatus>(`/api/block/${tipHash}/status`)).toEqual({ in_best_chain: true, height: tip, next_best: null });
  });

  it('pages a block 25 transactions at a time, the pages adding up to /txids', async () => {
    const txids = await w.json<string[]>(`/api/block/${big.id}/txids`);
    expect(big.tx_count).toBeGreaterThan(50);
    const seen: string[] = [];
    for (let start = 0; start < big.tx_count; start += 25) {
      const page = await w.json<EsploraTx[]>(start === 0 ? `/api/block/${big.id}/txs` : `/api/block/${big.id}/txs/${start}`);
      expect(page).toHaveLength(Math.min(25, big.tx_count - start));
      for (const tx of page) expect(tx.status).toEqual({ confirmed: true, block_height: big.height, block_hash: big.id, block_time: big.timestamp });
      seen.push(...page.map((t) => t.txid));
    }
    expect(seen).toEqual(txids);
    const lastPage = Math.floor((big.tx_count - 1) / 25) * 25;
    expect(await w.get(`/api/block/${big.id}/txs/${lastPage + 25}`)).toMatchObject({ status: 400, body: 'start index out of range' });
    expect(await w.get(`/api/block/${big.id}/txs/26`)).toMatchObject({ status: 400, body: 'start index must be a multiple of 25' });
    expect((await w.get(`/api/block/${big.id}/txid/${big.tx_count - 1}`)).body).toBe(txids[big.tx_count - 1]);
    expect(await w.get(`/api/block/${big.id}/txid/${big.tx_count}`)).toMatchObject({ status: 404, body: 'tx index out of range' });
  });

  it('marks the coinbase: no prevout, fee 0, the all-zero outpoint', async () => {
    const [coinbase] = await w.json<EsploraTx[]>(`/api/block/${big.id}/txs`);
    expect(coinbase.fee).toBe(0);
    expect(coinbase.vin).toHaveLength(1);
    expect(coinbase.vin[0]).toMatchObject({ txid: '0'.repeat(64), vout: 0xffffffff, prevout: null, is_coinbase: true });
  });
});

describe('transactions', () => {
  it('shapes a transaction in electrs field order, omitting absent optional fields', async () => {
    const tx = await w.json<EsploraTx>(`/api/tx/${w.hotBook.confirmedTxids[100]}`);
    expect(Object.keys(tx)).toEqual(TX_KEYS);
    expect(Object.keys(tx.vin[0])).toEqual(['txid', 'vout', 'prevout', 'scriptsig', 'scriptsig_asm', 'witness', 'is_coinbase', 'sequence']);
    expect(Object.keys(tx.vout[0])).toEqual(['scriptpubkey', 'scriptpubkey_asm', 'scriptpubkey_type', 'scriptpubkey_address', 'value']);
    expect(tx.vout.find((o) => o.scriptpubkey_address === w.hot.address)).toBeDefined();
  });

  it('agrees with its own hex: txid, size, weight, outputs', async () => {
    const txids = [...(await w.json<string[]>(`/api/block/${big.id}/txids`)).slice(0, 40), ...w.hotBook.mempoolTxids.slice(-5), w.wshSpend.txid];
    for (const txid of txids) {
      const tx = await w.json<EsploraTx>(`/api/tx/${txid}`);
      const hex = await w.get(`/api/tx/${txid}/hex`);
      expect(hex.type).toBe('text/plain');
      const parsed = parseTx(hexToBytes(hex.body));
      const enc = encodeTx(parsed);
      expect(txidHex(enc.txid)).toBe(txid);
      expect(tx.size).toBe(enc.size);
      expect(tx.weight).toBe(enc.weight);
      expect(tx.vout.map((o) => [o.value, o.scriptpubkey])).toEqual(parsed.outputs.map((o) => [o.value, bytesToHex(o.script)]));
      const raw = await w.app.inject({ method: 'GET', url: `/api/tx/${txid}/raw` });
      expect(bytesToHex(new Uint8Array(raw.rawPayload))).toBe(hex.body);
    }
  });

  it("gives every input the output it spends, and a fee that balances", async () => {
    const page = [...(await w.json<EsploraTx[]>(`/api/block/${big.id}/txs/25`)), ...(await w.json<EsploraTx[]>(`/api/address/${w.hot.address}/txs/mempool`))];
    for (const tx of page) {
      let valueIn = 0;
      for (const vin of tx.vin) {
        const prev = await w.json<EsploraTx>(`/api/tx/${vin.txid}`);
        expect(vin.prevout).toEqual(prev.vout[vin.vout]);
        valueIn += vin.prevout!.value;
      }
      expect(tx.fee).toBe(valueIn - tx.vout.reduce((s, o) => s + o.value, 0));
    }
  });

  it('shows the redeem and witness scripts of P2SH-P2WSH and P2WSH spends', async () => {
    const tx = await w.json<EsploraTx>(`/api/tx/${w.wshSpend.txid}`);
    const ws = scriptToAsm(w.wshSpend.witnessScript);
    expect(tx.vin[0].prevout!.scriptpubkey_type).toBe('v0_p2wsh');
    expect(tx.vin[0].inner_witnessscript_asm).toBe(ws);
    expect(tx.vin[0]).not.toHaveProperty('inner_redeemscript_asm');
    expect(tx.vin[1].prevout!.scriptpubkey_type).toBe('p2sh');
    expect(tx.vin[1].inner_redeemscript_asm).toBe(scriptToAsm(w.wshSpend.redeemScript));
    expect(tx.vin[1].inner_witnessscript_asm).toBe(ws);
  });

  it('reports status confirmed in its block, or unconfirmed without block fields', async () => {
    const confirmed = await w.json<EsploraTxStatus>(`/api/tx/${w.hotBook.confirmedTxids[0]}/status`);
    expect(Object.keys(confirmed)).toEqual(['confirmed', 'block_height', 'block_hash', 'block_time']);
    const block = await w.json<EsploraBlock>(`/api/block/${confirmed.block_hash}`);
    expect(block.height).toBe(confirmed.block_height);
    expect(block.timestamp).toBe(confirmed.block_time);
    expect(await w.json<string[]>(`/api/block/${confirmed.block_hash}/txids`)).toContain(w.hotBook.confirmedTxids[0]);
    expect(await w.json(`/api/tx/${w.hotBook.mempoolTxids[0]}/status`)).toEqual({ confirmed: false });
  });

  it("has merkle proofs that verify against the block header's merkle root", async () => {
    for (const txid of [w.hotBook.confirmedTxids[0], w.hotBook.confirmedTxids[777], w.hotBook.confirmedTxids[5099], w.wshSpend.txid]) {
      const status = await w.json<EsploraTxStatus>(`/api/tx/${txid}/status`);
      const proof = await w.json<EsploraMerkleProof>(`/api/tx/${txid}/merkle-proof`);
      expect(Object.keys(proof)).toEqual(['block_height', 'merkle', 'pos']);
      expect(proof.block_height).toBe(status.block_height);
      const header = parseHeader(hexToBytes((await w.get(`/api/block/${status.block_hash}/header`)).body));
      const leaf = hexToBytes(txid).reverse();
      const branch = proof.merkle.map((h) => hexToBytes(h).reverse());
      expect(verifyMerkleProof(leaf, branch, proof.pos, header.merkleRoot)).toBe(true);
      const other = hexToBytes(w.hotBook.confirmedTxids[1]).reverse();
      expect(verifyMerkleProof(other, branch, proof.pos, header.merkleRoot)).toBe(false);
      expect((await w.get(`/api/block/${status.block_hash}/txid/${proof.pos}`)).body).toBe(txid);

      const mb = hexToBytes((await w.get(`/api/tx/${txid}/merkleblock-proof`)).body);
      expect(bytesToHex(mb.subarray(0, 80))).toBe((await w.get(`/api/block/${status.block_hash}/header`)).body);
      expect(extractPartialMerkleTree(mb.subarray(80))).toEqual({ root: bytesToHex(header.merkleRoot), matched: [txid] });
    }
    expect(await w.get(`/api/tx/${w.hotBook.mempoolTxids[0]}/merkle-proof`)).toMatchObject({ status: 404, body: 'Transaction not found or is unconfirmed' });
  });

  it('reports outspends that agree with the spending transactions', async () => {
    // A hot-chain transaction: its change was spent by the next one; some hot outputs were spent later.
    for (const txid of w.hotBook.confirmedTxids.slice(0, 40)) {
      const tx = await w.json<EsploraTx>(`/api/tx/${txid}`);
      const spends = await w.json<EsploraOutspend[]>(`/api/tx/${txid}/outspends`);
      expect(spends).toHaveLength(tx.vout.length);
      for (let vout = 0; vout < spends.length; vout++) {
        const s = spends[vout];
        expect(await w.json(`/api/tx/${txid}/outspend/${vout}`)).toEqual(s);
        if (!s.spent) {
          expect(s).toEqual({ spent: false });
          continue;
        }
        expect(Object.keys(s)).toEqual(['spent', 'txid', 'vin', 'status']);
        const spender = await w.json<EsploraTx>(`/api/tx/${s.txid}`);
        expect(spender.vin[s.vin!]).toMatchObject({ txid, vout });
        expect(s.status).toEqual(spender.status);
      }
    }
    expect(await w.get(`/api/tx/${w.hotBook.confirmedTxids[0]}/outspend/9`)).toMatchObject({ status: 404 });
  });
});

describe('addresses', () => {
  it("matches the fixture's bookkeeping of the hot address", async () => {
    const a = await w.json<EsploraAddress>(`/api/address/${w.hot.address}`);
    expect(Object.keys(a)).toEqual(['address', 'chain_stats', 'mempool_stats']);
    expect(Object.keys(a.chain_stats)).toEqual(STATS_KEYS);
    const b = w.hotBook;
    expect(a.chain_stats).toEqual({
      funded_txo_count: b.fundedConfirmed.n,
      funded_txo_sum: b.fundedConfirmed.sum,
      spent_txo_count: b.spentConfirmed.n,
      spent_txo_sum: b.spentConfirmed.sum,
      tx_count: b.confirmedTxids.length,
    });
    expect(a.mempool_stats).toEqual({
      funded_txo_count: b.fundedMempool.n,
      funded_txo_sum: b.fundedMempool.sum,
      spent_txo_count: b.spentMempool.n,
      spent_txo_sum: b.spentMempool.sum,
      tx_count: b.mempoolTxids.length,
    });
  });

  it('balances: funded minus spent equals the unspent outputs, for every kind of address', async () => {
    const sample = [w.hot.address, w.change.address];
    const txs = await w.json<EsploraTx[]>(`/api/block/${big.previousblockhash}/txs`);
    for (const tx of txs) for (const o of tx.vout) if (o.scriptpubkey_address) sample.push(o.scriptpubkey_address);
    for (const address of sample) {
      const a = await w.json<EsploraAddress>(`/api/address/${address}`);
      const utxos = await w.json<EsploraUtxo[]>(`/api/address/${address}/utxo`);
      const balance = a.chain_stats.funded_txo_sum - a.chain_stats.spent_txo_sum + a.mempool_stats.funded_txo_sum - a.mempool_stats.spent_txo_sum;
      expect(utxos.reduce((s, u) => s + u.value, 0)).toBe(balance);
      const count = a.chain_stats.funded_txo_count - a.chain_stats.spent_txo_count + a.mempool_stats.funded_txo_count - a.mempool_stats.spent_txo_count;
      expect(utxos).toHaveLength(count);
    }
  });

  it('lists unspent outputs with their funding status, confirmed before unconfirmed', async () => {
    const utxos = await w.json<EsploraUtxo[]>(`/api/address/${w.hot.address}/utxo`);
    expect(Object.keys(utxos[0])).toEqual(['txid', 'vout', 'status', 'value']);
    const firstUnconfirmed = utxos.findIndex((u) => !u.status.confirmed);
    expect(firstUnconfirmed).toBe(utxos.length - w.hotBook.fundedMempool.n);
    for (const u of [utxos[0], utxos[firstUnconfirmed - 1], utxos[firstUnconfirmed]]) {
      expect(await w.json(`/api/tx/${u.txid}/outspend/${u.vout}`)).toEqual({ spent: false });
      expect(await w.json(`/api/tx/${u.txid}/status`)).toEqual(u.status);
    }
  });

  it('returns 50 mempool transactions then 25 confirmed ones, newest first', async () => {
    const txs = await w.json<EsploraTx[]>(`/api/address/${w.hot.address}/txs`);
    expect(txs).toHaveLength(75);
    const newestMempool = [...w.hotBook.mempoolTxids].reverse().slice(0, 50);
    expect(txs.slice(0, 50).map((t) => t.txid)).toEqual(newestMempool);
    expect(txs.slice(50).map((t) => t.txid)).toEqual([...w.hotBook.confirmedTxids].reverse().slice(0, 25));
    expect(txs.slice(0, 50).every((t) => !t.status.confirmed)).toBe(true);
    const mempool = await w.json<EsploraTx[]>(`/api/address/${w.hot.address}/txs/mempool`);
    expect(mempool.map((t) => t.txid)).toEqual(newestMempool);
  });

  it('pages the confirmed history by last seen txid through every transaction exactly once', async () => {
    const all: string[] = [];
    let url = `/api/address/${w.hot.address}/txs/chain`;
    for (;;) {
      const page = await w.json<EsploraTx[]>(url);
      expect(page.length).toBeLessThanOrEqual(25);
      if (page.length === 0) break;
      all.push(...page.map((t) => t.txid));
      url = `/api/address/${w.hot.address}/txs/chain/${page[page.length - 1].txid}`;
    }
    expect(all).toEqual([...w.hotBook.confirmedTxids].reverse());
    // A txid that is not in this address's confirmed history ends the list, as in electrs.
    expect(await w.json(`/api/address/${w.hot.address}/txs/chain/${w.hotBook.mempoolTxids[0]}`)).toEqual([]);
    expect(await w.json(`/api/address/${w.hot.address}/txs/chain/${'ab'.repeat(32)}`)).toEqual([]);
  });

  it('answers the scripthash twins exactly as the address routes', async () => {
    const sh = w.hot.scripthash;
    const viaHash = await w.json<EsploraScripthash>(`/api/scripthash/${sh}`);
    const viaAddress = await w.json<EsploraAddress>(`/api/address/${w.hot.address}`);
    expect(Object.keys(viaHash)).toEqual(['chain_stats', 'mempool_stats', 'scripthash']);
    expect(viaHash).toEqual({ chain_stats: viaAddress.chain_stats, mempool_stats: viaAddress.mempool_stats, scripthash: sh });
    for (const suffix of ['/txs', '/txs/chain', `/txs/chain/${w.hotBook.confirmedTxids[300]}`, '/txs/mempool', '/utxo']) {
      expect((await w.get(`/api/scripthash/${sh}${suffix}`)).body).toBe((await w.get(`/api/address/${w.hot.address}${suffix}`)).body);
    }
  });

  it('answers zeros and empty lists for a valid address the world never used', async () => {
    const unused = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
    const a = await w.json<EsploraAddress>(`/api/address/${unused}`);
    expect(a.chain_stats).toEqual({ funded_txo_count: 0, funded_txo_sum: 0, spent_txo_count: 0, spent_txo_sum: 0, tx_count: 0 });
    expect(a.mempool_stats).toEqual(a.chain_stats);
    for (const suffix of ['/txs', '/txs/chain', '/txs/mempool', '/utxo']) expect(await w.json(`/api/address/${unused}${suffix}`)).toEqual([]);
  });

  it('accepts an upper-case bech32 address and echoes it as given', async () => {
    const upper = w.hot.address.toUpperCase();
    const a = await w.json<EsploraAddress>(`/api/address/${upper}`);
    expect(a.address).toBe(upper);
    expect(a.chain_stats.tx_count).toBe(w.hotBook.confirmedTxids.length);
  });

  it('finds addresses by prefix, at most 10, in order', async () => {
    const found = await w.json<string[]>(`/api/address-prefix/${w.hot.address.slice(0, 9)}`);
    expect(found).toContain(w.hot.address);
    const many = await w.json<string[]>('/api/address-prefix/bc1q');
    expect(many).toHaveLength(10);
    expect([...many].sort()).toEqual(many);
    expect(many.every((a) => a.startsWith('bc1q'))).toBe(true);
  });
});

describe('mempool and fees', () => {
  it('summarises the mempool consistently with its transactions', async () => {
    const info = await w.json<EsploraMempoolInfo>('/api/mempool');
    expect(Object.keys(info)).toEqual(['count', 'vsize', 'total_fee', 'fee_histogram']);
    const txids = await w.json<string[]>('/api/mempool/txids');
    expect([...txids].sort()).toEqual([...w.hotBook.mempoolTxids].sort());
    expect(info.count).toBe(txids.length);
    let vsize = 0;
    let fee = 0;
    for (const txid of txids) {
      const tx = await w.json<EsploraTx>(`/api/tx/${txid}`);
      vsize += Math.ceil(tx.weight / 4);
      fee += tx.fee;
    }
    expect(info.vsize).toBe(vsize);
    expect(info.total_fee).toBe(fee);
    expect(info.fee_histogram.reduce((s, [, v]) => s + v, 0)).toBe(vsize);
    const rates = info.fee_histogram.map(([r]) => r);
    expect([...rates].sort((a, b) => b - a)).toEqual(rates);
  });

  it('lists the 10 most recent mempool entries with their input value', async () => {
    const recent = await w.json<EsploraMempoolRecent[]>('/api/mempool/recent');
    expect(recent).toHaveLength(10);
    expect(recent.map((r) => r.txid)).toEqual([...w.hotBook.mempoolTxids].reverse().slice(0, 10));
    for (const r of recent.slice(0, 3)) {
      expect(Object.keys(r)).toEqual(['txid', 'fee', 'vsize', 'value']);
      const tx = await w.json<EsploraTx>(`/api/tx/${r.txid}`);
      expect(r).toEqual({ txid: tx.txid, fee: tx.fee, vsize: Math.ceil(tx.weight / 4), value: tx.vin.reduce((s, v) => s + v.prevout!.value, 0) });
    }
  });

  it("offers Esplora's confirmation targets with non-increasing fee rates of at least 1 sat/vB", async () => {
    const est = await w.json<Record<string, number>>('/api/fee-estimates');
    const targets = [...Array.from({ length: 25 }, (_, i) => String(i + 1)), '144', '504', '1008'];
    expect(Object.keys(est)).toEqual(targets);
    const values = targets.map((t) => est[t]);
    values.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(1);
      if (i > 0) expect(v).toBeLessThanOrEqual(values[i - 1]);
    });
  });
});

describe('HTTP details', () => {
  it("sends electrs's content types, a cache lifetime and the CORS header", async () => {
    const cases: [string, string][] = [
      ['/api/blocks/tip/height', 'text/plain'],
      ['/api/blocks', 'application/json'],
      [`/api/block/${big.id}/raw`, 'application/octet-stream'],
      [`/api/tx/${w.hotBook.confirmedTxids[0]}/hex`, 'text/plain'],
      ['/api/mempool', 'application/json'],
      ['/api/nope', 'text/plain'],
      ['/api/block-height/x', 'text/plain'],
    ];
    for (const [url, type] of cases) {
      const r = await w.get(url);
      expect(r.type, url).toBe(type);
      expect(r.headers['access-control-allow-origin'], url).toBe('*');
      expect(String(r.headers['cache-control']), url).toMatch(/^(public, max-age=\d+|no-store)$/);
    }
    expect((await w.get(`/api/block/${big.id}`)).headers['cache-control']).toBe('public, max-age=157784630');
    expect((await w.get('/api/blocks/tip/hash')).headers['cache-control']).toBe('public, max-age=10');
  });
});

/**
 * Independent BIP37 reading of a merkleblock's partial tree (after the header): returns the
 * root it commits to and the matched txids, or throws on a malformed tree.
 */
function extractPartialMerkleTree(bytes: Uint8Array): { root: string; matched: string[] } {
  const r = new ByteReader(bytes);
  const total = r.u32();
  const hashes = Array.from({ length: r.compactSize() }, () => r.bytes(32));
  const flagBytes = r.varBytes();
  if (r.remaining !== 0) throw new Error('trailing bytes');
  const width = (h: number) => (total + (1 << h) - 1) >> h;
  let height = 0;
  while (width(height) > 1) height++;
  let bit = 0;
  let used = 0;
  const matched: string[] = [];
  const walk = (h: number, pos: number): Uint8Array => {
    const flag = (flagBytes[bit >> 3] >> (bit & 7)) & 1;
    bit++;
    if (h === 0 || !flag) {
      const hash = hashes[used++];
      if (h === 0 && flag) matched.push(reverseHex(hash));
      return hash;
    }
    const left = walk(h - 1, pos * 2);
    const right = pos * 2 + 1 < width(h - 1) ? walk(h - 1, pos * 2 + 1) : left;
    const pair = new Uint8Array(64);
    pair.set(left);
    pair.set(right, 32);
    return sha256d(pair);
  };
  const root = walk(height, 0);
  if (used !== hashes.length) throw new Error('unused hashes');
  return { root: bytesToHex(root), matched };
}
