// The Russian-language dead-drop ("klad") shop market (Hydra style). Vendors run shops on it; a buyer
// picks a product in a city, pays, and gets the drop's coordinates at once. Every order has its own
// deposit address. Buyers without coins pay through the instant exchanger named in the market's
// options: they hand the exchanger cash or e-money, and the exchanger pays the order's address from
// its own hot wallet (intent order_payment, attrs.buyer = the buyer). Buyers who hold coins (bought
// from a P2P trader or an exchange) pay the address themselves. Deposits are swept into the hot
// wallet; shops are credited when the payment confirms (or after the complaint window, for shops
// not trusted to be paid early) and paid out on a fast schedule (payoutEveryBlocks).
//
// Used by trails and events (registered as 'market:<id>'): the same surface as the escrow market
// (market-core.ts), plus market.exchangerRef, the exchanger the shop's buyers pay through.
import type { Engine } from '../engine.ts';
import type { World } from '../world.ts';
import type { MarketOptions } from '../options.ts';
import { MarketBase, type MarketDeps } from './market-core.ts';
import type { Order } from './order.ts';
import { voutTo } from './vendor.ts';

export class ShopMarket extends MarketBase {
  /** 'exchanger:<id>' */
  readonly exchangerRef: string;

  constructor(world: World, options: MarketOptions, deps: MarketDeps) {
    super(world, options, deps);
    this.exchangerRef = `exchanger:${options.exchanger}`;
  }

  protected override startPayment(engine: Engine, order: Order): void {
    const exchanger = order.buyer.funding === 'instant_exchanger' ? this.deps.services.exchanger(this.exchangerRef) : undefined;
    if (!exchanger) {
      super.startPayment(engine, order);
      return;
    }
    // The buyer pays the exchanger off-chain; the exchanger pays the shop's order address exactly.
    exchanger.api.swapToBtc(
      order.deposit,
      order.sats,
      { intent: 'order_payment', attrs: { market: this.id, order: order.id, buyer: order.buyer.entityId } },
      (sent) => {
        if (order.state === 'awaiting_payment') this.notePaidBy(order, sent, voutTo(sent, order.deposit.script), engine.height, engine.now, this.exchangerRef);
      },
    );
  }

  protected onDepositConfirmed(engine: Engine, order: Order): void {
    // Coordinates are handed over at payment: the order counts as delivered.
    order.shippedAt = engine.now;
    if (order.vendor.finalizeEarly) {
      this.finalize(engine, order, 'early');
      return;
    }
    this.record(order);
    engine.after(Math.round(this.options.autoFinalizeDays * 86400), (e) => {
      if (order.state === 'paid' && !this.shut) this.finalize(e, order, 'auto');
    });
  }
}
