// The lab's treasury (made at generation) and trainees' lab wallets (made live): real coins with an
// ordinary origin, rebuilt from the database, paid with real transactions, recorded in the truth.
import { describe, it, expect, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import { outputFor } from '../../chain/keys.ts';
import { KeyDeriver } from '../../chain/keys.ts';
import { addressToScript, scriptToAddress } from '../../chain/address.ts';
import { ChainReader } from '../../chain/store/reader.ts';
import { verifyLedger } from '../../chain/verify.ts';
import { equalBytes } from '../../chain/bytes.ts';
import type { AddressKind } from '../../chain/types.ts';
import { LAB_TREASURY, LAB_WALLET_BASE, LiveError, parseBtc, formatBtc } from '../../sim/live/index.ts';
import { smallWorldFile, copyWorld, serve } from './live.fixture.ts';

let worldFile: string;
beforeAll(() => {
  worldFile = smallWorldFile();
}, 120_000);

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LiveError);
    return (err as LiveError).code;
  }
  throw new Error('expected a LiveError');
};

describe('the lab treasury', () => {
  it('is bought at a KYC exchange during generation and recorded like every wallet', () => {
    const db = new Database(worldFile, { readonly: true });
    try {
      const lab = db.prepare("SELECT e.id, w.id AS wallet, w.label, w.address_kind AS kind FROM gt_entities e JOIN gt_wallets w ON w.entity_id = e.id WHERE e.kind = 'lab'").all() as { id: number; wallet: number; label: string; kind: string }[];
      expect(lab).toHaveLength(1);
      expect(lab[0].label).toBe('treasury');
      const coins = db
        .prepare(
          `SELECT o.value, t.block_height AS height, t.id AS txId, g.role FROM gt_addresses g JOIN outputs o ON o.address_id = g.address_id JOIN txs t ON t.id = o.tx_id
           WHERE g.wallet_id = ?`,
        )
        .all(lab[0].wallet) as { value: number; height: number; txId: number; role: string }[];
      expect(coins).toHaveLength(LAB_TREASURY.tranches);
      expect(coins.every((c) => c.value === LAB_TREASURY.trancheSats && c.role === 'receive')).toBe(true);
      // Paid by exchange withdrawals, from KYC exchanges where the lab holds an account on record.
      for (const c of coins) {
        const truth = db.prepare('SELECT g.intent, e.kind, e.attrs FROM gt_txs g JOIN gt_entities e ON e.id = g.entity_id WHERE g.tx_id = ?').get(c.txId) as { intent: string; kind: string; attrs: string };
        expect(truth).toMatchObject({ intent: 'exchange_withdrawal', kind: 'exchange' });
        expect(JSON.parse(truth.attrs).kyc).toBe(true);
      }
      const accounts = db.prepare('SELECT full_name FROM gt_exchange_accounts WHERE entity_id = ?').all(lab[0].id) as { full_name: string }[];
      expect(accounts.length).toBeGreaterThan(0);
      // Bought before the world's activity is a day old.
      const start = db.prepare('SELECT MIN(height) AS h FROM blocks').get() as { h: number };
      expect(Math.max(...coins.map((c) => c.height))).toBeLessThan(start.h + 150 + 144);
    } finally {
      db.close();
    }
  });

  it('is rebuilt from the database with keys that re-derive its own scripts', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const t = s.live.treasury()!;
      expect(t.balance).toEqual({ confirmed: LAB_TREASURY.tranches * LAB_TREASURY.trancheSats, unconfirmed: 0, total: LAB_TREASURY.tranches * LAB_TREASURY.trancheSats });
      const deriver = new KeyDeriver(s.ledger.settings.seed);
      const scriptOf = s.ledger.db.prepare('SELECT a.script FROM txs t JOIN outputs o ON o.tx_id = t.id AND o.vout = ? JOIN addresses a ON a.id = o.address_id WHERE t.txid = ?');
      // The treasury, and a market's hot wallet with many coins: every coin's key pays its script.
      const hot = (s.ledger.db.prepare("SELECT hot_wallet AS h FROM gt_markets WHERE ref = 'market:silkway'").get() as { h: number }).h;
      for (const walletId of [t.walletId, hot]) {
        const kind = s.live.wallet(walletId).kind as AddressKind;
        const utxos = s.live.utxos(walletId);
        expect(utxos.length).toBeGreaterThan(0);
        for (const u of utxos.slice(0, 25)) {
          const stored = new Uint8Array((scriptOf.get(u.vout, u.txid) as { script: Uint8Array }).script);
          expect(equalBytes(outputFor(kind, u.key).script, stored)).toBe(true);
          expect(equalBytes(u.key.pubkey, deriver.key(walletId, u.key.index).pubkey)).toBe(true);
        }
        expect(utxos.reduce((a, u) => a + u.value, 0)).toBe(s.live.walletBalance(walletId).total);
      }
    } finally {
      s.close();
    }
  });
});

describe('a trainee’s lab wallet', () => {
  it('is funded from the treasury through the mempool and the next block', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const chain = new ChainReader(s.ledger.db, s.ledger.settings.network);
      const w = s.live.createLabWallet('t1');
      expect(w.walletId).toBe(LAB_WALLET_BASE);
      expect(s.live.createLabWallet('t1')).toEqual(w);
      expect(s.live.createLabWallet('t2').walletId).toBe(LAB_WALLET_BASE + 1);
      expect(s.live.balance('t1')).toEqual({ confirmed: 0, unconfirmed: 0, total: 0 });

      // One receive address until it is paid.
      const address = s.live.receiveAddress('t1');
      expect(s.live.receiveAddress('t1')).toBe(address);
      expect(scriptToAddress(outputFor('p2wpkh', new KeyDeriver(s.ledger.settings.seed).key(w.walletId, 0)).script)).toBe(address);

      const treasuryBefore = s.live.treasury()!.balance.total;
      const sent = s.live.requestAllowance('t1', 2_500_000);
      expect(chain.mempoolTxids()).toContain(sent.txid);
      const tx = chain.tx(sent.txid)!;
      expect(tx.vout.find((o) => o.scriptpubkey_address === address)?.value).toBe(2_500_000);
      expect(s.live.balance('t1')).toEqual({ confirmed: 0, unconfirmed: 2_500_000, total: 2_500_000 });
      expect(s.live.treasury()!.balance.total).toBe(treasuryBefore - 2_500_000 - sent.fee);
      expect(s.live.history('t1')).toMatchObject([{ txid: sent.txid, height: null, delta: 2_500_000, intent: 'lab_allowance' }]);
      expect(s.live.receiveAddress('t1')).not.toBe(address);

      const height = s.mine();
      expect(chain.mempoolTxids()).not.toContain(sent.txid);
      expect(s.live.balance('t1')).toEqual({ confirmed: 2_500_000, unconfirmed: 0, total: 2_500_000 });
      expect(s.live.history('t1')[0]).toMatchObject({ height, delta: 2_500_000 });
      expect(s.live.labWallet('t1')!.allowanceTxid).toBe(sent.txid);
      expect(codeOf(() => s.live.requestAllowance('t1', 2_500_000))).toBe('allowance-used');

      // The truth: the trainee is a 'lab' entity, its wallet and address are on record.
      const db = s.ledger.db;
      expect(db.prepare('SELECT kind FROM gt_entities WHERE id = ?').get(w.entityId)).toEqual({ kind: 'lab' });
      expect(db.prepare('SELECT entity_id AS e, address_kind AS k FROM gt_wallets WHERE id = ?').get(w.walletId)).toEqual({ e: w.entityId, k: 'p2wpkh' });
      expect(db.prepare('SELECT g.wallet_id AS w, g.key_index AS i, g.role FROM gt_addresses g JOIN addresses a ON a.id = g.address_id WHERE a.address = ?').get(address)).toEqual({ w: w.walletId, i: 0, role: 'receive' });
    } finally {
      s.close();
    }
  });

  it('sends to any address, with change back to itself, and between trainees', () => {
    const s = serve(copyWorld(worldFile));
    try {
      s.live.fund('a', 1_000_000);
      s.mine();
      const toB = s.live.receiveAddress(s.live.createLabWallet('b').ownerId);
      const sent = s.live.send('a', toB, 300_000, 2);
      expect(s.live.balance('a')).toEqual({ confirmed: 1_000_000, unconfirmed: -300_000 - sent.fee, total: 700_000 - sent.fee });
      expect(s.live.balance('b')).toEqual({ confirmed: 0, unconfirmed: 300_000, total: 300_000 });
      expect(sent.fee).toBeGreaterThanOrEqual(Math.ceil(sent.vsize * 2) - 2);
      s.mine();
      expect(s.live.balance('a')).toEqual({ confirmed: 700_000 - sent.fee, unconfirmed: 0, total: 700_000 - sent.fee });
      expect(s.live.history('b')).toMatchObject([{ txid: sent.txid, delta: 300_000 }]);
      expect(s.live.history('a')[0]).toMatchObject({ txid: sent.txid, delta: -300_000 - sent.fee, intent: 'lab_transfer' });
      // An unconfirmed coin can be spent on at once (its own change, here).
      const again = s.live.send('a', toB, 100_000, 1);
      const chained = s.live.send('a', toB, 100_000, 1);
      expect(again.txid).not.toBe(chained.txid);
      s.mine();
      expect(s.live.balance('b').confirmed).toBe(500_000);
      expect(verifyLedger(s.ledger).problems).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('refuses bad sends with a clear reason', () => {
    const s = serve(copyWorld(worldFile));
    try {
      s.live.fund('poor', 50_000);
      s.mine();
      const ok = s.live.receiveAddress(s.live.createLabWallet('other').ownerId);
      expect(codeOf(() => s.live.send('poor', ok, 60_000, 1))).toBe('insufficient-funds');
      expect(() => s.live.send('poor', ok, 60_000, 1)).toThrow(/insufficient funds: need 0\.0006\d+ BTC including the fee, the wallet can spend 0\.00050000 BTC/);
      expect(codeOf(() => s.live.send('poor', 'bc1qnotanaddress', 10_000, 1))).toBe('invalid-address');
      expect(codeOf(() => s.live.send('poor', '', 10_000, 1))).toBe('invalid-address');
      // A testnet address on a mainnet world.
      expect(() => s.live.send('poor', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 10_000, 1)).toThrow(/wrong network/);
      expect(codeOf(() => s.live.send('poor', ok, 100, 1))).toBe('invalid-amount');
      expect(codeOf(() => s.live.send('poor', ok, 1.5, 1))).toBe('invalid-amount');
      expect(codeOf(() => s.live.send('poor', ok, 10_000, 0))).toBe('invalid-fee-rate');
      expect(codeOf(() => s.live.send('poor', ok, 10_000, Number.NaN))).toBe('invalid-fee-rate');
      expect(codeOf(() => s.live.send('nobody', ok, 10_000, 1))).toBe('unknown-wallet');
      expect(codeOf(() => s.live.balance(''))).toBe('invalid-input');
      // Nothing was sent by any of these.
      expect(s.live.balance('poor')).toEqual({ confirmed: 50_000, unconfirmed: 0, total: 50_000 });
    } finally {
      s.close();
    }
  });

  it('any world wallet can pay through the live world, recorded in the truth', () => {
    const s = serve(copyWorld(worldFile));
    try {
      const hot = (s.ledger.db.prepare("SELECT hot_wallet AS h, entity_id AS e FROM gt_markets WHERE ref = 'market:polarnaya'").get() as { h: number; e: number });
      const to = s.live.freshAddress(hot.h, 'hot');
      const before = s.live.walletBalance(hot.h).total;
      const sent = s.live.pay(hot.h, { outputs: [{ value: 123_456, script: addressToScript(to) }], feeRate: 3 }, { intent: 'self_transfer' });
      expect(s.live.walletBalance(hot.h).total).toBe(before - sent.fee);
      const truth = s.ledger.db.prepare('SELECT intent, entity_id AS e, change_vout AS c FROM gt_txs WHERE tx_id = ?').get(sent.txId);
      expect(truth).toEqual({ intent: 'self_transfer', e: hot.e, c: sent.changeVout });
      expect(s.live.walletHistory(hot.h, 1)[0].txid).toBe(sent.txid);
    } finally {
      s.close();
    }
  });
});

describe('amounts', () => {
  it('parses and formats BTC exactly', () => {
    expect(parseBtc('0.015')).toBe(1_500_000);
    expect(parseBtc(' 1 ')).toBe(100_000_000);
    expect(parseBtc('.00000001')).toBe(1);
    expect(parseBtc('21000000.00000000')).toBe(2_100_000_000_000_000);
    for (const bad of ['', '0', '-1', '1e-3', '0.000000001', 'abc', '1,5', '0x10']) expect(() => parseBtc(bad), bad).toThrow(LiveError);
    expect(formatBtc(1_500_000)).toBe('0.01500000');
    expect(formatBtc(-1)).toBe('-0.00000001');
    for (const sats of [1, 546, 99_999_999, 100_000_000, 123_456_789_012]) expect(parseBtc(formatBtc(sats))).toBe(sats);
  });
});
