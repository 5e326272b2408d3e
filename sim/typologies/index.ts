// Planted money-flow patterns (typologies) placed on named actors. Each trail of the world's
// options is checked, then scheduled on the simulated clock; its gt_trails row says where it
// started, where it ended and how far it got.
import type { World } from '../world.ts';
import type { TrailOptions } from '../options.ts';
import { TYPOLOGIES } from './registry.ts';
import { TrailParamError } from './params.ts';
import type { Typology } from './typology.ts';
import type { TrailRun } from './run.ts';

export { TYPOLOGIES } from './registry.ts';
export { TrailParamError } from './params.ts';
export type { Typology } from './typology.ts';
export type { TrailRun, TrailStatus } from './run.ts';

/** The typology a trail names; a TrailParamError at `${path}.typology` when there is none. */
export function typologyOf(trail: TrailOptions, path = 'trail'): Typology {
  const t = TYPOLOGIES.get(trail.typology);
  if (!t) throw new TrailParamError(`${path}.typology`, `unknown typology ${JSON.stringify(trail.typology)}; expected one of ${[...TYPOLOGIES.keys()].join(', ')}`);
  return t;
}

/** Checks every trail's typology and params without building anything (for scenario loaders). */
export function validateTrails(trails: readonly TrailOptions[]): void {
  const ids = new Set<string>();
  trails.forEach((trail, i) => {
    const path = `trails[${i}]`;
    if (ids.has(trail.id)) throw new TrailParamError(`${path}.id`, `trail id ${JSON.stringify(trail.id)} is used twice`);
    ids.add(trail.id);
    typologyOf(trail, path).validate(trail.params, `${path}.params`);
  });
}

/** Places every trail of the world's options; returns the running trails by id. */
export function placeTrails(world: World): Map<string, TrailRun> {
  const trails = world.options.trails;
  validateTrails(trails);
  const runs = new Map<string, TrailRun>();
  trails.forEach((trail, i) => runs.set(trail.id, typologyOf(trail, `trails[${i}]`).place(world, trail, `trails[${i}]`)));
  return runs;
}
