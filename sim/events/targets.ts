// Event targets: the markets and vendors sim/markets/ registers ('market:<id>',
// 'market:<id>/vendor:<n>'), checked to offer the methods events call (documented at the top of
// sim/markets/market.ts and sim/markets/vendor.ts).
import type { World } from '../world.ts';
import type { MarketBase } from '../markets/market-core.ts';
import type { Vendor } from '../markets/vendor.ts';
import { ParamError } from '../typologies/params.ts';

export function marketNamed(world: World, ref: string, path: string): MarketBase {
  const obj = /^market:[^/]+$/.test(ref) ? (world.registry.get(ref) as Record<string, unknown> | undefined) : undefined;
  if (!obj || typeof obj.sweepAll !== 'function' || typeof obj.freezeWithdrawals !== 'function') {
    const known = [...world.registry.keys()].filter((k) => /^market:[^/]+$/.test(k));
    throw new ParamError(path, `expected a market such as 'market:<id>', got ${JSON.stringify(ref)}; known: ${known.join(', ') || 'none (the world has no markets)'}`);
  }
  return obj as unknown as MarketBase;
}

/** A vendor by ref; 'market:<id>/vendor:top' is the market's most popular vendor. */
export function vendorNamed(world: World, ref: string, path: string): Vendor {
  const top = /^(market:[^/]+)\/vendor:top$/.exec(ref);
  if (top) {
    const market = marketNamed(world, top[1], path);
    const best = market.vendors.reduce<Vendor | undefined>((a, v) => (v.active && (!a || v.popularity > a.popularity) ? v : a), undefined);
    if (!best) throw new ParamError(path, `${top[1]} has no active vendor`);
    return best;
  }
  const obj = /^market:[^/]+\/vendor:\d+$/.test(ref) ? (world.registry.get(ref) as Record<string, unknown> | undefined) : undefined;
  if (!obj || typeof obj.cashOut !== 'function' || typeof obj.retire !== 'function') {
    throw new ParamError(path, `expected a vendor such as 'market:<id>/vendor:<n>' or 'market:<id>/vendor:top', got ${JSON.stringify(ref)}`);
  }
  return obj as unknown as Vendor;
}

/** Stops a market for good: shutDown where the market has it, else no orders and no withdrawals. */
export function closeMarket(market: MarketBase): void {
  const m = market as MarketBase & { shutDown?: () => void };
  if (typeof m.shutDown === 'function') m.shutDown();
  else {
    market.stopOrders();
    market.freezeWithdrawals();
  }
}
