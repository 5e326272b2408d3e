// Services of the world economy: instant exchangers, mixers, CoinJoin coordinators, gambling,
// merchants and their payment processor, and the ATM/P2P sellers. Each is an entity with wallets,
// an actor on the engine, and a named entry in the world's registry for markets, trails and events:
//   exchanger:<id>  InstantExchanger  (instant-exchanger.ts)
//   mixer:<id>      Mixer             (mixer.ts)
//   coinjoin        CoinJoinService   (coinjoin.ts; also coinjoin:whirlpool, coinjoin:wasabi)
//   gambling:<id>   GamblingSite      (gambling.ts)
//   processor:<slug> PaymentProcessor (merchants.ts; also world.merchants)
//   p2p             P2PMarket         (p2p.ts; also atm:<slug>)
import type { World } from '../world.ts';
import { InstantExchanger } from './instant-exchanger.ts';
import { Mixer } from './mixer.ts';
import { CoinJoinService } from './coinjoin.ts';
import { GamblingSite } from './gambling.ts';
import { PaymentProcessor } from './merchants.ts';
import { P2PMarket } from './p2p.ts';

export interface Services {
  exchangers: InstantExchanger[];
  mixers: Mixer[];
  coinjoin: CoinJoinService;
  gambling: GamblingSite[];
  processor: PaymentProcessor | null;
  p2p: P2PMarket;
}

export function buildServices(world: World): Services {
  const e = world.engine;
  const o = world.options;
  const exchangers = o.instantExchangers.map((x) => new InstantExchanger(world, x));
  const mixers = o.mixers.map((m) => new Mixer(world, m));
  const coinjoin = new CoinJoinService(world);
  const gambling = o.services.gambling.map((g) => new GamblingSite(world, g));
  const processor = o.services.merchants > 0 ? new PaymentProcessor(world) : null;
  const p2p = new P2PMarket(world);

  for (const x of exchangers) world.register(x.name, x);
  for (const m of mixers) world.register(m.name, m);
  world.register('coinjoin', coinjoin);
  world.register(coinjoin.whirlpool.name, coinjoin.whirlpool);
  world.register(coinjoin.wasabi.name, coinjoin.wasabi);
  for (const g of gambling) world.register(g.name, g);
  if (processor) {
    world.register(processor.name, processor);
    world.merchants = processor;
  }
  world.register('p2p', p2p);
  world.register(`atm:${o.services.atmName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`, p2p);

  for (const actor of [...exchangers, ...mixers, coinjoin.whirlpool, coinjoin.wasabi, ...gambling, ...(processor ? [processor] : []), p2p]) e.addActor(actor);
  return { exchangers, mixers, coinjoin, gambling, processor, p2p };
}
