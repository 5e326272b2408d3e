// Darkweb markets, their vendors and buyers.
import type { World } from '../world.ts';

export function buildMarkets(_world: World): void {}
