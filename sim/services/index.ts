// Services of the world economy: instant exchangers, mixers, CoinJoin coordinators, gambling,
// merchants and their payment processor.
import type { World } from '../world.ts';

export function buildServices(_world: World): void {}
