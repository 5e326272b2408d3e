import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld, type WorldSummary } from '../../sim/world.ts';
import { resolveWorldOptions, WorldOptionsError, DEFAULT_WORLD, type WorldOptionsInput } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { blockSubsidy } from '../../chain/consensus.ts';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'onion-world-')), 'world.sqlite');
const SMALL: WorldOptionsInput = { days: 3, background: { users: 300, paymentsPerDay: 200, purchasesPerDay: 80, salesPerDay: 40 } };

function open(file: string) {
  const ledger = Ledger.open(file);
  const one = (sql: string, ...args: unknown[]) => (ledger.db.prepare(sql).get(...args) as { n: number }).n;
  return { ledger, one };
}

describe('world options', () => {
  it('defaults describe the classroom world', () => {
    const o = resolveWorldOptions();
    expect(o.days).toBe(30);
    expect(o.markets.reduce((s, m) => s + m.vendors, 0)).toBeGreaterThanOrEqual(200);
    expect(o.markets.map((m) => m.model).sort()).toEqual(['escrow', 'shop']);
  });

  it('rejects bad options with the field path and what was expected', () => {
    const cases: [WorldOptionsInput, RegExp][] = [
      [{ days: 0 }, /^days: expected a whole number from 1 to 365, got 0$/],
      [{ startDate: '2020-13-45' }, /^startDate: expected a date as YYYY-MM-DD/],
      [{ startDate: '2015-01-01' }, /^startDate: worlds are calibrated for 2019–2021/],
      [{ network: 'signet' as never }, /^network: expected mainnet, testnet or regtest/],
      [{ exchanges: [] }, /^exchanges: at least one exchange/],
      [{ markets: [{ ...DEFAULT_WORLD.markets[0], vendors: -1 }] }, /^markets\[0\]\.vendors: expected a whole number/],
      [{ markets: [{ ...DEFAULT_WORLD.markets[1], exchanger: 'nope' }] }, /^markets\[0\]\.exchanger: a shop market names the instant exchanger/],
      [{ background: { users: 1.5 } as never }, /^background\.users: expected a whole number/],
    ];
    for (const [input, message] of cases) {
      let error: unknown;
      try {
        resolveWorldOptions(input);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(input)).toBeInstanceOf(WorldOptionsError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('a generated world', () => {
  let file: string;
  let summary: WorldSummary;
  beforeAll(() => {
    file = tmp();
    summary = generateWorld(SMALL, file);
  });

  it('is a valid chain whose value is conserved', () => {
    const { ledger, one } = open(file);
    expect(verifyLedger(ledger).problems).toEqual([]);
    let subsidies = 0;
    for (const { height } of ledger.db.prepare('SELECT height FROM blocks').all() as { height: number }[]) subsidies += blockSubsidy(height);
    expect(one('SELECT SUM(value) AS n FROM outputs WHERE spent_tx_id IS NULL')).toBe(subsidies);
    expect(summary.transactions).toBe(one('SELECT COUNT(*) AS n FROM txs'));
    ledger.close();
  });

  it('labels every transaction and every address with its ground truth', () => {
    const { ledger, one } = open(file);
    expect(one('SELECT COUNT(*) AS n FROM txs t LEFT JOIN gt_txs g ON g.tx_id = t.id WHERE g.tx_id IS NULL')).toBe(0);
    expect(one('SELECT COUNT(*) AS n FROM gt_txs g LEFT JOIN txs t ON t.id = g.tx_id WHERE t.id IS NULL')).toBe(0);
    // Every output except the witness commitment belongs to a known wallet.
    expect(one(`SELECT COUNT(*) AS n FROM outputs o JOIN addresses a ON a.id = o.address_id LEFT JOIN gt_addresses g ON g.address_id = o.address_id
                WHERE g.address_id IS NULL AND a.type <> 'op_return'`)).toBe(0);
    expect(one('SELECT COUNT(*) AS n FROM gt_addresses g LEFT JOIN gt_wallets w ON w.id = g.wallet_id WHERE w.id IS NULL')).toBe(0);
    ledger.close();
  });

  it("records change outputs that go back to the spender's own entity", () => {
    const { ledger, one } = open(file);
    const withChange = one('SELECT COUNT(*) AS n FROM gt_txs WHERE change_vout >= 0');
    expect(withChange).toBeGreaterThan(100);
    const mismatched = one(`
      SELECT COUNT(*) AS n FROM gt_txs g
      JOIN outputs o ON o.tx_id = g.tx_id AND o.vout = g.change_vout
      JOIN gt_addresses ga ON ga.address_id = o.address_id JOIN gt_wallets w ON w.id = ga.wallet_id
      WHERE g.change_vout >= 0 AND w.entity_id <> g.entity_id`);
    expect(mismatched).toBe(0);
    ledger.close();
  });

  it('keeps KYC records for exchange customers', () => {
    const { ledger, one } = open(file);
    expect(one('SELECT COUNT(*) AS n FROM gt_exchange_accounts')).toBeGreaterThanOrEqual(300);
    const row = ledger.db.prepare('SELECT full_name, attrs FROM gt_exchange_accounts LIMIT 1').get() as { full_name: string; attrs: string };
    expect(row.full_name.length).toBeGreaterThan(3);
    expect(Object.keys(JSON.parse(row.attrs))).toEqual(expect.arrayContaining(['born', 'city', 'phone', 'document']));
    ledger.close();
  });

  it('is a function of its options and seed', () => {
    const again = generateWorld(SMALL, tmp());
    const other = generateWorld({ ...SMALL, seed: 'another seed' }, tmp());
    expect(again.tipHash).toBe(summary.tipHash);
    expect(again.transactions).toBe(summary.transactions);
    expect(other.tipHash).not.toBe(summary.tipHash);
    // Same shape: the same cast, a similar volume.
    expect(other.entities).toEqual(summary.entities);
    expect(Math.abs(other.transactions - summary.transactions) / summary.transactions).toBeLessThan(0.25);
  });
});
