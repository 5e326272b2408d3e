// Typology name → module. Scenario files name typologies by these keys.
import type { Typology } from './typology.ts';
import { peelChain } from './peel-chain.ts';
import { fanIn } from './fan-in.ts';
import { fanOut } from './fan-out.ts';
import { scatterGather } from './scatter-gather.ts';
import { gatherScatter } from './gather-scatter.ts';
import { cycle } from './cycle.ts';
import { consolidation } from './consolidation.ts';
import { exchangeCashout } from './exchange-cashout.ts';
import { mixerPass } from './mixer-pass.ts';
import { coinjoin } from './coinjoin.ts';
import { instantExchangerSwap } from './instant-exchanger-swap.ts';
import { gamblingLayering } from './gambling-layering.ts';
import { addressSwapTheft } from './address-swap-theft.ts';

const ALL = [
  peelChain,
  fanIn,
  fanOut,
  scatterGather,
  gatherScatter,
  cycle,
  consolidation,
  mixerPass,
  coinjoin,
  exchangeCashout,
  instantExchangerSwap,
  gamblingLayering,
  addressSwapTheft,
];

export const TYPOLOGIES: ReadonlyMap<string, Typology> = new Map<string, Typology>(ALL.map((t) => [t.name, t as unknown as Typology]));
