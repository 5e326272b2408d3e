import { describe, it, expect, beforeAll } from 'vitest';
import { buildMainWorld, type MainWorld } from './analysis-main-world.ts';
import {
  loadChainGraph,
  inputCount,
  outputCount,
  inputAddress,
  inputValue,
  scriptTypeOf,
  txidHexOf,
  findTx,
  addressText,
  outputIndex,
  isCoinbase,
  type ChainGraph,
} from '../../sim/analysis/index.ts';
import { parseTx, txidHex } from '../../chain/tx.ts';
import { reverseHex } from '../../chain/bytes.ts';

describe('loadChainGraph', () => {
  let world: MainWorld;
  let g: ChainGraph;

  beforeAll(() => {
    world = buildMainWorld();
    g = loadChainGraph(world.w.db, { parseRaw: true });
  });

  it('holds every tx, output and input of the ledger', () => {
    const db = world.w.db;
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(g.txCount).toBe(n('SELECT COUNT(*) AS n FROM txs'));
    expect(g.outCount).toBe(n('SELECT COUNT(*) AS n FROM outputs'));
    expect(g.inStart[g.txCapacity]).toBe(n('SELECT COUNT(*) AS n FROM outputs WHERE spent_tx_id IS NOT NULL'));
    expect(g.addrCapacity - 1).toBe(n('SELECT MAX(id) AS n FROM addresses'));
  });

  it('agrees with each raw transaction: inputs, outputs, version, locktime and sequences', () => {
    const rows = world.w.db.prepare('SELECT id, raw, block_pos AS pos FROM txs').all() as { id: number; raw: Uint8Array; pos: number }[];
    let sequencesChecked = 0;
    for (const r of rows) {
      const tx = parseTx(new Uint8Array(r.raw));
      expect(g.txVersion[r.id]).toBe(tx.version);
      expect(g.txLocktime[r.id]).toBe(tx.locktime);
      expect(outputCount(g, r.id)).toBe(tx.outputs.length);
      tx.outputs.forEach((o, vout) => expect(g.outValue[outputIndex(g, r.id, vout)]).toBe(o.value));
      if (r.pos === 0) {
        expect(isCoinbase(g, r.id)).toBe(true);
        expect(inputCount(g, r.id)).toBe(0);
        continue;
      }
      expect(inputCount(g, r.id)).toBe(tx.inputs.length);
      tx.inputs.forEach((input, vin) => {
        const spent = g.inOutput[g.inStart[r.id] + vin];
        expect(txidHexOf(world.w.db, g.outTx[spent])).toBe(txidHex(input.prevTxid));
        expect(spent - g.outStart[g.outTx[spent]]).toBe(input.prevVout);
        expect(g.inSequence[g.inStart[r.id] + vin]).toBe(input.sequence);
        sequencesChecked++;
      });
    }
    expect(sequencesChecked).toBeGreaterThan(40);
    // The one RBF-signalling, anti-fee-sniping payment keeps its fields.
    const rbf = world.w.tx.get('U2→U3')!;
    expect(g.inSequence[g.inStart[rbf]]).toBe(0xfffffffd);
    expect(g.txLocktime[rbf]).toBe(g.txHeight[rbf] - 1);
  });

  it('leaves version, locktime and sequences zero unless asked to parse raw', () => {
    const lean = loadChainGraph(world.w.db);
    expect(lean.parsedRaw).toBe(false);
    const rbf = world.w.tx.get('U2→U3')!;
    expect(lean.inSequence[lean.inStart[rbf]]).toBe(0);
    expect(lean.txVersion[rbf]).toBe(0);
    expect(Array.from(lean.inOutput)).toEqual(Array.from(g.inOutput));
  });

  it('orders txs by chain position and finds first appearances', () => {
    for (let i = 1; i < g.txOrder.length; i++) {
      const a = g.txOrder[i - 1];
      const b = g.txOrder[i];
      expect(g.txHeight[a] * 1e6 + g.txPos[a]).toBeLessThan(g.txHeight[b] * 1e6 + g.txPos[b]);
    }
    const s6 = world.w.addressOf(world.wallets.U6, world.keys.S6);
    const firstPaid = g.outTx[g.addrOuts[g.addrOutStart[s6]]];
    expect(firstPaid).toBe(world.w.tx.get('U1→S6'));
    expect(g.addrFirstRank[s6]).toBe(g.txRank[firstPaid]);
    expect(g.addrOutStart[s6 + 1] - g.addrOutStart[s6]).toBe(2);
  });

  it('reads spenders, input addresses and types', () => {
    const [hop0, hop1] = world.peel;
    const change = g.outStart[hop0] + 1;
    expect(g.outSpender[change]).toBe(hop1);
    expect(g.outSpenderVin[change]).toBe(0);
    expect(inputAddress(g, hop1, 0)).toBe(g.outAddress[change]);
    expect(inputValue(g, hop1, 0)).toBe(g.outValue[change]);
    expect(scriptTypeOf(g, g.outAddress[g.outStart[hop0]])).toBe('p2pkh'); // U1
    expect(scriptTypeOf(g, g.outAddress[change])).toBe('v0_p2wpkh');
    expect(addressText(world.w.db, g.outAddress[g.outStart[hop0]])).toMatch(/^1/);
  });

  it('looks txs up by displayed txid', () => {
    const t = world.peel[3];
    const hex = txidHexOf(world.w.db, t);
    expect(findTx(world.w.db, hex)).toBe(t);
    expect(findTx(world.w.db, hex.toUpperCase())).toBe(t);
    expect(findTx(world.w.db, reverseHex(new Uint8Array(32)))).toBe(-1);
    expect(() => findTx(world.w.db, 'abc')).toThrow(RangeError);
    expect(() => outputIndex(g, t, 7)).toThrow(/has no output 7/);
  });
});
