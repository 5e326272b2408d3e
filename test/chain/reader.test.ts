// ChainReader used directly, as the explorer uses it: the search box's classification, refusals
// of malformed input, invariants between its answers, and how it touches the database.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type Database from 'better-sqlite3';
import { buildApiWorld, type ApiWorld } from './api.fixture.ts';
import { ChainReader, FEE_TARGETS } from '../../chain/store/reader.ts';
import { buildDemoChain } from '../../chain/demo.ts';
import { AddressError, scriptToAddress, scripthashOf, addressToScript } from '../../chain/address.ts';
import { p2pkhScript } from '../../chain/script.ts';

let w: ApiWorld;
let r: ChainReader;
let addresses: string[];

beforeAll(async () => {
  w = await buildApiWorld({ hotTxs: 150, mempoolTxs: 6 });
  r = w.reader;
  const set = new Set<string>([w.hot.address, w.change.address]);
  for (const b of r.blocks()!) for (const tx of r.blockTxs(b.id)!) for (const o of tx.vout) if (o.scriptpubkey_address) set.add(o.scriptpubkey_address);
  for (const tx of r.blockTxs(r.blockHashAtHeight(r.tipHeight()! - 12)!)!) for (const o of tx.vout) if (o.scriptpubkey_address) set.add(o.scriptpubkey_address);
  addresses = [...set];
});

describe('search', () => {
  it('finds heights inside the recorded history and explains the ones outside it', () => {
    const tip = r.tipHeight()!;
    const first = r.firstHeight()!;
    expect(r.search(` ${tip} `)).toEqual({ kind: 'height', target: tip });
    expect(r.search(String(first))).toEqual({ kind: 'height', target: first });
    expect(r.search(String(tip + 1))).toMatchObject({ kind: 'none', reason: expect.stringContaining(`tip is at height ${tip}`) });
    expect(r.search(String(first - 1))).toMatchObject({ kind: 'none', reason: expect.stringContaining(`starts at height ${first}`) });
    expect(r.search('99999999999999999999')).toMatchObject({ kind: 'none' });
  });

  it('tells transactions from blocks by looking them up, in either letter case', () => {
    const txid = w.hotBook.confirmedTxids[3];
    const block = r.tipHash()!;
    expect(r.search(txid)).toEqual({ kind: 'tx', target: txid });
    expect(r.search(txid.toUpperCase())).toEqual({ kind: 'tx', target: txid });
    expect(r.search(block)).toEqual({ kind: 'block', target: block });
    expect(r.search(`${txid}:1`)).toEqual({ kind: 'tx', target: txid, vout: 1 });
    expect(r.search('ab'.repeat(32))).toMatchObject({ kind: 'none', reason: expect.stringContaining('No transaction or block') });
    expect(r.search(`${'ab'.repeat(32)}:0`)).toMatchObject({ kind: 'none' });
  });

  it('accepts addresses in every format and case the world uses, canonicalised', () => {
    expect(r.search(w.hot.address)).toEqual({ kind: 'address', target: w.hot.address });
    expect(r.search(w.hot.address.toUpperCase())).toEqual({ kind: 'address', target: w.hot.address });
    const legacy = scriptToAddress(p2pkhScript(new Uint8Array(20).fill(3)), 'mainnet')!;
    expect(r.search(legacy)).toEqual({ kind: 'address', target: legacy });
    for (const a of addresses.slice(0, 30)) expect(r.search(a)).toEqual({ kind: 'address', target: a });
  });

  it("explains an address of another network and input that is nothing at all", () => {
    const testnet = scriptToAddress(w.hot.script, 'testnet')!;
    expect(r.search(testnet)).toEqual({ kind: 'none', reason: "That is a testnet address; this world's ledger is mainnet." });
    expect(r.search('')).toMatchObject({ kind: 'none' });
    expect(r.search('hello world')).toMatchObject({ kind: 'none', reason: expect.stringMatching(/^Not a block height/) });
    expect(r.search('00'.repeat(100))).toMatchObject({ kind: 'none', reason: expect.stringContaining('raw hex') });
  });

  it('never throws, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (q) => {
        const res = r.search(q);
        expect(['height', 'block', 'tx', 'address', 'none']).toContain(res.kind);
        if (res.kind === 'none') expect(res.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('refusals and unknowns', () => {
  it('returns null for unknown things and throws RangeError for malformed ids', () => {
    const unknown = 'cd'.repeat(32);
    expect(r.tx(unknown)).toBeNull();
    expect(r.txStatus(unknown)).toBeNull();
    expect(r.block(unknown)).toBeNull();
    expect(r.blockTxs(unknown)).toBeNull();
    expect(r.outspends(unknown)).toBeNull();
    expect(r.merkleProof(unknown)).toBeNull();
    expect(r.blocks(r.tipHeight()! + 1)).toBeNull();
    expect(r.blockHashAtHeight(-1)).toBeNull();
    for (const bad of ['', 'xyz', 'ab'.repeat(31), 'ab'.repeat(33)]) {
      expect(() => r.tx(bad)).toThrow(new RangeError('Invalid hex string'));
      expect(() => r.block(bad)).toThrow(RangeError);
    }
    expect(() => r.scripthash('xyz')).toThrow(new RangeError('Invalid scripthash'));
  });

  it('checks block pages as electrs does', () => {
    const hash = r.tipHash()!;
    expect(() => r.blockTxs(hash, 5)).toThrow('start index must be a multiple of 25');
    expect(() => r.blockTxs(hash, 2500)).toThrow('start index out of range');
    expect(() => r.blockTxs(hash, -25)).toThrow('Invalid number');
  });

  it('refuses malformed addresses with the reason, and other networks with electrs text', () => {
    expect(() => r.address('nope')).toThrow(AddressError);
    expect(() => r.address('nope')).toThrow(/^Invalid Bitcoin address \(.+\)$/);
    expect(() => r.addressUtxo(scriptToAddress(w.hot.script, 'regtest')!)).toThrow('Address on invalid network');
  });
});

describe('invariants between answers', () => {
  it('for any address: balance = unspent outputs, scripthash twin equal, history pages consistent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...addresses), (address) => {
        const a = r.address(address);
        const utxos = r.addressUtxo(address);
        const balance = a.chain_stats.funded_txo_sum - a.chain_stats.spent_txo_sum + a.mempool_stats.funded_txo_sum - a.mempool_stats.spent_txo_sum;
        expect(utxos.reduce((s, u) => s + u.value, 0)).toBe(balance);
        expect(a.chain_stats.spent_txo_count).toBeLessThanOrEqual(a.chain_stats.funded_txo_count);

        const sh = r.scripthash(scripthashOf(addressToScript(address, 'mainnet')));
        expect(sh.chain_stats).toEqual(a.chain_stats);
        expect(sh.mempool_stats).toEqual(a.mempool_stats);

        const all = r.addressTxs(address);
        const mempool = r.addressTxsMempool(address);
        const chain = r.addressTxsChain(address);
        expect(all.map((t) => t.txid)).toEqual([...mempool, ...chain].map((t) => t.txid));
        expect(mempool).toHaveLength(Math.min(50, a.mempool_stats.tx_count));
        expect(chain).toHaveLength(Math.min(25, a.chain_stats.tx_count));
        // Every listed transaction touches the address, and confirmed ones come newest first.
        for (const tx of all) {
          const touches = tx.vout.some((o) => o.scriptpubkey_address === address) || tx.vin.some((v) => v.prevout?.scriptpubkey_address === address);
          expect(touches).toBe(true);
        }
        const heights = chain.map((t) => t.status.block_height!);
        expect([...heights].sort((x, y) => y - x)).toEqual(heights);
      }),
      { numRuns: 60 },
    );
  });

  it('merkle-proof and merkleblock-proof agree on the block and position', () => {
    for (const txid of [w.hotBook.confirmedTxids[0], w.hotBook.confirmedTxids[149], w.wshSpend.txid]) {
      const proof = r.merkleProof(txid)!;
      const hash = r.blockHashAtHeight(proof.block_height)!;
      expect(r.blockTxid(hash, proof.pos)).toBe(txid);
      expect(r.merkleBlockProof(txid)!.slice(0, 160)).toBe(r.blockHeaderHex(hash));
    }
    expect(r.merkleBlockProof(w.hotBook.mempoolTxids[0])).toBeNull();
  });

  it('estimates 1 sat/vB for every target in a world without fee history', () => {
    const empty = buildDemoChain(':memory:', { seed: 'quiet', blocks: 1 });
    const est = new ChainReader(empty.db, 'mainnet').feeEstimates();
    expect(Object.keys(est)).toEqual(FEE_TARGETS.map(String));
    expect(Object.values(est).every((v) => v === 1)).toBe(true);
    empty.close();
  });
});

describe('use of the database', () => {
  function spyOnPrepare(db: Database.Database): { sql: string[]; restore: () => void } {
    const sql: string[] = [];
    const original = db.prepare.bind(db);
    (db as { prepare: unknown }).prepare = (source: string) => {
      sql.push(source);
      return original(source);
    };
    return { sql, restore: () => ((db as { prepare: unknown }).prepare = original) };
  }

  it("prepares every statement once, up front, and none of them reads the simulator's gt_ tables", () => {
    const spy = spyOnPrepare(w.ledger.db);
    try {
      const reader = new ChainReader(w.ledger.db, 'mainnet');
      const prepared = spy.sql.length;
      expect(prepared).toBeGreaterThan(20);
      expect(spy.sql.filter((s) => /\bgt_/i.test(s))).toEqual([]);
      const hash = reader.tipHash()!;
      reader.blocks();
      reader.blockTxs(hash);
      reader.blockRaw(hash);
      reader.tx(w.hotBook.confirmedTxids[5]);
      reader.outspends(w.hotBook.confirmedTxids[5]);
      reader.merkleBlockProof(w.hotBook.confirmedTxids[5]);
      reader.address(w.hot.address);
      reader.addressTxs(w.hot.address);
      reader.addressTxsChain(w.hot.address, w.hotBook.confirmedTxids[100]);
      reader.addressUtxo(w.hot.address);
      reader.mempool();
      reader.mempoolRecent();
      reader.feeEstimates();
      reader.search(w.hot.address);
      expect(spy.sql).toHaveLength(prepared);
    } finally {
      spy.restore();
    }
  });
});
