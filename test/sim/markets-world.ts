// A world built the way sim/world.ts builds one, but keeping the World, so that market tests can
// call the markets' and vendors' APIs (as trails and events do) on the simulated clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../chain/ledger.ts';
import { KeyDeriver } from '../../chain/keys.ts';
import { Rng } from '../../chain/rng.ts';
import { heightForDate } from '../../chain/consensus.ts';
import { Engine } from '../../sim/engine.ts';
import { World } from '../../sim/world.ts';
import { TruthWriter } from '../../sim/truth/writer.ts';
import { resolveWorldOptions, type WorldOptionsInput } from '../../sim/options.ts';
import { MiningPools } from '../../sim/actors/mining.ts';
import { Exchange } from '../../sim/actors/exchange.ts';
import { BackgroundEconomy } from '../../sim/actors/background.ts';
import { buildServices } from '../../sim/services/index.ts';
import { buildMarkets } from '../../sim/markets/index.ts';
import type { MarketBase } from '../../sim/markets/market-core.ts';

export const tmpFile = (): string => join(mkdtempSync(join(tmpdir(), 'onion-markets-')), 'world.sqlite');

export interface MarketWorld {
  ledger: Ledger;
  world: World;
  markets: MarketBase[];
}

/** Builds the world, lets `script` schedule calls before the first block, runs it, and returns the ledger (close it when done). */
export function runMarketWorld(file: string, input: WorldOptionsInput, script: (w: MarketWorld) => void = () => {}): MarketWorld {
  const options = resolveWorldOptions(input);
  const activityStart = Date.parse(`${options.startDate}T00:00:00Z`) / 1000;
  const seed = String(options.seed);
  const ledger = Ledger.create(file, {
    network: options.network,
    startHeight: heightForDate(activityStart) - options.warmupBlocks,
    startTime: activityStart - options.warmupBlocks * 600,
    seed,
  });
  ledger.beginBulk();
  const rng = Rng.fromSeed(seed).fork('world');
  const truth = new TruthWriter(ledger.db);
  let mining: MiningPools | undefined;
  const engine = new Engine({
    ledger,
    deriver: new KeyDeriver(seed),
    truth,
    rng: rng.fork('engine'),
    network: options.network,
    coinbase: (e) => mining!.coinbase(e),
    feeRate: (_e, r) => Math.max(1, r.lognormal(9, 0.6)),
  });
  const world = new World(engine, options, rng);
  mining = world.mining = new MiningPools(world);
  for (const x of options.exchanges) {
    const exchange = new Exchange(world, x);
    world.exchanges.set(x.id, exchange);
    world.exchangeList.push(exchange);
    world.register(`exchange:${x.id}`, exchange);
  }
  mining.addMiners();
  world.background = new BackgroundEconomy(world);
  buildServices(world);
  const markets = buildMarkets(world);
  engine.addActor(mining);
  for (const x of world.exchangeList) engine.addActor(x);
  engine.addActor(world.background);
  const mw: MarketWorld = { ledger, world, markets };
  script(mw);
  engine.run(activityStart + options.days * 86400);
  truth.finish();
  ledger.endBulk();
  return mw;
}
