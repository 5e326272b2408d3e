// The background economy: ordinary people who buy coins at exchanges, pay each other and shops,
// and sell back. It is the noise every planted trail hides in.
import type { Engine, Actor } from '../engine.ts';
import type { SimWallet } from '../sim-wallet.ts';
import type { World } from '../world.ts';
import type { Rng } from '../../chain/rng.ts';
import { addressEraAt, pickAddressKind } from '../calibration/distributions.ts';
import { usdToSats } from '../calibration/btc-usd.ts';

interface Person {
  entityId: number;
  wallet: SimWallet;
  exchange: number;
}


export class BackgroundEconomy implements Actor {
  readonly name = 'background';
  readonly people: Person[] = [];

  constructor(private readonly world: World) {
    const rng = world.rng.fork('background/people');
    const e = world.engine;
    const era = addressEraAt(world.dayTime(0));
    for (let i = 0; i < world.options.background.users; i++) {
      const exchange = rng.int(0, world.exchangeList.length - 1);
      const country = world.exchangeList[exchange].options.country;
      const entityId = e.entity('user', world.names.person(rng, country));
      const kind = pickAddressKind(rng, era);
      const wallet = e.wallet(entityId, 'personal', kind, {
        reuseAddress: rng.bool(0.15),
        shuffleOutputs: rng.bool(0.7),
        rbf: rng.bool(0.15),
        antiFeeSniping: kind !== 'p2pkh' && rng.bool(0.3),
        feeFactor: rng.lognormal(1, 0.35),
      });
      world.exchangeList[exchange].openAccount(entityId, rng);
      this.people.push({ entityId, wallet, exchange });
      world.holders.push(wallet);
    }
  }

  onBlock(engine: Engine): void {
    if (this.people.length === 0) return;
    const rng = this.world.rng.fork(`background/${engine.height}`);
    const b = this.world.options.background;
    for (let i = engine.perBlock(b.purchasesPerDay, rng); i > 0; i--) this.purchase(engine, rng);
    for (let i = engine.perBlock(b.paymentsPerDay, rng); i > 0; i--) this.payment(engine, rng);
    for (let i = engine.perBlock(b.salesPerDay, rng); i > 0; i--) this.sale(engine, rng);
  }

  private purchase(engine: Engine, rng: Rng): void {
    const p = rng.pick(this.people);
    const exchange = this.world.exchangeList[p.exchange];
    const usd = Math.min(20_000, rng.lognormal(180, 1.1));
    exchange.withdraw(p.wallet.address('receive'), usdToSats(roundUsd(usd, rng), engine.now), { intent: 'background', entityId: p.entityId });
  }

  private payment(engine: Engine, rng: Rng): void {
    const from = this.funded(engine, rng);
    if (!from) return;
    const balance = engine.balance(from.wallet);
    const usd = Math.min(rng.lognormal(45, 1.2), 5_000);
    const value = Math.min(Math.floor(balance * 0.8), usdToSats(roundUsd(usd, rng), engine.now));
    if (value < 5_000) return;
    const to = rng.bool(0.35) && this.world.merchants ? this.world.merchants.checkout(rng) : rng.pick(this.people).wallet.address('receive');
    engine.pay(from.wallet, [{ to, value }], { intent: 'background', entityId: from.entityId }, { rng });
  }

  private sale(engine: Engine, rng: Rng): void {
    const from = this.funded(engine, rng);
    if (!from) return;
    const exchange = this.world.exchangeList[from.exchange];
    const account = exchange.account(from.entityId)!;
    const balance = engine.balance(from.wallet);
    const value = Math.floor(balance * (rng.bool(0.4) ? 1 : 0.2 + 0.6 * rng.float()));
    if (value < 20_000) return;
    engine.pay(from.wallet, [{ to: account.deposit, value }], { intent: 'exchange_deposit', entityId: from.entityId }, { rng, sweep: value === balance });
  }

  /** A random person with coins to spend (a few tries). */
  private funded(engine: Engine, rng: Rng): Person | undefined {
    for (let t = 0; t < 6; t++) {
      const p = rng.pick(this.people);
      if (engine.balance(p.wallet) > 50_000) return p;
    }
    return undefined;
  }
}

/** People buy round dollar amounts more often than not. */
function roundUsd(usd: number, rng: Rng): number {
  if (rng.bool(0.35)) return usd;
  const step = usd < 100 ? 5 : usd < 1000 ? 50 : 500;
  return Math.max(step, Math.round(usd / step) * step);
}
