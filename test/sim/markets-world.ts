// A world built the way sim/world.ts builds one, but keeping the World, so that market tests can
// call the markets' and vendors' APIs (as trails and events do) on the simulated clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../chain/ledger.ts';
import { createWorld, type World } from '../../sim/world.ts';
import type { WorldOptionsInput } from '../../sim/options.ts';
import type { MarketBase } from '../../sim/markets/market-core.ts';

export const tmpFile = (): string => join(mkdtempSync(join(tmpdir(), 'onion-markets-')), 'world.sqlite');

export interface MarketWorld {
  ledger: Ledger;
  world: World;
  markets: MarketBase[];
}

/** Builds the world, lets `script` schedule calls before the first block, runs it, and returns the ledger (close it when done). */
export function runMarketWorld(file: string, input: WorldOptionsInput, script: (w: MarketWorld) => void = () => {}): MarketWorld {
  const build = createWorld(input, file);
  const mw: MarketWorld = { ledger: build.ledger, world: build.world, markets: build.markets };
  script(mw);
  build.run();
  build.finish();
  return mw;
}
