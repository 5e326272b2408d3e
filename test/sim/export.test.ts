import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateWorld } from '../../sim/world.ts';
import { Ledger } from '../../chain/ledger.ts';
import { exportTagPack, exportElliptic } from '../../sim/truth/export.ts';

describe('ground truth export', () => {
  let ledger: Ledger;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onion-export-'));
    generateWorld({ days: 2, background: { users: 200, paymentsPerDay: 100, purchasesPerDay: 60, salesPerDay: 20 } }, join(dir, 'w.sqlite'));
    ledger = Ledger.open(join(dir, 'w.sqlite'), { readonly: true });
  }, 120_000);

  it('writes a TagPack attributing every address to its true owner', () => {
    const pack = parse(exportTagPack(ledger.db));
    expect(pack.title).toMatch(/synthetic/i);
    expect(pack.currency).toBe('BTC');
    const addressed = (ledger.db.prepare('SELECT COUNT(*) AS n FROM gt_addresses g JOIN addresses a ON a.id = g.address_id WHERE a.address IS NOT NULL').get() as { n: number }).n;
    expect(pack.tags).toHaveLength(addressed);
    const owner = ledger.db.prepare(
      `SELECT e.name, e.kind FROM addresses a JOIN gt_addresses g ON g.address_id = a.id JOIN gt_wallets w ON w.id = g.wallet_id JOIN gt_entities e ON e.id = w.entity_id WHERE a.address = ?`,
    );
    for (const tag of pack.tags.slice(0, 200)) {
      const o = owner.get(tag.address) as { name: string; kind: string };
      expect(tag.label).toBe(o.name);
    }
    expect(pack.tags.some((t: { category: string; abuse?: string }) => t.category === 'market' && t.abuse === 'darknet_market')).toBe(true);
  });

  it('writes Elliptic-shaped classes, edges and features for every transaction', () => {
    const out = join(dir, 'elliptic');
    const r = exportElliptic(ledger.db, out);
    const txCount = (ledger.db.prepare('SELECT COUNT(*) AS n FROM txs').get() as { n: number }).n;
    expect(r.txs).toBe(txCount);
    const classes = readFileSync(join(out, 'txs_classes.csv'), 'utf8').trim().split('\n');
    expect(classes[0]).toBe('txId,class');
    expect(classes).toHaveLength(txCount + 1);
    const cls = new Map(classes.slice(1).map((l) => l.split(',') as [string, string]));
    const idOf = (intent: string) => (ledger.db.prepare('SELECT tx_id AS id FROM gt_txs WHERE intent = ? LIMIT 1').get(intent) as { id: number }).id;
    expect(cls.get(String(idOf('order_payment')))).toBe('1');
    expect(cls.get(String(idOf('coinbase')))).toBe('2');
    const edges = readFileSync(join(out, 'txs_edgelist.csv'), 'utf8').trim().split('\n').slice(1);
    expect(edges.length).toBe(r.edges);
    for (const e of edges.slice(0, 500)) {
      const [a, b] = e.split(',');
      expect(cls.has(a) && cls.has(b)).toBe(true);
    }
    const features = readFileSync(join(out, 'txs_features.csv'), 'utf8').trim().split('\n');
    expect(features).toHaveLength(txCount);
    expect(features[0].split(',')).toHaveLength(9);
  });
});
