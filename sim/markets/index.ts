// Darkweb markets, their vendors and buyers: one escrow or shop market per MarketOptions, each
// registered as 'market:<id>' with its vendors as 'market:<id>/vendor:<n>'. Records go to the
// gt_market_* tables (truth.ts).
import type { World } from '../world.ts';
import { MarketTruth } from './truth.ts';
import { ServiceLinks } from './services.ts';
import { EscrowMarket } from './market.ts';
import { ShopMarket } from './shop-market.ts';
import type { MarketBase } from './market-core.ts';

export { EscrowMarket } from './market.ts';
export { ShopMarket } from './shop-market.ts';
export { MarketBase } from './market-core.ts';
export { Vendor } from './vendor.ts';
export { Buyer } from './buyer.ts';
export { Order } from './order.ts';
export { MarketTruth, MARKET_TABLES_SQL } from './truth.ts';

export function buildMarkets(world: World): MarketBase[] {
  const markets: MarketBase[] = [];
  const db = world.engine.ledger.db;
  db.transaction(() => {
    // The tables exist in every world (empty without markets), so readers need not check.
    const truth = new MarketTruth(db);
    const services = new ServiceLinks(world);
    for (const options of world.options.markets) {
      const deps = { truth, services };
      const market = options.model === 'shop' ? new ShopMarket(world, options, deps) : new EscrowMarket(world, options, deps);
      world.register(market.ref, market);
      market.populate();
      world.engine.addActor(market);
      markets.push(market);
    }
  })();
  return markets;
}
