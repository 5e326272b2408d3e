// World events: exit scams, seizures, vendor exits, hacks, migrations.
import type { World } from '../world.ts';

export function scheduleEvents(_world: World): void {}
