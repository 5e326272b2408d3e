import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger, LedgerError } from '../../chain/ledger.ts';
import { buildDemoChain } from '../../chain/demo.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { KeyDeriver } from '../../chain/keys.ts';
import { Wallet } from '../../chain/wallet.ts';
import { Rng } from '../../chain/rng.ts';
import { blockSubsidy } from '../../chain/consensus.ts';
import { encodeTx, parseTx, serializeTx, txidHex } from '../../chain/tx.ts';
import { reverseHex } from '../../chain/bytes.ts';
import type { Tx } from '../../chain/types.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'onion-ledger-'));
const count = (l: Ledger, sql: string) => (l.db.prepare(sql).get() as { n: number }).n;
const unspentSum = (l: Ledger) => count(l, 'SELECT COALESCE(SUM(value), 0) AS n FROM outputs WHERE spent_tx_id IS NULL');
const subsidySum = (l: Ledger) => {
  let s = 0;
  for (const { height } of l.db.prepare('SELECT height FROM blocks').all() as { height: number }[]) s += blockSubsidy(height);
  return s;
};

/** A ledger with one wallet holding matured coinbases, for mempool and block tests. */
function fundedLedger(seed: string) {
  const ledger = Ledger.create(':memory:', { network: 'mainnet', startHeight: 620_000, startTime: 1_583_020_800, seed });
  const deriver = new KeyDeriver(seed);
  const miner = new Wallet(deriver, 0, 'p2wpkh');
  const other = new Wallet(deriver, 1, 'p2pkh');
  const rng = Rng.fromSeed(seed).fork('test');
  for (let i = 0; i < 102; i++) {
    const r = miner.receive();
    const b = ledger.appendBlock([], { payTo: r.script, tag: '/test/' });
    miner.credit({ txid: b.txids[0], vout: 0, value: blockSubsidy(b.height), key: r.key, kind: 'p2wpkh', height: b.height, coinbase: true });
  }
  return { ledger, miner, other, rng };
}

describe('demo chain', () => {
  let ledger: Ledger;
  beforeAll(() => {
    ledger = buildDemoChain(join(tmp(), 'demo.sqlite'), { seed: 'unit', blocks: 160 });
  });

  it('verifies from its raw bytes', () => {
    const result = verifyLedger(ledger);
    expect(result.problems).toEqual([]);
    expect(result.blocks).toBe(160);
    expect(result.txs).toBeGreaterThan(160 + 100);
  });

  it('conserves value: unspent outputs sum to the subsidies paid', () => {
    expect(unspentSum(ledger)).toBe(subsidySum(ledger));
  });

  it('never spends an output twice', () => {
    const spent = new Set<string>();
    let inputs = 0;
    for (const { raw } of ledger.db.prepare('SELECT raw FROM txs WHERE block_pos > 0').all() as { raw: Uint8Array }[]) {
      for (const input of parseTx(new Uint8Array(raw)).inputs) {
        inputs++;
        spent.add(`${reverseHex(input.prevTxid)}:${input.prevVout}`);
      }
    }
    expect(inputs).toBeGreaterThan(100);
    expect(spent.size).toBe(inputs);
    expect(count(ledger, 'SELECT COUNT(*) AS n FROM outputs WHERE spent_tx_id IS NOT NULL')).toBe(inputs);
  });

  it('is a function of its seed', () => {
    const again = buildDemoChain(join(tmp(), 'again.sqlite'), { seed: 'unit', blocks: 160 });
    const other = buildDemoChain(join(tmp(), 'other.sqlite'), { seed: 'unit-2', blocks: 160 });
    expect(reverseHex(again.tip()!.hash)).toBe(reverseHex(ledger.tip()!.hash));
    expect(reverseHex(other.tip()!.hash)).not.toBe(reverseHex(ledger.tip()!.hash));
    expect(other.tip()!.height).toBe(ledger.tip()!.height);
  });

  it('survives close and reopen with the same tip', () => {
    const dir = tmp();
    const file = join(dir, 'reopen.sqlite');
    const a = buildDemoChain(file, { seed: 'reopen', blocks: 110 });
    const tip = reverseHex(a.tip()!.hash);
    a.close();
    const b = Ledger.open(file);
    expect(reverseHex(b.tip()!.hash)).toBe(tip);
    expect(verifyLedger(b).problems).toEqual([]);
    b.close();
  });
});

describe('mempool and live blocks', () => {
  it('accepts a valid payment, then mines it by fee rate', () => {
    const { ledger, miner, other, rng } = fundedLedger('mempool');
    const to = other.receive();
    const p = miner.pay([{ value: 1_000_000, script: to.script }], rng, { feeRate: 20, spendHeight: ledger.tip()!.height + 1 });
    const res = ledger.submitTx(serializeTx(p.tx), ledger.tip()!.time + 1);
    expect(txidHex(res.txid)).toBe(txidHex(p.enc.txid));
    expect(res.fee).toBe(p.fee);
    expect(count(ledger, 'SELECT COUNT(*) AS n FROM txs WHERE block_height IS NULL')).toBe(1);
    const block = ledger.mineBlock({ payTo: miner.receive().script, tag: '/live/' });
    expect(block.txids.map(txidHex)).toContain(txidHex(p.enc.txid));
    expect(count(ledger, 'SELECT COUNT(*) AS n FROM txs WHERE block_height IS NULL')).toBe(0);
    expect(verifyLedger(ledger).problems).toEqual([]);
    expect(unspentSum(ledger)).toBe(subsidySum(ledger));
  });

  it('lets an unconfirmed child follow its parent into the same block', () => {
    const { ledger, miner, other, rng } = fundedLedger('chain');
    const h = ledger.tip()!.height + 1;
    const parent = miner.pay([{ value: 2_000_000, script: other.receive().script }], rng, { feeRate: 2, spendHeight: h });
    ledger.submitTx(parent.tx, 1);
    // Spend the parent's change while it is unconfirmed, at a higher fee rate than the parent.
    const change = miner.utxos.find((u) => u.height === null)!;
    const child: Tx = {
      version: 2,
      locktime: 0,
      inputs: [{ prevTxid: change.txid, prevVout: change.vout, sequence: 0xfffffffd, scriptSig: new Uint8Array(0), witness: [new Uint8Array(72), new Uint8Array(33)] }],
      outputs: [{ value: change.value - 50_000, script: other.receive().script }],
    };
    ledger.submitTx(child, 2);
    const block = ledger.mineBlock({ payTo: miner.receive().script });
    const order = block.txids.map(txidHex);
    expect(order.indexOf(txidHex(parent.enc.txid))).toBeLessThan(order.indexOf(txidHex(encodeTx(child).txid)));
    expect(verifyLedger(ledger).problems).toEqual([]);
  });

  it('rejects bad transactions with a reason and writes nothing', () => {
    const { ledger, miner, other, rng } = fundedLedger('reject');
    const h = ledger.tip()!.height + 1;
    const before = count(ledger, 'SELECT COUNT(*) AS n FROM txs');
    const good = miner.pay([{ value: 500_000, script: other.receive().script }], rng, { feeRate: 5, spendHeight: h });
    const spendOf = (t: Tx, patch: Partial<Tx>): Tx => ({ ...t, ...patch });
    const expectCode = (f: () => unknown, code: string) => {
      try {
        f();
        expect.unreachable('should have thrown');
      } catch (err) {
        expect(err).toBeInstanceOf(LedgerError);
        expect((err as LedgerError).code).toBe(code);
        expect((err as Error).message.length).toBeGreaterThan(10);
      }
    };
    expectCode(() => ledger.submitTx(new Uint8Array([1, 2, 3]), 1), 'malformed');
    expectCode(() => ledger.submitTx(spendOf(good.tx, { outputs: [{ value: 10 ** 15, script: good.tx.outputs[0].script }] }), 1), 'value');
    const unknown = { ...good.tx.inputs[0], prevTxid: new Uint8Array(32).fill(7) };
    expectCode(() => ledger.submitTx(spendOf(good.tx, { inputs: [unknown] }), 1), 'missing-input');
    expectCode(() => ledger.submitTx(spendOf(good.tx, { inputs: [good.tx.inputs[0], good.tx.inputs[0]] }), 1), 'double-spend');
    expect(count(ledger, 'SELECT COUNT(*) AS n FROM txs')).toBe(before);

    ledger.submitTx(good.tx, 1);
    expectCode(() => ledger.submitTx(good.tx, 1), 'duplicate');
    const conflict = spendOf(good.tx, { outputs: [{ value: 1000, script: other.receive().script }] });
    expectCode(() => ledger.submitTx(conflict, 1), 'double-spend');
    expect(count(ledger, 'SELECT COUNT(*) AS n FROM txs')).toBe(before + 1);
  });

  it('refuses to spend a coinbase before 100 confirmations', () => {
    const { ledger, rng } = fundedLedger('mature');
    const deriver = new KeyDeriver('mature');
    const fresh = new Wallet(deriver, 9, 'p2wpkh');
    const r = fresh.receive();
    const b = ledger.appendBlock([], { payTo: r.script });
    fresh.credit({ txid: b.txids[0], vout: 0, value: blockSubsidy(b.height), key: r.key, kind: 'p2wpkh', height: b.height, coinbase: true });
    const p = fresh.pay([{ value: 1000_000, script: r.script }], rng, { feeRate: 1 });
    expect(() => ledger.submitTx(p.tx, 1)).toThrow(/coinbase/);
  });

  it('leaves nothing half-written when one transaction of a block is invalid', () => {
    const { ledger, miner, other, rng } = fundedLedger('atomic');
    const h = ledger.tip()!.height + 1;
    const tip = reverseHex(ledger.tip()!.hash);
    const txsBefore = count(ledger, 'SELECT COUNT(*) AS n FROM txs');
    const ok = miner.pay([{ value: 700_000, script: other.receive().script }], rng, { feeRate: 3, spendHeight: h });
    const bad: Tx = { ...ok.tx, outputs: [{ value: 10 ** 15, script: ok.tx.outputs[0].script }] };
    expect(() => ledger.appendBlock([ok.tx, bad], { payTo: miner.receive().script })).toThrow(LedgerError);
    expect(reverseHex(ledger.tip()!.hash)).toBe(tip);
    expect(count(ledger, 'SELECT COUNT(*) AS n FROM txs')).toBe(txsBefore);
    // The same valid tx still goes through afterwards: the failed block left no spent marks behind.
    ledger.appendBlock([ok.tx], { payTo: miner.receive().script });
    expect(verifyLedger(ledger).problems).toEqual([]);
  });
});

describe('ledger invariants', () => {
  it('conserves value and never double-spends over random payment sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.record({ amount: fc.integer({ min: 1_000, max: 200_000_000 }), rate: fc.integer({ min: 1, max: 80 }), mine: fc.boolean() }), { minLength: 1, maxLength: 12 }), (seed, steps) => {
        const { ledger, miner, other, rng } = fundedLedger(`prop-${seed}`);
        for (const s of steps) {
          try {
            const p = miner.pay([{ value: s.amount, script: other.receive().script }], rng, { feeRate: s.rate, spendHeight: ledger.tip()!.height + 1 });
            ledger.submitTx(p.tx, 1);
          } catch (err) {
            if ((err as Error).name !== 'InsufficientFunds') throw err;
          }
          if (s.mine) {
            ledger.mineBlock({ payTo: miner.receive().script });
            miner.confirmPending(ledger.tip()!.height);
          }
        }
        ledger.mineBlock({ payTo: miner.receive().script });
        expect(unspentSum(ledger)).toBe(subsidySum(ledger));
        expect(verifyLedger(ledger).problems).toEqual([]);
        ledger.close();
      }),
      { numRuns: 8 },
    );
  });
});
