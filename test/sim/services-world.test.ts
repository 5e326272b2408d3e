import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { generateWorld } from '../../sim/world.ts';
import { resolveWorldOptions, WorldOptionsError, type WorldOptionsInput } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { Rng } from '../../chain/rng.ts';
import { splitAmount } from '../../sim/services/common.ts';
import { tmpFile } from './services.fixture.ts';

const SMALL: WorldOptionsInput = {
  days: 2,
  markets: [],
  background: { users: 250, paymentsPerDay: 150, purchasesPerDay: 60, salesPerDay: 30 },
  coinjoin: { whirlpoolRoundsPerDay: 20, wasabiRoundsPerDay: 4, whirlpoolUsers: 30, wasabiUsers: 100 },
};

/** A digest of the chain tip and of every ground-truth table the services write to. */
function fingerprint(file: string): { tip: string; truth: string; counts: Record<string, number> } {
  const ledger = Ledger.open(file, { readonly: true });
  try {
    const h = createHash('sha256');
    for (const sql of [
      'SELECT * FROM gt_entities ORDER BY id',
      'SELECT * FROM gt_wallets ORDER BY id',
      'SELECT * FROM gt_addresses ORDER BY address_id',
      'SELECT * FROM gt_txs ORDER BY tx_id',
      'SELECT * FROM gt_exchange_accounts ORDER BY exchange_id, account',
    ]) {
      for (const row of ledger.db.prepare(sql).iterate()) h.update(JSON.stringify(row));
    }
    const tip = ledger.tip()!;
    const counts = Object.fromEntries((ledger.db.prepare('SELECT intent, COUNT(*) AS n FROM gt_txs GROUP BY intent').all() as { intent: string; n: number }[]).map((r) => [r.intent, r.n]));
    return { tip: Buffer.from(tip.hash).toString('hex'), truth: h.digest('hex'), counts };
  } finally {
    ledger.close();
  }
}

describe('a world with services', () => {
  it('is the same world every time it is generated from the same seed', () => {
    const a = tmpFile();
    const b = tmpFile();
    generateWorld(SMALL, a);
    generateWorld(SMALL, b);
    const fa = fingerprint(a);
    expect(fingerprint(b)).toEqual(fa);
    for (const intent of ['coinjoin', 'coinjoin_premix', 'mixer_in', 'instant_swap', 'gambling_deposit', 'processor_settlement']) expect(fa.counts[intent], intent).toBeGreaterThan(0);
    const other = tmpFile();
    generateWorld({ ...SMALL, seed: 'another' }, other);
    expect(fingerprint(other).tip).not.toBe(fa.tip);
  });

  it('still generates a valid chain when every optional service is switched off', () => {
    const file = tmpFile();
    generateWorld(
      {
        ...SMALL,
        instantExchangers: [],
        mixers: [],
        coinjoin: { whirlpoolRoundsPerDay: 0, wasabiRoundsPerDay: 0, whirlpoolUsers: 0, wasabiUsers: 0 },
        services: { gambling: [], merchants: 0, p2pTraders: 0, p2pPurchasesPerDay: 0 },
      },
      file,
    );
    const ledger = Ledger.open(file, { readonly: true });
    try {
      expect(verifyLedger(ledger).problems).toEqual([]);
      const n = (ledger.db.prepare("SELECT COUNT(*) AS n FROM gt_txs WHERE intent IN ('coinjoin', 'mixer_in', 'processor_settlement')").get() as { n: number }).n;
      expect(n).toBe(0);
    } finally {
      ledger.close();
    }
  });
});

describe('service options', () => {
  it('default to a world with every service and reject bad values with the field path', () => {
    const o = resolveWorldOptions();
    expect(o.services.processorFee).toBeGreaterThan(0);
    expect(o.coinjoin.whirlpoolUsers).toBeGreaterThan(0);
    const cases: [WorldOptionsInput, RegExp][] = [
      [{ services: { processorFee: 0.5 } }, /^services\.processorFee: expected a number from 0 to 0\.2/],
      [{ services: { p2pTraders: -1 } }, /^services\.p2pTraders: expected a whole number/],
      [{ coinjoin: { wasabiUsers: 1.5 } }, /^coinjoin\.wasabiUsers: expected a whole number/],
      [{ mixers: [{ id: 'm', name: 'M', fee: [0.01, 0.02], delayHours: [1, 2], mixesPerDay: -3 }] }, /^mixers\[0\]\.mixesPerDay: expected a number/],
      [{ services: { gambling: [{ id: 'g', name: 'G', depositsPerDay: Number.NaN }] } }, /^services\.gambling\[0\]\.depositsPerDay: expected a number/],
    ];
    for (const [input, message] of cases) expect(() => resolveWorldOptions(input), JSON.stringify(input)).toThrow(WorldOptionsError);
    for (const [input, message] of cases) expect(() => resolveWorldOptions(input)).toThrow(message);
  });
});

describe('splitAmount', () => {
  it('splits a total exactly into n parts of at least the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2e14 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50_000 }), fc.string(), (total, n, min, seed) => {
        const parts = splitAmount(total, n, Rng.fromSeed(seed), min);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        if (total >= n * min * 2) {
          expect(parts).toHaveLength(n);
          for (const p of parts) expect(p).toBeGreaterThanOrEqual(min);
        } else expect(parts).toEqual([total]);
      }),
    );
  });
});
