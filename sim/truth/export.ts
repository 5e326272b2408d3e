// Ground truth as labelled data for instructors and researchers, in the shapes existing tools
// read: GraphSense TagPacks (YAML attribution tags, https://github.com/graphsense/graphsense-tagpacks)
// and the Elliptic dataset (Weber et al. 2019, "Anti-Money Laundering in Bitcoin": a classes file,
// an edge list and a features file keyed by anonymised transaction ids).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Db } from '../../chain/store/open.ts';
import { reverseHex } from '../../chain/bytes.ts';

/** GraphSense category by entity kind (their taxonomy's names where one fits). */
const TAG_CATEGORY: Record<string, string> = {
  exchange: 'exchange',
  exchange_customer: 'user',
  instant_exchanger: 'exchange',
  mixer: 'mixing_service',
  coinjoin: 'coinjoin',
  market: 'market',
  vendor: 'vendor',
  buyer: 'user',
  user: 'user',
  gambling: 'gambling',
  merchant: 'shop',
  payment_processor: 'payment_processor',
  mining_pool: 'miner',
  phisher: 'perpetrator',
  law_enforcement: 'law_enforcement',
  atm_operator: 'atm',
  p2p_trader: 'otc',
};

/** Transactions whose purpose is illicit (Elliptic class 1) whoever initiates them. */
const ILLICIT_INTENTS = new Set([
  'order_payment', 'market_sweep', 'escrow_release', 'vendor_payout', 'refund', 'vendor_withdrawal', 'peel_hop',
  'mixer_in', 'mixer_out', 'exit_scam', 'hack', 'theft', 'market_profit', 'vendor_bond', 'layering',
]);
/** Initiators whose every transaction is illicit. */
const ILLICIT_KINDS = new Set(['market', 'vendor', 'phisher', 'mixer']);
/** Initiators whose ordinary transactions are licit (Elliptic class 2); everything else is 'unknown'. */
const LICIT_KINDS = new Set(['exchange', 'mining_pool', 'merchant', 'payment_processor', 'user', 'atm_operator', 'p2p_trader', 'exchange_customer', 'lab', 'law_enforcement']);

export interface TagPackOptions {
  title?: string;
  creator?: string;
  /** Only addresses of these entity kinds (default: every kind). */
  kinds?: string[];
}

/** One TagPack (YAML) attributing every address of the world to its owner. */
export function exportTagPack(db: Db, opts: TagPackOptions = {}): string {
  const world = JSON.parse(((db.prepare("SELECT value FROM meta WHERE key = 'world'").get() as { value: string } | undefined)?.value) ?? '{}');
  const tip = db.prepare('SELECT time FROM blocks ORDER BY height DESC LIMIT 1').get() as { time: number } | undefined;
  const lastmod = new Date((tip?.time ?? 0) * 1000).toISOString().slice(0, 10);
  const kinds = opts.kinds ? new Set(opts.kinds) : null;
  const rows = db
    .prepare(
      `SELECT a.address, e.kind, e.name, w.label AS wallet, g.role
       FROM gt_addresses g JOIN addresses a ON a.id = g.address_id JOIN gt_wallets w ON w.id = g.wallet_id JOIN gt_entities e ON e.id = w.entity_id
       WHERE a.address IS NOT NULL ORDER BY a.id`,
    )
    .all() as { address: string; kind: string; name: string; wallet: string; role: string }[];
  const tags = rows
    .filter((r) => !kinds || kinds.has(r.kind))
    .map((r) => ({
      address: r.address,
      label: r.name,
      category: TAG_CATEGORY[r.kind] ?? r.kind,
      ...(r.kind === 'phisher' ? { abuse: 'phishing' } : r.kind === 'market' || r.kind === 'vendor' ? { abuse: 'darknet_market' } : {}),
      context: JSON.stringify({ wallet: r.wallet, role: r.role }),
    }));
  return stringify({
    title: opts.title ?? `Onion Range world ${world.summary?.seed ?? ''} (synthetic ground truth)`.trim(),
    creator: opts.creator ?? 'Onion Range simulator',
    description: 'SYNTHETIC TRAINING DATA. Every address belongs to a simulated world; none exists on the real Bitcoin network.',
    is_public: false,
    currency: 'BTC',
    lastmod,
    source: 'onion-range:ground-truth',
    confidence: 'ownership',
    tags,
  });
}

/** Elliptic-shaped CSVs in `dir`: txs_classes.csv, txs_edgelist.csv, txs_features.csv, plus txid_map.csv. */
export function exportElliptic(db: Db, dir: string): { txs: number; edges: number; illicit: number; licit: number } {
  mkdirSync(dir, { recursive: true });
  const settings = JSON.parse((db.prepare("SELECT value FROM meta WHERE key = 'settings'").get() as { value: string }).value) as { startTime: number };
  const txs = db
    .prepare(
      `SELECT t.id, t.txid, t.fee, t.size, t.weight, b.time, g.intent, e.kind,
              (SELECT COUNT(*) FROM outputs o WHERE o.spent_tx_id = t.id) AS nIn,
              (SELECT COALESCE(SUM(value), 0) FROM outputs o WHERE o.spent_tx_id = t.id) AS valueIn,
              (SELECT COUNT(*) FROM outputs o WHERE o.tx_id = t.id) AS nOut,
              (SELECT COALESCE(SUM(value), 0) FROM outputs o WHERE o.tx_id = t.id) AS valueOut
       FROM txs t JOIN blocks b ON b.height = t.block_height LEFT JOIN gt_txs g ON g.tx_id = t.id LEFT JOIN gt_entities e ON e.id = g.entity_id
       ORDER BY t.block_height, t.block_pos`,
    )
    .all() as { id: number; txid: Uint8Array; fee: number; size: number; weight: number; time: number; intent: string | null; kind: string | null; nIn: number; valueIn: number; nOut: number; valueOut: number }[];
  const classes = ['txId,class'];
  const features: string[] = [];
  const map = ['txId,txid'];
  let illicit = 0;
  let licit = 0;
  for (const t of txs) {
    const cls = classOf(t.intent, t.kind);
    if (cls === '1') illicit++;
    if (cls === '2') licit++;
    classes.push(`${t.id},${cls}`);
    // Time step: the day of the world (1-based); Elliptic's steps are about two weeks each.
    const step = Math.max(1, Math.floor((t.time - settings.startTime) / 86400) + 1);
    features.push([t.id, step, t.nIn, t.nOut, t.valueIn / 1e8, t.valueOut / 1e8, t.fee / 1e8, t.size, Math.ceil(t.weight / 4)].join(','));
    map.push(`${t.id},${reverseHex(new Uint8Array(t.txid))}`);
  }
  const edges = db.prepare('SELECT DISTINCT tx_id AS a, spent_tx_id AS b FROM outputs WHERE spent_tx_id IS NOT NULL ORDER BY a, b').all() as { a: number; b: number }[];
  writeFileSync(join(dir, 'txs_classes.csv'), `${classes.join('\n')}\n`);
  writeFileSync(join(dir, 'txs_edgelist.csv'), `txId1,txId2\n${edges.map((e) => `${e.a},${e.b}`).join('\n')}\n`);
  // As in Elliptic, the features file has no header: txId, time step, then the local features
  // (inputs, outputs, BTC in, BTC out, fee BTC, size, vsize). README.txt names the columns.
  writeFileSync(join(dir, 'txs_features.csv'), `${features.join('\n')}\n`);
  writeFileSync(join(dir, 'txid_map.csv'), `${map.join('\n')}\n`);
  writeFileSync(
    join(dir, 'README.txt'),
    [
      'SYNTHETIC TRAINING DATA from an Onion Range world, in the shape of the Elliptic dataset.',
      'txs_classes.csv: txId,class with 1 = illicit, 2 = licit, unknown (as Elliptic labels them).',
      'txs_edgelist.csv: txId1,txId2 — txId2 spends an output of txId1.',
      'txs_features.csv (no header): txId, time step (day of the world), inputs, outputs, BTC in, BTC out, fee BTC, size, vsize.',
      'txid_map.csv: the anonymised txId and the ledger txid, for instructors.',
      '',
    ].join('\n'),
  );
  return { txs: txs.length, edges: edges.length, illicit, licit };
}

function classOf(intent: string | null, kind: string | null): '1' | '2' | 'unknown' {
  if (intent && ILLICIT_INTENTS.has(intent)) return '1';
  if (kind && ILLICIT_KINDS.has(kind)) return '1';
  if (kind && LICIT_KINDS.has(kind)) return '2';
  return 'unknown';
}
