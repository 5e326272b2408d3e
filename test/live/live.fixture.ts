// A small generated world for the live-world tests: both default markets, scaled down, two days.
import { mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../../sim/world.ts';
import { DEFAULT_WORLD, type WorldOptionsInput } from '../../sim/options.ts';
import { Ledger } from '../../chain/ledger.ts';
import { loadPools } from '../../chain/pools.ts';
import { BlockProducer } from '../../chain/producer.ts';
import { LiveWorld, type LiveOptions } from '../../sim/live/index.ts';

export const SMALL_WORLD: WorldOptionsInput = {
  seed: 'live-lab',
  days: 2,
  background: { users: 250, paymentsPerDay: 120, purchasesPerDay: 50, salesPerDay: 25 },
  // Half the escrow market's vendors finalize early, so both kinds of payout are there to test.
  markets: DEFAULT_WORLD.markets.map((m) => ({ ...m, vendors: 12, buyers: 120, ordersPerDay: 40, finalizeEarlyShare: m.model === 'shop' ? 1 : 0.5 })),
};

/** Generates the small world into a fresh temporary file and returns its path. */
export function smallWorldFile(input: WorldOptionsInput = SMALL_WORLD): string {
  const file = join(mkdtempSync(join(tmpdir(), 'onion-live-')), 'world.sqlite');
  generateWorld(input, file);
  return file;
}

export interface Served {
  ledger: Ledger;
  live: LiveWorld;
  producer: BlockProducer;
  /** Mines one live block and lets the live world act on it. */
  mine(): number;
  close(): void;
}

/** A cheap copy of a generated world (generation closed it, so the file is complete). */
export function copyWorld(file: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'onion-live-')), 'world.sqlite');
  copyFileSync(file, copy);
  return copy;
}

/** A listing of a market whose vendor does (or does not) finalize early, cheapest first. */
export function listingOf(ledger: Ledger, marketId: string, finalizeEarly: boolean, offset = 0): { id: string; priceUsd: number; vendorEntityId: number; payoutWallet: number } {
  const row = ledger.db
    .prepare(
      `SELECT l.id, l.price_usd AS priceUsd, v.entity_id AS vendorEntityId, v.payout_wallet AS payoutWallet
       FROM gt_market_listings l JOIN gt_market_vendors v ON v.entity_id = l.vendor_entity_id JOIN gt_markets m ON m.entity_id = l.market_entity_id
       WHERE m.ref = ? AND v.finalize_early = ? AND l.price_usd BETWEEN 15 AND 400 ORDER BY l.price_usd, l.id LIMIT 1 OFFSET ?`,
    )
    .get(`market:${marketId}`, finalizeEarly ? 1 : 0, offset) as { id: string; priceUsd: number; vendorEntityId: number; payoutWallet: number } | undefined;
  if (!row) throw new Error(`no listing on ${marketId} with finalizeEarly=${finalizeEarly}`);
  return row;
}

/** Opens a generated world as the lab serves it: ledger, live world, a block producer without timer. */
export function serve(file: string, opts: LiveOptions = {}): Served {
  const ledger = Ledger.open(file);
  const live = LiveWorld.open(ledger, opts);
  const producer = new BlockProducer(ledger, { intervalMs: 0, pools: loadPools(ledger), onBlock: (b) => live.onBlock(b) });
  return {
    ledger,
    live,
    producer,
    mine: () => producer.mineNow().height,
    close: () => ledger.close(),
  };
}
