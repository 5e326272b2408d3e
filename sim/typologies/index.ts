// Planted money-flow patterns (typologies) placed on named actors.
import type { World } from '../world.ts';

export function placeTrails(_world: World): void {}
