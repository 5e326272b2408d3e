// World events: exit scams, seizures, vendor exits, hacks, migrations. Each event of the world's
// options is checked, its target resolved, and scheduled on the simulated clock; every phase
// writes a gt_events row (kind, time, height, entity, attrs with the event id and phase).
import type { World } from '../world.ts';
import type { EventOptions } from '../options.ts';
import { ParamError } from '../typologies/params.ts';
import { EVENTS } from './registry.ts';
import type { EventModule, EventRun } from './event.ts';

export { EVENTS } from './registry.ts';
export type { EventModule, EventRun, EventKind, LaunderSpec } from './event.ts';

export function eventModuleOf(event: EventOptions, path = 'event'): EventModule {
  const m = EVENTS.get(event.kind);
  if (!m) throw new ParamError(`${path}.kind`, `unknown event kind ${JSON.stringify(event.kind)}; expected one of ${[...EVENTS.keys()].join(', ')}`);
  return m;
}

/** Checks every event's kind and params without building anything (for scenario loaders). */
export function validateEvents(events: readonly EventOptions[]): void {
  events.forEach((event, i) => eventModuleOf(event, `events[${i}]`).validate(event.params, `events[${i}].params`));
}

/** Schedules every event of the world's options; returns them in order. */
export function scheduleEvents(world: World): EventRun[] {
  const events = world.options.events;
  validateEvents(events);
  return events.map((event, i) => eventModuleOf(event, `events[${i}]`).schedule(world, event, i, `events[${i}]`));
}
