// A generated world against the calibration targets (docs/calibration.md): transaction shapes,
// the output-type mix, fee rates and round amounts. Bounds are loose: a world is a sample, and
// services (exchanges, mixers, CoinJoins) shape the chain on top of ordinary wallets.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../../sim/world.ts';
import { Ledger } from '../../chain/ledger.ts';
import { CALIBRATION } from '../../sim/calibration/defaults.ts';
import { medianFeeRateAt } from '../../sim/calibration/distributions.ts';

describe('distributions of a generated world', () => {
  let ledger: Ledger;
  const q = (sql: string) => ledger.db.prepare(sql).get() as Record<string, number>;
  beforeAll(() => {
    const file = join(mkdtempSync(join(tmpdir(), 'onion-dist-')), 'world.sqlite');
    generateWorld({ days: 5, trails: [] }, file);
    ledger = Ledger.open(file, { readonly: true });
  }, 120_000);

  it('has mostly one-input, two-output payments, with a long tail of consolidations and batches', () => {
    const ins = q(`SELECT AVG(n = 1) AS one, AVG(n >= 5) AS many FROM (SELECT COUNT(*) AS n FROM outputs WHERE spent_tx_id IS NOT NULL GROUP BY spent_tx_id)`);
    expect(ins.one).toBeGreaterThan(CALIBRATION.txShape.inputWeights[0] - 0.15);
    expect(ins.one).toBeLessThan(0.9);
    expect(ins.many).toBeGreaterThan(0.005);
    const outs = q(`SELECT AVG(n = 2) AS two, AVG(n >= 10) AS batch FROM (SELECT COUNT(*) AS n FROM outputs o JOIN txs t ON t.id = o.tx_id WHERE t.block_pos > 0 GROUP BY o.tx_id)`);
    expect(outs.two).toBeGreaterThan(0.5);
    expect(outs.batch).toBeGreaterThan(0.005);
  });

  it('pays address types in the early-2020 mix', () => {
    const mix = CALIBRATION.addresses.mix['2020'];
    const share = (type: string) =>
      q(`SELECT AVG(a.type = '${type}') AS s FROM outputs o JOIN addresses a ON a.id = o.address_id WHERE a.type <> 'op_return'`).s;
    expect(share('p2pkh')).toBeGreaterThan(mix.p2pkh - 0.15);
    expect(share('p2pkh')).toBeLessThan(mix.p2pkh + 0.1);
    expect(share('p2sh')).toBeGreaterThan(mix['p2sh-p2wpkh'] - 0.15);
    expect(share('v0_p2wpkh')).toBeGreaterThan(mix.p2wpkh - 0.05);
    expect(share('v1_p2tr')).toBe(0);
  });

  it('pays fee rates around the calibrated median for its dates', () => {
    const rates = (ledger.db.prepare('SELECT fee * 4.0 / weight AS r FROM txs WHERE block_pos > 0 ORDER BY r').all() as { r: number }[]).map((x) => x.r);
    const median = rates[Math.floor(rates.length / 2)];
    const expected = medianFeeRateAt(Date.parse('2020-02-03T00:00:00Z') / 1000);
    expect(median).toBeGreaterThan(expected / 2.5);
    expect(median).toBeLessThan(expected * 2.5);
    expect(rates[0]).toBeGreaterThanOrEqual(CALIBRATION.fees.minSatVb * 0.99);
  });

  it('has a small share of round payment amounts, as real payments do', () => {
    const round = q(`SELECT AVG(o.value % 100000 = 0) AS s FROM outputs o JOIN gt_txs g ON g.tx_id = o.tx_id
                     WHERE o.vout <> g.change_vout AND g.intent NOT IN ('coinbase', 'coinjoin', 'coinjoin_premix')`).s;
    expect(round).toBeGreaterThan(0.002);
    expect(round).toBeLessThan(Math.max(0.15, CALIBRATION.amounts.roundOutputShare * 3));
  });
});
